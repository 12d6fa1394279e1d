import csv
import io
import math
import random
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from access import system_actor
from missions.choices import StationNumbering
from missions.imports import stations_import
from missions.models import PollingStation, Region, Tec
from tests.factories import PollingStationFactory, RegionFactory, TecFactory

pytestmark = pytest.mark.django_db

GOOD = (
    "number,name,address,region,tec_code,tec_name,area_type,registered_voters,special_type,latitude,longitude\n"
    "0001,School 1,Abay St 1,Akmola,01-01,Kokshetau city,urban,1850,,53.28,69.39\n"
    "0002,Village club,Main St 2,Akmola,01-02,Akmola district 01,rural,420,,,\n"
    "0003,Hospital 4,Gogol St 4,Pavlodar,12-01,Pavlodar city,urban,300,hospital,,\n"
)

# The headers of a list as a Central Election Commission publishes it, and the mapping a coordinator types.
CEC_HEADERS = ["Область", "Территориальная избирательная комиссия", "№ участка", "Адрес помещения", "Избирателей"]
CEC_MAPPING = {
    "region": "Область",
    "tec_name": "Территориальная избирательная комиссия",
    "number": "№ участка",
    "address": "Адрес помещения",
    "registered_voters": "Избирателей",
}
OBLASTS = [
    "Акмолинская область",
    "Актюбинская область",
    "Алматинская область",
    "Атырауская область",
    "Восточно-Казахстанская область",
    "Жамбылская область",
    "Западно-Казахстанская область",
    "Карагандинская область",
    "Костанайская область",
    "Кызылординская область",
    "Мангистауская область",
    "Павлодарская область",
    "Северо-Казахстанская область",
    "Туркестанская область",
    "город Алматы",
    "город Нур-Султан",
    "город Шымкент",
]
DISTRICTS = ["Ленинская", "Октябрьская", "Центральная", "Заречная", "Советская", "Степная", "Северная", "Южная"]


def real_shaped_list(seed: int = 2019) -> tuple[bytes, list[dict]]:
    """A semicolon CSV in Windows-1251, numbered from 1 in every oblast, with no urban/rural or coordinates."""
    rng = random.Random(seed)
    rows = []
    for oblast in OBLASTS:
        districts = rng.sample(DISTRICTS, rng.randint(3, 8))
        for number in range(1, rng.randint(200, 420) + 1):
            rows.append(
                {
                    "region": oblast,
                    "tec": f"{rng.choice(districts)} районная ТИК",
                    "number": str(number),
                    "address": f"ул. Абая, {rng.randint(1, 200)}",
                    # Some lists give the voters for most stations only.
                    "voters": "" if rng.random() < 0.05 else str(rng.randint(80, 3000)),
                }
            )
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(CEC_HEADERS)
    for row in rows:
        writer.writerow([row["region"], row["tec"], row["number"], row["address"], row["voters"]])
    return buffer.getvalue().encode("cp1251"), rows


def _station_insert_batches(count: int) -> int:
    fields = [f for f in PollingStation._meta.concrete_fields if not f.primary_key]
    return math.ceil(count / min(2000, connection.ops.bulk_batch_size(fields, [None] * count)))


def test_a_real_shaped_list_with_numbers_restarting_per_region_imports_every_station(
    mission, django_assert_max_num_queries
):
    upload, rows = real_shaped_list()
    repeated = sum(1 for count in Counter(row["number"] for row in rows).values() if count > 1)
    assert len(rows) > 4000 and repeated > 150  # the shape that the mission-wide number refused

    # Three reads, two savepoints, one insert each for regions and TECs, then the stations in batches.
    with django_assert_max_num_queries(7 + _station_insert_batches(len(rows))):
        report = stations_import(
            actor=system_actor(mission),
            mission=mission,
            upload=upload,
            filename="cec.csv",
            create_geography=True,
            columns=CEC_MAPPING,
        )

    assert report.ok, report.errors[:5]
    assert report.created == len(rows) == PollingStation.objects.filter(mission=mission).count()
    assert sorted(Region.objects.filter(mission=mission).values_list("name", flat=True)) == sorted(OBLASTS)
    expected_tecs = {(row["region"], row["tec"]) for row in rows}
    assert set(Tec.objects.filter(mission=mission).values_list("region__name", "name")) == expected_tecs
    per_region = Counter(row["region"] for row in rows)
    for region in Region.objects.filter(mission=mission):
        numbers = set(region.polling_stations.values_list("number", flat=True))
        assert numbers == {str(n) for n in range(1, per_region[region.name] + 1)}
    first = PollingStation.objects.select_related("region").get(region__name="город Шымкент", number="1")
    expected = next(row for row in rows if row["region"] == "город Шымкент" and row["number"] == "1")
    assert (first.address, first.area_type) == (expected["address"], "")
    assert str(first) == "город Шымкент — No. 1"
    unknown_voters = sum(1 for row in rows if not row["voters"])
    assert PollingStation.objects.filter(mission=mission, registered_voters__isnull=True).count() == unknown_voters
    known = sum(int(row["voters"]) for row in rows if row["voters"])
    assert sum(v for v in PollingStation.objects.values_list("registered_voters", flat=True) if v) == known


