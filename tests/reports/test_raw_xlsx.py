"""The raw sheet's own XML writer: the same workbook, byte for byte, as openpyxl's streaming writer makes."""

import datetime
import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from reports.exports import _text_cells
from reports.raw_xlsx import MAX_TEXT, workbook_save

LONG = "Queue of about 40 voters; " * 1400  # past Excel's 32,767 characters: cut there
# Every kind of cell openpyxl writes differently, in rows of varying width (past column Z).
ROWS = [
    ["form", "kind", "notes", "remarks", *(f"question_{index}" for index in range(30))],
    [1, "voting", "=SUM(A1:A9)", "+7 701 000", "-", "@b", "=", "a,@b", "x;=1+1", "", None, 0, -12, 2**53 + 1, 2.5],
    [2, "Наблюдатель; =удалён", 'He said "stop" & <left>', "Line one\nline two\r\nthree\ttabbed", "\t=cmd", "🗳"],
    [3, "  =SUM(A1)", " padded ", " ", "trailing\n", "\nleading", "#N/A", "#DIV/0!", "#n/a", LONG],
    [4, True, False, 1e20, 0.1, float("nan"), float("inf"), -0.0, 12345678901234567, "back\\slash \\n"],
    [None, None, None],
    [],
    [5, "2019-06-09T01:49:00+00:00", "2019-06-09T02:43:00.123456+00:00", "yes", "no", ""],
]


def _workbook():
    """A write-only workbook with another sheet before the raw one, as the report's has."""
    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet("Summary")
    for row in (["Mission", "Kazakhstan 2019"], ["Report run", 7], ["=not a formula"]):
        summary.append(_text_cells(summary, row))
    return workbook, workbook.create_sheet("Raw data")


def _openpyxl(path, rows):
    workbook, raw = _workbook()
    for row in rows:
        raw.append(_text_cells(raw, row))
    workbook.save(path)


def _parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def test_the_workbook_is_the_one_openpyxl_writes_part_for_part(tmp_path):
    _openpyxl(tmp_path / "openpyxl.xlsx", ROWS)
    workbook, raw = _workbook()
    assert workbook_save(workbook=workbook, sheet=raw, rows=iter(ROWS), path=tmp_path / "raw.xlsx") == len(ROWS)

    expected, written = _parts(tmp_path / "openpyxl.xlsx"), _parts(tmp_path / "raw.xlsx")
    assert list(written) == list(expected)  # the same parts in the same order
    # Only the moment of writing may differ (the document's created and modified times).
    assert [name for name in expected if written[name] != expected[name]] in ([], ["docProps/core.xml"])
    assert len(written["xl/worksheets/sheet2.xml"]) > len(LONG)


def test_openpyxl_reads_back_every_cell_typed_and_text_is_never_a_formula(tmp_path):
    workbook, raw = _workbook()
    workbook_save(workbook=workbook, sheet=raw, rows=ROWS, path=tmp_path / "raw.xlsx")
    sheet = load_workbook(tmp_path / "raw.xlsx")["Raw data"]
    cells = {cell.coordinate: cell for row in sheet.iter_rows() for cell in row}
    assert all(cell.data_type != "f" for cell in cells.values())
    assert [cells[name].value for name in ("C2", "D2", "E2", "F2", "G2", "L2", "M2", "O2")] == [
        "=SUM(A1:A9)",
        "+7 701 000",
        "-",
        "@b",
        "=",
        0,
        -12,
        2.5,
    ]
    assert cells["J2"].value is None and cells["K2"].value is None  # empty text and nothing: an empty cell
    assert cells["B3"].value == "Наблюдатель; =удалён" and cells["C3"].value == 'He said "stop" & <left>'
    assert cells["D3"].value == "Line one\nline two\nthree\ttabbed"  # XML reads CR LF as LF
    assert [cells[name].value for name in ("B4", "C4", "D4", "E4", "F4")] == [
        "  =SUM(A1)",
        " padded ",
        " ",
        "trailing\n",
        "\nleading",
    ]
    assert cells["J4"].value == LONG[:MAX_TEXT]
    assert [cells[name].value for name in ("B5", "C5", "D5", "E5")] == [True, False, 1e20, 0.1]
    assert cells["I5"].value == 1.234567890123457e16  # 16 significant digits, as openpyxl writes every number
    assert cells["B8"].value == "2019-06-09T01:49:00+00:00"  # the raw data's moments are text, as in the CSV


def test_text_a_worksheet_cannot_hold_is_refused_as_openpyxl_refuses_it(tmp_path):
    workbook, raw = _workbook()
    with pytest.raises(IllegalCharacterError):
        workbook_save(workbook=workbook, sheet=raw, rows=[["ok"], ["bell \x07 in a note"]], path=tmp_path / "a.xlsx")
    # Past the cut-off the character is not written, so nothing is refused (openpyxl cuts first too).
    workbook, raw = _workbook()
    past_the_cut = "x" * MAX_TEXT + "\x07"
    assert workbook_save(workbook=workbook, sheet=raw, rows=[[past_the_cut]], path=tmp_path / "b.xlsx") == 1


def test_a_cell_of_another_type_is_refused_rather_than_written_differently(tmp_path):
    workbook, raw = _workbook()
    with pytest.raises(TypeError, match="datetime"):
        workbook_save(
            workbook=workbook, sheet=raw, rows=[[datetime.datetime(2019, 6, 9, 8)]], path=tmp_path / "raw.xlsx"
        )


def test_a_sheet_that_already_has_rows_is_refused(tmp_path):
    workbook, raw = _workbook()
    raw.append(["written by openpyxl"])
    with pytest.raises(ValueError, match="already has rows"):
        workbook_save(workbook=workbook, sheet=raw, rows=[["more"]], path=tmp_path / "raw.xlsx")
