"""Lists are complete: every incident and mismatch in the result and the XLSX; the page pages through them all; the
PDF and the dashboard say how many they show of how many, and where the rest is."""

import datetime
import io
import re
import shutil
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from checklists.choices import FormKind, QuestionType, TemplateStatus
from reports.choices import RunStatus
from reports.services import report_run_compile, report_run_create
from tests.factories import PollingStationFactory, RegionFactory, TeamFactory, TecFactory

from .data import ELECTION_DAY, VOTING_V2, add_forms, make_template

pytestmark = pytest.mark.django_db

URGENT = 2000  # more than any list limit the report ever had (1,000 shown, 2,000 flagged read)
MISMATCHED = 30
COUNTING_PROTOCOL = [
    (name, QuestionType.INTEGER, name.replace("_", " "), [], [], name, None)
    for name in ("ballots_received", "ballots_issued", "ballots_unused", "ballots_spoiled")
]


@pytest.fixture
def many_flagged(mission):
    region = RegionFactory(mission=mission, code="A", name="Akmola")
    tec = TecFactory(mission=mission, region=region)
    stations = [PollingStationFactory(mission=mission, region=region, tec=tec) for _ in range(10)]
    team = TeamFactory(mission=mission, code="STO-001")
    voting = make_template(mission, FormKind.VOTING, 1, TemplateStatus.PUBLISHED, VOTING_V2)
    counting = make_template(mission, FormKind.COUNTING, 1, TemplateStatus.PUBLISHED, COUNTING_PROTOCOL)
    # The mismatches arrive first (the oldest forms), then a flood of urgent voting forms.
    mismatched = add_forms(
        mission,
        counting,
        [
            {
                "station": stations[index % 10],
                "team": team,
                "received": ELECTION_DAY + datetime.timedelta(hours=1, minutes=index),
                "answers": {
                    "ballots_received": 1000,
                    "ballots_issued": 600,
                    "ballots_unused": 300,
                    "ballots_spoiled": 1,
                },
            }
            for index in range(MISMATCHED)
        ],
    )
    urgent = add_forms(
        mission,
        voting,
        [
            {
                "station": stations[index % 10],
                "team": team,
                "urgent": True,
                "notes": f"incident {index}",
                "received": ELECTION_DAY + datetime.timedelta(hours=3, seconds=index),
                "answers": {"box_sealed": "yes", "overall_assessment": "good"},
            }
            for index in range(URGENT)
        ],
    )
    return {"mismatched": mismatched, "urgent": urgent}


