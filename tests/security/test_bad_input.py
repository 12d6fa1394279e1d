"""Bad input: hostile spreadsheets and malformed form posts get a clear refusal, change nothing, and never a 5xx.

Spreadsheet cases already covered in tests/observers/test_roster_import.py (a PNG, a broken zip, an empty file,
an oversized roster, a zip bomb) are not repeated; here are XML entity bombs, the same attacks on the polling-station
import, and the posts of the observers' site and the API.
"""

from __future__ import annotations

import csv
import html
import io
import json
import random
import time
import uuid
import zipfile

import django_filters
import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from rest_framework.test import APIClient

from access import system_actor
from deployment.models import TeamAssignment
from missions.imports import stations_import
from missions.models import PollingStation
from missions.spreadsheets import SpreadsheetError, read_rows
from observers.imports import roster_import
from observers.models import Observer, Team, TeamMember
from submissions.models import Answer, Submission
from tests.checklists.factories import answers_for
from tests.observe.conftest import build_site

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


# ------------------------------------------------------------------------------------------------ form posts


@pytest.fixture
def site(mission):
    return build_site(mission)


def _submit_url(site) -> str:
    return reverse("observe:submission_collection", args=[site.mission.slug])


def _body(site, **overrides) -> dict:
    return {"uuid": str(uuid.uuid4()), "template": site.template("voting").pk, **site.payload("voting"), **overrides}


def _post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_an_unknown_answer_is_refused_with_its_code(client, site):
    client.force_login(site.owner)
    body = _body(site)
    body["answers"]["smuggled_question"] = "yes"
    response = _post(client, _submit_url(site), body)
    assert response.status_code == 400
    assert "smuggled_question" in response.json()["errors"]
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("arrival_time", {"not": "a time"}),
        ("urgent", "perhaps"),
        ("polling_station", "0101; DROP TABLE"),
        ("answers", ["a", "list"]),
        ("notes", 12345),
    ],
)
def test_a_wrong_type_is_a_400_with_a_message_by_field(client, site, field, value):
    client.force_login(site.owner)
    response = _post(client, _submit_url(site), _body(site, **{field: value}))
    assert response.status_code == 400
    assert response.json()["errors"]
    assert not Submission.objects.exists()


def test_a_huge_note_is_refused_and_nothing_is_stored(client, site):
    client.force_login(site.owner)
    response = _post(client, _submit_url(site), _body(site, notes="x" * 100_000))
    assert response.status_code == 400
    assert "notes" in response.json()["errors"]
    assert not Submission.objects.exists()


def test_a_huge_text_answer_is_refused(client, site):
    client.force_login(site.owner)
    template = site.template("voting")
    question = template.questions.filter(type="text").exclude(shown_if_values=[]).first()
    body = {**_body(site), "answers": answers_for(template, **{question.shown_if_code: question.shown_if_values[0]})}
    body["answers"][question.code] = "y" * 100_000
    response = _post(client, _submit_url(site), body)
    assert response.status_code == 400
    assert question.code in response.json()["errors"]
    assert not Submission.objects.exists()


def test_a_body_larger_than_the_upload_limit_is_a_400(client, site):
    client.force_login(site.owner)
    response = _post(client, _submit_url(site), _body(site, notes="z" * (6 * 1024 * 1024)))
    assert response.status_code == 400
    assert not Submission.objects.exists()


def test_an_unknown_top_level_field_is_refused_by_the_api(site):
    client = APIClient()
    client.force_authenticate(site.owner)
    response = client.post("/api/submissions/", _body(site, smuggled_field="x"), format="json")
    assert response.status_code in (201, 400)
    if response.status_code == 201:
        # Unknown top-level keys are dropped, never stored: the payload keeps only the form's own fields.
        assert "smuggled_field" not in Submission.objects.get().payload


def test_the_api_refuses_wrong_types_with_messages(site):
    client = APIClient()
    client.force_authenticate(site.owner)
    for field, value in (("uuid", "not-a-uuid"), ("template", "seven"), ("answers", "yes"), ("notes", "x" * 6000)):
        response = client.post("/api/submissions/", _body(site, **{field: value}), format="json")
        assert response.status_code == 400, (field, response.status_code)
        assert field in response.json(), (field, response.json())
    assert not Submission.objects.exists()


# ------------------------------------------------------------------------------------------------ fuzzing

JSON_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
)
JSON_VALUES = st.recursive(
    JSON_LEAVES, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
)
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _fuzzed_body(site, data) -> dict:
    """A form body where any field may be replaced by arbitrary JSON, and answers get arbitrary values."""
    body = _body(site)
    codes = list(body["answers"])
    for code in data.draw(st.lists(st.sampled_from(codes), max_size=6, unique=True)):
        body["answers"][code] = data.draw(JSON_VALUES)
    for key in data.draw(st.lists(st.sampled_from([*body, "team", "tec", "confidential", "extra"]), max_size=3)):
        body[key] = data.draw(JSON_VALUES)
    return body


