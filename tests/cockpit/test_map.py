"""The mission map's data: each role sees on the map exactly what it sees in the tables."""

import json
import pathlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cockpit.models import MapOutline
from config.security import policy_for_path
from missions.models import PollingStation
from tests.cockpit.conftest import place_stations
from tests.factories import PollingStationFactory

pytestmark = pytest.mark.django_db

OUTLINES = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": "Akmola", "population": 700000},
            "geometry": {"type": "Polygon", "coordinates": [[[69, 51], [71, 51], [71, 53], [69, 53], [69, 51]]]},
        }
    ],
}


@pytest.fixture
def placed(site):
    return place_stations(site)


def map_of(client, site, **params):
    response = client.get(reverse("cockpit:map_data", args=[site.mission.slug]), params)
    return response.status_code, (response.json() if response.status_code == 200 else None)


def station_numbers(data) -> set[str]:
    return {row[3] for row in data["stations"]}


def statuses(data) -> dict[str, str]:
    return {row[3]: row[2] for row in data["stations"]}


@pytest.mark.parametrize("who", ["coordinator", "analyst"])
def test_the_core_team_sees_every_station_route_and_incident(as_user, placed, who):
    status, data = map_of(as_user(getattr(placed, who)), placed)

    assert status == 200
    with_coordinates = PollingStation.objects.filter(mission=placed.mission, latitude__isnull=False)
    assert station_numbers(data) == set(with_coordinates.values_list("number", flat=True))
    assert [route["team"] for route in data["routes"]] == ["STO-001"]
    assert {incident["team"] for incident in data["incidents"]} == {"STO-001", "STO-002"}
    assert data["counts"]["without_coordinates"] == 1


def test_stations_are_coloured_observed_planned_or_not_covered(as_user, placed):
    _status, data = map_of(as_user(placed.coordinator), placed)

    assert statuses(data) == {"101": "observed", "102": "planned", "150": "not_covered", "202": "observed"}
    assert data["counts"]["observed"] == 2 and data["counts"]["planned"] == 1
    assert data["counts"]["not_covered"] == 2  # 150 and 199, which has no coordinates


def test_a_team_route_runs_from_opening_through_voting_to_the_count(as_user, placed):
    _status, data = map_of(as_user(placed.coordinator), placed)

    opening, voting = placed.opening_station, placed.voting_station
    expected = [[float(s.latitude), float(s.longitude)] for s in (opening, opening, voting, voting)]
    assert data["routes"][0]["points"] == expected


def test_an_lto_sees_the_stations_routes_and_incidents_of_its_area_only(as_user, placed):
    _status, data = map_of(as_user(placed.lto), placed)

    assert station_numbers(data) == {"101", "102", "150"}
    assert [route["team"] for route in data["routes"]] == ["STO-001"]
    assert {incident["team"] for incident in data["incidents"]} == {"STO-001"}
    assert [name for _pk, name in data["regions"]] == ["Akmola"]


def test_an_sto_sees_its_own_route_and_incidents_and_no_other_teams(as_user, placed):
    _status, data = map_of(as_user(placed.owner), placed)

    assert station_numbers(data) == {"101", "102", "150"}
    assert [route["team"] for route in data["routes"]] == ["STO-001"]
    assert {incident["team"] for incident in data["incidents"]} == {"STO-001"}


def test_the_other_sto_team_does_not_see_the_first_teams_route_or_incident(as_user, placed):
    _status, data = map_of(as_user(placed.other_sto), placed)

    assert station_numbers(data) == {"202"}
    assert data["routes"] == []
    assert {incident["team"] for incident in data["incidents"]} == {"STO-002"}
    assert statuses(data) == {"202": "observed"}


def test_an_outsider_gets_no_map_of_the_mission_and_is_not_told_it_exists(as_user, placed):
    status, _data = map_of(as_user(placed.outsider), placed)

    assert status == 404


def test_odihr_staff_following_the_mission_get_no_map_of_it(as_user, placed):
    status, _data = map_of(as_user(placed.odihr), placed)

    assert status == 403


def test_an_anonymous_request_for_map_data_gets_401(client, placed):
    status, _data = map_of(client, placed)

    assert status == 401


def test_an_lto_cannot_ask_for_a_region_outside_its_area(as_user, placed):
    status, _data = map_of(as_user(placed.lto), placed, region=placed.other_region.pk)

    assert status == 404


def test_the_region_filter_keeps_one_regions_stations(as_user, placed):
    _status, data = map_of(as_user(placed.coordinator), placed, region=placed.other_region.pk)

    assert station_numbers(data) == {"202"}
    assert data["routes"] == []


def test_the_form_kind_filter_colours_by_that_kind_only(as_user, placed):
    _status, opening = map_of(as_user(placed.coordinator), placed, kind="opening")
    _status, counting = map_of(as_user(placed.coordinator), placed, kind="counting")

    assert statuses(opening)["101"] == "planned"  # observed in voting only, planned for the opening
    assert statuses(opening)["102"] == "not_covered"
    assert statuses(counting)["102"] == "planned"
    assert opening["incidents"] == []


