"""The raw data: one row per form as it stood at the run's snapshot, one column per question (the XLSX's raw
sheet reads the rows from here), and its CSV.

On PostgreSQL the database writes every line itself and streams them with `COPY (query) TO STDOUT`, so an export
runs at the speed of the query; elsewhere the rows are read in bounded chunks and written by Python's csv module.
Both give the same bytes: text cells quoted with quotes doubled, numbers bare, lines ending in CRLF, and an apostrophe
before every piece of text a spreadsheet would run as a formula (`neutralise`, written once as a pattern
both Python and PostgreSQL apply).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

from django.db import connection
from django.utils.dateparse import parse_datetime

from checklists.choices import OVERALL_ASSESSMENT_CODE
from submissions.models import RevisionAnswer, SubmissionRevision

from .compile import forms_as_of
from .result import ReportResult

CHUNK = 2000
RAW_FIELDS = [
    "form",
    "kind",
    "version",
    "team",
    "region",
    "tec",
    "polling_station",
    "area_type",
    "arrival_time",
    "received_at",
    "urgent",
    "critical",
    "protocol_mismatch",
    "notes",
    OVERALL_ASSESSMENT_CODE,
]
# The start of the text, or just after a separator either kind of spreadsheet splits on, then optional blanks,
# then a character that makes a spreadsheet read a formula.
FORMULA_START = re.compile(r"(^|[,;])([ \t\r\n]*[=+\-@])")


def neutralise(value):
    """A CSV cell's text with an apostrophe before every piece a spreadsheet would run as a formula."""
    if isinstance(value, str) and value:
        return FORMULA_START.sub(r"\1'\2", value)
    return value


# The columns of a form before its answers, which RAW_FIELDS names.
FORM_VALUES = (
    "submission_id",
    "kind",
    "submission__template__version",
    "team__code",
    "region__code",
    "tec__code",
    "polling_station__number",
    "area_type",
    "arrival_time",
    "received_at",
    "urgent",
    "has_critical",
    "protocol_mismatch",
    "notes",
    "overall_assessment",
    "id",
)
_FORM_ALIASES = (
    "form_id, kind, version, team, region, tec, station, area_type, arrival_time, received_at, urgent, critical, "
    "mismatch, notes, overall, revision_id"
)
# PostgreSQL's COPY text format escapes these in a value; the line itself ends in a bare newline.
_COPY_ESCAPES = {b"\\": b"\\", b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"v": b"\v"}
_COPY_ESCAPE = re.compile(rb"\\([\\nrtbfv])")


def _text(expression: str) -> str:
    """SQL: a text cell as Python's csv module writes a str under QUOTE_NONNUMERIC, neutralised first."""
    pattern = FORMULA_START.pattern.replace("'", "''")
    neutralised = f"regexp_replace({expression}, '{pattern}', E'\\\\1''\\\\2', 'g')"
    return f"'\"' || replace({neutralised}, '\"', '\"\"') || '\"'"


def _moment(expression: str) -> str:
    """SQL: a timestamp as Python's isoformat() of the UTC datetime Django reads ('' when empty, always quoted)."""
    utc = f"({expression} AT TIME ZONE 'UTC')"
    text = (
        f"to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || "
        f"CASE WHEN to_char({utc}, 'US') = '000000' THEN '' ELSE to_char({utc}, '.US') END || '+00:00'"
    )
    return f"'\"' || COALESCE({text}, '') || '\"'"


def _yes_no(expression: str) -> str:
    return f"CASE WHEN {expression} THEN '\"yes\"' ELSE '\"no\"' END"


def _answer(index: int) -> str:
    """SQL: one question's cell: a number alone stays bare; choices joined with ";" (sorted), text, or blank."""
    when = f"answer.question_code = %(code_{index})s"
    given = "answer.given"
    joined = _text(f"COALESCE(string_agg({given}, ';' ORDER BY answer.value) FILTER (WHERE {when}), '')")
    return (
        f"CASE WHEN count({given}) FILTER (WHERE {when}) = 1 AND count(answer.number) FILTER (WHERE {when}) = 1 "
        f"THEN (max(answer.number) FILTER (WHERE {when}))::text ELSE {joined} END"
    )


def copy_query(*, condition, codes: list[str]) -> tuple[str, dict]:
    """The COPY statement's query (one text column: a whole CSV line without its line end) and its parameters."""
    forms = SubmissionRevision.objects.filter(condition).values_list(*FORM_VALUES)
    forms_sql, forms_params = forms.query.sql_with_params()
    params: dict = {f"form_{index}": value for index, value in enumerate(forms_params)}
    forms_sql = forms_sql % tuple(f"%(form_{index})s" for index in range(len(forms_params)))
    params["codes"] = list(codes)
    params.update({f"code_{index}": code for index, code in enumerate(codes)})
    cells = [
        "form.form_id::text",
        _text("form.kind"),
        "form.version::text",
        *(_text(f"COALESCE(form.{name}, '')") for name in ("team", "region", "tec", "station", "area_type")),
        _moment("form.arrival_time"),
        _moment("form.received_at"),
        *(_yes_no(f"form.{name}") for name in ("urgent", "critical", "mismatch")),
        _text("COALESCE(form.notes, '')"),
        _text("COALESCE(form.overall, '')"),
    ]
    if codes:
        cells.append("answers.line")
        answers = f"""
            LEFT JOIN LATERAL (
                SELECT concat_ws(',', {", ".join(_answer(index) for index in range(len(codes)))}) AS line
                FROM (
                    SELECT question_code, value, number, COALESCE(number::text, NULLIF(text, ''), value) AS given
                    FROM submissions_revisionanswer
                    WHERE revision_id = form.revision_id AND question_code = ANY(%(codes)s)
                ) AS answer
            ) AS answers ON true"""  # noqa: S608 - column expressions only; every value is a parameter
    else:
        answers = ""
    query = f"""
        SELECT concat_ws(',', {", ".join(cells)})
        FROM ({forms_sql}) AS form ({_FORM_ALIASES}){answers}
        ORDER BY form.form_id"""  # noqa: S608 - only column expressions built here; every value is a parameter
    return query, params


