"""Observers never doubt their forms, in a real headless Chromium: the waiting banner, drafts, leaving a changed form,
confirmations and corrections."""

import re

import pytest
from django.urls import reverse

from submissions.models import Submission
from tests.observe.conftest import PASSWORD, build_site
from tests.observe.test_browser import FILL_FORM, KEPT_PAGE, _wait_for, browser_context  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every field of the form as the observer sees it: checked boxes and typed values, by input id.
FORM_STATE = """
() => {
  const state = {};
  for (const input of document.querySelectorAll("#observation-form input, #observation-form textarea")) {
    if (input.type === "hidden") continue;
    state[input.id] = input.type === "radio" || input.type === "checkbox" ? input.checked : input.value;
  }
  return state;
}
"""

DRAFT_KEYS = "() => Object.keys(localStorage).filter((key) => key.startsWith('eom-draft:'))"


def _log_in(page, username="owner"):
    page.goto(reverse("login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_selector("h1")


def _form_path(site, kind, station):
    return reverse("observe:form_new", args=[site.mission.slug, kind]) + f"?station={station.pk}"


def _open(page, path):
    page.goto(path)
    page.wait_for_selector("#observation-form[data-ready='1']")
    return page.get_attribute("#observation-form", "data-uuid")


def _fill(page):
    page.get_by_label("Arrival time").fill("21:40")
    page.get_by_label("Departure time").fill("23:55")
    assert page.evaluate(FILL_FORM) >= 0


def test_the_waiting_banner_stays_across_reload_and_navigation_while_offline(mission, browser_context):  # noqa: F811
    from playwright.sync_api import expect

    site = build_site(mission)
    page = browser_context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    _log_in(page)
    voting_path = _form_path(site, "voting", site.voting_station)
    opening_path = _form_path(site, "opening", site.opening_station)
    assert page.evaluate("navigator.serviceWorker.ready.then((registration) => !!registration.active)")
    assert _wait_for(lambda: page.evaluate(KEPT_PAGE, voting_path) and page.evaluate(KEPT_PAGE, opening_path))

    browser_context.set_offline(True)
    form_uuid = _open(page, voting_path)
    _fill(page)
    page.get_by_role("button", name="Send form").click()
    expect(page.locator("#form-status")).to_contain_text(
        "Not sent yet: Voting · Akmola — No. 102 is kept on this device"
    )
    one_clock = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} [+-]\d{2}")
    expect(page.locator("#form-status")).to_contain_text(one_clock)

    banner = page.locator("#queue-banner")
    for step in ("reload", "home", "another form", "home again"):
        if step == "reload":
            page.reload()
        elif step == "another form":
            _open(page, opening_path)
        else:
            page.goto(reverse("observe:home"))
            expect(page.get_by_role("heading", name="Plan for election day")).to_be_visible()
        expect(banner).to_be_visible()
        expect(page.locator("#queue-text")).to_contain_text("1 form waiting to send")
        expect(page.locator("#queue-text")).to_contain_text("No network")
        expect(page.locator("#queue-waiting")).to_contain_text("Voting · Akmola — No. 102, kept since")
    # On the home page the planned visit that waits says so, so nobody fills it in again.
    waiting_link = page.locator(f'a[href="{voting_path}"]')
    expect(page.locator(".waiting-here")).to_have_count(waiting_link.count())
    # The form's own page says a form from it is already waiting.
    _open(page, voting_path)
    expect(page.locator("#form-waiting-here")).to_be_visible()
    assert Submission.objects.filter(uuid=form_uuid).count() == 0

    browser_context.set_offline(False)
    page.goto(reverse("observe:home"))
    expect(banner).to_be_hidden(timeout=45000)
    expect(page.locator("#confirmation")).to_contain_text("Received by the mission: Voting · Akmola — No. 102, at")
    assert _wait_for(lambda: Submission.objects.filter(uuid=form_uuid).exists())
    assert Submission.objects.filter(mission=site.mission, kind="voting").count() == 1


def test_a_draft_of_the_counting_form_survives_a_reload_and_a_closed_tab(mission, browser_context):  # noqa: F811
    from playwright.sync_api import expect

    site = build_site(mission)
    page = browser_context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    _log_in(page)
    counting_path = _form_path(site, "counting", site.voting_station)
    form_uuid = _open(page, counting_path)
    blank = page.evaluate(FORM_STATE)
    _fill(page)
    page.get_by_label("Notes (what you saw, in your own words)").fill("Count started late; ballots stacked unsorted.")
    typed = page.evaluate(FORM_STATE)
    assert typed != blank

    page.reload()
    page.wait_for_selector("#observation-form[data-ready='1']")
    assert page.evaluate(FORM_STATE) == typed
    assert page.get_attribute("#observation-form", "data-uuid") == form_uuid
    expect(page.locator("#draft-note")).to_contain_text("were kept on this device")

    page.close()
    page = browser_context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    assert _open(page, counting_path) == form_uuid
    assert page.evaluate(FORM_STATE) == typed

    page.get_by_role("button", name="Send form").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("#confirmation")).to_contain_text("Received by the mission: Counting · Akmola — No. 102, at")
    assert Submission.objects.filter(uuid=form_uuid).count() == 1
    assert Submission.objects.get(uuid=form_uuid).notes == "Count started late; ballots stacked unsorted."
    assert page.evaluate(DRAFT_KEYS) == []
    # Sent: the same page opens blank under a new identifier.
    assert _open(page, counting_path) != form_uuid
    assert page.evaluate(FORM_STATE) == blank
    expect(page.locator("#draft-note")).to_be_hidden()

    # A draft nobody came back to for a month is dropped from the device; a recent one stays.
    page.evaluate(
        """() => {
          localStorage.setItem("eom-draft:old", JSON.stringify({ savedAt: "2019-05-01T10:00:00Z", fields: {} }));
          localStorage.setItem("eom-draft:recent", JSON.stringify({ savedAt: new Date().toISOString(), fields: {} }));
        }"""
    )
    page.goto(reverse("observe:home"))
    assert page.evaluate(DRAFT_KEYS) == ["eom-draft:recent"]


