"""The lists of flagged forms as compilations built them before a run kept them in a table of its own: every
flagged form read into Python, its critical answers read for every critical form. Kept to check that what a run stores
and shows now is the same, form for form."""

from collections import defaultdict

from django.db.models import F, Q

from reports.compile import question_catalogue, scope_build
from reports.result.model import IncidentForm, ProtocolForm, _load
from submissions.models import RevisionAnswer, SubmissionRevision


def _form_line(row: dict) -> dict:
    return {
        "submission": row["submission_id"],
        "kind": row["kind"],
        "team": row["team_code"] or "",
        "station": row["station"] or "",
        "tec": row["tec_code"] or "",
        "region": row["region"],
        "received_at": row["received_at"].isoformat(),
    }


def reference_lists(*, mission, kinds=None, region=None, cutoff) -> tuple[list, list]:
    """(incidents, protocol mismatches) of a compilation as of `cutoff`, as the typed forms the report shows."""
    scope = scope_build(mission=mission, kinds=kinds, region=region, cutoff=cutoff)
    catalogue = question_catalogue(mission=mission, kinds=scope.kinds)
    flagged = list(
        SubmissionRevision.objects.filter(scope.base)
        .filter(Q(urgent=True) | Q(has_critical=True) | Q(protocol_mismatch=True))
        .order_by("-received_at", "-submission_id")
        .values(
            "id",
            "submission_id",
            "kind",
            "region_id",
            "urgent",
            "has_critical",
            "protocol_mismatch",
            "protocol_issues",
            "notes",
            "received_at",
            template_id=F("submission__template_id"),
            team_code=F("team__code"),
            station=F("polling_station__number"),
            tec_code=F("tec__code"),
        )
    )
    for row in flagged:
        row["region"] = scope.rkey(row.pop("region_id"))
    protocol = [
        {**_form_line(row), "flags": list(row["protocol_issues"] or []), "template": row["template_id"]}
        for row in reversed(flagged)
        if row["protocol_mismatch"]
    ]
    critical_by_code: dict[str, set[str]] = defaultdict(set)
    for questions in catalogue.values():
        for question in questions:
            if question["critical_values"]:
                critical_by_code[question["code"]] |= set(question["critical_values"])
    found: dict[int, list[dict]] = defaultdict(list)
    critical_revisions = SubmissionRevision.objects.filter(scope.base, has_critical=True).values("id")
    for revision_id, code, value in (
        RevisionAnswer.objects.filter(revision_id__in=critical_revisions, question_code__in=sorted(critical_by_code))
        .order_by("revision_id", "question_code", "value")
        .values_list("revision_id", "question_code", "value")
    ):
        if value in critical_by_code[code]:
            found[revision_id].append({"code": code, "value": value})
    incidents = [
        {
            **_form_line(row),
            "urgent": row["urgent"],
            "critical": row["has_critical"],
            "critical_answers": found.get(row["id"], []),
            "notes": row["notes"],
        }
        for row in flagged
        if row["urgent"] or row["has_critical"]
    ]
    return _load(list[IncidentForm], incidents), _load(list[ProtocolForm], protocol)
