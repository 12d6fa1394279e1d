"""The cells a revision fills, as SQL: one definition for folding events, reading the tail and leaving forms out.

A revision's answer rows are grouped the way a compilation groups them (reports.compile): a closed question by its
value; an integer, time or text question only as answered (with the integer's sum), not applicable, or blank. A
multiple-choice question answered with at least one real choice adds one more cell, MULTIPLE_ANSWERED, which counts
the forms that answered it (its n). The overall assessment is counted from the forms themselves, not from here.

How a question is grouped follows its type on the form's own checklist version; a compilation checks that every
version of the mission agrees with the merged catalogue before it trusts the tallies (reports.compile).
"""

from __future__ import annotations

import datetime

from django.db import connection

from checklists.choices import NOT_APPLICABLE, OVERALL_ASSESSMENT_CODE, QuestionType
from checklists.models import Question
from submissions.models import RevisionAnswer, Submission, SubmissionRevision

from .models import TallyCount, TallyEvent

# Marks an answered integer, time or text question: those are summarised, not tallied by value.
ANSWERED = "__eom_answered__"
# Counts the forms that chose at least one real answer of a multiple-choice question.
MULTIPLE_ANSWERED = "__eom_multiple_answered__"
SUMMARISED_TYPES = (QuestionType.INTEGER, QuestionType.TIME, QuestionType.TEXT)
# The grouping columns of a cell, in the order every statement here returns them.
CELL_COLUMNS = ("kind", "region_id", "area_type", "question_code", "answer")


def hour_of(moment: datetime.datetime) -> datetime.datetime:
    """The start of the UTC hour a moment lies in: the TallyCount row its events fold into."""
    return moment.astimezone(datetime.UTC).replace(minute=0, second=0, microsecond=0)


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def column(model, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


def cells_sql() -> tuple[str, list]:
    """SELECT mission_id, kind, region_id, area_type, question_code, answer, count, total: the signed cells of the
    revisions in a `src (revision_id, sign)` table the caller defines (a WITH clause) before this statement."""
    revision, answer, submission, question = SubmissionRevision, RevisionAnswer, Submission, Question

    def r(name):
        return f"r.{column(revision, name)}"

    def a(name):
        return f"a.{column(answer, name)}"

    def q(name):
        return f"q.{column(question, name)}"

    place = f"{r('mission')}, {r('kind')}, {r('region')}, {r('area_type')}"
    joins = (
        f"FROM src JOIN {table(revision)} r ON {r('id')} = src.revision_id "
        f"JOIN {table(submission)} s ON s.{column(submission, 'id')} = {r('submission')}"
    )
    sql = (
        f"SELECT {place}, {a('question_code')} AS question_code, "  # noqa: S608 - names from the models
        f"CASE WHEN {q('type')} IN (%s, %s, %s) THEN "
        f"CASE WHEN {a('value')} IS NULL AND {a('number')} IS NULL THEN NULL "
        f"WHEN {a('value')} = %s THEN %s ELSE %s END ELSE {a('value')} END AS answer, "
        f"src.sign AS count, src.sign * COALESCE({a('number')}, 0) AS total "
        f"{joins} JOIN {table(answer)} a ON {a('revision')} = {r('id')} "
        f"LEFT JOIN {table(question)} q ON {q('template')} = s.{column(submission, 'template')} "
        f"AND {q('code')} = {a('question_code')} "
        f"WHERE {r('confidential')} = %s AND {a('question_code')} <> %s "
        "UNION ALL "
        f"SELECT {place}, {q('code')}, %s, src.sign, 0 "
        f"{joins} JOIN {table(question)} q ON {q('template')} = s.{column(submission, 'template')} "
        f"AND {q('type')} = %s "
        f"WHERE {r('confidential')} = %s AND EXISTS (SELECT 1 FROM {table(answer)} a WHERE {a('revision')} = {r('id')} "
        f"AND {a('question_code')} = {q('code')} AND {a('value')} IS NOT NULL AND {a('value')} <> %s)"
    )
    params = [
        *(str(kind) for kind in SUMMARISED_TYPES),
        NOT_APPLICABLE,
        NOT_APPLICABLE,
        ANSWERED,
        False,
        OVERALL_ASSESSMENT_CODE,
        MULTIPLE_ANSWERED,
        str(QuestionType.MULTIPLE),
        False,
        NOT_APPLICABLE,
    ]
    return sql, params


def events_src(ids: list[int]) -> tuple[str, list]:
    """The src table of some events, by id."""
    marks = ", ".join(["%s"] * len(ids))
    event = TallyEvent
    return (
        f"SELECT {column(event, 'revision')} AS revision_id, {column(event, 'sign')} AS sign "  # noqa: S608
        f"FROM {table(event)} WHERE {column(event, 'id')} IN ({marks})",
        list(ids),
    )


def counts_table() -> str:
    return table(TallyCount)