def test_leaving_a_changed_form_asks_first(mission, browser_context):  # noqa: F811
    from playwright.sync_api import expect

    site = build_site(mission)
    page = browser_context.new_page()
    _log_in(page)
    voting_path = _form_path(site, "voting", site.opening_station)
    asked = []
    answer = {"accept": False}

    def on_dialog(dialog):
        asked.append(dialog.type)
        dialog.accept() if answer["accept"] else dialog.dismiss()

    page.on("dialog", on_dialog)

    # Unchanged: leaving asks nothing.
    _open(page, voting_path)
    page.get_by_role("link", name="Home").click()
    expect(page.get_by_role("heading", name="Plan for election day")).to_be_visible()
    assert asked == []

    # Changed: an in-site link asks in words, and staying keeps the page and its answers.
    _open(page, voting_path)
    page.get_by_label("Arrival time").fill("09:10")
    page.get_by_role("link", name="Home").click()
    assert asked == ["confirm"]
    expect(page).to_have_url(re.compile(re.escape(voting_path)))
    expect(page.get_by_label("Arrival time")).to_have_value("09:10")

    # Leaving by the browser (address bar, reload, closing) asks through the browser's own question.
    answer["accept"] = True
    page.goto(reverse("observe:home"))
    expect(page.get_by_role("heading", name="Plan for election day")).to_be_visible()
    assert asked == ["confirm", "beforeunload"]

    # Agreeing to leave by a link asks once, not twice.
    _open(page, voting_path)
    expect(page.get_by_label("Arrival time")).to_have_value("09:10")  # the draft came back
    page.get_by_label("Departure time").fill("09:40")
    page.get_by_role("link", name="Home").click()
    expect(page.get_by_role("heading", name="Plan for election day")).to_be_visible()
    assert asked == ["confirm", "beforeunload", "confirm"]


