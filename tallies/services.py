"""Writes of the running tallies: an event per revision change at ingest, folding events by the worker, rebuilding.

Folding is the only writer of TallyCount, TallyTotal and TallyRowCount: one worker at a time under an advisory lock,
each batch in one transaction that adds the events' cells to their hour's counts and to their totals, counts the rows
of the hours it touched and of the totals again, and marks the events folded, so a reader's snapshot always finds
them all agreeing. Ingest only inserts events.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count

from config.queries import statement_cursor
from submissions.models import SubmissionRevision

from .cells import CELL_COLUMNS, cells_sql, column, events_src, hour_of, table
from .models import BLANK_ANSWER_KEY, TallyCount, TallyEvent, TallyRowCount, TallyTotal

# Folding is one writer at a time: PostgreSQL's transaction-scoped advisory lock under this key (SQLite serialises
# writers by itself).
ROLLUP_LOCK_KEY = 7_150_015


def revision_current_received(sender, *, mission_id, revision_id, at, superseded_ids=(), **kwargs) -> None:
    """The listener of submissions' `revision_current` signal (connected in tallies/apps.py)."""
    tally_revision_change(mission_id=mission_id, revision_id=revision_id, at=at, superseded_ids=superseded_ids)


# The fields of an event other than its revision, in the order `event_values` gives them.
EVENT_FIELDS = ("mission", "sign", "at", "hour", "rolled_up")


def event_values(*, mission_id: int, sign: int, at: datetime.datetime) -> tuple:
    """An event's values but its revision (EVENT_FIELDS): a revision became (+1) or stopped being (-1) its form's
    content at `at`, not folded yet."""
    return (mission_id, sign, at, hour_of(at), False)


def new_revision_event(*, mission_id: int, at: datetime.datetime) -> tuple:
    """The event of a new form's first revision, current from `at`: the statement that writes a new form on
    PostgreSQL writes it too."""
    return event_values(mission_id=mission_id, sign=1, at=at)


def forms_deleting_received(sender, *, submission_ids, **kwargs) -> None:
    """The listener of submissions' `forms_deleting` signal (connected in tallies/apps.py)."""
    tally_forms_forget(submission_ids=submission_ids)


def tally_revision_change(
    *, mission_id: int, revision_id: int, at: datetime.datetime, superseded_ids: Iterable[int] = ()
) -> None:
    """Record that a revision became its form's content at `at`, replacing `superseded_ids`: one insert, no update.

    Called inside the transaction that writes the revision, so the tallies never see a form the answers do not.
    """
    events = [(revision_id, 1)] + [(old, -1) for old in superseded_ids]
    # Written on every form received: a plain parameterised insert, without building the ORM's statement each time.
    fields = [TallyEvent._meta.get_field(name) for name in ("revision", *EVENT_FIELDS)]
    quote = connection.ops.quote_name
    row = f"({', '.join(['%s'] * len(fields))})"
    params = []
    for event_revision_id, sign in events:
        values = (event_revision_id, *event_values(mission_id=mission_id, sign=sign, at=at))
        params += [field.get_db_prep_save(value, connection) for field, value in zip(fields, values, strict=True)]
    with statement_cursor() as cursor:  # prepared once per connection (one text per number of events)
        cursor.execute(
            f"INSERT INTO {quote(TallyEvent._meta.db_table)} ({', '.join(quote(field.column) for field in fields)}) "  # noqa: S608
            f"VALUES {', '.join([row] * len(events))}",
            params,
        )


def tally_revisions_add(revisions: Iterable[SubmissionRevision]) -> None:
    """Record first revisions written in bulk (the demo, imports): +1 each from its valid_from (and -1 at its end)."""
    events = []
    for revision in revisions:
        events.append(
            TallyEvent(
                mission_id=revision.mission_id,
                revision_id=revision.pk,
                sign=1,
                at=revision.valid_from,
                hour=hour_of(revision.valid_from),
            )
        )
        if revision.valid_until is not None:
            events.append(
                TallyEvent(
                    mission_id=revision.mission_id,
                    revision_id=revision.pk,
                    sign=-1,
                    at=revision.valid_until,
                    hour=hour_of(revision.valid_until),
                )
            )
    TallyEvent.objects.bulk_create(events, batch_size=2000)


def _take_lock() -> bool:
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [ROLLUP_LOCK_KEY])
        return bool(cursor.fetchone()[0])


# A cell's key: (mission id, kind, region id, area type, question code, answer).
CellKey = tuple[int, str, int | None, str, str, str | None]


