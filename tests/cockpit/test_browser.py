"""The cockpit, the map and incident follow-up in a real headless Chromium, for each role from its login."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from incidents.models import Case
from tests.browser import chromium
from tests.cockpit.conftest import PASSWORD, build_cockpit_site, place_stations
from tests.observe.test_browser import FILL_FORM

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser(live_server, monkeypatch):
    with chromium(monkeypatch) as browser:
        yield browser


def _no_background_requests(route):
    if route.request.resource_type in ("fetch", "xhr"):
        route.abort()
    else:
        route.continue_()


def log_in(browser, live_server, username, *, width=1280, height=900, pages_only=False):
    """A fresh browser session for one person, logged in through the login page; returns the page they land on.

    pages_only: the pages' own data requests (map, dashboard) are dropped. The test server shares one in-memory
    SQLite connection between its threads, and two requests at once on it can hang; a test that only follows
    links does not need them.
    """
    context = browser.new_context(viewport={"width": width, "height": height}, base_url=live_server.url)
    context.set_default_timeout(20000)
    if pages_only:
        context.route("**/*", _no_background_requests)
    page = context.new_page()
    page.goto(reverse("login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("load")
    return page


def drawn(page) -> tuple[int, int, int]:
    """What the map drew once its data arrived: stations, team routes, incidents (also counted as SVG shapes)."""
    node = page.locator("[data-map][data-state=ready]")
    node.wait_for()
    routes = page.locator("[data-map] path.map-route").count()
    incidents = page.locator("[data-map] path.map-incident").count()
    assert routes == int(node.get_attribute("data-routes"))
    assert incidents == int(node.get_attribute("data-incidents"))
    return int(node.get_attribute("data-stations")), routes, incidents


def test_each_role_lands_on_its_home_and_sees_on_the_map_only_what_it_may(browser, live_server, mission):
    from playwright.sync_api import expect

    site = place_stations(build_cockpit_site(mission))
    cockpit = reverse("cockpit:mission", args=[mission.slug])

    coordinator = log_in(browser, live_server, "coordinator")
    expect(coordinator).to_have_url(re.compile(re.escape(cockpit) + "$"))
    expect(coordinator.get_by_role("heading", name="Roster and accreditation")).to_be_visible()
    expect(coordinator.get_by_role("link", name="Deployment planning")).to_be_visible()
    assert drawn(coordinator) == (4, 1, 2)  # every station with coordinates, STO-001's route, both teams' incidents

    analyst = log_in(browser, live_server, "analyst")
    expect(analyst).to_have_url(re.compile(re.escape(cockpit) + "$"))
    expect(analyst.get_by_role("link", name="Deployment planning")).to_have_count(0)
    assert drawn(analyst) == (4, 1, 2)

    expected_on_map = {"lto": (3, 1, 1), "owner": (3, 1, 1), "other_sto": (1, 0, 1)}
    for username, expected in expected_on_map.items():
        page = log_in(browser, live_server, username)
        expect(page).to_have_url(re.compile(r"/$"))
        expect(page.get_by_role("link", name="Mission cockpit")).to_have_count(0)
        page.get_by_role("link", name="Map of our area").click()
        assert drawn(page) == expected, username
        assert page.goto(cockpit).status == 403

    odihr = log_in(browser, live_server, "odihr")
    expect(odihr).to_have_url(re.compile(re.escape(reverse("reports:index")) + "$"))
    assert odihr.goto(reverse("cockpit:map", args=[mission.slug])).status == 403
    assert site.other_incident.team.code == "STO-002"


def test_the_region_and_form_filters_redraw_the_map(browser, live_server, mission):
    site = place_stations(build_cockpit_site(mission))
    page = log_in(browser, live_server, "coordinator")
    page.goto(reverse("cockpit:map", args=[mission.slug]))
    assert drawn(page) == (4, 1, 2)

    page.get_by_label("Region").select_option(label=site.other_region.name)
    page.wait_for_selector("[data-map][data-state=ready][data-stations='1']")
    assert drawn(page) == (1, 0, 1)
    page.get_by_label("Region").select_option(label="All regions")
    page.get_by_label("Form").select_option("opening")
    page.wait_for_selector("[data-map][data-state=ready][data-incidents='0']")
    assert drawn(page) == (4, 0, 0)  # one opening station per team is no route


def test_an_urgent_form_from_an_sto_reaches_the_core_team_and_its_follow_up_reaches_the_sto(
    browser, live_server, mission
):
    from playwright.sync_api import expect

    site = build_cockpit_site(mission)
    mail.outbox.clear()

    # The STO sends an urgent voting form from the phone.
    sto = log_in(browser, live_server, "owner", width=360, height=740)
    url = reverse("observe:form_new", args=[mission.slug, "voting"]) + f"?station={site.opening_station.pk}"
    sto.locator(f'a[href="{url}"]').first.click()
    sto.wait_for_selector("#observation-form[data-ready='1']")
    form_uuid = sto.get_attribute("#observation-form", "data-uuid")
    sto.get_by_label("Arrival time").fill("10:20")
    sto.get_by_label("Departure time").fill("10:50")
    assert sto.evaluate(FILL_FORM) >= 0
    sto.get_by_label("Urgent incident").check()
    sto.get_by_label("Notes (what you saw, in your own words)").fill("Ballot-box stuffing seen at 10:40.")
    sto.get_by_role("button", name="Send form").click()
    expect(sto).to_have_url(re.compile(r"/$"))

    # The core team's mailbox has it at once, and so does the cockpit.
    case = Case.objects.get(submission__uuid=form_uuid)
    assert len(mail.outbox) == 1
    core = {site.coordinator.observer_records.get().email, site.analyst.observer_records.get().email}
    assert core <= set(mail.outbox[0].to)
    assert "Ballot-box stuffing seen at 10:40." in mail.outbox[0].body
    coordinator = log_in(browser, live_server, "coordinator")
    panel = coordinator.locator("[data-panel=cases]")
    expect(panel.locator("[data-field=cases-open]")).to_have_text("1")
    panel.locator(f"[data-case='{case.pk}'] a").click()

    # The coordinator follows it up to closure, step by step.
    coordinator.get_by_label("Status").select_option("acknowledged")
    coordinator.get_by_label("Assignee").select_option(label="analyst")
    coordinator.get_by_label("Note").fill("LTO-01 asked to visit the station.")
    coordinator.get_by_role("button", name="Record").click()
    expect(coordinator.locator(".case-log")).to_contain_text("LTO-01 asked to visit the station.")
    coordinator.get_by_label("Status").select_option("followed_up")
    coordinator.get_by_label("Note").fill("Complaint filed with the TEC.")
    coordinator.get_by_role("button", name="Record").click()
    expect(coordinator.locator("dl [data-case-status]")).to_have_attribute("data-case-status", "followed_up")

    # The STO sees the follow-up status of the report on its own pages.
    sto.get_by_role("link", name="Follow-up of our urgent reports").click()
    expect(sto.locator(f"[data-case='{case.pk}'] [data-case-status]")).to_have_text("Followed up")
    sto.goto(reverse("observe:submission_detail", args=[mission.slug, form_uuid]))
    expect(sto.locator("[data-case-follow-up] [data-case-status]")).to_have_text("Followed up")
    expect(sto.locator("body")).not_to_contain_text("Complaint filed with the TEC.")

    coordinator.get_by_label("Status").select_option("closed")
    coordinator.get_by_role("button", name="Record").click()
    sto.reload()
    expect(sto.locator("[data-case-follow-up] [data-case-status]")).to_have_text("Closed")


# Each role's tools, as link names on its home page (and where that page is).
TOOLS = {
    "coordinator": [
        "Election-day dashboard",
        "Map",
        "Incident cases",
        "Urgent incidents",
        "All submissions",
        "LTO reports and STO teams",
        "Compilations and reports",
        "Official results and cross-checks",
        "Deployment planning",
        "Import polling stations",
        "Import the observer roster",
        "Administration home",
        "Missions",
        "Regions",
        "Polling stations",
        "Observers",
        "Mission memberships",
        "Teams",
        "Team assignments",
        "Checklists",
        "Submissions",
        "Report runs",
        "Guide for running a mission",
    ],
    "analyst": [
        "Election-day dashboard",
        "Map",
        "Incident cases",
        "Urgent incidents",
        "All submissions",
        "LTO reports and STO teams",
        "Compilations and reports",
        "Official results and cross-checks",
        "Administration home",
        "Submissions",
        "Report runs",
        "Guide for running a mission",
    ],
    "lto": ["My area: reports and STO teams", "Follow-up of our urgent reports", "Map of our area"],
    "owner": ["Follow-up of our urgent reports", "Map of our area", "Start opening form"],
}


@pytest.mark.parametrize("username", sorted(TOOLS))
def test_every_tool_of_a_role_is_reachable_by_clicks_from_its_home_page(browser, live_server, mission, username):
    build_cockpit_site(mission)
    page = log_in(browser, live_server, username, pages_only=True)
    home = page.url
    opened = {}
    for name in TOOLS[username]:
        page.goto(home)
        link = page.get_by_role("link", name=name, exact=True).first
        with page.expect_navigation() as navigation:
            link.click()
        opened[name] = navigation.value.status if navigation.value else None
    assert opened == dict.fromkeys(TOOLS[username], 200)


def test_the_admin_index_leads_back_to_the_cockpit(browser, live_server, mission):
    from playwright.sync_api import expect

    build_cockpit_site(mission)
    page = log_in(browser, live_server, "coordinator")
    page.get_by_role("link", name="Administration home").click()
    page.get_by_role("link", name="Back to the mission cockpit").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("cockpit:mission", args=[mission.slug])) + "$"))


def test_odihr_staff_reach_the_published_reports_by_clicks(browser, live_server, mission):
    from playwright.sync_api import expect

    build_cockpit_site(mission)
    page = log_in(browser, live_server, "odihr")
    expect(page.get_by_role("heading", name="Statistics")).to_be_visible()
    with page.expect_navigation() as navigation:
        page.get_by_role("link", name=mission.name).click()
    assert navigation.value.status == 200