def raw_codes(result: ReportResult) -> list[str]:
    """Question codes of the raw-data columns: every question of the compiled kinds, free text included."""
    codes: list[str] = []
    for data in result.kinds.values():
        for question in data.questions:
            if question.code not in codes:
                codes.append(question.code)
    return codes


def raw_rows(*, mission, result: ReportResult, region=None) -> Iterator[list]:
    """The header, then one row per form as it stood at the result's snapshot, read in chunks so memory stays flat.

    Values are as typed (text not neutralised): each writer makes them safe for its format.
    """
    codes = raw_codes(result)
    at = parse_datetime(result.filters.cutoff)
    condition = forms_as_of(mission=mission, kinds=result.filters.kinds, region=region, at=at)
    yield RAW_FIELDS + codes
    column = {code: index for index, code in enumerate(codes)}
    last_id = 0
    while True:
        chunk = list(
            SubmissionRevision.objects.filter(condition, submission_id__gt=last_id)
            .order_by("submission_id")
            .values_list(*FORM_VALUES)[:CHUNK]
        )
        if not chunk:
            return
        last_id = chunk[-1][0]
        form_of = {row[-1]: row[0] for row in chunk}
        # One bounded query per chunk (CHUNK forms x their answers); answers placed by column index.
        width = len(codes)
        answers: dict[int, list] = {}
        for revision_id, code, value, number, text in (
            RevisionAnswer.objects.filter(revision_id__in=list(form_of), question_code__in=codes)
            .order_by("revision_id", "question_code", "value")
            .values_list("revision_id", "question_code", "value", "number", "text")
        ):
            submission_id = form_of[revision_id]
            slots = answers.get(submission_id)
            if slots is None:
                slots = answers[submission_id] = [None] * width
            # A text answer's full text (its value keeps only the opening characters).
            given = number if number is not None else (text or value)
            if given is None:
                continue
            index = column[code]
            if slots[index] is None:
                slots[index] = given
            else:  # multiple choice: one row per chosen value, joined with ";" (sorted by the query)
                slots[index] = f"{slots[index]};{given}"
        empty = [None] * width
        for row in chunk:
            cells = [
                row[0],
                row[1],
                row[2],
                row[3] or "",
                row[4] or "",
                row[5] or "",
                row[6] or "",
                row[7],
                row[8].isoformat() if row[8] else "",
                row[9].isoformat(),
                "yes" if row[10] else "no",
                "yes" if row[11] else "no",
                "yes" if row[12] else "no",
                row[13],
                row[14],
                *answers.get(row[0], empty),
            ]
            yield ["" if cell is None else cell for cell in cells]


def _header(fields: list[str]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC).writerow([neutralise(field) for field in fields])
    return buffer.getvalue().encode("utf-8")


def _unescape(line: bytes) -> bytes:
    if b"\\" not in line:
        return line
    return _COPY_ESCAPE.sub(lambda match: _COPY_ESCAPES[match.group(1)], line)


def write_csv_copy(*, path, mission, result, region=None) -> int:
    """PostgreSQL: write the raw data as CSV lines the database formats and streams; returns the forms written."""
    from psycopg import ClientCursor

    codes = raw_codes(result)
    condition = forms_as_of(
        mission=mission, kinds=result.filters.kinds, region=region, at=parse_datetime(result.filters.cutoff)
    )
    query, params = copy_query(condition=condition, codes=codes)
    count = 0
    connection.ensure_connection()
    # Parameters bound on the client: COPY takes none of its own.
    statement = ClientCursor(connection.connection).mogrify(f"COPY ({query}) TO STDOUT", params)
    with open(path, "wb") as handle, connection.cursor() as cursor:
        handle.write(_header(RAW_FIELDS + codes))
        with cursor.cursor.copy(statement) as copy:
            for block in copy:
                # A bare newline only ever ends a line: the lines' own newlines, tabs and backslashes arrive escaped.
                block = bytes(block)
                count += block.count(b"\n")
                handle.write(_unescape(block.replace(b"\n", b"\r\n")))
    return count


def write_csv_rows(*, path, mission, result, region=None) -> int:
    """Any database: write the raw data as CSV from the chunked reader (`raw_rows`); returns the forms."""
    count = -1
    with open(path, "w", newline="", encoding="utf-8") as handle:
        # Text quoted (numbers not), so a reader splitting on "," or ";" keeps every text cell whole.
        writer = csv.writer(handle, quoting=csv.QUOTE_NONNUMERIC)
        for row in raw_rows(mission=mission, result=result, region=region):
            writer.writerow([neutralise(cell) if cell.__class__ is str else cell for cell in row])
            count += 1
    return count


def write_csv(*, path, mission, result, region=None) -> int:
    """Write the raw data as CSV (COPY on PostgreSQL, the chunked reader elsewhere); returns the forms written."""
    if connection.vendor == "postgresql":
        return write_csv_copy(path=path, mission=mission, result=result, region=region)
    return write_csv_rows(path=path, mission=mission, result=result, region=region)
