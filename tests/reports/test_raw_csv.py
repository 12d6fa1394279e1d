"""The raw-data CSV: PostgreSQL's COPY path and the chunked reader write the same bytes from the same forms."""

import csv
import io

import pytest
from django.db import connection

from checklists.choices import FormKind, TemplateStatus
from reports.compile import statistics_compile
from reports.raw_csv import write_csv, write_csv_rows
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
