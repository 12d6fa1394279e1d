"""The flagged forms of a result, read a page at a time: its incidents list and its protocol mismatches list.

A run keeps them in ReportFlaggedForm, written when it is compiled, so they stay as they stood at its cut-off; a
compilation without a run reads them from the forms as of its cut-off. Either way a list knows its length without
reading it, gives the forms of a slice in one query (and one more for the critical answers of those forms, which
never change for a revision), and iterates the whole list in chunks. Reading a run's list is reading the run: only
callers that were allowed to see the run (reports.selectors) get its result.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.db.models import Q, QuerySet

from submissions.models import RevisionAnswer

from .models import ReportFlaggedForm
from .result import IncidentForm, ProtocolForm, ReportResult
from .result.model import CriticalAnswer

# The forms of the incidents list (urgent or critical); the protocol list holds the forms with a protocol mismatch.
INCIDENT = Q(urgent=True) | Q(has_critical=True)

CHUNK = 2000  # forms read at a time when a whole list is gone through (the XLSX)

# What the lists show of a form, as ReportFlaggedForm names it.
FIELDS = (
    "revision_id",
    "submission_id",
    "template_id",
    "kind",
    "team",
    "station",
    "tec",
    "region",
    "received_at",
    "urgent",
    "critical",
    "protocol_issues",
    "notes",
)


class FlaggedList(Sequence):
    """One list of flagged forms, read from the database a slice at a time; its length is known without reading it.

    `window(start, stop)` gives the rows of that part of the list in order (dicts named as FIELDS); `form` turns a
    row and its critical answers into the form shown.
    """

    def __init__(self, *, total: int, window: Callable[[int, int], list[dict]], form, critical: dict[str, set[str]]):
        self.total, self._window, self._form, self._critical = total, window, form, critical

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.indices(self.total)
            if step != 1:
                raise ValueError("A list of flagged forms is read in order.")
            if start >= stop:
                return []
            rows = self._window(start, stop)
            answers = critical_answers(rows, self._critical)
            return [self._form(row, answers.get(row["revision_id"], [])) for row in rows]
        position = index + self.total if index < 0 else index
        if not 0 <= position < self.total:
            raise IndexError("No such form in the list.")
        return self[position : position + 1][0]

    def __iter__(self):
        for start in range(0, self.total, CHUNK):
            yield from self[start : start + CHUNK]

    def __repr__(self) -> str:
        return f"<FlaggedList of {self.total}>"


def critical_answers(rows: list[dict], critical: dict[str, set[str]]) -> dict[int, list[CriticalAnswer]]:
    """The critical answers the critical forms among `rows` gave, by revision (one query; none without any)."""
    revisions = sorted({row["revision_id"] for row in rows if row["critical"] and row["revision_id"] is not None})
    found: dict[int, list[CriticalAnswer]] = {}
    if not revisions or not critical:
        return found
    for revision_id, code, value in (
        RevisionAnswer.objects.filter(revision_id__in=revisions, question_code__in=sorted(critical))
        .order_by("revision_id", "question_code", "value")
        .values_list("revision_id", "question_code", "value")
    ):
        if value in critical[code]:
            found.setdefault(revision_id, []).append(CriticalAnswer(code=code, value=value))
    return found


def critical_values(result: ReportResult) -> dict[str, set[str]]:
    """The answers that are critical, by question code, across the result's kinds (as the checklists define them)."""
    values: dict[str, set[str]] = {}
    for data in result.kinds.values():
        for question in data.questions:
            if question.critical_values:
                values.setdefault(question.code, set()).update(question.critical_values)
    return values


def _line(row: dict) -> dict:
    return {
        "submission": row["submission_id"],
        "kind": row["kind"],
        "team": row["team"] or "",
        "station": row["station"] or "",
        "tec": row["tec"] or "",
        "region": row["region"] or "",
        "received_at": row["received_at"].isoformat(),
    }


def incident_form(row: dict, answers: list[CriticalAnswer]) -> IncidentForm:
    return IncidentForm(
        **_line(row), urgent=row["urgent"], critical=row["critical"], critical_answers=answers, notes=row["notes"]
    )


def protocol_form(row: dict, _answers: list[CriticalAnswer]) -> ProtocolForm:
    # The flags as stored (rule codes and values): the report words them in the reader's language.
    return ProtocolForm(**_line(row), flags=list(row["protocol_issues"] or []), template=row["template_id"])


def _run_window(run_id: int, place: str) -> Callable[[int, int], list[dict]]:
    """A run's list by the place of each form in it (counted from 1): a page is a range of the (run, place) index."""

    def window(start: int, stop: int) -> list[dict]:
        return list(
            ReportFlaggedForm.objects.filter(**{"run_id": run_id, f"{place}__gt": start, f"{place}__lte": stop})
            .order_by(place)
            .values(*FIELDS)
        )

    return window


def flagged_lists_of_run(result: ReportResult, *, run_id: int) -> ReportResult:
    """The result with its lists read from the run's flagged forms (a result that still holds its lists keeps them)."""
    critical = critical_values(result)
    for holder, place, form in (
        (result.incidents, "incident_order", incident_form),
        (result.protocol, "protocol_order", protocol_form),
    ):
        if holder.listed is not None:
            holder.list = FlaggedList(
                total=holder.listed, window=_run_window(run_id, place), form=form, critical=critical
            )
    return result


# The SELECT of reports.compile.flagged_forms, named as the lists read it.
_LIVE_NAMES = {
    "revision_id": "id",
    "critical": "has_critical",
    "team": "team_code",
    "tec": "tec_code",
    "region": "region_code",
    "template_id": "template",
}


def _live_window(rows: QuerySet, order: tuple[str, str]) -> Callable[[int, int], list[dict]]:
    def window(start: int, stop: int) -> list[dict]:
        return [
            {name: row[_LIVE_NAMES.get(name, name)] for name in FIELDS} for row in rows.order_by(*order)[start:stop]
        ]

    return window


def flagged_lists_live(result: ReportResult, *, rows: QuerySet) -> ReportResult:
    """The result of a compilation without a run, its lists read when they are read from `rows` (the SELECT of
    reports.compile.flagged_forms: the forms as they stood at its cut-off), in the orders of a run's lists."""
    critical = critical_values(result)
    for holder, chosen, order, form in (
        (result.incidents, INCIDENT, ("-received_at", "-submission_id"), incident_form),
        (result.protocol, Q(protocol_mismatch=True), ("received_at", "submission_id"), protocol_form),
    ):
        holder.list = FlaggedList(
            total=holder.listed or 0, window=_live_window(rows.filter(chosen), order), form=form, critical=critical
        )
    return result
