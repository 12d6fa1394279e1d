"""Phase 5, turnout: voters who had voted over voters on the list at voting visits, by TURNOUT_CONVENTION."""

from __future__ import annotations

from django.db import connection
from django.db.models import Case, Max, When
from django.utils.translation import gettext_lazy as _

from submissions.models import RevisionAnswer

from ..figures import percent
from .base import VOTERS_ON_LIST, VOTERS_VOTED, Cells, Scope, area_key

TURNOUT_CONVENTION = _(
    "Turnout at visits is the sum of voters who had voted over the sum of voters on the list, over the voting "
    "forms giving both figures with voters on the list above zero (n = those forms). Forms giving 0 voters on the "
    "list, and forms lacking either figure, are counted separately and are not in n."
)


def turnout_codes(catalogue: dict[str, list[dict]]) -> dict[str, str]:
    """The codes of the voting questions giving voters on the list and voters who voted, by protocol field."""
    codes = {VOTERS_ON_LIST: VOTERS_ON_LIST, VOTERS_VOTED: VOTERS_VOTED}
    for question in catalogue.get("voting", []):
        if question["protocol_field"] in codes:
            codes[question["protocol_field"]] = question["code"]
    return codes


def turnout_count(scope: Scope, catalogue: dict[str, list[dict]], tallied: Cells | None = None) -> dict:
    """Turnout reported at voting visits, by the convention in TURNOUT_CONVENTION, with the forms left out counted.

    `tallied`, when given, holds the same figures per cell from the running tallies (reports.compile.tallied), and
    the answers are not read.
    """
    empty = {"forms": 0, "voters_voted": 0, "voters_on_list": 0, "pct": None, "on_list_zero": 0, "incomplete": 0}
    if "voting" not in scope.kinds:
        return {**empty, "by_region": {}, "by_area": {}}
    return turnout_summary(tallied if tallied is not None else _turnout_cells(scope, turnout_codes(catalogue)))


def _turnout_cells(scope: Scope, codes: dict[str, str]) -> Cells:
    """The turnout figures per cell, counted from the two figures' answer rows (one query)."""
    answer_base, rkey = scope.answer_base, scope.rkey

    # Only the two figures' rows (by the question-code index), joined to this mission's voting forms, then one row
    # per form holding both figures.
    per_form = (
        RevisionAnswer.objects.filter(
            answer_base,
            revision__kind="voting",
            question_code__in=[codes[VOTERS_VOTED], codes[VOTERS_ON_LIST]],
        )
        .values("revision_id")
        .annotate(
            region_id=Max("revision__region_id"),
            area_type=Max("revision__area_type"),
            voted=Max(Case(When(question_code=codes[VOTERS_VOTED], then="number"))),
            on_list=Max(Case(When(question_code=codes[VOTERS_ON_LIST], then="number"))),
        )
        .order_by()
    )
    inner_sql, params = per_form.query.sql_with_params()
    cells = Cells()
    with connection.cursor() as cursor:
        used = "t.voted IS NOT NULL AND t.on_list > 0"
        cursor.execute(
            f"SELECT t.region_id, t.area_type, SUM(CASE WHEN {used} THEN 1 ELSE 0 END), "  # noqa: S608 (ORM inner SQL)
            f"SUM(CASE WHEN {used} THEN t.voted ELSE 0 END), SUM(CASE WHEN {used} THEN t.on_list ELSE 0 END), "
            "SUM(CASE WHEN t.on_list = 0 THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN t.on_list IS NULL OR (t.voted IS NULL AND t.on_list > 0) THEN 1 ELSE 0 END) "
            f"FROM ({inner_sql}) t GROUP BY t.region_id, t.area_type",
            params,
        )
        for region_id, area, forms, voted, on_list, zero, incomplete in cursor.fetchall():
            cells.add(
                rkey(region_id),
                area_key(area),
                forms=forms,
                voters_voted=voted,
                voters_on_list=on_list,
                on_list_zero=zero,
                incomplete=incomplete,
            )
    return cells


def turnout_summary(cells: Cells) -> dict:
    """Turnout overall, by region and by area, from the figures per cell."""

    def summary(values: dict) -> dict:
        on_list = int(values.get("voters_on_list", 0))
        voted = int(values.get("voters_voted", 0))
        return {
            "forms": int(values.get("forms", 0)),
            "voters_voted": voted,
            "voters_on_list": on_list,
            "pct": percent(voted, on_list),
            "on_list_zero": int(values.get("on_list_zero", 0)),
            "incomplete": int(values.get("incomplete", 0)),
        }

    return {
        **summary(cells.total()),
        "by_region": {key: summary(values) for key, values in sorted(cells.by(0).items())},
        "by_area": {key: summary(values) for key, values in sorted(cells.by(1).items())},
    }
