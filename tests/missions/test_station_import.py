import pytest

from missions.imports import stations_import
from missions.models import PollingStation, Region, Tec

pytestmark = pytest.mark.django_db

GOOD = (
    "number,name,address,region,tec_code,tec_name,area_type,registered_voters,special_type,latitude,longitude\n"
    "0001,School 1,Abay St 1,Akmola,01-01,Kokshetau city,urban,1850,,53.28,69.39\n"
    "0002,Village club,Main St 2,Akmola,01-02,Akmola district 01,rural,420,,,\n"
    "0003,Hospital 4,Gogol St 4,Pavlodar,12-01,Pavlodar city,urban,300,hospital,,\n"
)


def test_a_station_list_imports_with_its_regions_and_tecs(mission):
    report = stations_import(mission=mission, upload=GOOD.encode(), filename="stations.csv")
    assert report.ok, report.errors
    assert report.created == 3
    assert set(Region.objects.values_list("name", flat=True)) == {"Akmola", "Pavlodar"}
    assert Tec.objects.get(code="01-02").region.name == "Akmola"
    station = PollingStation.objects.get(number="0003")
    assert (station.special_type, station.area_type, station.registered_voters) == ("hospital", "urban", 300)


def test_importing_the_station_list_again_updates_rather_than_duplicates(mission):
    stations_import(mission=mission, upload=GOOD.encode(), filename="stations.csv")
    report = stations_import(mission=mission, upload=GOOD.replace("1850", "1900").encode(), filename="stations.csv")
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    assert PollingStation.objects.count() == 3
    assert PollingStation.objects.get(number="0001").registered_voters == 1900


def test_a_station_list_with_bad_rows_writes_nothing(mission):
    bad = GOOD + (
        "0001,Duplicate,,Akmola,01-01,,urban,10,,,\n"
        "0005,Nowhere,,Akmola,01-01,,suburban,-3,,95,\n"
        "0006,Wrong TEC,,Pavlodar,01-01,,urban,10,,,\n"
    )
    report = stations_import(mission=mission, upload=bad.encode(), filename="stations.csv")
    messages = [str(e) for e in report.errors]
    assert "row 5, number: station 0001 appears twice in the file (also row 2)" in messages
    assert "row 6, area_type: 'suburban' is not urban or rural" in messages
    assert "row 6, registered_voters: '-3' is not a whole number of voters" in messages
    assert "row 6, latitude: '95' is not a latitude between -90 and 90" in messages
    assert "row 7, tec_code: TEC 01-01 is in Akmola on row 2" in messages
    assert not PollingStation.objects.exists() and not Tec.objects.exists() and not Region.objects.exists()