def test_importing_the_real_shaped_list_again_updates_the_stations_it_identifies(
    mission, django_assert_max_num_queries
):
    upload, rows = real_shaped_list()
    stations_import(
        actor=system_actor(mission),
        mission=mission,
        upload=upload,
        filename="cec.csv",
        create_geography=True,
        columns=CEC_MAPPING,
    )
    text = upload.decode("cp1251").splitlines()
    # The second row is PEC No. 1 of the first oblast: a new address there, and nowhere else.
    text[1] = text[1].replace(rows[0]["address"], "ул. Новая, 1")
    changed = ("\r\n".join(text) + "\r\n").encode("cp1251")

    with django_assert_max_num_queries(8):
        report = stations_import(
            actor=system_actor(mission), mission=mission, upload=changed, filename="cec.csv", columns=CEC_MAPPING
        )

    assert (report.created, report.updated, report.unchanged) == (0, 1, len(rows) - 1)
    assert PollingStation.objects.count() == len(rows)
    moved = PollingStation.objects.get(region__name=OBLASTS[0], number="1")
    assert moved.address == "ул. Новая, 1"
    others = PollingStation.objects.filter(number="1").exclude(region__name=OBLASTS[0])
    assert others.count() == len(OBLASTS) - 1 and not others.filter(address="ул. Новая, 1").exists()


def test_without_the_option_a_region_or_tec_the_mission_lacks_is_an_error_on_its_row(mission):
    RegionFactory(mission=mission, code="AKM", name="Akmola")
    upload = (
        b"number,region,tec_name\n"
        b"1,Akmola,Kokshetau city\n"  # TEC not yet in Akmola
        b"1,Pavlodar,Pavlodar city\n"  # region not in the mission
    )
    report = stations_import(actor=system_actor(mission), mission=mission, upload=upload, filename="stations.csv")
    assert [str(e) for e in report.errors] == [
        "row 2, tec: TEC 'Kokshetau city' is not in Akmola (add it, or import with regions and TECs created from "
        "the file)",
        "row 3, region: 'Pavlodar' is not a region of this mission (add it, or import with regions and TECs "
        "created from the file)",
    ]
    assert not PollingStation.objects.exists() and Tec.objects.count() == 0


def test_a_list_naming_regions_by_code_finds_the_mission_regions(mission):
    akmola = RegionFactory(mission=mission, code="AKM", name="Akmola")
    tec = TecFactory(region=akmola, mission=mission, code="01-01", name="Kokshetau city")
    report = stations_import(
        actor=system_actor(mission),
        mission=mission,
        upload=b"number,region,tec_code\n1,akm,01-01\n2,Akmola,01-01\n",
        filename="s.csv",
    )
    assert report.ok, report.errors
    assert set(tec.polling_stations.values_list("number", flat=True)) == {"1", "2"}


def test_a_station_list_imports_with_its_regions_and_tecs(mission):
    report = stations_import(
        actor=system_actor(mission),
        mission=mission,
        upload=GOOD.encode(),
        filename="stations.csv",
        create_geography=True,
    )
    assert report.ok, report.errors
    assert report.created == 3
    assert set(Region.objects.values_list("name", flat=True)) == {"Akmola", "Pavlodar"}
    assert Tec.objects.get(code="01-02").region.name == "Akmola"
    station = PollingStation.objects.get(number="0003")
    assert (station.special_type, station.area_type, station.registered_voters) == ("hospital", "urban", 300)
    assert "2 region(s) and 3 TEC(s) created from the file" in report.summary()


def test_importing_the_station_list_again_updates_rather_than_duplicates(mission):
    stations_import(
        actor=system_actor(mission),
        mission=mission,
        upload=GOOD.encode(),
        filename="stations.csv",
        create_geography=True,
    )
    report = stations_import(
        actor=system_actor(mission),
        mission=mission,
        upload=GOOD.replace("1850", "1900").encode(),
        filename="stations.csv",
    )
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    assert PollingStation.objects.count() == 3
    assert PollingStation.objects.get(number="0001").registered_voters == 1900


