"""Missions, regions, TECs and polling stations over the API: who reads, who writes, and the filters."""

import pytest

from missions.models import PollingStation, Region

pytestmark = pytest.mark.django_db


def ids(response):
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("endpoint", ["/api/regions/", "/api/tecs/", "/api/polling-stations/"])
@pytest.mark.parametrize("actor", ["coordinator", "analyst", "lto", "sto"])
def test_every_member_reads_the_geography_of_their_mission(world, endpoint, actor):
    response = world.client(actor).get(endpoint)
    assert response.status_code == 200
    assert response.json()["count"] >= 1


@pytest.mark.parametrize("endpoint", ["/api/regions/", "/api/tecs/", "/api/polling-stations/"])
def test_an_outsider_sees_none_of_another_missions_geography(world, endpoint):
    response = world.client("outsider").get(endpoint)
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_an_outsider_gets_404_on_a_region_of_another_mission(world):
    assert world.client("outsider").get(f"/api/regions/{world.north.pk}/").status_code == 404
    assert world.client("outsider").get(f"/api/missions/{world.mission.slug}/").status_code == 404


@pytest.mark.parametrize("endpoint", ["/api/missions/", "/api/regions/", "/api/polling-stations/"])
def test_a_user_without_a_mission_and_an_anonymous_visitor_are_refused(world, endpoint):
    assert world.client("stranger").get(endpoint).status_code == 403
    assert world.client(None).get(endpoint).status_code == 403


def test_odihr_staff_see_every_mission_but_no_geography(world):
    client = world.client("odihr")
    response = client.get("/api/missions/")
    assert response.status_code == 200
    assert {row["slug"] for row in response.json()["results"]} == {"kz-2019", "ua-2019"}
    assert client.get("/api/regions/").status_code == 403
    assert client.get(f"/api/polling-stations/{world.north_station.pk}/").status_code == 403


def test_a_coordinator_adds_a_polling_station(world):
    response = world.client("coordinator").post(
        "/api/polling-stations/",
        {
            "mission": "kz-2019",
            "region": world.north.pk,
            "tec": world.north_tec.pk,
            "number": "N-102",
            "area_type": "rural",
            "registered_voters": 800,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert PollingStation.objects.get(number="N-102").registered_voters == 800


def test_a_polling_station_whose_tec_lies_in_another_region_is_refused_with_a_message(world):
    response = world.client("coordinator").post(
        "/api/polling-stations/",
        {
            "mission": "kz-2019",
            "region": world.south.pk,
            "tec": world.north_tec.pk,
            "number": "N-103",
            "area_type": "urban",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "The TEC lies in another region." in response.json()["tec"]
    assert not PollingStation.objects.filter(number="N-103").exists()


def test_a_duplicate_region_code_is_refused_with_a_message(world):
    response = world.client("coordinator").post(
        "/api/regions/", {"mission": "kz-2019", "code": "NKZ", "name": "Somewhere"}, format="json"
    )
    assert response.status_code == 400
    assert Region.objects.filter(code="NKZ").count() == 1


@pytest.mark.parametrize("actor", ["analyst", "lto", "sto", "odihr", "outsider", "stranger"])
def test_only_coordinators_of_the_mission_change_its_geography(world, actor):
    client = world.client(actor)
    created = client.post("/api/regions/", {"mission": "kz-2019", "code": "NEW", "name": "New region"}, format="json")
    changed = client.patch(f"/api/regions/{world.north.pk}/", {"name": "Renamed"}, format="json")
    assert created.status_code in (400, 403)
    assert changed.status_code in (403, 404)
    assert not Region.objects.filter(code="NEW").exists()
    world.north.refresh_from_db()
    assert world.north.name == "North Kazakhstan"


def test_a_coordinator_renames_a_region(world):
    response = world.client("coordinator").patch(f"/api/regions/{world.north.pk}/", {"name": "Severo"}, format="json")
    assert response.status_code == 200
    world.north.refresh_from_db()
    assert world.north.name == "Severo"


def test_polling_stations_filter_by_mission_region_tec_and_area_type(world):
    client = world.client("coordinator")
    assert ids(client.get("/api/polling-stations/", {"mission": "kz-2019", "region": world.north.pk})) == {
        world.north_station.pk
    }
    assert ids(client.get("/api/polling-stations/", {"region_code": "TUR"})) == {world.south_station.pk}
    assert ids(client.get("/api/polling-stations/", {"tec": world.south_tec.pk})) == {world.south_station.pk}
    assert ids(client.get("/api/polling-stations/", {"area_type": "rural"})) == {world.south_station.pk}
    assert client.get("/api/polling-stations/", {"area_type": "suburban"}).status_code == 400


@pytest.mark.parametrize("endpoint", ["/api/regions/", "/api/tecs/", "/api/polling-stations/"])
def test_geography_list_queries_stay_constant_as_the_geography_grows(world, endpoint, django_assert_max_num_queries):
    from tests.factories import PollingStationFactory, RegionFactory, TecFactory

    client = world.client("coordinator")
    with django_assert_max_num_queries(8) as small:
        assert client.get(endpoint).status_code == 200
    baseline = len(small)
    for _ in range(15):
        region = RegionFactory(mission=world.mission)
        PollingStationFactory(tec=TecFactory(mission=world.mission, region=region))
    with django_assert_max_num_queries(baseline):
        response = client.get(endpoint)
    assert response.status_code == 200


def test_the_mission_list_makes_the_same_number_of_queries_as_missions_are_added(world, django_assert_max_num_queries):
    from observers.models import Follower
    from tests.factories import MissionFactory

    client = world.client("odihr")
    with django_assert_max_num_queries(8) as small:
        assert client.get("/api/missions/").json()["count"] == 2
    baseline = len(small)
    for number in range(10):
        Follower.objects.create(mission=MissionFactory(slug=f"mission-{number}"), user=world.users["odihr"])
    with django_assert_max_num_queries(baseline):
        assert client.get("/api/missions/").json()["count"] == 12
