"""Phase 6, flagged forms: protocol checks and incidents, from the forms flagged urgent, critical or mismatching."""

from __future__ import annotations

from collections import Counter, defaultdict

from django.db.models import F, Q

from submissions.models import RevisionAnswer, SubmissionRevision

from .base import Cells, Scope


def rule_counts(flagged: list[dict]) -> dict[str, int]:
    """Forms flagged by each data-quality rule (standard protocol rules and the checklists' own), as they stood."""
    counts: Counter = Counter()
    for row in flagged:
        if not row["protocol_mismatch"]:
            continue
        codes = {str(flag.get("rule") or "") if isinstance(flag, dict) else "" for flag in row["protocol_issues"] or []}
        counts.update(code or "unnamed" for code in codes)
    return dict(sorted(counts.items()))


def _form_line(row: dict) -> dict:
    """What both lists say of a flagged form: which form, from whom and where, when it was received."""
    return {
        "submission": row["submission_id"],
        "kind": row["kind"],
        "team": row["team_code"] or "",
        "station": row["station"] or "",
        "tec": row["tec_code"] or "",
        "region": row["region"],
        "received_at": row["received_at"].isoformat(),
    }


def flagged_list(scope: Scope) -> list[dict]:
    """Every form flagged urgent, critical or with a protocol mismatch, as it stood, newest first (never capped)."""
    rows = list(
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
    for row in rows:
        row["region"] = scope.rkey(row.pop("region_id"))
    return rows


def protocol_summary(*, flagged: list[dict], per_kind: dict[str, Cells], kinds) -> dict:
    """Protocol checks: counting forms, forms flagged by a data-quality rule (per region, per rule) and their list."""
    counting = per_kind.get("counting", Cells()) if "counting" in kinds else Cells()
    mismatches = sum(cells.total().get("mismatch", 0) for cells in per_kind.values())
    rows = [row for row in reversed(flagged) if row["protocol_mismatch"]]  # oldest first
    by_region: dict[str, int] = {}
    for kind_cells in per_kind.values():
        for key, values in kind_cells.by(0).items():
            if values.get("mismatch"):
                by_region[key] = by_region.get(key, 0) + values["mismatch"]
    return {
        "counting_forms": counting.total().get("observations", 0),
        "mismatches": mismatches,
        "by_region": dict(sorted(by_region.items())),
        "list": [
            {
                **_form_line(row),
                # The flags as stored (rule codes and values): the report words them in the reader's language.
                "flags": list(row["protocol_issues"] or []),
                "template": row["template_id"],
            }
            for row in rows
        ],
    }


def incidents_summary(
    *, scope: Scope, flagged: list[dict], catalogue: dict[str, list[dict]], per_kind: dict[str, Cells]
) -> dict:
    """Urgent and critical forms: their counts and list, each with the critical answers it gave (one query)."""
    rows = [row for row in flagged if row["urgent"] or row["has_critical"]]
    critical_by_code: dict[str, set[str]] = defaultdict(set)
    for questions in catalogue.values():
        for question in questions:
            if question["critical_values"]:
                critical_by_code[question["code"]] |= set(question["critical_values"])
    found: dict[int, list[dict]] = defaultdict(list)
    if critical_by_code and rows:
        # The critical answers of the flagged revisions, in one query over the flagged forms of the snapshot: the
        # revisions are named by the scope's own condition, not by a list of ids (tens of thousands at a million forms).
        critical_revisions = SubmissionRevision.objects.filter(scope.base, has_critical=True).values("id")
        for revision_id, code, value in (
            RevisionAnswer.objects.filter(
                revision_id__in=critical_revisions,
                question_code__in=sorted(critical_by_code),
            )
            .order_by("revision_id", "question_code", "value")
            .values_list("revision_id", "question_code", "value")
        ):
            if value in critical_by_code[code]:
                found[revision_id].append({"code": code, "value": value})
    return {
        "urgent": sum(cells.total().get("urgent", 0) for cells in per_kind.values()),
        "critical": sum(cells.total().get("critical", 0) for cells in per_kind.values()),
        "list": [
            {
                **_form_line(row),
                "urgent": row["urgent"],
                "critical": row["has_critical"],
                "critical_answers": found.get(row["id"], []),
                "notes": row["notes"],
            }
            for row in rows
        ],
    }