def test_a_station_list_with_bad_rows_writes_nothing_and_lists_every_error_by_row(mission):
    bad = GOOD + (
        "0001,Duplicate,,Akmola,01-02,,urban,10,,,\n"
        "0005,Nowhere,,Akmola,01-01,,suburban,-3,,95,\n"
        "0006,,,,01-01,,,,,,\n"
        "0001,Same number elsewhere,,Pavlodar,12-01,,,,,,\n"
    )
    report = stations_import(
        actor=system_actor(mission),
        mission=mission,
        upload=bad.encode(),
        filename="stations.csv",
        create_geography=True,
    )
    assert [str(e) for e in report.errors] == [
        "row 6, area_type: 'suburban' is not urban or rural (leave it blank if not known)",
        "row 6, registered_voters: '-3' is not a whole number of voters",
        "row 6, latitude: '95' is not a latitude between -90 and 90",
        "row 7, region: the region is missing",
    ]
    # Rows that cannot be read are reported first; the identity of the readable ones is checked once they are.
    fixed = bad.replace("suburban,-3,,95", "rural,3,,45").replace("0006,,,,", "0006,,,Akmola,")
    report = stations_import(
        actor=system_actor(mission),
        mission=mission,
        upload=fixed.encode(),
        filename="stations.csv",
        create_geography=True,
    )
    assert [str(e) for e in report.errors] == [
        "row 5, number: No. 0001 of Akmola appears twice in the file (also row 2)"
    ]
    assert not PollingStation.objects.exists() and not Tec.objects.exists() and not Region.objects.exists()


def test_a_file_without_a_column_for_the_number_says_how_to_map_one(mission):
    upload = "Номер УИК;Область;ТИК\n1;Акмолинская область;Ленинская\n".encode()
    report = stations_import(
        actor=system_actor(mission), mission=mission, upload=upload, filename="s.csv", create_geography=True
    )
    assert [str(e) for e in report.errors] == [
        "file, number: no column for the station number: map one, e.g. number=Header",
        "file, region: no column for the region: map one, e.g. region=Header",
        "file, tec: no column for the TEC: map tec_code=Header or tec_name=Header",
    ]
    report = stations_import(
        actor=system_actor(mission),
        mission=mission,
        upload=upload,
        filename="s.csv",
        create_geography=True,
        columns={"number": "Номер УИК", "region": "Область", "tec_name": "ТИК", "address": "Адрес"},
    )
    assert [str(e) for e in report.errors] == [
        "file, address: the mapped column 'адрес' is not in the file (its columns: номер_уик, область, тик)"
    ]
    assert not Region.objects.exists()


def test_where_numbers_restart_per_tec_the_tec_is_part_of_the_identity(mission):
    mission.station_numbering = StationNumbering.TEC
    mission.save()
    upload = "number,region,tec_name\n1,Minsk,Lenin district\n1,Minsk,Soviet district\n1,Minsk,Lenin district\n"
    report = stations_import(
        actor=system_actor(mission), mission=mission, upload=upload.encode(), filename="s.csv", create_geography=True
    )
    assert [str(e) for e in report.errors] == [
        "row 4, number: No. 1 of Minsk, TEC Lenin district appears twice in the file (also row 2)"
    ]
    report = stations_import(
        actor=system_actor(mission),
        mission=mission,
        upload=upload.rsplit("1,Minsk", 1)[0].encode(),
        filename="s.csv",
        create_geography=True,
    )
    assert report.ok, report.errors
    assert sorted(PollingStation.objects.values_list("tec__name", "number")) == [
        ("Lenin district", "1"),
        ("Soviet district", "1"),
    ]


def test_a_second_station_with_the_same_number_in_one_region_is_refused(mission):
    station = PollingStationFactory(tec__region__mission=mission, number="1")
    twin = PollingStation(
        mission=mission, region=station.region, tec=TecFactory(region=station.region, mission=mission), number="1"
    )
    with pytest.raises(ValidationError, match="already has a polling station No. 1"):
        twin.full_clean()
    elsewhere = PollingStationFactory.build(
        tec=TecFactory(region=RegionFactory(mission=mission), mission=mission), number="1"
    )
    elsewhere.region, elsewhere.mission = elsewhere.tec.region, mission
    elsewhere.full_clean()


def test_a_re_import_leaves_alone_what_its_list_has_no_column_for(mission):
    stations_import(
        actor=system_actor(mission),
        mission=mission,
        upload=GOOD.encode(),
        filename="stations.csv",
        create_geography=True,
    )
    # The mission learns later which stations are rural; the CEC's next list still does not say.
    PollingStation.objects.filter(number="0002").update(area_type="rural", registered_voters=433)
    without = b"number,region,tec_code,address\n0002,Akmola,01-02,Main St 2a\n"
    report = stations_import(actor=system_actor(mission), mission=mission, upload=without, filename="stations.csv")
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    station = PollingStation.objects.get(number="0002")
    assert (station.address, station.area_type, station.registered_voters) == ("Main St 2a", "rural", 433)
    # A list that has the column and leaves the cell blank says "not known".
    blank = b"number,region,tec_code,area_type\n0002,Akmola,01-02,\n"
    stations_import(actor=system_actor(mission), mission=mission, upload=blank, filename="stations.csv")
    station.refresh_from_db()
    assert (station.area_type, station.registered_voters) == ("", 433)
