"""Importing official per-station results as a CEC publishes them: mapping, versions, all or nothing."""

from __future__ import annotations

import copy

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from missions.models import PollingStation
from results.imports import results_import
from results.models import ResultsSettings, ResultsVersion, StationResult
from tests.factories import PollingStationFactory, TecFactory, kazakhstan_2019
from tests.once import once_per_module
from tests.results.builders import (
    CANDIDATES,
    HEADERS,
    MAPPING,
    as_csv,
    as_xlsx,
    build_cec_world,
    file_rows,
    numbers_restart_per_region,
)

pytestmark = pytest.mark.django_db
HEADERS_IN_ORDER = tuple(HEADERS)
LINES = ("registered_voters", "ballots_received", "ballots_issued", "ballots_cancelled", "ballots_valid")


@pytest.fixture(scope="module")
def world_once(request):
    return once_per_module(request, "world", lambda: build_cec_world(kazakhstan_2019()))


@pytest.fixture
def world(world_once, mission):
    return copy.deepcopy(world_once) if world_once is not None else build_cec_world(mission)


def stored_figures(version) -> dict:
    return {
        (row.region.code, row.polling_station.number): {
            **{name: getattr(row, name) for name in (*LINES, "ballots_invalid")},
            "votes": row.votes,
        }
        for row in StationResult.objects.filter(version=version).select_related("region", "polling_station")
    }


@pytest.mark.parametrize("make_file, filename", [(as_csv, "cec.csv"), (as_xlsx, "cec.xlsx")])
def test_a_cec_file_with_cyrillic_headers_imports_every_station_with_its_figures(world, make_file, filename):
    report = results_import(
        mission=world.mission, upload=make_file(file_rows(world)), filename=filename, mapping=MAPPING
    )

    assert report.errors == []
    assert report.created == len(world.stations) == 36
    assert stored_figures(report.version) == world.official
    assert report.version.number == 1
    assert report.version.candidates == CANDIDATES


def test_station_numbers_restarting_in_each_region_are_told_apart_by_region(world):
    if not numbers_restart_per_region():
        pytest.skip("the station list still numbers stations across the whole mission")
    report = results_import(mission=world.mission, upload=as_csv(file_rows(world)), filename="cec.csv", mapping=MAPPING)

    first_stations = StationResult.objects.filter(version=report.version, number_text="1")
    assert sorted(first_stations.values_list("polling_station__region__code", flat=True)) == ["AKM", "AKT", "ALA"]
    for row in first_stations.select_related("polling_station__region"):
        assert row.ballots_issued == world.official[(row.polling_station.region.code, "1")]["ballots_issued"]


def test_the_mapping_is_saved_and_reused_for_the_next_file_as_a_new_version(world):
    first = results_import(
        mission=world.mission, upload=as_csv(file_rows(world)), filename="prelim.csv", mapping=MAPPING
    )
    corrected = {
        key: {**figures, "ballots_invalid": figures["ballots_invalid"] + 1} for key, figures in world.official.items()
    }

    second = results_import(
        mission=world.mission,
        upload=as_xlsx(file_rows(world, figures=corrected)),
        filename="final.xlsx",
        stage="final",
        mapping={},
    )

    assert second.errors == []
    assert ResultsSettings.objects.get(mission=world.mission).column_mapping["ballots_invalid"] == (
        "недействительных_бюллетеней"
    )
    assert [v.number for v in ResultsVersion.objects.filter(mission=world.mission).order_by("number")] == [1, 2]
    assert stored_figures(first.version) == world.official
    assert stored_figures(second.version) == corrected
    assert second.version.stage == "final"


