"""The election-day dashboard in headless Chromium with a Russian browser: its script writes Russian on the
mission's clock (expected times computed here with zoneinfo)."""

import datetime
import re
import zoneinfo

import pytest
from django.urls import reverse

from incidents.services import case_open
from reports.choices import RunStatus
from reports.services import report_run_compile, report_run_create
from submissions.models import Submission
from tests.browser import live_context
from tests.cockpit.conftest import build_cockpit_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECEIVED = datetime.datetime(2019, 6, 9, 9, 5, tzinfo=datetime.UTC)
ENGLISH = ("forms received", "updated", "Run ", "observations", "assessed negatively", "No compilation", "Loading")


@pytest.fixture
def russian_page(live_server, monkeypatch):
    with live_context(monkeypatch, live_server, locale="ru-RU") as context:
        yield context.new_page()


def test_the_dashboard_script_writes_russian_on_the_mission_clock(russian_page, mission):
    from playwright.sync_api import expect

    site = build_cockpit_site(mission)
    submission = site.record("voting", payload={**site.payload("voting"), "urgent": True})
    Submission.objects.filter(pk=submission.pk).update(received_at=RECEIVED)
    case_open(submission=submission)
    run = report_run_create(mission=mission)
    report_run_compile(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    zone = zoneinfo.ZoneInfo(mission.time_zone)
    received = RECEIVED.astimezone(zone)
    finished = run.finished_at.astimezone(zone)

    page = russian_page
    page.goto(reverse("login"))
    page.locator("#id_username").fill(site.analyst.username)
    page.locator("#id_password").fill("correct horse battery")
    page.locator("#id_password").press("Enter")
    page.goto(reverse("reports:dashboard", args=[mission.slug]))

    dashboard = page.locator("#dashboard")
    expect(dashboard.locator('[data-field="incidents"] tr')).to_have_count(1)
    first_cell = dashboard.locator('[data-field="incidents"] tr td').first.inner_text()
    assert first_cell == f"{received:%Y-%m-%d %H:%M} {received.tzname()}"
    compiled = dashboard.locator('[data-field="compiled"]').inner_text()
    assert compiled.startswith(f"Сводка {run.pk} ({finished:%Y-%m-%d %H:%M} {finished.tzname()})")
    assert "наблюдений" in compiled
    updated = dashboard.locator('[data-field="updated"]').inner_text()
    assert re.match(r"Получено форм: \d+ · обновлено \d{4}-\d{2}-\d{2} \d{2}:\d{2} ", updated), updated
    text = dashboard.inner_text()
    assert not [word for word in ENGLISH if word in text], text
