"""Over the API a station is found by its region and number: PEC No. 1 exists in every region."""

import pytest

from deployment.choices import VisitPurpose
from deployment.models import PlannedVisit
from missions.models import PollingStation
from tests.factories import PollingStationFactory, TecFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pec_no_1(world):
    """PEC No. 1 in both regions of the world, the south one with urban/rural not known."""
    return (
        PollingStationFactory(tec=world.north_tec, number="1"),
        PollingStationFactory(tec=world.south_tec, number="1", area_type="", registered_voters=None),
    )


def test_region_code_and_number_find_exactly_one_pec_no_1(world, pec_no_1):
    north, south = pec_no_1
    client = world.client("coordinator")
    assert client.get("/api/missions/kz-2019/").json()["station_numbering"] == "region"
    both = client.get("/api/polling-stations/", {"mission": "kz-2019", "number": "1"}).json()["results"]
    assert sorted((row["region_code"], row["number"]) for row in both) == [("NKZ", "1"), ("TUR", "1")]
    found = client.get("/api/polling-stations/", {"region_code": "TUR", "number": "1"}).json()["results"]
    assert [row["id"] for row in found] == [south.pk]
    assert found[0]["label"] == "Turkistan — No. 1"
    assert (found[0]["region_name"], found[0]["tec_code"]) == ("Turkistan", "TUR-01")
    assert (found[0]["area_type"], found[0]["registered_voters"]) == ("", None)


def test_searching_by_region_name_and_number_narrows_to_that_region(world, pec_no_1):
    north, _south = pec_no_1
    client = world.client("coordinator")
    rows = client.get("/api/polling-stations/", {"search": "North", "number": "1"}).json()["results"]
    assert [row["id"] for row in rows] == [north.pk]


def test_stations_whose_list_gave_no_urban_rural_filter_as_unknown(world, pec_no_1):
    _north, south = pec_no_1
    rows = world.client("coordinator").get("/api/polling-stations/", {"area_type": "unknown"}).json()["results"]
    assert [row["id"] for row in rows] == [south.pk]


def test_a_second_no_1_in_one_region_is_refused_and_one_in_another_region_is_accepted(world, pec_no_1):
    client = world.client("coordinator")
    station = {"mission": "kz-2019", "tec": world.north_tec.pk, "region": world.north.pk, "number": "1"}
    same_tec = client.post("/api/polling-stations/", station, format="json")
    assert same_tec.status_code == 400
    assert same_tec.json()["non_field_errors"] == ["This TEC already has a polling station with this number."]
    other_tec = TecFactory(mission=world.mission, region=world.north, code="NKZ-02")
    same_region = client.post("/api/polling-stations/", {**station, "tec": other_tec.pk}, format="json")
    assert same_region.status_code == 400
    assert same_region.json()["number"] == ["North Kazakhstan already has a polling station No. 1."]
    accepted = client.post("/api/polling-stations/", {**station, "number": "2"}, format="json")
    assert accepted.status_code == 201, accepted.json()
    assert accepted.json()["area_type"] == "" and accepted.json()["registered_voters"] is None
    assert PollingStation.objects.filter(number="1").count() == 2


def test_each_planned_visit_names_its_station_region_and_number(world, pec_no_1):
    north, south = pec_no_1
    for team, station in ((world.sto_team, north), (world.other_sto_team, south)):
        PlannedVisit.objects.create(
            assignment=team.assignment, polling_station=station, purpose=VisitPurpose.VOTING, order=1
        )
    rows = world.client("coordinator").get("/api/assignments/").json()["results"]
    visits = sorted(
        (row["team_code"], visit["polling_station_region"], visit["polling_station_number"])
        for row in rows
        for visit in row["visits"]
    )
    assert visits == [("STO-001", "North Kazakhstan", "1"), ("STO-002", "Turkistan", "1")]
