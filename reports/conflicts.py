"""Conflicts between teams: forms of different teams about one station's count (or opening) that disagree.

Two forms disagree on a protocol line when both give the figure and the figures differ, and on a critical question
when one gives a critical answer and the other an answer that is not critical. Detection is one query over the
snapshot's answers at stations observed by more than one team for that kind; only those few rows are compared here.

How conflicts are counted is CONFLICT_RULE, stated in every report.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _

from checklists.choices import NOT_APPLICABLE, FormKind, QuestionType
from submissions.models import RevisionAnswer, SubmissionRevision

from .choices import ConflictDecision
from .models import ConflictResolution

CONFLICT_KINDS = (FormKind.OPENING, FormKind.COUNTING)
CONFLICT_RULE = _(
    "A conflict is two or more forms of different teams about one station's opening or count that give different "
    "protocol figures or opposite answers to a critical question. Every form counts as an observation in every "
    "figure until a coordinator decides: when one form is marked right, the others of that conflict no longer "
    "count; when both stand, all count. A compilation applies the decisions made up to its moment."
)


def decisions_as_of(*, mission, at) -> dict[tuple[str, int], dict]:
    """(kind, station id) -> the latest coordinator decision made up to `at` (one query)."""
    out: dict[tuple[str, int], dict] = {}
    for row in (
        ConflictResolution.objects.filter(mission=mission, decided_at__lte=at)
        .order_by("decided_at", "id")
        .values("kind", "polling_station_id", "decision", "right_form_id", "forms", "decided_at", "note")
    ):
        out[(row["kind"], row["polling_station_id"])] = {
            "decision": row["decision"],
            "right_form": row["right_form_id"],
            "forms": sorted(row["forms"] or []),
            "decided_at": row["decided_at"].isoformat(),
            "note": row["note"],
        }
    return out


def excluded_forms(decisions: dict[tuple[str, int], dict]) -> list[int]:
    """Forms that no longer count: the other forms of conflicts where a coordinator marked one form right."""
    excluded = set()
    for decision in decisions.values():
        if decision["decision"] == ConflictDecision.ONE_IS_RIGHT:
            excluded |= {form for form in decision["forms"] if form != decision["right_form"]}
    return sorted(excluded)


def _compared_questions(catalogue: dict, kinds: list[str]) -> dict[str, dict[str, dict]]:
    """kind -> code -> question, for the protocol figures and critical questions of the kinds that can conflict."""
    out: dict[str, dict[str, dict]] = {}
    for kind in kinds:
        out[kind] = {
            question["code"]: question
            for question in catalogue.get(kind, [])
            if (question["protocol_field"] and question["type"] == QuestionType.INTEGER) or question["critical_values"]
        }
    return out


def _differs(question: dict, first, second) -> bool:
    """Whether two forms' answers to one question disagree (blank or not applicable never disagrees)."""
    if first is None or second is None:
        return False
    if question["critical_values"]:
        critical = set(question["critical_values"])
        return bool(set(first) & critical) != bool(set(second) & critical)
    return first != second


def conflicts_compile(*, detect: Q, answer_detect: Q, catalogue: dict, kinds, decisions: dict, rkey) -> dict:
    """Every conflict of the snapshot with both (all) forms and the lines that differ, and how they were decided."""
    kinds_here = [kind for kind in CONFLICT_KINDS if kind in kinds]
    questions = _compared_questions(catalogue, kinds_here)
    codes = sorted({code for by_code in questions.values() for code in by_code})
    summary = {
        "count": 0,
        "decided": 0,
        "one_is_right": 0,
        "both_stand": 0,
        "forms_not_counted": len(excluded_forms(decisions)),
        "list": [],
    }
    if not kinds_here or not codes:
        return summary
    shared = (
        SubmissionRevision.objects.filter(detect, kind__in=kinds_here, polling_station__isnull=False)
        .values("kind", "polling_station_id")
        .annotate(teams=Count("team_id", distinct=True))
        .filter(teams__gt=1)
        .values("polling_station_id")
    )
    forms: dict[tuple[str, int], dict[int, dict]] = defaultdict(dict)
    places: dict[tuple[str, int], dict] = {}
    for row in (
        RevisionAnswer.objects.filter(
            answer_detect,
            revision__kind__in=kinds_here,
            revision__polling_station_id__in=shared,
            question_code__in=codes,
        )
        .order_by("revision__received_at", "revision__submission_id", "question_code", "value")
        .values(
            "question_code",
            "value",
            "number",
            kind=F("revision__kind"),
            station_id=F("revision__polling_station_id"),
            station=F("revision__polling_station__number"),
            region_id=F("revision__region_id"),
            submission_id=F("revision__submission_id"),
            team_id=F("revision__team_id"),
            team=F("revision__team__code"),
            received_at=F("revision__received_at"),
        )
    ):
        key = (row["kind"], row["station_id"])
        places.setdefault(key, {"station": row["station"], "region": rkey(row["region_id"])})
        form = forms[key].setdefault(
            row["submission_id"],
            {"team_id": row["team_id"], "team": row["team"] or "", "received_at": row["received_at"], "answers": {}},
        )
        question = questions[row["kind"]].get(row["question_code"])
        if question is None:
            continue
        if question["critical_values"]:
            if row["value"] is not None and row["value"] != NOT_APPLICABLE:
                form["answers"].setdefault(row["question_code"], []).append(row["value"])
        elif row["number"] is not None:
            form["answers"][row["question_code"]] = row["number"]
    for key in sorted(forms, key=lambda key: (key[0], places[key]["region"], places[key]["station"])):
        kind, station_id = key
        by_form = forms[key]
        differing = []
        for code, question in questions[kind].items():
            pairs = combinations(sorted(by_form.items()), 2)
            if any(
                one["team_id"] != other["team_id"]
                and _differs(question, one["answers"].get(code), other["answers"].get(code))
                for (_a, one), (_b, other) in pairs
            ):
                differing.append(
                    {
                        "code": code,
                        "values": {
                            str(submission): _shown(form["answers"].get(code)) for submission, form in by_form.items()
                        },
                    }
                )
        if not differing:
            continue
        decision = decisions.get(key)
        summary["count"] += 1
        if decision is not None:
            summary["decided"] += 1
            summary[decision["decision"]] += 1
        summary["list"].append(
            {
                "kind": kind,
                "station_id": station_id,
                "station": places[key]["station"],
                "region": places[key]["region"],
                "forms": [
                    {"submission": submission, "team": form["team"], "received_at": form["received_at"].isoformat()}
                    for submission, form in sorted(by_form.items())
                ],
                "lines": differing,
                "decision": decision,
            }
        )
    return summary


def _shown(answer) -> str:
    if answer is None:
        return ""
    if isinstance(answer, list):
        return ";".join(answer)
    return str(answer)
