"""The cells a revision fills, as SQL: one definition for folding events, reading the tail and leaving forms out.

A revision's answer rows are grouped the way a compilation groups them (reports.compile): a closed question by its
value; an integer, time or text question only as answered (with the integer's sum), not applicable, or blank. A
multiple-choice question answered with at least one real choice adds one more cell, MULTIPLE_ANSWERED, which counts
the forms that answered it (its n). Every integer answer also adds one to its value's cell, INTEGER_VALUE followed by
the integer (`integer_cell`): a histogram per place and question, from which a compilation takes the smallest and
largest integer (the least and greatest value with a positive count, so a correction subtracts safely) and the
medians; it grows with the distinct values answered, not with the forms. A question answered with one of its
critical values (on the form's own checklist version) adds one to the cell of the form's station, CRITICAL_AT
followed by the station's id (`critical_cell`): the forms giving a critical answer are the sum of those cells and the
distinct stations the cells with a positive count; they grow with the stations, which are fixed, not with the forms.
A voting form giving voters on the list or voters who had voted (the questions with those protocol fields on its own
version, or else with those codes: `turnout_figure`) fills one turnout cell under the code TURNOUT: VOTED with the
voters who voted as its sum, and ON_LIST with the voters on the list, when it gives both and more than 0 on the
list; ON_LIST_ZERO when it gives 0 on the list; INCOMPLETE when it lacks a figure (reports.compile.turnout's
convention).
Every revision, answered or not, also fills the cell of its form's quarter-hour of receipt under the code RECEIVED
(the answer is the quarter-hour's number since 1970 in UTC; every time zone's hours are whole quarter-hours): the
timeline of forms received per local hour.
Every revision at a polling station also fills the cell of that station under the code OBSERVED_AT (the answer is the
station's id): the stations observed per region are those whose cells count a form; they grow with the stations, not
with the forms.
What a compilation's coverage counts comes from the revision's own columns too (never from the overall assessment's
answer row): under the code FORMS every revision fills FORMS_ALL, and FORMS_URGENT, FORMS_CRITICAL, FORMS_INCIDENT
(urgent or critical) and FORMS_MISMATCH when flagged so, and ASSESSED followed by its overall assessment when it has
one; a revision at a station with a negative assessment fills that station's cell under NEGATIVE_AT; a revision
naming a TEC or a team fills its cell under TEC_OBSERVED or TEAM_REPORTED (the answer is the id). Distinct stations,
TECs and teams are the cells with a positive count, so a correction or a move subtracts exactly; they grow with the
stations, TECs and teams, not with the forms. These cells are read by the coverage (`tally_coverage`) and the
dashboard, never with the answers (`tally_cells`).

How a question is grouped follows its type on the form's own checklist version; a compilation checks that every
version of the mission agrees with the merged catalogue before it trusts the tallies (reports.compile).
"""

from __future__ import annotations

import datetime

from django.db import connection

from checklists.choices import (
    NEGATIVE_ASSESSMENTS,
    NOT_APPLICABLE,
    OVERALL_ASSESSMENT_CODE,
    Assessment,
    FormKind,
    QuestionType,
)
from checklists.models import Question
from submissions.models import RevisionAnswer, Submission, SubmissionRevision

from .models import TallyCount, TallyEvent

