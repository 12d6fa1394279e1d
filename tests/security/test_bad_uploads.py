"""Bad input, hostile files: spreadsheets built to exhaust memory or time (XML entity bombs, zip bombs, sheets claiming
millions of cells or strings) and files that are not what they claim get a clear refusal, write nothing, and never a
5xx, in the roster, polling-station and official results imports.

Cases already covered in tests/observers/test_roster_import.py (a PNG, a broken zip, an empty file, an oversized
roster, a zip bomb) are not repeated here. Malformed form posts are in test_bad_input.py.
"""

from __future__ import annotations

import csv
import io
import random
import time
import zipfile

import pytest
from django.urls import reverse
from openpyxl import Workbook

from access import system_actor
from missions.imports import stations_import
from missions.models import PollingStation
from missions.spreadsheets import SpreadsheetError, read_rows
from observers.imports import roster_import
from observers.models import Observer

pytestmark = pytest.mark.django_db

LAUGHS = (
    '<?xml version="1.0"?>\n'
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">' for n in range(1, 10))
    + "]>\n"
)


def _workbook_bytes(rows=(("number", "name"), ("0101", "School 1"))) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _with_sheet(raw: bytes, sheet_xml: str) -> bytes:
    """The workbook with its first sheet's XML replaced."""
    source = zipfile.ZipFile(io.BytesIO(raw))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml.encode()
            target.writestr(info.filename, data)
    return buffer.getvalue()


def _billion_laughs(padding: int = 0) -> bytes:
    """An XLSX whose sheet expands one entity a billion times; `padding` hides the DOCTYPE past the first bytes."""
    sheet = (
        LAUGHS.replace("\n<!DOCTYPE", "\n<!--" + "x" * padding + "-->\n<!DOCTYPE", 1)
        + '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
    )
    return _with_sheet(_workbook_bytes(), sheet)


@pytest.mark.parametrize("padding", [0, 10_000], ids=["entities-at-the-top", "entities-after-a-long-comment"])
def test_an_xml_entity_bomb_in_a_workbook_is_refused(padding):
    with pytest.raises(SpreadsheetError) as error:
        headers, rows = read_rows(_billion_laughs(padding), filename="stations.xlsx")
        list(rows)
    assert "entity" in str(error.value).lower() or "cannot be read" in str(error.value)


def test_the_roster_import_refuses_an_entity_bomb_and_writes_nothing(mission):
    report = roster_import(
        actor=system_actor(mission), mission=mission, upload=_billion_laughs(10_000), filename="roster.xlsx"
    )
    assert not report.ok
    assert str(report.errors[0]).startswith("file: ")
    assert not Observer.objects.exists()


@pytest.mark.parametrize(
    ("payload", "filename", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "stations.png", "Upload a CSV (.csv) or Excel (.xlsx) file."),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "stations.csv", "The file is binary, not CSV text."),
        (b"PK\x03\x04garbage", "stations.xlsx", "The file is not a valid XLSX workbook."),
    ],
)
def test_the_station_import_refuses_files_that_are_not_spreadsheets(mission, payload, filename, message):
    report = stations_import(actor=system_actor(mission), mission=mission, upload=payload, filename=filename)
    assert not report.ok
    assert message in str(report.errors[0])
    assert not PollingStation.objects.exists()


def test_the_station_import_refuses_an_oversized_file(mission, settings):
    settings.IMPORT_MAX_BYTES = 1024
    report = stations_import(
        actor=system_actor(mission), mission=mission, upload=b"number,name\n" + b"0101,School\n" * 200, filename="s.csv"
    )
    assert "the limit is 1 KB" in str(report.errors[0])
    assert not PollingStation.objects.exists()


def test_the_station_import_refuses_a_zip_bomb_and_an_entity_bomb(mission):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<a>" + "0" * 50_000_000 + "</a>")
    bomb = stations_import(
        actor=system_actor(mission), mission=mission, upload=buffer.getvalue(), filename="stations.xlsx"
    )
    assert "zip bomb" in str(bomb.errors[0])
    laughs = stations_import(
        actor=system_actor(mission), mission=mission, upload=_billion_laughs(), filename="stations.xlsx"
    )
    assert not laughs.ok and "entity" in str(laughs.errors[0]).lower()
    assert not PollingStation.objects.exists()


def test_a_workbook_with_too_many_rows_is_refused(monkeypatch):
    monkeypatch.setattr("missions.spreadsheets.MAX_ROWS", 3)
    headers, rows = read_rows(_workbook_bytes([("number",)] + [(str(n),) for n in range(10)]), filename="s.xlsx")
    with pytest.raises(SpreadsheetError, match="more than 3 rows"):
        list(rows)


SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
MAIN_NAMESPACE = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _with_parts(raw: bytes, parts: dict[str, bytes | None]) -> bytes:
    """The workbook with parts replaced or added (bytes) or left out (None)."""
    source = zipfile.ZipFile(io.BytesIO(raw))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename not in parts:
                target.writestr(info.filename, source.read(info.filename))
        for name, data in parts.items():
            if data is not None:
                target.writestr(name, data)
    return buffer.getvalue()


def _shared_strings_flood(count: int) -> bytes:
    """A real workbook plus `count` one-letter shared strings, padded with random bytes so the file as a whole
    compresses no better than an ordinary workbook (the zip-bomb ratio check lets it through)."""
    raw = _workbook_bytes()
    types = zipfile.ZipFile(io.BytesIO(raw)).read("[Content_Types].xml").decode()
    types = types.replace(
        "</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SHARED_STRINGS_TYPE}"/></Types>'
    )
    strings = f'<sst xmlns="{MAIN_NAMESPACE}">'.encode() + b"<si><t>a</t></si>" * count + b"</sst>"
    return _with_parts(
        raw,
        {
            "[Content_Types].xml": types.encode(),
            "xl/sharedStrings.xml": strings,
            "docProps/thumbnail.jpeg": random.Random(11).randbytes(600_000),
        },
    )


def _sheet_of_cells(rows: int, columns: int, prefix: str = "") -> bytes:
    """A workbook whose first sheet has rows x columns numeric cells (`prefix` names the namespace, as `x:`)."""
    tag = prefix
    declaration = f' xmlns:{prefix[:-1]}="{MAIN_NAMESPACE}"' if prefix else f' xmlns="{MAIN_NAMESPACE}"'
    body = "".join(
        f'<{tag}row r="{row}">'
        + "".join(f'<{tag}c r="{chr(65 + column)}{row}"><{tag}v>{row}</{tag}v></{tag}c>' for column in range(columns))
        + f"</{tag}row>"
        for row in range(1, rows + 1)
    )
    sheet = f"<{tag}worksheet{declaration}><{tag}sheetData>{body}</{tag}sheetData></{tag}worksheet>"
    return _with_parts(_workbook_bytes(), {"xl/worksheets/sheet1.xml": sheet.encode()})


def test_a_small_workbook_of_millions_of_shared_strings_is_refused_before_it_is_parsed(mission):
    flood = _shared_strings_flood(3_000_000)
    assert len(flood) < 800_000  # passes the size limit and the zip-bomb checks: only the new cap stops it
    started = time.monotonic()
    report = stations_import(actor=system_actor(mission), mission=mission, upload=flood, filename="stations.xlsx")
    elapsed = time.monotonic() - started
    assert not report.ok
    assert "more than 200,000 distinct texts" in str(report.errors[0])
    assert elapsed < 1.5, elapsed
    assert not PollingStation.objects.exists()


def test_a_workbook_with_more_cells_than_the_cap_is_refused_before_it_is_parsed(monkeypatch):
    monkeypatch.setattr("missions.spreadsheets.MAX_CELLS", 1_000)
    with pytest.raises(SpreadsheetError, match="more than 1,000 cells"):
        read_rows(_sheet_of_cells(101, 10), filename="stations.xlsx")
    headers, rows = read_rows(_sheet_of_cells(100, 10), filename="stations.xlsx")  # exactly 1,000: read
    assert len(list(rows)) == 99


def test_cells_under_a_namespace_prefix_are_counted_too(monkeypatch):
    monkeypatch.setattr("missions.spreadsheets.MAX_CELLS", 1_000)
    with pytest.raises(SpreadsheetError, match="more than 1,000 cells"):
        read_rows(_sheet_of_cells(101, 10, prefix="x:"), filename="stations.xlsx")


def test_tags_cut_by_the_scanning_chunks_are_counted_once(monkeypatch):
    from missions import spreadsheets

    monkeypatch.setattr(spreadsheets, "_SCAN_CHUNK", 7)
    text = b"<sst>" + b"<si><t>ab</t></si><x:si>" * 50 + b"</sst>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/sharedStrings.xml", text)
    archive = zipfile.ZipFile(buffer)
    info = archive.getinfo("xl/sharedStrings.xml")
    assert spreadsheets._count_until(archive, info, spreadsheets._element("si"), budget=1_000) == 100
    assert spreadsheets._count_until(archive, info, spreadsheets._element("si"), budget=10) == 11