def _fold(hour: datetime.datetime, ids: list[int], *, undo: bool = False) -> list[tuple]:
    """Add the cells of some events of one hour to that hour's counts (with `undo`, take them away); returns the cells'
    changes (key..., count, total)."""
    src, src_params = events_src(ids, undo=undo)
    answer_rows, row_params, cells, cell_params = cells_sql()
    names = ", ".join(CELL_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH src AS ({src}), {answer_rows} SELECT mission_id, {names}, SUM(count), SUM(total) "  # noqa: S608
            f"FROM ({cells}) c GROUP BY mission_id, {names}",
            src_params + row_params + cell_params,
        )
        found = cursor.fetchall()
    missions = {row[0] for row in found}
    existing = {
        key[:6]: key[6]
        for key in TallyCount.objects.filter(mission_id__in=missions, hour=hour).values_list(
            "mission_id", "kind", "region_id", "area_type", "question_code", "answer", "id"
        )
    }
    changed, added = [], []
    for mission_id, kind, region_id, area_type, code, answer, count, total in found:
        row_id = existing.get((mission_id, kind, region_id, area_type, code, answer))
        if row_id is None:
            added.append(
                TallyCount(
                    mission_id=mission_id,
                    kind=kind,
                    region_id=region_id,
                    area_type=area_type,
                    question_code=code,
                    answer=answer,
                    hour=hour,
                    count=count,
                    total=total or 0,
                )
            )
        elif count or total:
            changed.append((row_id, int(count), int(total or 0)))
    TallyCount.objects.bulk_create(added, batch_size=2000)
    _increment(changed)
    return found


def _add_to_totals(changes: dict[CellKey, list[int]]) -> None:
    """Add (count, total) to each cell's total, creating it when new: one INSERT ... ON CONFLICT per 500 cells.

    The conflict target is the expression of the unique constraint tally_total_cell (PostgreSQL and SQLite both
    infer the index from it), so a missing region or answer is one key.
    """
    rows = [(*key, count, total) for key, (count, total) in changes.items() if count or total]
    totals = TallyTotal
    names = ("mission", "kind", "region", "area_type", "question_code", "answer", "count", "total")
    count, total = column(totals, "count"), column(totals, "total")
    target = (
        f"{column(totals, 'mission')}, {column(totals, 'kind')}, (COALESCE({column(totals, 'region')}, 0)), "
        f"{column(totals, 'area_type')}, {column(totals, 'question_code')}, "
        f"(COALESCE({column(totals, 'answer')}, '{BLANK_ANSWER_KEY}'))"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table(totals)} ({', '.join(column(totals, name) for name in names)}) "  # noqa: S608
                f"VALUES {values} ON CONFLICT ({target}) DO UPDATE SET {count} = {table(totals)}.{count} + "
                f"excluded.{count}, {total} = {table(totals)}.{total} + excluded.{total}",
                [value for row in chunk for value in row],
            )