def test_any_bad_row_imports_nothing_and_every_error_is_listed(world):
    rows = file_rows(world)
    rows[3][3] = "много"  # registered voters of the station on line 4
    rows[5][2] = ""  # no station number on line 6
    rows[7][5] = "-4"  # ballots issued, line 8
    rows.append(list(rows[1]))  # the first station again, on line 38

    report = results_import(mission=world.mission, upload=as_csv(rows), filename="cec.csv", mapping=MAPPING)

    assert [(error.row, error.column) for error in report.errors] == [
        (4, "число_избирателей,_включенных_в_список"),
        (6, "№_уик"),
        (8, "выдано_бюллетеней"),
        (38, "№_уик"),
    ]
    assert "много" in report.errors[0].message
    assert "row 2" in report.errors[3].message
    assert not ResultsVersion.objects.exists()
    assert not StationResult.objects.exists()
    assert not ResultsSettings.objects.exists()


def test_a_mapped_column_the_file_lacks_is_refused_with_the_file_s_columns(world):
    report = results_import(
        mission=world.mission,
        upload=as_csv(file_rows(world)),
        filename="cec.csv",
        mapping={**MAPPING, "ballots_invalid": "Испорченные"},
    )

    assert [error.column for error in report.errors] == ["ballots_invalid", ""]
    assert "испорченные" in report.errors[0].message
    assert "недействительных_бюллетеней" in report.errors[1].message
    assert not ResultsVersion.objects.exists()


def test_a_row_for_a_station_not_in_the_list_is_kept_and_counted(world):
    world.extra_rows.append(("Акмолинская область", "999", world.official[next(iter(world.official))]))
    world.extra_rows.append(("Неизвестная область", "1", world.official[next(iter(world.official))]))

    report = results_import(mission=world.mission, upload=as_csv(file_rows(world)), filename="cec.csv", mapping=MAPPING)

    assert report.errors == []
    assert report.created == 38
    assert report.unknown_stations == 2
    unknown = StationResult.objects.filter(version=report.version, polling_station__isnull=True)
    assert sorted(unknown.values_list("region_text", "number_text", "region__code")) == [
        ("Акмолинская область", "999", "AKM"),
        ("Неизвестная область", "1", None),
    ]


def test_stations_sharing_region_and_number_need_the_tec_column(world):
    if not numbers_restart_per_region():
        pytest.skip("the station list still numbers stations across the whole mission")
    region = world.regions["AKM"]
    other_tec = TecFactory(mission=world.mission, region=region, code="AKM-9", name="ТИК 9")
    PollingStationFactory(mission=world.mission, region=region, tec=other_tec, number="1")
    without_tec = {key: value for key, value in MAPPING.items() if key != "tec"}
    rows = [row[:1] + row[2:] for row in file_rows(world)]

    refused = results_import(mission=world.mission, upload=as_csv(rows), filename="cec.csv", mapping=without_tec)
    accepted = results_import(
        mission=world.mission, upload=as_csv(file_rows(world)), filename="cec.csv", mapping=MAPPING
    )

    assert [(error.row, "TEC" in error.message) for error in refused.errors] == [(2, True)]
    assert accepted.errors == []
    first = StationResult.objects.get(version=accepted.version, region_text=region.name, number_text="1")
    assert first.polling_station.tec.code == "AKM-1"


def test_the_command_imports_a_file_with_a_mapping_and_refuses_a_bad_one(world, tmp_path, capsys):
    good, bad = tmp_path / "cec.csv", tmp_path / "bad.csv"
    good.write_bytes(as_csv(file_rows(world)))
    rows = file_rows(world)
    rows[2][4] = "x"
    bad.write_bytes(as_csv(rows))
    mapping = '{"region": "Область", "number": "№ УИК", "ballots_received": "Получено бюллетеней"}'

    call_command("import_results", "--mission", world.mission.slug, "--stage", "final", "--mapping", mapping, str(good))
    with pytest.raises(CommandError, match="Nothing imported: 1 error"):
        call_command("import_results", "--mission", world.mission.slug, str(bad))

    version = ResultsVersion.objects.get(mission=world.mission)
    assert version.stage == "final"
    assert version.rows == 36
    assert "row 3" in capsys.readouterr().err


# ------------------------------------------------------------------------------------------- the admin page