# Marks an answered integer, time or text question: those are summarised, not tallied by value.
ANSWERED = "__eom_answered__"
# Counts the forms that chose at least one real answer of a multiple-choice question.
MULTIPLE_ANSWERED = "__eom_multiple_answered__"
# Starts the cell of one integer value: the histogram of an integer question's answers.
INTEGER_VALUE = "__eom_integer__:"
# The code of the turnout cells, and their answers.
TURNOUT = "__eom_turnout__"
TURNOUT_VOTED, TURNOUT_ON_LIST, TURNOUT_ON_LIST_ZERO, TURNOUT_INCOMPLETE = (
    "voted",
    "on_list",
    "on_list_zero",
    "incomplete",
)
# The protocol fields of the two figures turnout divides (reports.compile.turnout reads them from here).
VOTERS_ON_LIST, VOTERS_VOTED = "voters_on_list", "voters_voted"
TURNOUT_FIGURES = (VOTERS_VOTED, VOTERS_ON_LIST)
# The code of the cells of forms received per quarter-hour, and its length in seconds.
RECEIVED = "__eom_received__"
RECEIVED_SLOT_SECONDS = 900
# The code of the cells of forms per polling station (the answer is the station's id): the stations observed.
OBSERVED_AT = "__eom_observed_at__"
# The code of the cells a compilation's coverage counts per place, and their answers: every form, the urgent, critical,
# incident (urgent or critical) and protocol-mismatch forms; ASSESSED starts the cell of one overall assessment.
FORMS = "__eom_forms__"
FORMS_ALL, FORMS_URGENT, FORMS_CRITICAL, FORMS_INCIDENT, FORMS_MISMATCH = (
    "all",
    "urgent",
    "critical",
    "incident",
    "mismatch",
)
ASSESSED = "assessed:"
# The code of the cells of one polling station's forms with a negative overall assessment (the answer is its id).
NEGATIVE_AT = "__eom_negative_at__"
# The codes of the cells of the forms naming a TEC, and of a team's forms (the answer is the TEC's or team's id).
TEC_OBSERVED = "__eom_tec_observed__"
TEAM_REPORTED = "__eom_team_reported__"
# The cells a compilation's coverage reads (tallies.selectors.tally_coverage); the answers' reading skips them.
COVERAGE_CODES = (FORMS, OBSERVED_AT, NEGATIVE_AT, TEC_OBSERVED, TEAM_REPORTED)
# Starts the cell of one polling station's forms giving a critical answer to a question (no id: forms without one).
CRITICAL_AT = "__eom_critical_at__:"
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


def assessed_cell(key: str | None) -> str | None:
    """The overall assessment a FORMS cell counts, or None for any other of its cells."""
    if key is None or not key.startswith(ASSESSED):
        return None
    return key[len(ASSESSED) :]


def critical_cell(key: str | None) -> str | None:
    """The station id (as text; empty for none) of a critical-answer cell, or None for any other cell."""
    if key is None or not key.startswith(CRITICAL_AT):
        return None
    return key[len(CRITICAL_AT) :]


def _is_critical(question: str, answer: str) -> str:
    """SQL: whether an answer's value is one of its question's critical values (a JSON list), 1 or 0."""
    if connection.vendor == "postgresql":
        length = f"jsonb_array_length({question})"
        found = f"SELECT 1 FROM jsonb_array_elements_text({question}) c (v) WHERE c.v = {answer}"  # noqa: S608
    else:
        length = f"json_array_length({question})"
        found = f"SELECT 1 FROM json_each({question}) c WHERE CAST(c.value AS TEXT) = {answer}"  # noqa: S608
    # Most questions have no critical value: the list is searched only when it has one (CASE tests in order).
    return f"CASE WHEN {answer} IS NULL OR COALESCE({length}, 0) = 0 THEN 0 WHEN EXISTS ({found}) THEN 1 ELSE 0 END"


def turnout_figure(code: str, protocol_field: str | None) -> str | None:
    """Which turnout figure a voting question's answer gives, as the cells read it: its protocol field when that is
    one of the figures, else its code when that is one, else None."""
    if protocol_field in TURNOUT_FIGURES:
        return protocol_field
    return code if code in TURNOUT_FIGURES else None


def received_slot_start(key: str) -> datetime.datetime:
    """The start (UTC) of the quarter-hour a RECEIVED cell counts."""
    return datetime.datetime.fromtimestamp(int(key) * RECEIVED_SLOT_SECONDS, tz=datetime.UTC)