def _increment(changed: list[tuple[int, int, int]]) -> None:
    """Add (id, count, total) to existing rows: one UPDATE ... FROM (VALUES ...) per thousand rows."""
    counts = TallyCount
    with connection.cursor() as cursor:
        for start in range(0, len(changed), 1000):
            chunk = changed[start : start + 1000]
            values = ", ".join(["(%s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"WITH v (row_id, delta, delta_total) AS (VALUES {values}) "  # noqa: S608 - names from the model
                f"UPDATE {table(counts)} SET {column(counts, 'count')} = {column(counts, 'count')} + v.delta, "
                f"{column(counts, 'total')} = {column(counts, 'total')} + v.delta_total "
                f"FROM v WHERE {column(counts, 'id')} = v.row_id",
                [value for row in chunk for value in row],
            )


def _count_rows(missions: set[int], hours: set[datetime.datetime]) -> None:
    """Count again the hourly rows of the hours just folded and the totals of their missions (TallyRowCount)."""
    if not missions:
        return
    TallyRowCount.objects.filter(mission_id__in=missions, hour__in=hours).delete()
    TallyRowCount.objects.filter(mission_id__in=missions, hour__isnull=True).delete()
    counted = [
        TallyRowCount(mission_id=row["mission_id"], hour=row["hour"], size=row["size"])
        for row in TallyCount.objects.filter(mission_id__in=missions, hour__in=hours)
        .values("mission_id", "hour")
        .annotate(size=Count("id"))
        .order_by()
    ]
    counted += [
        TallyRowCount(mission_id=row["mission_id"], hour=None, size=row["size"])
        for row in TallyTotal.objects.filter(mission_id__in=missions)
        .values("mission_id")
        .annotate(size=Count("id"))
        .order_by()
    ]
    TallyRowCount.objects.bulk_create(counted)


def tallies_roll_up(*, batch_size: int | None = None, max_batches: int | None = None) -> int:
    """Fold pending events into hourly counts and totals, oldest first, a batch per transaction; returns the events
    folded.

    Safe to run twice at once: a second run finds the lock taken and returns 0.
    """
    batch_size = batch_size or settings.TALLIES_ROLLUP_BATCH
    folded = batches = 0
    while max_batches is None or batches < max_batches:
        with transaction.atomic():
            if not _take_lock():
                return folded
            pending = list(
                TallyEvent.objects.filter(rolled_up=False).order_by("id").values_list("id", "hour")[:batch_size]
            )
            if not pending:
                return folded
            by_hour: dict[datetime.datetime, list[int]] = defaultdict(list)
            for event_id, hour in pending:
                by_hour[hour].append(event_id)
            totals: dict[CellKey, list[int]] = defaultdict(lambda: [0, 0])
            for hour, ids in sorted(by_hour.items()):
                for *key, count, total in _fold(hour, ids):
                    totals[tuple(key)][0] += int(count)
                    totals[tuple(key)][1] += int(total or 0)
            _add_to_totals(totals)
            _count_rows({key[0] for key in totals}, set(by_hour))
            TallyEvent.objects.filter(id__in=[event_id for event_id, _hour in pending]).update(rolled_up=True)
        folded += len(pending)
        batches += 1
    return folded


def tally_forms_forget(*, submission_ids: Iterable[int]) -> int:
    """Take back what the fold counted of forms about to be deleted; returns the events taken back.

    Called in the deleting transaction before the rows go (tallies/apps.py): the forms' events are then deleted with
    their revisions, so the folded counts must lose them too, each in its own hour, as if the forms had never been
    received (a count of the stored forms or answers at any moment then agrees again). Events not folded yet need
    nothing: they go with the revisions. Waits for a fold in progress, so it never misses a batch being folded.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ROLLUP_LOCK_KEY])
        folded = list(
            TallyEvent.objects.filter(
                revision__in=SubmissionRevision.objects.filter(submission__in=list(submission_ids)).values("pk"),
                rolled_up=True,
            ).values_list("id", "hour")
        )
        if not folded:
            return 0
        by_hour: dict[datetime.datetime, list[int]] = defaultdict(list)
        for event_id, hour in folded:
            by_hour[hour].append(event_id)
        totals: dict[CellKey, list[int]] = defaultdict(lambda: [0, 0])
        for hour, ids in sorted(by_hour.items()):
            for *key, count, total in _fold(hour, ids, undo=True):
                totals[tuple(key)][0] += int(count)
                totals[tuple(key)][1] += int(total or 0)
        _add_to_totals(totals)
        _count_rows({key[0] for key in totals}, set(by_hour))
        # Not counted any more: a fold before the deletion commits must not count them again, nor this again undo them.
        TallyEvent.objects.filter(id__in=[event_id for event_id, _hour in folded]).delete()
    return len(folded)


def tallies_rebuild(*, mission) -> int:
    """Start a mission's tallies again from its revisions (after an upgrade, or to repair); returns the events.

    Meant for a quiet mission: a form recorded while it runs may be counted twice until the next rebuild.
    """
    with transaction.atomic():
        TallyCount.objects.filter(mission=mission).delete()
        TallyTotal.objects.filter(mission=mission).delete()
        TallyRowCount.objects.filter(mission=mission).delete()
        TallyEvent.objects.filter(mission=mission).delete()
        revisions = SubmissionRevision.objects.filter(mission=mission).only(
            "id", "mission_id", "valid_from", "valid_until"
        )
        count = 0
        chunk: list[SubmissionRevision] = []
        for revision in revisions.order_by("id").iterator(chunk_size=5000):
            chunk.append(revision)
            if len(chunk) == 5000:
                tally_revisions_add(chunk)
                count += len(chunk)
                chunk = []
        tally_revisions_add(chunk)
        count += len(chunk)
    tallies_roll_up()
    return count


def pending_events() -> int:
    """Events not folded yet (what a compilation reads beyond the counts)."""
    return TallyEvent.objects.filter(rolled_up=False).count()
