"""Protocol arithmetic on counting forms: mismatches are findings, flagged and never blocking."""

from __future__ import annotations

import re

from checklists.models import Question


def _figure(answers: dict, name: str) -> int | None:
    value = answers.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def protocol_check(answers: dict) -> list[str]:
    """The counting protocol's arithmetic problems as messages with the figures (empty when it adds up).

    `answers` maps protocol fields (ballots_received, ..., candidate_N) to integers; a rule whose figures are
    missing is not checked. Mobile-voting figures left blank count as zero. A mismatch is a finding, not an error.
    """
    issues: list[str] = []
    received = _figure(answers, "ballots_received")
    issued = _figure(answers, "ballots_issued")
    issued_mobile = _figure(answers, "ballots_issued_mobile") or 0
    unused = _figure(answers, "ballots_unused")
    spoiled = _figure(answers, "ballots_spoiled")
    found_stationary = _figure(answers, "ballots_found_stationary")
    found_mobile = _figure(answers, "ballots_found_mobile") or 0
    valid = _figure(answers, "ballots_valid")
    invalid = _figure(answers, "ballots_invalid")
    if None not in (received, issued, unused, spoiled):
        accounted = issued + issued_mobile + unused + spoiled
        if received != accounted:
            issues.append(
                f"Ballots received ({received}) do not equal ballots issued ({issued}) + issued for mobile voting "
                f"({issued_mobile}) + unused ({unused}) + spoiled ({spoiled}) = {accounted}."
            )
    if None not in (found_stationary, valid, invalid):
        found = found_stationary + found_mobile
        if found != valid + invalid:
            issues.append(
                f"Ballots found in the boxes ({found_stationary} + {found_mobile} = {found}) do not equal valid "
                f"({valid}) + invalid ({invalid}) = {valid + invalid}."
            )
    candidate_names = sorted(
        (name for name in answers if re.fullmatch(r"candidate_\d+", str(name))), key=lambda n: int(n.split("_")[1])
    )
    votes = [_figure(answers, name) for name in candidate_names]
    if valid is not None and candidate_names and None not in votes and sum(votes) != valid:
        issues.append(
            f"Valid ballots ({valid}) do not equal the sum of the candidates' votes "
            f"({' + '.join(map(str, votes))} = {sum(votes)})."
        )
    if None not in (found_stationary, issued):
        found = found_stationary + found_mobile
        all_issued = issued + issued_mobile
        if found > all_issued:
            issues.append(
                f"More ballots were found in the boxes ({found}) than were issued ({issued} + {issued_mobile} = "
                f"{all_issued})."
            )
    return issues


def protocol_figures(questions: list[Question], answers: dict) -> dict:
    """Protocol field -> answer, for the questions of a template that hold protocol figures."""
    return {question.protocol_field: answers.get(question.code) for question in questions if question.protocol_field}
