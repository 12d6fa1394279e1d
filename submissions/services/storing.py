"""The rows a form becomes (its answers, its revisions and theirs), and writing a new form once: the submission, its
answer rows, its first revision and that revision's answer rows.

A UUID already stored is detected by the insert itself, never by a look-up first. On PostgreSQL the four inserts are
one statement (`INSERT ... ON CONFLICT (uuid) DO NOTHING` whose returned id feeds the other three as data-modifying
CTEs), prepared once per connection (config.queries.statement_cursor), so a new form costs one round trip to write;
a request that loses a race waits for the winner's commit and inserts nothing. The same statement writes the rows
that listeners of `revision_current` registered for a new revision (the tally event: submissions.signals), so
outside a transaction it is its own. Elsewhere (SQLite) the form row is inserted under a savepoint and a unique
violation on its UUID means the same thing.

A form of a phase that coordinators have locked is still stored, as locked: the insert itself asks for the lock (on
PostgreSQL inside the same statement), so the answer is the one current when the form is written.
"""

from __future__ import annotations

import datetime
import functools
import json
import uuid

from django.db import IntegrityError, connection, transaction
from django.db.models import DateField, DateTimeField, Field, Model

from config.queries import statement_cursor

from ..choices import SubmissionStatus
from ..models import Answer, PhaseLock, RevisionAnswer, Submission, SubmissionRevision
from ..signals import NewRevisionRow, new_revision_rows, revision_current

# The submission's fields each revision records as they stood, for snapshot compilations.
REVISION_FIELDS = (
    "mission_id",
    "kind",
    "team_id",
    "polling_station_id",
    "tec_id",
    "region_id",
    "area_type",
    "arrival_time",
    "notes",
    "urgent",
    "has_critical",
    "overall_assessment",
    "protocol_mismatch",
    "protocol_issues",
    "confidential",
)


def revision_build(
    submission: Submission,
    *,
    revision: int,
    valid_from: datetime.datetime,
    received_at: datetime.datetime | None = None,
    changes: dict | None = None,
    changed_by=None,
) -> SubmissionRevision:
    """An unsaved revision holding the submission as it now stands, current from `valid_from`."""
    return SubmissionRevision(
        submission=submission,
        revision=revision,
        payload=submission.payload,
        changes=changes or {},
        changed_by=changed_by,
        received_at=received_at or submission.received_at,
        valid_from=valid_from,
        **{name: getattr(submission, name) for name in REVISION_FIELDS},
    )


def revision_answer_rows(revision: SubmissionRevision, values: list[tuple]) -> list[RevisionAnswer]:
    """Unsaved RevisionAnswer rows of a revision from answer_values."""
    return [
        RevisionAnswer(revision=revision, question_code=code, value=value, number=number, text=text)
        for code, value, number, text in values
    ]


def answer_rows(submission: Submission, values: list[tuple]) -> list[Answer]:
    """Unsaved Answer rows of a submission from answer_values."""
    return [
        Answer(submission=submission, question_code=code, value=value, number=number, text=text)
        for code, value, number, text in values
    ]


@functools.cache
def _insert_fields(model: type[Model], skip: tuple[str, ...] = ()) -> tuple:
    return tuple(field for field in model._meta.concrete_fields if not field.primary_key and field.attname not in skip)


# A sample of each type of value Django may write to a column as it is.
_SAMPLES = ("sample", True, 7, uuid.UUID(int=7), datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC), None)


@functools.cache
def _adapters(fields: tuple, vendor: str) -> tuple:
    """Per field: (field, attname, whether its pre_save only reads the attribute, the exact types of value that
    `get_db_prep_save` returns unchanged).

    Django adapts every value to its column through a few calls per field (about 4 microseconds each, 30 fields a
    form); most of a form's values (text, flags, ids, aware moments, its UUID) come back as they went in. Which types
    do is asked of the field itself, with a sample of each, for Django's own field classes only; a moment is sent as
    it is only when aware (a naive one is made aware, with a warning). Every other value still goes through Django.
    """
    adapters = []
    for field in fields:
        kept: tuple[type, ...] = ()
        if type(field).__module__.startswith("django.db.models.fields"):
            for sample in _SAMPLES:
                try:
                    if field.get_db_prep_save(sample, connection) is sample:
                        kept += (type(sample),)
                except Exception:  # noqa: BLE001, S112 - a type the field refuses is simply not sent as it is
                    continue
        reads = type(field).pre_save is Field.pre_save or (
            type(field).pre_save in (DateField.pre_save, DateTimeField.pre_save)
            and not field.auto_now
            and not field.auto_now_add
        )
        adapters.append((field, field.attname, reads, kept))
    return tuple(adapters)