@FUZZ
@given(data=st.data())
def test_fuzzed_posts_to_the_observers_site_never_get_a_server_error(client, site, data):
    client.force_login(site.owner)
    body = _fuzzed_body(site, data)
    response = _post(client, _submit_url(site), body)
    assert response.status_code in (200, 201, 400, 403, 409), response.content[:300]
    if response.status_code == 400:
        assert response.json().get("errors") or response.json().get("detail")
    for submission in Submission.objects.all():
        assert submission.answers.exists()  # never a form without its answers


@FUZZ
@given(data=st.data())
def test_fuzzed_posts_to_the_api_never_get_a_server_error(site, data):
    client = APIClient()
    client.force_authenticate(site.owner)
    body = _fuzzed_body(site, data)
    response = client.post("/api/submissions/", body, format="json")
    assert response.status_code in (200, 201, 400, 403, 404, 409), response.content[:300]
    assert Answer.objects.filter(submission__isnull=True).count() == 0


@pytest.mark.parametrize("template", [[None], {"id": 1}, True, "1e3", -1], ids=["list", "object", "bool", "exp", "neg"])
def test_a_template_id_that_is_not_a_number_is_a_400(client, site, template):
    client.force_login(site.owner)
    response = _post(client, _submit_url(site), _body(site, template=template))
    assert response.status_code == 400


# ------------------------------------------------------------------------------------------------ answers that were 500
# str.isdigit() accepts "²" (and int() then refuses it); Python's JSON decoder accepts lone surrogates and recurses
# once per level; the csv module refuses long fields and (before 3.13) NUL bytes. Each was a server error.

SUPERSCRIPT = "²"
BEYOND_64_BITS = "99999999999999999999"


def _message(response) -> str:
    return html.unescape(response.content.decode())


def test_a_superscript_digit_as_the_region_of_the_station_search_is_a_400(client, site):
    client.force_login(site.owner)
    url = reverse("observe:station_search", args=[site.mission.slug])
    response = client.get(url, {"number": "101", "region": SUPERSCRIPT})
    assert response.status_code == 400
    assert "'region' must be the id of one" in _message(response)


def test_a_superscript_digit_as_the_station_of_a_new_form_is_a_400(client, site):
    client.force_login(site.owner)
    url = reverse("observe:form_new", args=[site.mission.slug, "voting"])
    for value in (SUPERSCRIPT, BEYOND_64_BITS):
        response = client.get(url, {"station": value})
        assert response.status_code == 400
        assert "'station' must be the id of one" in _message(response)


@pytest.mark.parametrize("field", ["template", "polling_station"])
@pytest.mark.parametrize("value", [SUPERSCRIPT, BEYOND_64_BITS], ids=["superscript", "beyond-64-bits"])
def test_a_malformed_id_in_a_submitted_form_is_a_400_and_nothing_is_stored(client, site, field, value):
    client.force_login(site.owner)
    response = _post(client, _submit_url(site), _body(site, **{field: value}))
    assert response.status_code == 400
    assert response.json()["errors"]
    assert not Submission.objects.exists()


