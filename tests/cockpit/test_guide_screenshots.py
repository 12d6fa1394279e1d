"""The pictures of the guide (docs/guide.md) and the README, taken from the demo mission in a real browser.

Run with EOM_DOCS_SCREENSHOTS=1: it loads the demo mission, opens each pictured page as its user, checks it answers
and writes the pictures to docs/img/, so the documentation shows the product as it is. It is skipped otherwise: the
test server shares one in-memory SQLite connection between its threads, and a page that sends several requests at
once (the dashboard, a missing favicon) can hang it, so it is not part of the ordinary run.
"""

import io
import json
import os
import pathlib

import pytest
from django.core.management import call_command
from django.urls import reverse

from missions.models import PollingStation
from synthetic.demo import DEMO_PASSWORD, DEMO_SLUG
from tests.browser import chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(os.environ.get("EOM_DOCS_SCREENSHOTS") != "1", reason="writes docs/img: EOM_DOCS_SCREENSHOTS=1"),
]

DOCS_IMAGES = pathlib.Path(__file__).resolve().parents[2] / "docs" / "img"


def _hull(points: list[tuple[float, float]]) -> list[list[float]]:
    """The convex hull of (longitude, latitude) points, closed, counter-clockwise (Andrew's monotone chain)."""
    points = sorted(set(points))
    if len(points) < 3:
        return []

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower, upper = [], []
    for point in points:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], point) <= 0:
            lower.pop()
        lower.append(point)
    for point in reversed(points):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], point) <= 0:
            upper.pop()
        upper.append(point)
    ring = lower[:-1] + upper[:-1]
    return [[round(x, 4), round(y, 4)] for x, y in ring + ring[:1]]


def demo_outlines() -> bytes:
    """Region outlines for the demo: the hull of each region's stations (a mission would import real boundaries)."""
    by_region: dict[str, list] = {}
    for name, latitude, longitude in PollingStation.objects.filter(mission__slug=DEMO_SLUG).values_list(
        "region__name", "latitude", "longitude"
    ):
        by_region.setdefault(name, []).append((float(longitude), float(latitude)))
    features = [
        {
            "type": "Feature",
            "properties": {"name": name},
            "geometry": {"type": "Polygon", "coordinates": [_hull(points)]},
        }
        for name, points in sorted(by_region.items())
        if len(_hull(points)) >= 4
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


@pytest.fixture
def pictures():
    DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
    return DOCS_IMAGES


def test_the_guide_pictures_come_from_the_running_product(live_server, monkeypatch, pictures, tmp_path):
    call_command("seed_demo", stdout=io.StringIO())
    call_command("cases_digest", "--mission", DEMO_SLUG, stdout=io.StringIO())
    outline_file = tmp_path / "demo-outlines.geojson"
    outline_file.write_bytes(demo_outlines())
    slug = DEMO_SLUG
    from playwright.sync_api import expect

    taken = []

    def shot(page, name, *, full_page=False):
        page.wait_for_load_state("load")
        path = pictures / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        taken.append(name)

    def visit(page, url):
        response = page.goto(url)
        assert response.status == 200, url
        return response

    with chromium(monkeypatch) as browser:
        desk = browser.new_context(viewport={"width": 1280, "height": 860}, base_url=live_server.url)
        desk.set_default_timeout(30000)
        desk.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
        page = desk.new_page()
        visit(page, reverse("login"))
        page.get_by_label("Username").fill("hom")
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        shot(page, "login")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_selector("[data-map][data-state=ready]")
        shot(page, "cockpit", full_page=True)

        page.get_by_role("link", name="Administration home").click()
        shot(page, "admin-index")
        visit(page, reverse("admin:missions_mission_changelist"))
        shot(page, "admin-missions")
        visit(page, reverse("admin:missions_pollingstation_import"))
        shot(page, "import-stations")
        visit(page, reverse("admin:observers_membership_import"))
        shot(page, "import-roster")
        visit(page, reverse("admin:cockpit_mapoutline_add"))
        page.get_by_label("Mission").select_option(label=page.locator("#id_mission option").nth(1).inner_text())
        page.get_by_label("GeoJSON file").set_input_files(str(outline_file))
        shot(page, "outlines-upload")
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.locator(".messagelist")).to_be_visible()

        visit(page, reverse("deployment:planning", args=[slug]))
        page.wait_for_selector("[data-map][data-state=ready]")
        shot(page, "planning")
        visit(page, reverse("admin:checklists_formtemplate_changelist"))
        shot(page, "checklists")
        visit(page, reverse("cockpit:map", args=[slug]))
        page.wait_for_selector("[data-map][data-state=ready]")
        shot(page, "map")
        # The test server shares one SQLite connection between its threads: the dashboard's own data waits
        # until the map has its answer, so the two requests never run at once.
        held = []
        dashboard_data = reverse("reports:dashboard_data", args=[slug])
        page.route(f"**{dashboard_data}*", lambda route: held.append(route))
        visit(page, reverse("reports:dashboard", args=[slug]))
        page.wait_for_selector("[data-map][data-state=ready]")
        page.unroute(f"**{dashboard_data}*")
        for route in held:
            route.continue_()
        page.wait_for_load_state("networkidle")
        shot(page, "dashboard", full_page=True)
        visit(page, reverse("incidents:cases", args=[slug]))
        shot(page, "cases")
        page.locator("table.cases tbody a").first.click()
        page.get_by_label("Status").select_option("acknowledged")
        page.get_by_label("Note").fill("LTO team asked to visit the station and report back by 18:00.")
        page.get_by_role("button", name="Record").click()
        shot(page, "case")
        visit(page, reverse("reports:mission", args=[slug]))
        shot(page, "reports")
        visit(page, reverse("results:mission", args=[slug]))
        shot(page, "results")

        phone = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url)
        phone.set_default_timeout(30000)
        sto = phone.new_page()
        visit(sto, reverse("login"))
        sto.get_by_label("Username").fill("sto")
        sto.get_by_label("Password").fill(DEMO_PASSWORD)
        sto.get_by_role("button", name="Log in").click()
        expect(sto.get_by_role("heading", name="Plan for election day")).to_be_visible()
        shot(sto, "sto-home")

        odihr = browser.new_context(viewport={"width": 1280, "height": 860}, base_url=live_server.url).new_page()
        visit(odihr, reverse("login"))
        odihr.get_by_label("Username").fill("odihr")
        odihr.get_by_label("Password").fill(DEMO_PASSWORD)
        odihr.get_by_role("button", name="Log in").click()
        expect(odihr.get_by_role("heading", name="Statistics")).to_be_visible()
        shot(odihr, "odihr-reports")
    assert all((pictures / f"{name}.png").stat().st_size > 5000 for name in taken)
    assert len(taken) == 17
