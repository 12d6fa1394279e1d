"""The raw data: PostgreSQL's COPY path and the chunked reader write the same CSV bytes from the same forms, and the
XLSX's raw sheet holds the CSV's cells, typed."""

import csv
import io

import pytest
from django.db import connection
from openpyxl import load_workbook

from checklists.choices import FormKind, TemplateStatus
from reports.compile import statistics_compile
from reports.exports import write_xlsx
from reports.models import ReportRun
from reports.raw_csv import neutralise, write_csv, write_csv_rows
from reports.result import ReportLabels
from tests.factories import TeamFactory

from .data import VOTING_V2, add_forms, make_template
from .test_findings import _place, _voting_form

pytestmark = pytest.mark.django_db

# Texts that test every rule of the format: quotes, separators, line ends, tabs, backslashes, formula starts,
# Cyrillic, a long text, and nothing at all.
TYPED = [
    ("x;=1+1", "Queue of about 40 voters; " + "the chair explained the rules again. " * 20),
    ('He said "stop", twice', "a,@b"),
    ("Line one\nline two\r\nthree\ttabbed", "+7 701 000"),
    ("back\\slash \\n not a newline", "-"),
    ("Наблюдатель; =удалён", "  =SUM(A1)"),
    ("", ""),
    ("@home -ok +1", "Явка высокая, очередь ~40 человек"),
]


@pytest.fixture
def forms(mission):
    voting = make_template(mission, FormKind.VOTING, 1, TemplateStatus.PUBLISHED, VOTING_V2)
    team = TeamFactory(mission=mission, code="STO-001")
    _region, stations = _place(mission, "A", stations=len(TYPED))
    specs = [
        _voting_form(station, team, remarks=remark, unauthorised=["police", "other"] if index % 2 else None)
        | {"notes": note}
        for index, ((note, remark), station) in enumerate(zip(TYPED, stations, strict=True))
    ]
    specs[0]["answers"]["voters_voted"] = None  # a blank number
    return add_forms(mission, voting, specs)


def _written(tmp_path, writer, mission, name):
    path = tmp_path / name
    count = writer(path=path, mission=mission, result=statistics_compile(mission=mission, kinds=["voting"]))
    return count, path.read_bytes()


def test_the_csv_has_one_row_per_form_with_text_quoted_and_numbers_bare(mission, forms, tmp_path):
    count, body = _written(tmp_path, write_csv, mission, "raw.csv")
    rows = list(csv.reader(io.StringIO(body.decode(), newline="")))
    assert count == len(forms) == len(rows) - 1
    by_form = {int(row[0]): dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert by_form[forms[2].pk]["notes"] == "Line one\nline two\r\nthree\ttabbed"
    assert by_form[forms[3].pk]["notes"] == "back\\slash \\n not a newline"
    assert by_form[forms[1].pk]["notes"] == 'He said "stop", twice'
    assert by_form[forms[4].pk]["remarks"] == "'  =SUM(A1)"
    assert body.count(b"\r\n") >= len(forms) + 1
    assert f"\r\n{forms[1].pk},".encode() in body  # the form's id is a bare number


@pytest.mark.postgres
def test_the_copy_path_and_the_chunked_reader_write_identical_bytes(mission, forms, tmp_path):
    assert connection.vendor == "postgresql"
    copied = _written(tmp_path, write_csv, mission, "copy.csv")
    read = _written(tmp_path, write_csv_rows, mission, "rows.csv")
    assert copied == read


def test_the_xlsx_raw_sheet_holds_the_csvs_cells_with_numbers_as_numbers_and_text_as_typed(mission, forms, tmp_path):
    result = statistics_compile(mission=mission, kinds=["voting"])
    csv_path, xlsx_path = tmp_path / "raw.csv", tmp_path / "raw.xlsx"
    written = write_csv(path=csv_path, mission=mission, result=result)
    labels = ReportLabels.for_result(result, mission=mission)
    assert write_xlsx(path=xlsx_path, run=ReportRun(mission=mission), result=result, labels=labels) == written
    # Unquoted CSV cells are read as numbers: every CSV cell keeps its type for the comparison.
    csv_rows = list(
        csv.reader(io.StringIO(csv_path.read_text(encoding="utf-8"), newline=""), quoting=csv.QUOTE_NONNUMERIC)
    )
    sheet = load_workbook(xlsx_path)["Raw data"]
    xlsx_rows = list(sheet.iter_rows(values_only=True))
    assert len(xlsx_rows) == len(csv_rows) == len(forms) + 1
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)

    def as_csv(value):
        """An XLSX cell as the CSV writes it: text neutralised, an empty cell as empty text, numbers as numbers."""
        if value is None:
            return ""
        return float(value) if isinstance(value, int) else neutralise(value)

    for xlsx_row, csv_row in zip(xlsx_rows, csv_rows, strict=True):
        # XML reads every line end as a line feed: a CR LF typed in a note comes back as LF from any XLSX.
        expected = [cell.replace("\r\n", "\n") if isinstance(cell, str) else cell for cell in csv_row]
        assert [as_csv(value) for value in xlsx_row] == expected
    by_form = {row[0]: dict(zip(xlsx_rows[0], row, strict=True)) for row in xlsx_rows[1:]}
    assert [by_form[form.pk]["notes"] or "" for form in forms] == [note.replace("\r\n", "\n") for note, _ in TYPED]
    assert by_form[forms[4].pk]["remarks"] == "  =SUM(A1)"  # as typed: the CSV's apostrophe is not in the XLSX
    assert by_form[forms[0].pk]["voters_voted"] is None and by_form[forms[1].pk]["voters_voted"] == 400
    assert isinstance(by_form[forms[1].pk]["voters_on_list"], int)
    assert by_form[forms[1].pk]["received_at"] == forms[1].received_at.isoformat()
