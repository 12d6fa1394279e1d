"""Protocol arithmetic on counting forms: the standard set of data-quality rules, flagged and never blocking."""

from __future__ import annotations

from checklists.models import Question
from checklists.rules import flag_message, standard_flags


def protocol_check(answers: dict) -> list[dict]:
    """The counting protocol's broken rules as flags {"rule", "standard", "values"} (empty when it adds up).

    `answers` maps protocol fields (ballots_received, ..., candidate_N) to integers; a rule whose figures are
    missing is not checked. Mobile-voting figures left blank count as zero. A mismatch is a finding, not an error.
    The rules are those of checklists.rules.STANDARD_RULES; `protocol_messages` renders the flags as sentences.
    """
    return standard_flags(answers)


def protocol_messages(flags: list, language: str = "en") -> list[str]:
    """Flags (or sentences stored before flags were data) as sentences in one language."""
    return [flag_message(flag, language=language) for flag in flags]


def protocol_figures(questions: list[Question], answers: dict) -> dict:
    """Protocol field -> answer, for the questions of a template that hold protocol figures."""
    return {question.protocol_field: answers.get(question.code) for question in questions if question.protocol_field}