def test_a_lone_surrogate_in_a_submitted_note_is_a_400_on_the_site_and_the_api(client, site):
    body = json.dumps(_body(site, notes="Queue outside \ud800 the station"))  # escaped as \\ud800: valid JSON
    client.force_login(site.owner)
    response = client.post(_submit_url(site), data=body, content_type="application/json")
    assert response.status_code == 400
    assert "surrogate" in " ".join(response.json()["errors"]["__all__"])
    api = APIClient()
    api.force_authenticate(site.owner)
    response = api.post("/api/submissions/", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "surrogate" in response.json()["detail"]
    assert not Submission.objects.exists()


def test_a_lone_surrogate_in_a_key_is_a_400_on_the_api(site):
    api = APIClient()
    api.force_authenticate(site.coordinator)
    response = api.patch(
        f"/api/regions/{site.region.pk}/", data='{"name\\udfff": "x"}', content_type="application/json"
    )
    assert response.status_code == 400
    assert "surrogate" in response.json()["detail"]


def test_json_nested_thousands_deep_is_a_400_on_the_site_and_the_api(client, site):
    deep = '{"notes": ' + "[" * 5000 + "]" * 5000 + "}"
    client.force_login(site.owner)
    response = client.post(_submit_url(site), data=deep, content_type="application/json")
    assert response.status_code == 400
    assert "nested more than" in " ".join(response.json()["errors"]["__all__"])
    api = APIClient()
    api.force_authenticate(site.owner)
    response = api.post("/api/submissions/", data=deep, content_type="application/json")
    assert response.status_code == 400
    assert "nested more than" in response.json()["detail"]
    assert not Submission.objects.exists()


def test_no_api_list_filter_answers_a_superscript_or_a_huge_id_with_a_server_error(site):
    from config.api import router

    api = APIClient()
    api.force_authenticate(site.coordinator)
    api.raise_request_exception = False
    tried = 0
    for prefix, viewset, _basename in router.registry:
        filterset = getattr(viewset, "filterset_class", None)
        for name, declared in filterset.base_filters.items() if filterset else ():
            expects_id = isinstance(declared, django_filters.ModelChoiceFilter)
            for value in (SUPERSCRIPT, BEYOND_64_BITS, "1e400"):
                response = api.get(f"/api/{prefix}/", {name: value})
                tried += 1
                assert response.status_code < 500, (prefix, name, value)
                if expects_id and getattr(declared, "field_name", "") != "mission":
                    assert response.status_code == 400, (prefix, name, value)
                    assert name in response.json(), (prefix, name, value)
    assert tried > 100  # every endpoint's filters were tried, not an empty sweep


@pytest.fixture
def world_for_reports(site, settings, tmp_path):
    """A compiled run of the site's mission and its analyst, who may compare it."""
    from reports.services import report_run_compile, report_run_create

    settings.MEDIA_ROOT = tmp_path / "media"
    run = report_run_create(mission=site.mission, kinds=["voting"])
    report_run_compile(run_id=run.pk)
    return run, site.analyst


def test_a_superscript_digit_as_the_run_to_compare_with_is_a_400(client, world_for_reports):
    run, analyst = world_for_reports
    client.force_login(analyst)
    response = client.get(reverse("reports:run_compare", args=[run.pk]), {"with": SUPERSCRIPT})
    assert response.status_code == 400
    assert "'with' must be the id of one" in _message(response)


def test_a_superscript_digit_as_the_results_version_is_a_400(client, site):
    client.force_login(site.coordinator)
    response = client.get(reverse("results:mission", args=[site.mission.slug]), {"version": SUPERSCRIPT})
    assert response.status_code == 400
    assert "'version' must be its number" in _message(response)


def test_a_superscript_digit_as_the_cockpit_silence_hours_falls_back_to_the_default(client, site):
    client.force_login(site.coordinator)
    response = client.get(reverse("cockpit:mission", args=[site.mission.slug]), {"hours": SUPERSCRIPT})
    assert response.status_code == 200


def _plan_state(mission) -> list:
    return (
        sorted(
            TeamAssignment.objects.filter(mission=mission).values_list(
                "team_id", "region_id", "locked", "tabulation_tec_id"
            )
        )
        + sorted(Team.objects.filter(mission=mission).values_list("pk", "locked"))
        + sorted(TeamMember.objects.filter(team__mission=mission).values_list("team_id", "membership_id"))
    )


@pytest.mark.parametrize(
    ("action", "fields", "message"),
    [
        ("lock", {"team": "abc", "locked": "1"}, "'team' must be the id of one"),
        ("lock", {"assignment": SUPERSCRIPT, "locked": "1"}, "'assignment' must be the id of one"),
        ("move", {"team": "abc", "region": "1"}, "'team' must be the id of one"),
        ("move", {"team": "TEAM", "region": SUPERSCRIPT}, "'region' must be the id of one"),
        ("move", {"team": "TEAM", "region": "REGION", "tecs": ["abc"]}, "every 'tecs' must be the id of one"),
        ("swap", {"team": "abc", "remove": "1", "add": "2"}, "'team' must be the id of one"),
        ("swap", {"team": "TEAM", "remove": SUPERSCRIPT, "add": "2"}, "'remove' must be the id of one"),
    ],
)
def test_a_planning_post_with_a_malformed_id_is_a_400_and_changes_nothing(client, site, action, fields, message):
    client.force_login(site.coordinator)
    placeholders = {"TEAM": str(site.team.pk), "REGION": str(site.region.pk)}
    fields = {key: placeholders.get(value, value) if isinstance(value, str) else value for key, value in fields.items()}
    before = _plan_state(site.mission)
    response = client.post(reverse(f"deployment:{action}", args=[site.mission.slug]), fields)
    assert response.status_code == 400
    assert message in _message(response)
    assert _plan_state(site.mission) == before


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


def test_a_superscript_digit_as_the_assignee_of_a_case_is_a_400_and_changes_nothing(client, site):
    from incidents.models import Case, CaseNote

    submission = site.record("voting", payload={**site.payload("voting"), "urgent": True, "notes": "Stuffing."})
    case = Case.objects.create(mission=site.mission, submission=submission)
    before = (case.status, case.assignee_id)
    client.force_login(site.coordinator)
    url = reverse("incidents:case", args=[site.mission.slug, case.pk])
    response = client.post(url, {"assignee": SUPERSCRIPT, "status": "closed", "text": "Called the TEC."})
    assert response.status_code == 400
    assert "'assignee' must be the id of a member of the core team" in _message(response)
    case.refresh_from_db()
    assert (case.status, case.assignee_id) == before
    assert not CaseNote.objects.filter(case=case).exists()