def test_the_map_data_needs_the_same_queries_for_a_bigger_mission(as_user, placed, django_assert_num_queries):
    client = as_user(placed.coordinator)
    with CaptureQueriesContext(connection) as few:
        map_of(client, placed)
    for index in range(5):
        PollingStationFactory(
            mission=placed.mission, region=placed.region, tec=placed.tec, latitude=50 + index, longitude=60
        )
        placed.record("voting", payload={**placed.payload("voting"), "urgent": True})

    with django_assert_num_queries(len(few.captured_queries)):
        map_of(client, placed)


# ----------------------------------------------------------------------------------------------- outlines


def geojson_upload(data, name="regions.geojson"):
    return SimpleUploadedFile(name, json.dumps(data).encode(), content_type="application/geo+json")


def test_a_coordinator_uploads_region_outlines_in_the_admin_and_the_map_draws_them(as_user, placed):
    client = as_user(placed.coordinator)

    response = client.post(
        reverse("admin:cockpit_mapoutline_add"), {"mission": placed.mission.pk, "upload": geojson_upload(OUTLINES)}
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    outline = MapOutline.objects.get(mission=placed.mission)
    assert outline.feature_count == 1
    _status, data = map_of(as_user(placed.owner), placed)
    assert data["outlines"]["features"][0]["properties"] == {"name": "Akmola"}  # other properties dropped


def test_an_outline_file_that_is_not_polygons_is_refused_with_a_message(as_user, placed):
    point = {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [70, 52]}}

    response = as_user(placed.coordinator).post(
        reverse("admin:cockpit_mapoutline_add"), {"mission": placed.mission.pk, "upload": geojson_upload(point)}
    )

    assert response.status_code == 200
    assert "Polygon or a MultiPolygon" in response.content.decode()
    assert not MapOutline.objects.exists()


def test_an_outline_file_is_refused_in_the_readers_language(as_user, placed):
    point = {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [70, 52]}}

    response = as_user(placed.coordinator).post(
        reverse("admin:cockpit_mapoutline_add"),
        {"mission": placed.mission.pk, "upload": geojson_upload(point)},
        HTTP_ACCEPT_LANGUAGE="ru",
    )

    page = response.content.decode()
    assert "Контур 1: Каждый контур должен быть объектом Polygon или MultiPolygon." in page
    assert "Файл GeoJSON" in page and "Контуры регионов в формате GeoJSON" in page
    assert not MapOutline.objects.exists()


def test_an_analyst_cannot_upload_region_outlines(as_user, placed):
    response = as_user(placed.analyst).post(
        reverse("admin:cockpit_mapoutline_add"), {"mission": placed.mission.pk, "upload": geojson_upload(OUTLINES)}
    )

    assert response.status_code == 403
    assert not MapOutline.objects.exists()


def test_a_coordinator_cannot_upload_outlines_for_another_mission(as_user, placed):
    elsewhere = placed.outsider.observer_records.get().mission

    as_user(placed.coordinator).post(
        reverse("admin:cockpit_mapoutline_add"), {"mission": elsewhere.pk, "upload": geojson_upload(OUTLINES)}
    )

    assert not MapOutline.objects.exists()


# ----------------------------------------------------------------------------------------------- pages


@pytest.mark.parametrize("url_name", ["cockpit:mission", "cockpit:map", "reports:dashboard", "deployment:planning"])
def test_the_map_is_on_the_cockpit_the_dashboard_the_planning_page_and_its_own_page(as_user, placed, url_name):
    kwarg = "mission_slug" if url_name.startswith("deployment") else "slug"

    page = as_user(placed.coordinator).get(reverse(url_name, kwargs={kwarg: placed.mission.slug})).content.decode()

    assert reverse("cockpit:map_data", args=[placed.mission.slug]) in page
    assert "vendor/leaflet/leaflet.js" in page


def test_an_observer_opens_the_map_page_of_its_area(as_user, placed):
    assert as_user(placed.owner).get(reverse("cockpit:map", args=[placed.mission.slug])).status_code == 200
    assert as_user(placed.outsider).get(reverse("cockpit:map", args=[placed.mission.slug])).status_code == 404


def test_without_a_tile_url_the_map_loads_no_tiles_and_the_policy_allows_none(as_user, placed, settings):
    settings.MAP_TILE_URL = ""

    page = as_user(placed.coordinator).get(reverse("cockpit:map", args=[placed.mission.slug])).content.decode()

    assert 'data-tiles=""' in page
    assert "tile" not in policy_for_path("/cockpit/")


def test_a_tile_url_from_settings_reaches_the_map_and_the_content_security_policy(as_user, placed, settings):
    settings.MAP_TILE_URL = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"

    page = as_user(placed.coordinator).get(reverse("cockpit:map", args=[placed.mission.slug])).content.decode()

    assert 'data-tiles="https://{s}.tiles.example.org/{z}/{x}/{y}.png"' in page
    assert "img-src 'self' data: https://*.tiles.example.org" in policy_for_path("/cockpit/")


def test_leaflet_is_served_from_the_projects_own_static_files_with_its_licence():
    from django.contrib.staticfiles import finders

    assert finders.find("vendor/leaflet/leaflet.js")
    assert "BSD 2-Clause" in pathlib.Path(finders.find("vendor/leaflet/LICENSE")).read_text(encoding="utf-8")