def _upload(client, world, content: bytes, **mapping):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {
        "mission": world.mission.pk,
        "file": SimpleUploadedFile("cec.csv", content, content_type="text/csv"),
        "stage": "preliminary",
        **{f"column_{name}": header for name, header in mapping.items()},
    }
    return client.post(reverse("admin:results_resultsversion_import"), data)


def test_a_coordinator_maps_the_columns_once_in_the_admin_and_finds_them_filled_in_next_time(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, world, as_csv(file_rows(world)), **MAPPING)
    job_page = client.get(response.headers["Location"]).content.decode()
    page = client.get(reverse("admin:results_resultsversion_import"), {"mission": world.mission.pk})

    assert response.status_code == 302
    # The import's page, once the worker is done, leads to the checks of the version it made.
    assert f'href="{reverse("results:mission", args=[world.mission.slug])}?version=1"' in job_page
    assert ResultsVersion.objects.get(mission=world.mission).rows == 36
    assert 'value="недействительных_бюллетеней"' in page.content.decode()


def test_the_admin_page_lists_every_row_error_and_imports_nothing(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.coordinator)
    rows = file_rows(world)
    rows[2][4] = "x"
    rows[9][6] = "y"

    with django_capture_on_commit_callbacks(execute=True):
        posted = _upload(client, world, as_csv(rows), **MAPPING)
    response = client.get(posted.headers["Location"])

    assert response.status_code == 200
    body = response.content.decode()
    assert "Nothing imported: 2 errors." in body
    assert "row 3" in body and "row 10" in body
    assert not ResultsVersion.objects.exists()


def test_analysts_and_outsiders_cannot_import_results(client, world):
    other_mission_coordinator = build_other_coordinator()
    for user in (world.analyst, world.outsider, other_mission_coordinator):
        client.force_login(user)
        response = _upload(client, world, as_csv(file_rows(world)), **MAPPING)
        assert response.status_code in (302, 403), user.username
        if response.status_code == 302:
            assert response.headers["Location"].startswith(reverse("admin:login"))
    assert not ResultsVersion.objects.exists()
    assert PollingStation.objects.filter(mission=world.mission).count() == 36


def build_other_coordinator():
    """A coordinator of another mission: no rights at all in this one."""
    from tests.factories import MissionFactory
    from tests.results.builders import _core_user

    other = MissionFactory(slug="ua-2019", name="Ukraine 2019")
    return _core_user(other, "other_coordinator", "lto_coordinator")


def test_a_file_that_is_not_a_spreadsheet_is_refused_with_a_message_and_nothing_imported(world):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

    as_image = results_import(mission=world.mission, upload=png, filename="protocol.png", mapping=MAPPING)
    empty = results_import(mission=world.mission, upload=b"", filename="cec.csv", mapping=MAPPING)
    headers_only = results_import(
        mission=world.mission, upload=as_xlsx(file_rows(world)[:1]), filename="cec.xlsx", mapping=MAPPING
    )

    assert [error.row for error in as_image.errors] == [0]
    assert "CSV" in as_image.errors[0].message
    assert "empty" in empty.errors[0].message
    assert [str(error) for error in headers_only.errors] == ["file: The file has no data rows."]
    assert not ResultsVersion.objects.exists()


def test_a_file_without_a_line_imports_the_rest_and_says_which_line_goes_unchecked(world):
    cancelled = list(HEADERS_IN_ORDER).index("ballots_cancelled")
    rows = [row[:cancelled] + row[cancelled + 1 :] for row in file_rows(world)]
    mapping = {name: header for name, header in MAPPING.items() if name != "ballots_cancelled"}

    report = results_import(mission=world.mission, upload=as_csv(rows), filename="cec.csv", mapping=mapping)

    assert report.errors == []
    assert report.summary().endswith("Not in this file (not checked): ballots cancelled.")
    assert set(StationResult.objects.values_list("ballots_cancelled", flat=True)) == {None}
    assert sorted(StationResult.objects.values_list("ballots_valid", flat=True)) == sorted(
        figures["ballots_valid"] for figures in world.official.values()
    )
