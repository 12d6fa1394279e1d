"""Writing built forms in bulk: each form, its first revision and both sets of answer rows, as recording stores them,
and the revision's tally events (tallies: the running counts compilations read).

Rows come from unsaved model instances (`submission_build`, `revision_build`) and the service's answer tuples, and
the columns are read from the models' `_meta`, so a column added to a model is written here too or refused loudly,
never skipped. PostgreSQL gets COPY (ten times faster than INSERT for millions of rows); other databases get one
INSERT per batch of rows. Primary keys are taken first (PostgreSQL's sequence; elsewhere the next free ids inside
the transaction), so the rows that point at a form need no read-back.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.db import connection, models, transaction

from submissions.models import Answer, RevisionAnswer, Submission, SubmissionRevision
from submissions.services import revision_build
from tallies.services import tally_revisions_add

# The shape of the recording service's answer tuples (`answer_values`): the answer models' columns past the owner.
ANSWER_TUPLE = ("question_code", "value", "number", "text")
BATCH = 10_000


def model_columns(model: type[models.Model]) -> list[models.Field]:
    """Every concrete column of a model, the primary key first."""
    return list(model._meta.concrete_fields)


def answer_columns(model: type[models.Model], owner: str) -> list[models.Field]:
    """The owner's column then the answer tuple's, checked against the model so the two cannot drift apart."""
    fields = {field.name: field for field in model._meta.concrete_fields if not field.primary_key}
    if set(fields) != {owner, *ANSWER_TUPLE}:
        raise LookupError(
            f"{model.__name__} has columns {sorted(fields)}; the generator writes {sorted([owner, *ANSWER_TUPLE])}."
        )
    return [fields[owner], *(fields[name] for name in ANSWER_TUPLE)]


def _next_ids(model: type[models.Model], count: int) -> list[int]:
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, column, count]
            )
            return [row[0] for row in cursor.fetchall()]
        quote = connection.ops.quote_name
        cursor.execute(f"SELECT COALESCE(MAX({quote(column)}), 0) FROM {quote(table)}")  # noqa: S608 -- model names
        first = cursor.fetchone()[0] + 1
    return list(range(first, first + count))


def _insert(model: type[models.Model], fields: Sequence[models.Field], rows: Iterable[tuple]) -> None:
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608 -- model names
        rows = list(rows)
        for start in range(0, len(rows), 2000):
            cursor.executemany(sql, rows[start : start + 2000])


def _instance_rows(objects: Iterable[models.Model], fields: Sequence[models.Field]) -> Iterable[tuple]:
    """Each object as the database values of `fields`, prepared exactly as Django prepares them for an INSERT."""
    for obj in objects:
        yield tuple(field.get_db_prep_save(getattr(obj, field.attname), connection) for field in fields)


def _answer_rows(owner_ids: Sequence[int], values: Sequence[list[tuple]], fields: Sequence[models.Field]):
    number_field = fields[3]
    for owner_id, rows in zip(owner_ids, values, strict=True):
        for code, value, number, text in rows:
            yield owner_id, code, value, number_field.get_db_prep_save(number, connection), text


def forms_write(built: Sequence[tuple[Submission, list[tuple]]]) -> list[Submission]:
    """Write built forms (each an unsaved submission with `received_at` set, and its answer tuples) in bulk.

    Their first revisions hold each form as received, current from its `received_at`, with the same answers; the
    submissions are returned with their ids. Runs in one transaction per batch of forms.
    """
    written: list[Submission] = []
    for start in range(0, len(built), BATCH):
        batch = built[start : start + BATCH]
        with transaction.atomic():
            written += _write_batch(batch)
    if connection.vendor == "postgresql" and len(built) >= BATCH:
        with connection.cursor() as cursor:
            for model in (Submission, Answer, SubmissionRevision, RevisionAnswer):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return written


def _write_batch(batch: Sequence[tuple[Submission, list[tuple]]]) -> list[Submission]:
    submissions = [submission for submission, _values in batch]
    values = [rows for _submission, rows in batch]
    for submission, pk in zip(submissions, _next_ids(Submission, len(submissions)), strict=True):
        submission.pk = pk
        submission.received_at = submission.received_at or datetime.datetime.now(datetime.UTC)
        submission.updated_at = submission.updated_at or submission.received_at
    _insert(Submission, model_columns(Submission), _instance_rows(submissions, model_columns(Submission)))
    fields = answer_columns(Answer, "submission")
    _insert(Answer, fields, _answer_rows([s.pk for s in submissions], values, fields))
    revisions = [
        revision_build(
            submission,
            revision=1,
            valid_from=submission.received_at,
            received_at=submission.received_at,
            changed_by=submission.submitted_by,
        )
        for submission in submissions
    ]
    for revision, pk in zip(revisions, _next_ids(SubmissionRevision, len(revisions)), strict=True):
        revision.pk = pk
        revision.changed_at = revision.received_at
    columns = model_columns(SubmissionRevision)
    _insert(SubmissionRevision, columns, _instance_rows(revisions, columns))
    tally_revisions_add(revisions)
    fields = answer_columns(RevisionAnswer, "revision")
    _insert(RevisionAnswer, fields, _answer_rows([r.pk for r in revisions], values, fields))
    return submissions