def received_slot_sql(received_at: str) -> str:
    """SQL: the quarter-hour of a moment, as an integer since 1970 in UTC."""
    if connection.vendor == "postgresql":
        return f"CAST(FLOOR(EXTRACT(EPOCH FROM {received_at}) / {RECEIVED_SLOT_SECONDS}) AS BIGINT)"
    return f"CAST(strftime('%%s', {received_at}) AS INTEGER) / {RECEIVED_SLOT_SECONDS}"


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def column(model, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


def form_cells_sql() -> tuple[str, list, str, list]:
    """The cells a revision fills from its own columns, not its answers: RECEIVED, OBSERVED_AT and the other cells of
    the coverage (COVERAGE_CODES).

    Like `cells_sql` (which includes them), for a `src (revision_id, sign)` table the caller defines first in a WITH:
    returns the WITH item `form_rows` and its parameters, then a SELECT of mission_id, kind, region_id, area_type,
    question_code, answer, count, total over it and its parameters. The dashboard reads these cells alone
    (tallies.selectors.tally_forms_now), so they have this one definition.
    """
    revision = SubmissionRevision

    def r(name):
        return f"r.{column(revision, name)}"

    rows = (
        "form_rows AS ("  # noqa: S608 - names from the models
        f"SELECT {r('mission')} AS mission_id, {r('kind')} AS kind, {r('region')} AS region_id, "
        f"{r('area_type')} AS area_type, src.sign AS sign, {received_slot_sql(r('received_at'))} AS slot, "
        f"{r('polling_station')} AS station_id, {r('tec')} AS tec_id, {r('team')} AS team_id, "
        f"{r('urgent')} AS urgent, {r('has_critical')} AS has_critical, {r('protocol_mismatch')} AS mismatch, "
        f"{r('overall_assessment')} AS assessment "
        f"FROM src JOIN {table(revision)} r ON {r('id')} = src.revision_id WHERE {r('confidential')} = %s)"
    )
    place = "mission_id, kind, region_id, area_type"
    assessments = ", ".join(["%s"] * len(Assessment.values))
    negative = ", ".join(["%s"] * len(NEGATIVE_ASSESSMENTS))
    select = (
        f"SELECT {place}, %s AS question_code, CAST(slot AS VARCHAR(24)) AS answer, "  # noqa: S608 - names from the models
        "sign AS count, 0 AS total FROM form_rows "
        f"UNION ALL SELECT {place}, %s, CAST(station_id AS VARCHAR(24)), sign, 0 FROM form_rows "
        "WHERE station_id IS NOT NULL "
        f"UNION ALL SELECT {place}, %s, %s, sign, 0 FROM form_rows "
        f"UNION ALL SELECT {place}, %s, %s, sign, 0 FROM form_rows WHERE urgent = %s "
        f"UNION ALL SELECT {place}, %s, %s, sign, 0 FROM form_rows WHERE has_critical = %s "
        f"UNION ALL SELECT {place}, %s, %s, sign, 0 FROM form_rows WHERE urgent = %s OR has_critical = %s "
        f"UNION ALL SELECT {place}, %s, %s, sign, 0 FROM form_rows WHERE mismatch = %s "
        f"UNION ALL SELECT {place}, %s, %s || assessment, sign, 0 FROM form_rows "
        f"WHERE assessment IN ({assessments}) "
        f"UNION ALL SELECT {place}, %s, CAST(station_id AS VARCHAR(24)), sign, 0 FROM form_rows "
        f"WHERE station_id IS NOT NULL AND assessment IN ({negative}) "
        f"UNION ALL SELECT {place}, %s, CAST(tec_id AS VARCHAR(24)), sign, 0 FROM form_rows "
        "WHERE tec_id IS NOT NULL "
        f"UNION ALL SELECT {place}, %s, CAST(team_id AS VARCHAR(24)), sign, 0 FROM form_rows "
        "WHERE team_id IS NOT NULL"
    )
    params = [
        RECEIVED,
        OBSERVED_AT,
        FORMS,
        FORMS_ALL,
        *(value for flag in (FORMS_URGENT, FORMS_CRITICAL) for value in (FORMS, flag, True)),
        FORMS,
        FORMS_INCIDENT,
        True,
        True,
        FORMS,
        FORMS_MISMATCH,
        True,
        FORMS,
        ASSESSED,
        *Assessment.values,
        NEGATIVE_AT,
        *(str(value) for value in NEGATIVE_ASSESSMENTS),
        TEC_OBSERVED,
        TEAM_REPORTED,
    ]
    return rows, [False], select, params


def cells_sql() -> tuple[str, list, str, list]:
    """The signed cells of the revisions in a `src (revision_id, sign)` table the caller defines first in a WITH.

    Returns the WITH items `answer_rows` and `form_rows` to put after `src` and their parameters, then a SELECT of
    mission_id, kind, region_id, area_type, question_code, answer, count, total over them and its parameters. Every
    answer row is read once; the forms answering a multiple-choice question, the integers' histogram, the critical
    answers' stations and the turnout figures come from the same rows, the quarter-hours of receipt from the revisions.
    """
    revision, answer, submission, question = SubmissionRevision, RevisionAnswer, Submission, Question
    form_rows, form_row_params, form_select, form_params = form_cells_sql()

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
        f"{q('type')} AS question_type, {r('polling_station')} AS station_id, {q('protocol_field')} AS protocol_field, "
        f"{_is_critical(q('critical_values'), a('value'))} AS is_critical "
        f"FROM src JOIN {table(revision)} r ON {r('id')} = src.revision_id "
        f"JOIN {table(submission)} s ON s.{column(submission, 'id')} = {r('submission')} "
        f"JOIN {table(answer)} a ON {a('revision')} = {r('id')} "
        f"LEFT JOIN {table(question)} q ON {q('template')} = s.{column(submission, 'template')} "
        f"AND {q('code')} = {a('question_code')} "
        f"WHERE {r('confidential')} = %s AND {a('question_code')} <> %s)"
    )
    place = "mission_id, kind, region_id, area_type, question_code"
    # A figure is the question with its protocol field or, without one, the question with its code (turnout_figure).
    per_form = (
        "SELECT mission_id, kind, region_id, area_type, revision_id, sign, "
        "MAX(CASE WHEN figure = %s THEN number END) AS voted, "
        "MAX(CASE WHEN figure = %s THEN number END) AS on_list FROM ("
        "SELECT mission_id, kind, region_id, area_type, revision_id, sign, number, "
        "CASE WHEN protocol_field IN (%s, %s) THEN protocol_field WHEN question_code IN (%s, %s) THEN question_code "
        "END AS figure FROM answer_rows WHERE kind = %s) figures WHERE figure IS NOT NULL "
        "GROUP BY mission_id, kind, region_id, area_type, revision_id, sign"
    )
    per_form_params = [VOTERS_VOTED, VOTERS_ON_LIST, *TURNOUT_FIGURES, *TURNOUT_FIGURES, str(FormKind.VOTING)]
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
        "FROM answer_rows WHERE number IS NOT NULL "
        "UNION ALL "
        f"SELECT {place}, CAST(%s AS VARCHAR(64)) || COALESCE(CAST(station_id AS VARCHAR(24)), ''), sign, 0 "
        f"FROM (SELECT DISTINCT {place}, station_id, revision_id, sign FROM answer_rows WHERE is_critical = 1) "
        "critical_answers "
        # One row per voting form with either figure, then its turnout cell (and ON_LIST beside VOTED).
        "UNION ALL "
        "SELECT mission_id, kind, region_id, area_type, %s, figure, sign, total FROM ("
        "SELECT mission_id, kind, region_id, area_type, sign, "
        "CASE WHEN voted IS NOT NULL AND on_list > 0 THEN %s WHEN on_list = 0 THEN %s "
        "WHEN on_list IS NULL OR (voted IS NULL AND on_list > 0) THEN %s END AS figure, "
        "CASE WHEN voted IS NOT NULL AND on_list > 0 THEN sign * voted ELSE 0 END AS total "
        f"FROM ({per_form}) turnout_forms "
        "UNION ALL "
        "SELECT mission_id, kind, region_id, area_type, sign, CAST(%s AS VARCHAR(64)), sign * on_list "
        f"FROM ({per_form}) turnout_used "
        "WHERE voted IS NOT NULL AND on_list > 0"
        ") turnout WHERE figure IS NOT NULL "
        f"UNION ALL {form_select}"
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
        CRITICAL_AT,
        TURNOUT,
        TURNOUT_VOTED,
        TURNOUT_ON_LIST_ZERO,
        TURNOUT_INCOMPLETE,
        *per_form_params,
        TURNOUT_ON_LIST,
        *per_form_params,
        *form_params,
    ]
    return f"{rows}, {form_rows}", [False, OVERALL_ASSESSMENT_CODE, *form_row_params], select, params


def events_src(ids: list[int], *, undo: bool = False) -> tuple[str, list]:
    """The src table of some events, by id; with `undo`, each with the opposite sign (taking them back)."""
    marks = ", ".join(["%s"] * len(ids))
    event = TallyEvent
    sign = f"-{column(event, 'sign')}" if undo else column(event, "sign")
    return (
        f"SELECT {column(event, 'revision')} AS revision_id, {sign} AS sign "  # noqa: S608
        f"FROM {table(event)} WHERE {column(event, 'id')} IN ({marks})",
        list(ids),
    )


def counts_table() -> str:
    return table(TallyCount)
