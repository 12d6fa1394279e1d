"""Phase 3, answers: the one phase that reads the answers of the snapshot's forms.

Everything the per-question tables need comes out of here as an `AnswerTally`; a source that keeps these counts
up to date as forms arrive can produce the same tally without scanning the answers, and the later phases are
unchanged.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Case, CharField, Count, F, Max, Min, Q, Sum, Value, When, Window
from django.db.models.functions import RowNumber

from checklists.choices import NOT_APPLICABLE, OVERALL_ASSESSMENT_CODE, QuestionType
from submissions.models import RevisionAnswer

from ..figures import ratio
from .base import ANSWERED, SUMMARISED_TYPES, Cells, Extremes, Scope, area_key


def _nested_cells():
    return defaultdict(lambda: defaultdict(Cells))


@dataclass
class AnswerTally:
    """Answer counts per kind and question code, by cell.

    `values[kind][code][key]`: forms per answer key (a closed answer's value; for integer, time and text questions
    ANSWERED, NOT_APPLICABLE or None for blank), with `count` and, for integers, `total`.
    `extremes[kind][code]`: smallest and largest integer per cell. `medians[(kind, code)]`: an integer question's
    median over every answered form. `multiple[kind][code]`: forms answering a multiple-choice question (`n`).
    `critical[kind][code]`: forms (`observations`) and distinct stations giving a critical answer.
    `turnout`: the turnout figures per cell (reports.compile.turnout) when the source keeps them, else None and the
    turnout phase counts them from the answers. `received[(start, kind)]`: forms received in the quarter-hour
    starting (UTC) at `start`, when the source keeps them, else None and the timeline counts the forms.
    """

    values: dict[str, dict[str, dict[str | None, Cells]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(lambda: defaultdict(Cells)))
    )
    extremes: dict[str, dict[str, Extremes]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(Extremes)))
    medians: dict[tuple[str, str], float] = field(default_factory=dict)
    multiple: dict[str, dict[str, Cells]] = field(default_factory=_nested_cells)
    critical: dict[str, dict[str, Cells]] = field(default_factory=_nested_cells)
    turnout: Cells | None = None
    received: dict[tuple[datetime, str], int] | None = None


def _codes(catalogue: dict[str, list[dict]], types) -> list[str]:
    return sorted({q["code"] for qs in catalogue.values() for q in qs if q["type"] in types})


def answers_count(scope: Scope, catalogue: dict[str, list[dict]]) -> AnswerTally:
    """Tally the snapshot's answers (four aggregate queries, the first one pass over every answer)."""
    tally = AnswerTally()
    _tally_values(scope, catalogue, tally)
    tally.medians = _medians(answer_base=scope.answer_base, catalogue=catalogue)
    _tally_multiple(scope, catalogue, tally)
    _tally_critical(scope, catalogue, tally)
    return tally


def _tally_values(scope: Scope, catalogue, tally: AnswerTally) -> None:
    summarised_codes = _codes(catalogue, SUMMARISED_TYPES)
    # Closed answers counted by value; integer, time and text answers only as answered / not applicable / blank
    # (with integer sums).
    answer_key = Case(
        When(~Q(question_code__in=summarised_codes), then=F("value")),
        When(value__isnull=True, number__isnull=True, then=Value(None)),
        When(value=NOT_APPLICABLE, then=Value(NOT_APPLICABLE)),
        default=Value(ANSWERED),
        output_field=CharField(),
    )
    kinds = scope.kinds
    # With one kind compiled, the kind is a constant rather than a grouping column of the largest aggregate.
    form_kind = Value(kinds[0], output_field=CharField()) if len(kinds) == 1 else F("revision__kind")
    for row in (
        RevisionAnswer.objects.filter(scope.answer_base)
        .exclude(question_code=OVERALL_ASSESSMENT_CODE)
        .values(
            "question_code",
            kind=form_kind,
            key=answer_key,
            region_id=F("revision__region_id"),
            area_type=F("revision__area_type"),
        )
        .annotate(count=Count("id"), total=Sum("number"), low=Min("number"), high=Max("number"))
    ):
        cell = (scope.rkey(row["region_id"]), area_key(row["area_type"]))
        tally.values[row["kind"]][row["question_code"]][row["key"]].add(
            *cell, count=row["count"], total=row["total"] or 0
        )
        if row["key"] == ANSWERED and row["low"] is not None:
            tally.extremes[row["kind"]][row["question_code"]].add(*cell, low=row["low"], high=row["high"])


def _medians(*, answer_base: Q, catalogue: dict[str, list[dict]]) -> dict[tuple[str, str], float]:
    """(kind, code) -> the median of an integer question's answers, in one query: the middle row(s) by rank."""
    codes = _codes(catalogue, (QuestionType.INTEGER,))
    if not codes:
        return {}
    partition = [F("revision__kind"), F("question_code")]
    ranked = (
        RevisionAnswer.objects.filter(answer_base, question_code__in=codes, number__isnull=False)
        .annotate(
            form_kind=F("revision__kind"),
            position=Window(RowNumber(), partition_by=partition, order_by=[F("number").asc(), F("id").asc()]),
            size=Window(Count("id"), partition_by=partition),
        )
        # The middle row of an odd count, the two middle rows of an even one (integer division in SQL).
        .filter(position__gte=(F("size") + 1) / 2, position__lte=(F("size") + 2) / 2)
        .values_list("form_kind", "question_code", "number")
    )
    middle: dict[tuple[str, str], list[int]] = defaultdict(list)
    for kind, code, number in ranked:
        middle[(kind, code)].append(number)
    return {key: ratio(sum(numbers), len(numbers)) for key, numbers in middle.items()}


def _tally_multiple(scope: Scope, catalogue, tally: AnswerTally) -> None:
    multiple_codes = _codes(catalogue, (QuestionType.MULTIPLE,))
    if not multiple_codes:
        return
    for row in (
        RevisionAnswer.objects.filter(scope.answer_base, question_code__in=multiple_codes, value__isnull=False)
        .exclude(value=NOT_APPLICABLE)
        .values("question_code", kind=F("revision__kind"), region_id=F("revision__region_id"))
        .annotate(area_type=F("revision__area_type"), n=Count("revision_id", distinct=True))
    ):
        tally.multiple[row["kind"]][row["question_code"]].add(
            scope.rkey(row["region_id"]), area_key(row["area_type"]), n=row["n"]
        )


def _tally_critical(scope: Scope, catalogue, tally: AnswerTally) -> None:
    critical_pairs = Q()
    has_critical_questions = False
    for questions in catalogue.values():
        for question in questions:
            if question["critical_values"]:
                critical_pairs |= Q(question_code=question["code"], value__in=question["critical_values"])
                has_critical_questions = True
    if not has_critical_questions:
        return
    for row in (
        RevisionAnswer.objects.filter(scope.answer_base)
        .filter(critical_pairs)
        .values("question_code", kind=F("revision__kind"), region_id=F("revision__region_id"))
        .annotate(
            area_type=F("revision__area_type"),
            observations=Count("revision_id", distinct=True),
            stations=Count("revision__polling_station_id", distinct=True),
        )
    ):
        tally.critical[row["kind"]][row["question_code"]].add(
            scope.rkey(row["region_id"]),
            area_key(row["area_type"]),
            observations=row["observations"],
            stations=row["stations"],
        )
