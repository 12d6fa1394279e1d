"""What the observers' service worker keeps on a device, and when it lets go: in a real headless Chromium.

A phone is shared, lost or handed back at the end of a mission: the device may keep only the pages a team needs
without a network, never planning, report runs, other teams' pages, the admin or the API, and nothing kept in one
session may outlive it, whether or not the logout button was used.
"""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from reports.services import report_run_compile, report_run_create
from tests.observe.conftest import PASSWORD, build_site
from tests.observe.test_browser import _wait_for, browser_context  # noqa: F401 -- the fixture is used by name

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KEPT_PATHS = """
async () => {
  if (!(await caches.has('eom-pages'))) return [];
  const keys = await (await caches.open('eom-pages')).keys();
  return keys.map((request) => new URL(request.url)).map((url) => url.pathname + url.search);
}
"""
CONTROLLED = "() => !!navigator.serviceWorker.controller"


def _log_in(page, username):
    page.goto(reverse("login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def _controlled(page):
    """Wait until the service worker controls the page, so every later navigation goes through it."""
    page.evaluate("navigator.serviceWorker.ready")
    if not page.evaluate(CONTROLLED):
        page.reload()
    assert _wait_for(lambda: page.evaluate(CONTROLLED), timeout=20)


def _form_path(site, station):
    return reverse("observe:form_new", args=[site.mission.slug, "voting"]) + f"?station={station.pk}"


def test_the_device_keeps_no_planning_report_team_admin_or_api_page(mission, browser_context, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path / "media"
    site = build_site(mission)
    run = report_run_create(mission=mission, kinds=["voting"])
    report_run_compile(run_id=run.pk)
    page = browser_context.new_page()
    _log_in(page, "coordinator")
    _controlled(page)
    sensitive = [
        reverse("deployment:planning", args=[mission.slug]),
        reverse("reports:run", args=[run.pk]),
        reverse("reports:mission", args=[mission.slug]),
        reverse("observe:team_detail", args=[mission.slug, site.other_team.pk]),
        reverse("observe:incidents", args=[mission.slug]),
        reverse("admin:index"),
        "/api/regions/",
    ]
    for path in sensitive:
        response = page.goto(path)
        assert response.status == 200, path
    page.goto(reverse("observe:home"))
    home = reverse("observe:home")
    assert _wait_for(lambda: home in page.evaluate(KEPT_PATHS), timeout=20)  # the worker does keep pages
    kept = page.evaluate(KEPT_PATHS)
    assert not [path for path in kept if path.split("?")[0] in {p.split("?")[0] for p in sensitive}], kept


def test_kept_pages_are_dropped_when_the_server_ends_the_session(mission, browser_context):  # noqa: F811
    site = build_site(mission)
    page = browser_context.new_page()
    _log_in(page, "owner")
    _controlled(page)
    page.goto(reverse("observe:home"))
    form = _form_path(site, site.voting_station)
    assert _wait_for(lambda: form in page.evaluate(KEPT_PATHS), timeout=20)

    Session.objects.all().delete()  # expired, or ended from the admin: the logout button was never pressed
    page.goto(reverse("observe:home"))
    page.wait_for_url(lambda url: "/accounts/login/" in url)
    assert _wait_for(lambda: page.evaluate(KEPT_PATHS) == [], timeout=10), page.evaluate(KEPT_PATHS)


def test_kept_pages_of_one_user_are_dropped_when_another_signs_in_on_the_device(
    mission,
    browser_context,  # noqa: F811
    live_server,
):
    site = build_site(mission)
    page = browser_context.new_page()
    _log_in(page, "owner")
    _controlled(page)
    page.goto(reverse("observe:home"))
    owners_form = _form_path(site, site.voting_station)
    assert _wait_for(lambda: owners_form in page.evaluate(KEPT_PATHS), timeout=20)

    # Another observer's session arrives in the browser without a visit to the login page or the logout button.
    other = Client()
    other.force_login(site.other_sto)
    browser_context.clear_cookies()
    browser_context.add_cookies(
        [{"name": "sessionid", "value": other.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(reverse("observe:home"))
    assert page.get_by_text(site.other_team.code).first.is_visible()  # the other observer's plan is shown
    assert _wait_for(lambda: owners_form not in page.evaluate(KEPT_PATHS), timeout=20), page.evaluate(KEPT_PATHS)
    assert _wait_for(lambda: page.evaluate(KEPT_PATHS) == [reverse("observe:home")], timeout=20)
