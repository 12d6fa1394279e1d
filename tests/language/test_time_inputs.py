"""Times are typed on a 24-hour clock in every browser language: Chromium's own time and date-time pickers show
AM/PM in English (the page's or the field's lang attribute does not change that), so the product's time fields are
text fields that take HH:MM, checked by pattern, with a numeric keyboard on phones."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse

from submissions.models import Submission
from tests.browser import live_context
from tests.observe.conftest import PASSWORD, build_site
from tests.observe.test_browser import FILL_FORM, _wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NATIVE_CLOCKS = "() => document.querySelectorAll('input[type=time], input[type=datetime-local]').length"


@pytest.fixture
def english_page(live_server, monkeypatch):
    with live_context(monkeypatch, live_server, locale="en-US") as context:
        yield context.new_page()


def _log_in(page, username):
    page.goto(reverse("login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_selector("h1")


def test_an_english_browser_types_form_times_on_a_24_hour_clock(mission, english_page):
    site = build_site(mission)
    page = english_page
    _log_in(page, "owner")
    page.goto(reverse("observe:form_new", args=[mission.slug, "voting"]) + f"?station={site.voting_station.pk}")
    page.wait_for_selector("#observation-form[data-ready='1']")

    assert page.evaluate(NATIVE_CLOCKS) == 0
    arrival = page.get_by_label("Arrival time")
    assert arrival.get_attribute("type") == "text" and arrival.get_attribute("inputmode") == "numeric"
    assert arrival.get_attribute("placeholder") == "HH:MM"
    page.get_by_label("Departure time").fill("25:10")
    assert page.evaluate("() => document.getElementById('f-departure_time').validity.patternMismatch")
    arrival.fill("2140")  # typed without the colon on a numeric keyboard
    page.get_by_label("Departure time").fill("23:55")
    assert page.evaluate(FILL_FORM) >= 0
    page.get_by_role("button", name="Send form").click()

    assert _wait_for(lambda: Submission.objects.filter(polling_station=site.voting_station).exists())
    submission = Submission.objects.get(polling_station=site.voting_station)
    zone = zoneinfo.ZoneInfo(site.voting_station.region.time_zone or mission.time_zone)
    assert submission.arrival_time.astimezone(zone).time() == datetime.time(21, 40)
    assert submission.departure_time.astimezone(zone).time() == datetime.time(23, 55)


def test_an_english_browser_gives_the_report_cutoff_on_a_24_hour_clock(mission, english_page):
    from tests.cockpit.conftest import build_cockpit_site

    site = build_cockpit_site(mission)
    page = english_page
    _log_in(page, site.analyst.username)
    page.goto(reverse("reports:mission", args=[mission.slug]))

    assert page.evaluate(NATIVE_CLOCKS) == 0
    cutoff = page.locator("#cutoff")
    assert cutoff.get_attribute("placeholder") == "YYYY-MM-DD HH:MM"
    cutoff.fill("2019-06-09 20:00")
    assert not page.evaluate("() => document.getElementById('cutoff').validity.patternMismatch")
    cutoff.fill("06/09/2019 8:00 PM")
    assert page.evaluate("() => document.getElementById('cutoff').validity.patternMismatch")