def test_a_sent_station_offers_its_correction_and_the_resend_updates_the_same_form(mission, browser_context):  # noqa: F811
    from playwright.sync_api import expect

    site = build_site(mission)
    sent = site.record("opening", station=site.opening_station)
    page = browser_context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    _log_in(page)

    edit_path = reverse("observe:submission_edit", args=[site.mission.slug, sent.uuid])
    opening_row = page.locator(".plan-row", has=page.locator(f'a[href="{edit_path}"]'))
    expect(opening_row.get_by_role("link", name="Correct")).to_be_visible()
    expect(opening_row.get_by_role("link", name="Start opening form")).to_have_count(0)
    expect(page.get_by_role("link", name="Start voting form")).to_have_count(2)  # both voting visits still to come

    opening_row.get_by_role("link", name="Correct").click()
    page.wait_for_selector("#observation-form[data-ready='1']")
    assert page.get_attribute("#observation-form", "data-uuid") == str(sent.uuid)
    page.get_by_label("Notes (what you saw, in your own words)").fill("Opened ten minutes late.")
    page.get_by_role("button", name="Save correction").click()
    expect(page.locator("#confirmation")).to_contain_text(
        "Correction saved. Received by the mission: Opening · Akmola — No. 101"
    )
    expect(page).to_have_url(re.compile(re.escape(str(sent.uuid)) + r"/$"))

    rows = Submission.objects.filter(mission=site.mission, kind="opening", polling_station=site.opening_station)
    assert rows.count() == 1
    corrected = rows.get()
    assert corrected.uuid == sent.uuid
    assert corrected.revision == 2
    assert corrected.notes == "Opened ten minutes late."


def test_an_lto_picks_the_report_week_and_it_is_kept_as_its_monday(mission, browser_context):  # noqa: F811
    from playwright.sync_api import expect

    site = build_site(mission)
    page = browser_context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    _log_in(page, "lto")
    form_uuid = _open(page, reverse("observe:form_new", args=[site.mission.slug, "lto_weekly"]))
    week = page.get_by_label("Which week does this report cover?")
    assert week.get_attribute("type") == "week"
    week.fill("2019-W21")
    assert page.evaluate(FILL_FORM) >= 0
    page.get_by_role("button", name="Send form").click()
    expect(page.locator("#confirmation")).to_contain_text("Received by the mission: LTO weekly report")
    assert Submission.objects.get(uuid=form_uuid).payload["answers"]["reporting_period"] == "2019-05-20"

    _open(page, reverse("observe:submission_edit", args=[site.mission.slug, form_uuid]))
    expect(page.get_by_label("Which week does this report cover?")).to_have_value("2019-W21")


def test_a_correction_made_offline_waits_on_the_device_and_updates_the_same_form(mission, browser_context):  # noqa: F811
    from playwright.sync_api import expect

    site = build_site(mission)
    sent = site.record("opening", station=site.opening_station)
    page = browser_context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    _log_in(page)
    edit_path = reverse("observe:submission_edit", args=[site.mission.slug, sent.uuid])
    assert page.evaluate("navigator.serviceWorker.ready.then((registration) => !!registration.active)")
    assert _wait_for(lambda: page.evaluate(KEPT_PAGE, edit_path))

    browser_context.set_offline(True)
    page.goto(reverse("observe:home"))
    page.locator(f'a[href="{edit_path}"]').click()
    page.wait_for_selector("#observation-form[data-ready='1']")
    page.get_by_label("Notes (what you saw, in your own words)").fill("Opened ten minutes late.")
    page.get_by_role("button", name="Save correction").click()
    expect(page.locator("#form-status")).to_contain_text("Not sent yet: Correction of Opening · Akmola — No. 101")
    expect(page.locator("#queue-text")).to_contain_text("1 form waiting to send")
    page.reload()
    expect(page.locator("#form-waiting-here")).to_contain_text("A correction of this form is waiting")
    assert Submission.objects.get(uuid=sent.uuid).revision == 1

    browser_context.set_offline(False)
    expect(page.locator("#queue-banner")).to_be_hidden(timeout=45000)
    assert _wait_for(lambda: Submission.objects.get(uuid=sent.uuid).revision == 2)
    rows = Submission.objects.filter(mission=site.mission, kind="opening", polling_station=site.opening_station)
    assert rows.count() == 1
    assert rows.get().notes == "Opened ten minutes late."
