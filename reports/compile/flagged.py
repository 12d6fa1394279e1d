"""Phase 6, flagged forms: protocol checks and incidents, from the forms flagged urgent, critical or mismatching.

The result keeps their counts (from the coverage phase's aggregate, and the forms per data-quality rule from one
aggregate over the snapshot); the two lists are not in it. A run stores them in a table of its own
(ReportFlaggedForm), written by `flagged_store` with one INSERT ... SELECT, and its pages read them from there
(reports.flagged); a compilation without a run reads them, when they are read, from the forms as of its cut-off.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Case, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from submissions.models import Submission, SubmissionRevision

from ..flagged import INCIDENT
from ..models import ReportFlaggedForm
from .base import Cells, Scope

FLAGGED = INCIDENT | Q(protocol_mismatch=True)


def flagged_forms(scope: Scope) -> QuerySet:
    """The snapshot's flagged forms, one row per form with what its lists show (unordered: the lists order them).

    Its columns: id (the revision), submission_id, kind, urgent, has_critical, protocol_mismatch, protocol_issues,
    notes, received_at, template, team_code, station, tec_code, region_code (blank codes where not known).
    """
    return (
        SubmissionRevision.objects.filter(scope.base)
        .filter(FLAGGED)
        .order_by()
        .values(
            "id",
            "submission_id",
            "kind",
            "urgent",
            "has_critical",
            "protocol_mismatch",
            "protocol_issues",
            "notes",
            "received_at",
            # Only the protocol list names the checklist (its rules word the flags): read for those forms alone.
            template=Case(
                When(
                    protocol_mismatch=True,
                    then=Subquery(Submission.objects.filter(pk=OuterRef("submission_id")).values("template_id")),
                )
            ),
            team_code=Coalesce(F("team__code"), Value("")),
            station=Coalesce(F("polling_station__number"), Value("")),
            tec_code=Coalesce(F("tec__code"), Value("")),
            region_code=Coalesce(F("region__code"), Value("")),
        )
    )


# The stored columns, each from the SELECT of flagged_forms (aliased f); then the place of the form in each list.
_STORED = (
    ("revision_id", "f.id"),
    ("submission_id", "f.submission_id"),
    ("template_id", "f.template"),
    ("kind", "f.kind"),
    ("team", "f.team_code"),
    ("station", "f.station"),
    ("tec", "f.tec_code"),
    ("region", "f.region_code"),
    ("received_at", "f.received_at"),
    ("urgent", "f.urgent"),
    ("critical", "f.has_critical"),
    ("protocol_mismatch", "f.protocol_mismatch"),
    ("protocol_issues", "f.protocol_issues"),
    ("notes", "f.notes"),
    # Incidents: urgent or critical forms, newest first; protocol mismatches oldest first.
    (
        "incident_order",
        "CASE WHEN f.urgent OR f.has_critical THEN ROW_NUMBER() OVER (PARTITION BY f.urgent OR f.has_critical "
        "ORDER BY f.received_at DESC, f.submission_id DESC) END",
    ),
    (
        "protocol_order",
        "CASE WHEN f.protocol_mismatch THEN ROW_NUMBER() OVER (PARTITION BY f.protocol_mismatch "
        "ORDER BY f.received_at, f.submission_id) END",
    ),
)


def flagged_store(scope: Scope, *, run_id: int) -> None:
    """Write a run's flagged forms as they stood at its cut-off: one INSERT ... SELECT run in the database (two
    statements with the delete of rows an earlier attempt at the same run left)."""
    ReportFlaggedForm.objects.filter(run_id=run_id).delete()  # no row refers to these: one DELETE
    select, params = flagged_forms(scope).query.sql_with_params()
    columns = ", ".join(["run_id", *(column for column, _expression in _STORED)])
    expressions = ", ".join(["%s", *(expression for _column, expression in _STORED)])
    table = connection.ops.quote_name(ReportFlaggedForm._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {expressions} FROM ({select}) AS f",  # noqa: S608 - our SQL
            [run_id, *params],
        )


# Forms per data-quality rule: each mismatching form once per rule code its flags name ("unnamed" for a flag without
# one), over the flags as stored (a JSON list), unnested in the database.
_RULES_SQL = {
    "postgresql": (
        "SELECT r.rule, COUNT(*) FROM (SELECT DISTINCT f.id, COALESCE(NULLIF(CASE WHEN jsonb_typeof(flag) = 'object' "
        "THEN flag ->> 'rule' END, ''), 'unnamed') AS rule FROM ({select}) AS f CROSS JOIN LATERAL "
        "jsonb_array_elements(CASE WHEN jsonb_typeof(f.protocol_issues) = 'array' THEN f.protocol_issues "
        "ELSE '[]'::jsonb END) AS flag) AS r GROUP BY r.rule"
    ),
    "sqlite": (
        "SELECT r.rule, COUNT(*) FROM (SELECT DISTINCT f.id, COALESCE(NULLIF(CASE WHEN flag.type = 'object' "
        "THEN CAST(json_extract(flag.value, '$.rule') AS TEXT) END, ''), 'unnamed') AS rule FROM ({select}) AS f, "
        "json_each(CASE WHEN json_type(f.protocol_issues) = 'array' THEN f.protocol_issues ELSE '[]' END) AS flag) "
        "AS r GROUP BY r.rule"
    ),
}


def rule_counts(scope: Scope) -> dict[str, int]:
    """Forms flagged by each data-quality rule (standard protocol rules and the checklists' own), as they stood."""
    select, params = (
        SubmissionRevision.objects.filter(scope.base, protocol_mismatch=True)
        .order_by()
        .values("id", "protocol_issues")
        .query.sql_with_params()
    )
    with connection.cursor() as cursor:
        cursor.execute(_RULES_SQL[connection.vendor].format(select=select), params)
        return dict(sorted((str(rule), count) for rule, count in cursor.fetchall()))


def protocol_summary(*, per_kind: dict[str, Cells], kinds, by_rule: dict[str, int]) -> dict:
    """Protocol checks: counting forms, forms flagged by a data-quality rule (per region, per rule), how many listed."""
    counting = per_kind.get("counting", Cells()) if "counting" in kinds else Cells()
    mismatches = sum(cells.total().get("mismatch", 0) for cells in per_kind.values())
    by_region: dict[str, int] = {}
    for kind_cells in per_kind.values():
        for key, values in kind_cells.by(0).items():
            if values.get("mismatch"):
                by_region[key] = by_region.get(key, 0) + values["mismatch"]
    return {
        "counting_forms": counting.total().get("observations", 0),
        "mismatches": mismatches,
        "by_region": dict(sorted(by_region.items())),
        "by_rule": by_rule,
        "listed": mismatches,  # every mismatching form is listed
    }


def incidents_summary(*, per_kind: dict[str, Cells]) -> dict:
    """Urgent and critical forms: their counts, and how many forms the list holds (urgent, critical or both)."""
    return {
        "urgent": sum(cells.total().get("urgent", 0) for cells in per_kind.values()),
        "critical": sum(cells.total().get("critical", 0) for cells in per_kind.values()),
        "listed": sum(cells.total().get("incident", 0) for cells in per_kind.values()),
    }
