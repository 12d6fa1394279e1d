"""One clock: every page that shows a moment shows it in the mission's local time with its zone, ISO date and 24-hour
time; the admin shows UTC and says so. Expected strings are computed here with zoneinfo."""

import datetime
import io
import re
import zoneinfo

import openpyxl
import pytest
from django.urls import reverse

from incidents.models import Case
from incidents.services import case_open
from reports.choices import RunStatus
from reports.services import report_run_compile, report_run_create
from submissions.models import Submission, SubmissionRevision

pytestmark = pytest.mark.django_db

# 09:05 UTC is 14:05 in Almaty: a page that forgets the mission's clock shows the wrong hour, and a 12-hour clock
# would show 2:05.
MOMENT = datetime.datetime(2019, 6, 9, 9, 5, tzinfo=datetime.UTC)
US_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b")
TWELVE_HOUR = re.compile(r"\b\d{1,2}:\d{2}\s*(a\.m\.|p\.m\.|AM|PM)", re.IGNORECASE)


def local(mission, moment=MOMENT) -> str:
    zone = zoneinfo.ZoneInfo(mission.time_zone)
    shown = moment.astimezone(zone)
    return f"{shown:%Y-%m-%d %H:%M} {shown.tzname()}"


def utc(moment=MOMENT) -> str:
    return f"{moment.astimezone(datetime.UTC):%Y-%m-%d %H:%M}"


@pytest.fixture
def incident(site):
    submission = site.record("voting", payload={**site.payload("voting"), "urgent": True})
    Submission.objects.filter(pk=submission.pk).update(received_at=MOMENT)
    case, _created = case_open(submission=submission)
    Case.objects.filter(pk=case.pk).update(opened_at=MOMENT, updated_at=MOMENT)
    submission.refresh_from_db()
    return submission, case


def assert_one_clock(page: str, mission) -> None:
    assert local(mission) in page
    assert utc() not in page, "the moment is also shown in UTC"
    assert not US_DATE.search(page)
    assert not TWELVE_HOUR.search(page)


def test_the_mission_clock_is_not_utc_so_these_tests_can_fail(site):
    assert local(site.mission).split(" ")[1] != utc().split(" ")[1]


def test_the_cockpit_shows_incidents_on_the_mission_clock(as_user, site, incident):
    page = as_user(site.analyst).get(reverse("cockpit:mission", args=[site.mission.slug])).content.decode()
    assert_one_clock(page, site.mission)


def test_the_incidents_pages_show_times_on_the_mission_clock(as_user, site, incident):
    submission, case = incident
    client = as_user(site.analyst)
    for url in (
        reverse("incidents:cases", args=[site.mission.slug]),
        reverse("incidents:case", args=[site.mission.slug, case.pk]),
    ):
        assert_one_clock(client.get(url).content.decode(), site.mission)


def test_a_form_and_its_history_are_on_the_same_clock(as_user, site, incident):
    submission, _case = incident
    url = reverse("observe:submission_detail", args=[site.mission.slug, submission.uuid])
    assert_one_clock(as_user(site.owner).get(url).content.decode(), site.mission)


def test_the_report_page_shows_its_cut_off_as_local_time(as_user, site, incident):
    run = report_run_create(mission=site.mission, cutoff=MOMENT + datetime.timedelta(hours=1))
    report_run_compile(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    page = as_user(site.analyst).get(reverse("reports:run", args=[run.pk])).content.decode()
    cutoff = MOMENT + datetime.timedelta(hours=1)
    shown = cutoff.astimezone(zoneinfo.ZoneInfo(site.mission.time_zone))
    assert f"up to {shown:%H:%M} local time ({shown:%Y-%m-%d}, {site.mission.time_zone})" in page
    assert cutoff.isoformat()[:16] not in page
    assert utc(cutoff) not in page


def test_the_report_lists_show_when_a_form_was_received_on_the_mission_clock(as_user, site, incident):
    submission, _case = incident
    SubmissionRevision.objects.filter(submission=submission).update(received_at=MOMENT)  # as the lists read it
    run = report_run_create(mission=site.mission)
    report_run_compile(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    page = as_user(site.analyst).get(reverse("reports:run", args=[run.pk])).content.decode()
    assert 'data-table="incidents"' in page
    assert_one_clock(page, site.mission)
    assert MOMENT.isoformat()[:16] not in page, "the incident's time is shown in UTC"
    with run.xlsx_file.open("rb") as handle:
        workbook = openpyxl.load_workbook(io.BytesIO(handle.read()), read_only=True)
    # Every sheet but the raw data, whose moments are ISO 8601 with their offset for machines to read.
    sheets = workbook.worksheets[:-1]
    cells = {str(cell) for sheet in sheets for row in sheet.iter_rows(values_only=True) for cell in row}
    assert local(site.mission) in cells  # the incidents sheet
    assert not {cell for cell in cells if cell.startswith(MOMENT.isoformat()[:16])}


def test_the_dashboard_gives_the_script_the_mission_zone_to_write_times_in(as_user, site, incident):
    page = as_user(site.analyst).get(reverse("reports:dashboard", args=[site.mission.slug])).content.decode()
    assert f'data-time-zone="{site.mission.time_zone}"' in page
    assert f"({site.mission.time_zone})</th>" in page  # the hours of the timeline are the mission's


def test_the_admin_shows_utc_and_says_so(as_user, site, incident):
    page = as_user(site.coordinator).get(reverse("admin:submissions_submission_changelist")).content.decode()
    assert f"{utc()} UTC" in page
    assert not US_DATE.search(page)
    assert not TWELVE_HOUR.search(page)


@pytest.mark.parametrize("typed", ["06/10/2019 4:00 AM", "2019-06-10 4:00 PM"])
def test_a_report_cut_off_typed_the_us_way_is_refused_with_the_format_to_use(as_user, site, typed):
    client = as_user(site.analyst)
    url = reverse("reports:mission", args=[site.mission.slug])
    response = client.post(url, {"cutoff": typed}, HTTP_ACCEPT_LANGUAGE="ru", follow=True)
    assert "ГГГГ-ММ-ДД ЧЧ:ММ, например 2019-06-10 04:00" in response.content.decode()
    assert not site.mission.report_runs.exists()