def _values(instance: Model, fields: tuple) -> list:
    """The instance's values of these fields as `get_db_prep_save` gives them after `pre_save` (a new row)."""
    values = []
    for field, attname, reads, kept in _adapters(fields, connection.vendor):
        value = getattr(instance, attname) if reads else field.pre_save(instance, add=True)
        kind = type(value)
        if kind in kept and (kind is not datetime.datetime or value.utcoffset() is not None):
            values.append(value)
        else:
            values.append(field.get_db_prep_save(value, connection))
    return values


def _answer_rows_json(values: list[tuple]) -> str:
    """answer_values as one JSON array of [question code, value, number, text] rows (json.dumps is C; psycopg writes
    a Python list as an array literal in Python, element by element)."""
    return json.dumps(values, ensure_ascii=False, separators=(",", ":"))


# The first revision's columns that repeat the form's: the statement copies them from the row it has just inserted
# rather than take the same values (the payload above all) a second time.
_COPIED_FROM_FORM = (*REVISION_FIELDS, "payload", "received_at")


def listener_rows() -> tuple[NewRevisionRow, ...] | None:
    """The rows the listeners of `revision_current` write for a new form when the insert can write them itself (on
    PostgreSQL, every listener registered in `new_revision_rows`); None when the listeners must be sent the signal."""
    if connection.vendor != "postgresql":
        return None
    sync_receivers, async_receivers = revision_current._live_receivers(SubmissionRevision)
    receivers = (*sync_receivers, *async_receivers)
    if not all(receiver in new_revision_rows for receiver in receivers):
        return None
    return tuple(new_revision_rows[receiver] for receiver in receivers)


@functools.cache
def _insert_sql_postgresql(rows: tuple[NewRevisionRow, ...] = ()) -> tuple[str, int, tuple]:
    """The one statement that writes a new form (built once per process), where the status goes in its values, and
    the revision's fields it takes as values (the others are copied from the form's row); with the listeners' `rows`
    of the new revision."""
    quote = connection.ops.quote_name
    submission_columns = [quote(field.column) for field in _insert_fields(Submission)]
    # The status is the form's own unless its phase is locked; every other column is a plain parameter.
    placeholders = ["%s"] * len(submission_columns)
    status_index = submission_columns.index(quote(Submission._meta.get_field("status").column))
    lock = f"SELECT 1 FROM {quote(PhaseLock._meta.db_table)} WHERE mission_id = %s AND kind = %s"  # noqa: S608
    placeholders[status_index] = f"CASE WHEN EXISTS ({lock}) THEN %s ELSE %s END"
    form_columns = {field.attname: field.column for field in Submission._meta.concrete_fields}
    revision_fields = _insert_fields(SubmissionRevision, ("submission_id",))
    copied = [field for field in revision_fields if field.attname in _COPIED_FROM_FORM]
    sent = tuple(field for field in revision_fields if field.attname not in _COPIED_FROM_FORM)
    revision_columns = [quote(field.column) for field in (*copied, *sent)]
    copied_columns = [quote(form_columns[field.attname]) for field in copied]
    answer_columns = ", ".join(quote(name) for name in ("question_code", "value", "number", "text"))
    sql = f"""
        WITH new_submission AS (
            INSERT INTO {quote(Submission._meta.db_table)} ({", ".join(submission_columns)})
            VALUES ({", ".join(placeholders)})
            ON CONFLICT ({quote("uuid")}) DO NOTHING
            RETURNING id, {quote("status")}, {", ".join(copied_columns)}
        ), answer_values AS (
            SELECT answer ->> 0, answer ->> 1, (answer ->> 2)::bigint, answer ->> 3
            FROM json_array_elements(%s::json) AS answer
        ), new_answers AS (
            INSERT INTO {quote(Answer._meta.db_table)} (submission_id, {answer_columns})
            SELECT new_submission.id, answer_values.* FROM new_submission, answer_values
        ), new_revision AS (
            INSERT INTO {quote(SubmissionRevision._meta.db_table)} (submission_id, {", ".join(revision_columns)})
            SELECT new_submission.id, {", ".join(f"new_submission.{column}" for column in copied_columns)},
                {", ".join(f"%s::{field.cast_db_type(connection)}" for field in sent)}
            FROM new_submission
            RETURNING id
        ), new_revision_answers AS (
            INSERT INTO {quote(RevisionAnswer._meta.db_table)} (revision_id, {answer_columns})
            SELECT new_revision.id, answer_values.* FROM new_revision, answer_values
        ){"".join(_listener_row_sql(number, row) for number, row in enumerate(rows))}
        SELECT new_submission.id, new_revision.id, new_submission.status FROM new_submission, new_revision
    """  # noqa: S608 - table and column names come from the models; every value is a parameter
    return sql, status_index, sent


