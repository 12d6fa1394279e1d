"""The cells a revision fills, as SQL: one definition for folding events, reading the tail and leaving forms out.

A revision's answer rows are grouped the way a compilation groups them (reports.compile): a closed question by its
value; an integer, time or text question only as answered (with the integer's sum), not applicable, or blank. A
multiple-choice question answered with at least one real choice adds one more cell, MULTIPLE_ANSWERED, which counts
the forms that answered it (its n). Every integer answer also adds one to its value's cell, INTEGER_VALUE followed by
the integer (`integer_cell`): a histogram per place and question, from which a compilation takes the smallest and
largest integer (the least and greatest value with a positive count, so a correction subtracts safely) and the
medians; it grows with the distinct values answered, not with the forms. The overall assessment is counted from the
forms themselves, not from here.

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
# Starts the cell of one integer value: the histogram of an integer question's answers.
INTEGER_VALUE = "__eom_integer__:"
SUMMARISED_TYPES = (QuestionType.INTEGER, QuestionType.TIME, QuestionType.TEXT)
# The grouping columns of a cell, in the order every statement here returns them.
CELL_COLUMNS = ("kind", "region_id", "area_type", "question_code", "answer")


def hour_of(moment: datetime.datetime) -> datetime.datetime:
    """The start of the UTC hour a moment lies in: the TallyCount row its events fold into."""
    return moment.astimezone(datetime.UTC).replace(minute=0, second=0, microsecond=0)


def integer_cell(key: str | None) -> int | None:
    """The integer a histogram cell counts, or None for any other cell."""
    if key is None or not key.startswith(INTEGER_VALUE):
        return None
    return int(key[len(INTEGER_VALUE) :])


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def column(model, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


def cells_sql() -> tuple[str, list, str, list]:
    """The signed cells of the revisions in a `src (revision_id, sign)` table the caller defines first in a WITH.

    Returns a WITH item named `answer_rows` to put after `src` and its parameters, then a SELECT of mission_id, kind,
    region_id, area_type, question_code, answer, count, total over it and its parameters. Every answer row is read once;
    the forms answering a multiple-choice question and the integers' histogram come from the same rows.
    """
    revision, answer, submission, question = SubmissionRevision, RevisionAnswer, Submission, Question

    def r(name):
        return f"r.{column(revision, name)}"

    def a(name):
        return f"a.{column(answer, name)}"

    def q(name):
        return f"q.{column(question, name)}"

    rows = (
        "answer_rows AS ("  # noqa: S608 - names from the models
        f"SELECT {r('mission')} AS mission_id, {r('kind')} AS kind, {r('region')} AS region_id, "
        f"{r('area_type')} AS area_type, {r('id')} AS revision_id, src.sign AS sign, "
        f"{a('question_code')} AS question_code, {a('value')} AS value, {a('number')} AS number, "
        f"{q('type')} AS question_type "
        f"FROM src JOIN {table(revision)} r ON {r('id')} = src.revision_id "
        f"JOIN {table(submission)} s ON s.{column(submission, 'id')} = {r('submission')} "
        f"JOIN {table(answer)} a ON {a('revision')} = {r('id')} "
        f"LEFT JOIN {table(question)} q ON {q('template')} = s.{column(submission, 'template')} "
        f"AND {q('code')} = {a('question_code')} "
        f"WHERE {r('confidential')} = %s AND {a('question_code')} <> %s)"
    )
    place = "mission_id, kind, region_id, area_type, question_code"
    select = (
        f"SELECT {place}, "  # noqa: S608 - names from the models
        "CASE WHEN question_type IN (%s, %s, %s) THEN "
        "CASE WHEN value IS NULL AND number IS NULL THEN NULL WHEN value = %s THEN %s ELSE %s END "
        "ELSE value END AS answer, sign AS count, sign * COALESCE(number, 0) AS total FROM answer_rows "
        "UNION ALL "
        f"SELECT {place}, %s, sign, 0 FROM (SELECT DISTINCT {place}, revision_id, sign FROM answer_rows "
        "WHERE question_type = %s AND value IS NOT NULL AND value <> %s) answered "
        "UNION ALL "
        f"SELECT {place}, CAST(%s AS VARCHAR(64)) || CAST(number AS VARCHAR(24)), sign, sign * number "
        "FROM answer_rows WHERE number IS NOT NULL"
    )
    params = [
        *(str(kind) for kind in SUMMARISED_TYPES),
        NOT_APPLICABLE,
        NOT_APPLICABLE,
        ANSWERED,
        MULTIPLE_ANSWERED,
        str(QuestionType.MULTIPLE),
        NOT_APPLICABLE,
        INTEGER_VALUE,
    ]
    return rows, [False, OVERALL_ASSESSMENT_CODE], select, params


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