def test_a_sheet_claiming_the_whole_grid_is_read_as_its_own_cells_quickly():
    sheet = (
        f'<worksheet xmlns="{MAIN_NAMESPACE}"><dimension ref="A1:XFD1048576"/><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>number</t></is></c><c r="B1" t="inlineStr"><is><t>name</t></is></c>'
        '</row><row r="2"><c r="A2" t="inlineStr"><is><t>0101</t></is></c><c r="XFD2"><v>1</v></c></row>'
        "</sheetData></worksheet>"
    )
    started = time.monotonic()
    headers, rows = read_rows(_with_parts(_workbook_bytes(), {"xl/worksheets/sheet1.xml": sheet.encode()}))
    assert list(rows) == [(2, {"number": "0101", "name": ""})]
    assert headers == ["number", "name"]
    assert time.monotonic() - started < 1


@pytest.mark.parametrize("upload", ["csv", "xlsx"])
def test_a_header_row_wider_than_the_column_cap_is_refused(upload):
    names = [f"column{number}" for number in range(201)]
    raw = ",".join(names).encode() + b"\n" if upload == "csv" else _workbook_bytes([names])
    with pytest.raises(SpreadsheetError, match="more than 200 columns"):
        read_rows(raw, filename=f"stations.{upload}")


def test_the_import_pages_answer_a_hostile_upload_with_a_message(client, mission, django_capture_on_commit_callbacks):
    from missions.models import StationImport
    from tests.security.conftest import build_world

    world = build_world(mission)
    client.force_login(world.users["coordinator"])
    url = reverse("admin:missions_pollingstation_import")
    before = PollingStation.objects.count()
    upload = io.BytesIO(_billion_laughs(10_000))
    upload.name = "stations.xlsx"
    with django_capture_on_commit_callbacks(execute=True):
        posted = client.post(url, {"mission": mission.pk, "file": upload})
    response = client.get(posted.headers["Location"])  # the import's page, once the worker has refused the file
    assert response.status_code in (200, 400)
    assert StationImport.objects.get(mission=mission).status == "failed"
    assert PollingStation.objects.count() == before


def test_a_csv_cell_over_the_csv_modules_field_limit_is_a_message(mission):
    huge = "x" * (csv.field_size_limit() + 1)
    upload = f'number,region,tec,name\n0101,Akmola,TEC-1,"{huge}"\n'.encode()
    report = stations_import(actor=system_actor(mission), mission=mission, upload=upload, filename="stations.csv")
    assert not report.ok
    assert "Line 2 cannot be read as CSV: field larger than field limit" in str(report.errors[0])
    assert not PollingStation.objects.exists()


def test_a_nul_byte_deep_in_an_uploaded_csv_is_a_message(mission):
    rows = "".join(f"{number:04d},Akmola,TEC-1,School {number}\n" for number in range(1, 400))
    upload = ("number,region,tec,name\n" + rows).encode() + b"0400,Akmola,TEC-1,Sch\x00ol\n"
    assert b"\x00" not in upload[:4096]
    report = stations_import(actor=system_actor(mission), mission=mission, upload=upload, filename="stations.csv")
    assert not report.ok
    assert str(report.errors[0]) == (
        "file: Line 401 contains a NUL byte, which no field accepts; the file may be damaged."
    )
    assert not PollingStation.objects.exists()


def test_a_workbook_with_a_missing_sheet_part_is_a_message(mission):
    broken = _with_parts(_workbook_bytes(), {"xl/worksheets/sheet1.xml": None})
    report = stations_import(actor=system_actor(mission), mission=mission, upload=broken, filename="stations.xlsx")
    assert not report.ok
    assert "The workbook cannot be read" in str(report.errors[0])
    roster = roster_import(actor=system_actor(mission), mission=mission, upload=broken, filename="roster.xlsx")
    assert "The workbook cannot be read" in str(roster.errors[0])
    assert not PollingStation.objects.exists() and not Observer.objects.exists()


def test_a_station_number_longer_than_the_column_is_a_row_error(mission):
    upload = f"number,region,tec,name\n{'7' * 33},Akmola,TEC-1,School\n0102,Akmola,TEC-1,School 2\n".encode()
    report = stations_import(actor=system_actor(mission), mission=mission, upload=upload, filename="stations.csv")
    assert [str(error) for error in report.errors] == ["row 2, number: longer than 32 characters"]
    assert not PollingStation.objects.exists()