def _listener_fields(row: NewRevisionRow) -> tuple:
    return tuple(row.model._meta.get_field(name) for name in row.fields)


def _listener_row_sql(number: int, row: NewRevisionRow) -> str:
    """A data-modifying CTE inserting a listener's row of the new revision (its values as parameters)."""
    quote = connection.ops.quote_name
    columns = [quote(row.model._meta.get_field(row.revision_field).column)]
    columns += [quote(field.column) for field in _listener_fields(row)]
    casts = ", ".join(f"%s::{field.cast_db_type(connection)}" for field in _listener_fields(row))
    return f""", new_listener_row_{number} AS (
            INSERT INTO {quote(row.model._meta.db_table)} ({", ".join(columns)})
            SELECT new_revision.id, {casts} FROM new_revision
        )"""  # noqa: S608 - table and column names come from the models; every value is a parameter


def _insert_postgresql(
    submission: Submission, values: list[tuple], *, changed_by, rows: tuple[NewRevisionRow, ...] = ()
) -> SubmissionRevision | None:
    sql, status_index, revision_fields = _insert_sql_postgresql(rows)
    submission_params = _values(submission, _insert_fields(Submission))
    submission_params[status_index : status_index + 1] = [
        submission.mission_id,
        submission.kind,
        SubmissionStatus.LOCKED.value,
        submission_params[status_index],
    ]
    # The first revision is current from the moment the form is received (set just above by auto_now_add).
    revision = _first_revision(submission, changed_by=changed_by)
    revision_params = _values(revision, revision_fields)
    row_params = []
    for row in rows:
        fields = _listener_fields(row)
        row_values = row.values(mission_id=submission.mission_id, at=revision.valid_from)
        row_params += [
            field.get_db_prep_save(value, connection) for field, value in zip(fields, row_values, strict=True)
        ]
    with statement_cursor() as cursor:  # prepared once per connection
        cursor.execute(sql, [*submission_params, _answer_rows_json(values), *revision_params, *row_params])
        row = cursor.fetchone()
    if row is None:
        return None
    submission.pk, revision.pk, submission.status = row
    revision.submission = submission
    for instance in (submission, revision):
        instance._state.adding, instance._state.db = False, connection.alias
    return revision


def _insert_elsewhere(submission: Submission, values: list[tuple], *, changed_by) -> SubmissionRevision | None:
    if PhaseLock.objects.filter(mission_id=submission.mission_id, kind=submission.kind).exists():
        submission.status = SubmissionStatus.LOCKED
    try:
        with transaction.atomic():
            submission.save(force_insert=True)
    except IntegrityError:
        if Submission.objects.filter(uuid=submission.uuid).exists():
            return None
        raise
    Answer.objects.bulk_create(answer_rows(submission, values))
    revision = _first_revision(submission, changed_by=changed_by)
    revision.save(force_insert=True)
    RevisionAnswer.objects.bulk_create(revision_answer_rows(revision, values))
    return revision


def _first_revision(submission: Submission, *, changed_by) -> SubmissionRevision:
    return revision_build(submission, revision=1, valid_from=submission.received_at, changed_by=changed_by)


def submission_insert_once(
    *, submission: Submission, values: list[tuple], changed_by, rows: tuple[NewRevisionRow, ...] = ()
) -> SubmissionRevision | None:
    """Insert a new form with its answers and first revision; None (and nothing written) when its UUID is taken.

    Call inside a transaction, unless every row the form writes is in the one statement (on PostgreSQL): `rows`
    (from `listener_rows()`) are the listeners' rows of the new revision, written with it. `values` are the form's
    answer_values. The form is stored locked when its phase is.
    """
    if connection.vendor == "postgresql":
        return _insert_postgresql(submission, values, changed_by=changed_by, rows=rows)
    if rows:
        raise ValueError("Only the PostgreSQL insert writes the listeners' rows.")
    return _insert_elsewhere(submission, values, changed_by=changed_by)