def test_every_incident_and_mismatch_is_listed_in_the_result_the_xlsx_the_page_and_counted_in_the_pdf(
    client, mission, many_flagged, actors, tmp_path
):
    assert all(form.protocol_mismatch for form in many_flagged["mismatched"])
    urgent_ids = {form.pk for form in many_flagged["urgent"]}
    mismatch_ids = {form.pk for form in many_flagged["mismatched"]}
    run = report_run_create(mission=mission)
    report_run_compile(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    assert run.result["incidents"]["urgent"] == run.result["incidents"]["listed"] == len(urgent_ids)
    assert "list" not in run.result["incidents"] and "list" not in run.result["protocol"]
    stored = run.report()
    assert {row.submission for row in stored.incidents.list} == urgent_ids
    assert run.result["protocol"]["mismatches"] == run.result["protocol"]["listed"] == len(mismatch_ids)
    assert {row.submission for row in stored.protocol.list} == mismatch_ids

    client.force_login(actors["analyst"])
    download = b"".join(client.get(reverse("reports:run_export", args=[run.pk, "xlsx"])).streaming_content)
    workbook = load_workbook(io.BytesIO(download), read_only=True)
    incidents = list(workbook["Incidents"].iter_rows(values_only=True))
    assert {row[1] for row in incidents[1:]} == urgent_ids
    mismatches = list(workbook["Protocol mismatches"].iter_rows(values_only=True))
    assert {row[1] for row in mismatches[1:]} == mismatch_ids

    url = reverse("reports:run", args=[run.pk])
    pages = -(-len(urgent_ids) // 100)
    first = client.get(url).content.decode()
    assert f"1–100 of {len(urgent_ids)} shown" in first
    assert f"All {len(mismatch_ids)} shown." in first
    last = client.get(f"{url}?incidents={pages}").content.decode()
    assert f"{len(urgent_ids) - 99}–{len(urgent_ids)} of {len(urgent_ids)} shown" in last
    oldest = min(many_flagged["urgent"], key=lambda form: form.received_at)
    table = re.search(r'data-table="incidents">(.*?)</table>', last, re.S).group(1)
    assert f"incident {many_flagged['urgent'].index(oldest)}<" in table

    data = client.get(reverse("reports:dashboard_data", args=[mission.slug])).json()
    assert (len(data["incidents"]), data["incidents_total"]) == (20, len(urgent_ids))

    if shutil.which("pdftotext"):
        pdf = tmp_path / "report.pdf"
        pdf.write_bytes(b"".join(client.get(reverse("reports:run_export", args=[run.pk, "pdf"])).streaming_content))
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        flat = " ".join(text.split())
        assert f"1–200 of {len(urgent_ids)} shown; every one is in the XLSX (sheet Incidents)" in flat


def test_a_list_turns_into_rows_only_the_items_of_the_page_shown():
    from reports.presentation import LIST_PAGE_SIZE, PDF_LIST_ROWS, listing

    turned = []

    def row(item):
        turned.append(item)
        return {"item": item}

    items = list(range(LIST_PAGE_SIZE * 3 + 1))
    shown = listing(items, name="incidents", page="2", pdf=False, where="", row=row)
    assert shown["total"] == len(items)
    assert [entry["item"] for entry in shown["rows"]] == items[LIST_PAGE_SIZE : LIST_PAGE_SIZE * 2]
    assert turned == items[LIST_PAGE_SIZE : LIST_PAGE_SIZE * 2]

    turned.clear()
    printed = listing(items, name="incidents", page=None, pdf=True, where="", row=row)
    assert len(turned) == len(printed["rows"]) == min(PDF_LIST_ROWS, len(items))


@pytest.fixture
def three_pages_flagged(mission):
    region = RegionFactory(mission=mission, code="A", name="Akmola")
    tec = TecFactory(mission=mission, region=region)
    stations = [PollingStationFactory(mission=mission, region=region, tec=tec) for _ in range(5)]
    team = TeamFactory(mission=mission, code="STO-001")
    voting = make_template(mission, FormKind.VOTING, 1, TemplateStatus.PUBLISHED, VOTING_V2)
    add_forms(
        mission,
        voting,
        [
            {
                "station": stations[index % 5],
                "team": team,
                "urgent": True,
                "notes": f"incident {index}",
                "received": ELECTION_DAY + datetime.timedelta(hours=3, seconds=index),
                "answers": {"box_sealed": "no" if index % 3 else "yes", "overall_assessment": "good"},
            }
            for index in range(250)
        ],
    )
    run = report_run_create(mission=mission)
    report_run_compile(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    return run


QUERIES = [
    "",
    "?incidents=2",
    "?incidents=3",
    "?incidents=9",
    "?incidents=0",
    "?incidents=-4",
    "?incidents=x",
    "?incidents=2.5",
    "?protocol=2&incidents=3",
    "?conflicts=2&official=3",
]


def test_the_report_page_reads_one_page_of_each_list_and_shows_what_the_whole_result_shows(
    client, actors, three_pages_flagged, monkeypatch
):
    from reports import views
    from reports.models import ReportRun

    run = three_pages_flagged
    client.force_login(actors["coordinator"])

    def without_tokens(page: bytes) -> str:
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page.decode())

    read = {
        query: without_tokens(client.get(reverse("reports:run", args=[run.pk]) + query).content) for query in QUERIES
    }
    monkeypatch.setattr(views, "run_page_result", lambda page_run: ReportRun.objects.get(pk=page_run.pk).report())
    for query in QUERIES:
        assert read[query] == without_tokens(client.get(reverse("reports:run", args=[run.pk]) + query).content), query
    assert "201–250 of 250 shown" in read["?incidents=9"] and "101–200 of 250 shown" in read["?incidents=2"]
