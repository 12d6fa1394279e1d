"""Phase 3 from the running tallies (tallies/): the answer counts of a compilation without scanning every answer.

Counts per answer, answered / not applicable / blank, integer sums and the n of multiple-choice questions come from
`tally_cells`: the counts of the hours before the cut-off, plus the events since, less the forms a conflict decision
set aside. Three parts stay on the answers, each reading a slice of them, because a count cannot give them back:
- the smallest and largest integer per cell and each integer question's median: a correction that removes the
  smallest value cannot be subtracted from a minimum (they read the integer questions' rows only);
- critical answers: distinct stations cannot be summed from counts (they read only rows holding a critical value,
  through the (code, value) index).
The tallies group each form's answers by the question's type on the form's own checklist version, the recount by the
merged catalogue; when the two disagree for some code (an integer in one version, a choice in another), the whole
phase is recounted (answers_count), so the figures never differ.
"""

from __future__ import annotations

from django.db.models import F, Max, Min

from checklists.choices import OVERALL_ASSESSMENT_CODE, QuestionType
from checklists.models import Question
from submissions.models import RevisionAnswer
from tallies.cells import MULTIPLE_ANSWERED
from tallies.selectors import tally_cells

from ..conflicts import excluded_forms
from .answers import AnswerTally, _codes, _medians, _tally_critical, answers_count
from .base import SUMMARISED_TYPES, Scope, area_key


def tallies_fit(scope: Scope, catalogue: dict[str, list[dict]]) -> bool:
    """Whether every checklist version groups each code as the merged catalogue does (one query)."""
    summarised = set(_codes(catalogue, SUMMARISED_TYPES))
    multiple = set(_codes(catalogue, (QuestionType.MULTIPLE,)))
    pairs = (
        Question.objects.filter(template__mission=scope.mission, template__kind__in=scope.kinds)
        .exclude(code=OVERALL_ASSESSMENT_CODE)
        .values_list("code", "type")
        .distinct()
    )
    return all(
        (kind in SUMMARISED_TYPES) == (code in summarised) and (kind == QuestionType.MULTIPLE) == (code in multiple)
        for code, kind in pairs
    )


def answers_from_tallies(scope: Scope, catalogue: dict[str, list[dict]]) -> AnswerTally:
    """The AnswerTally of answers_count, from the running tallies (falls back to answers_count; see the module)."""
    if not tallies_fit(scope, catalogue):
        return answers_count(scope, catalogue)
    tally = AnswerTally()
    for kind, region_id, area, code, key, count, total in tally_cells(
        mission=scope.mission,
        kinds=scope.kinds,
        region=scope.region,
        at=scope.cutoff,
        left_out=excluded_forms(scope.decisions),
    ):
        cell = (scope.rkey(region_id), area_key(area))
        if key == MULTIPLE_ANSWERED:
            tally.multiple[kind][code].add(*cell, n=count)
        else:
            tally.values[kind][code][key].add(*cell, count=count, total=total)
    _extremes(scope, catalogue, tally)
    tally.medians = _medians(answer_base=scope.answer_base, catalogue=catalogue)
    _tally_critical(scope, catalogue, tally)
    return tally


def _extremes(scope: Scope, catalogue, tally: AnswerTally) -> None:
    """Smallest and largest integer per kind, code and cell, from the summarised questions' integer rows only."""
    codes = _codes(catalogue, SUMMARISED_TYPES)
    if not codes:
        return
    for row in (
        RevisionAnswer.objects.filter(scope.answer_base, question_code__in=codes, number__isnull=False)
        .values(
            "question_code",
            kind=F("revision__kind"),
            region_id=F("revision__region_id"),
            area_type=F("revision__area_type"),
        )
        .annotate(low=Min("number"), high=Max("number"))
        .order_by()
    ):
        tally.extremes[row["kind"]][row["question_code"]].add(
            scope.rkey(row["region_id"]), area_key(row["area_type"]), low=row["low"], high=row["high"]
        )
