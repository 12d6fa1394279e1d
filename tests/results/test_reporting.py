"""The section a report run takes from official results: what it holds, by cut-off and region, and its sheets."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone, translation

from results.imports import results_import
from results.reporting import official_results_section, official_results_sheets
from submissions.services import submission_correct
from tests.checklists.factories import answers_for
from tests.results.builders import MAPPING, as_csv, build_cec_world, file_rows, observed_answers, record_count

pytestmark = pytest.mark.django_db


def test_a_mission_without_official_results_has_no_section(mission):
    world = build_cec_world(mission, tecs_per_region=1, stations_per_tec=2)

    assert official_results_section(mission=world.mission) is None


def test_the_section_is_a_snapshot_at_the_cut_off_versions_forms_and_corrections_as_they_stood(mission):
    world = build_cec_world(mission)
    keys = list(world.official)
    results_import(mission=mission, upload=as_csv(file_rows(world)), mapping=MAPPING)
    early_answers = observed_answers(world.official[keys[12]])
    early_form = record_count(world, world.stations[keys[12]], early_answers)
    cutoff = timezone.now()
    results_import(mission=mission, upload=as_csv(file_rows(world, leave_out={keys[0]})), mapping=MAPPING)
    late = observed_answers(world.official[keys[13]])
    late["ballots_valid"] += 1
    record_count(world, world.stations[keys[13]], late)
    corrected = {**early_answers, "ballots_invalid": early_answers["ballots_invalid"] + 2}
    template = world.template("counting")
    submission_correct(
        user=world.coordinator,
        submission=early_form,
        payload={"polling_station": early_form.polling_station_id, "answers": answers_for(template, **corrected)},
    )

    at_cutoff = official_results_section(mission=mission, cutoff=cutoff)
    now = official_results_section(mission=mission, cutoff=timezone.now())
    live = official_results_section(mission=mission)

    assert at_cutoff["version"]["number"] == 1
    assert at_cutoff["summary"] == {
        "observed": 1,
        "matching": 1,
        "differing": 0,
        "not_published": 0,
        "not_comparable": 0,
    }
    assert at_cutoff["kinds"]["missing_station"] == 0
    assert now["version"]["number"] == 2
    assert now["summary"] == {"observed": 2, "matching": 0, "differing": 2, "not_published": 0, "not_comparable": 0}
    assert {
        (f["line"], f["official"], f["observed"]) for f in now["findings"] if f["kind"] == "differs_from_observers"
    } == {
        ("ballots_invalid", world.official[keys[12]]["ballots_invalid"], corrected["ballots_invalid"]),
        ("ballots_valid", world.official[keys[13]]["ballots_valid"], late["ballots_valid"]),
    }
    assert now["kinds"]["missing_station"] == 1
    assert live["summary"] == now["summary"]
    assert json.loads(json.dumps(now)) == now


def test_a_region_s_section_holds_that_region_s_counts_and_findings_and_its_sheets_list_them(mission):
    world = build_cec_world(mission)
    keys = list(world.official)  # 0-11 AKM, 12-23 AKT, 24-35 ALA
    results_import(mission=mission, upload=as_csv(file_rows(world, leave_out={keys[1], keys[30]})), mapping=MAPPING)
    differing = observed_answers(world.official[keys[25]])
    differing["ballots_invalid"] += 4
    record_count(world, world.stations[keys[25]], differing)
    record_count(world, world.stations[keys[2]], observed_answers(world.official[keys[2]]))

    section = official_results_section(mission=mission, region=world.regions["ALA"])
    sheets = dict(official_results_sheets(section))

    assert section["summary"] == {"observed": 1, "matching": 0, "differing": 1, "not_published": 0, "not_comparable": 0}
    assert [(f["kind"], f["station"]) for f in section["findings"]] == [
        ("missing_station", world.stations[keys[30]].number),
        ("differs_from_observers", world.stations[keys[25]].number),
    ]
    assert len(sheets["Official results findings"]) == 1 + 2
    assert section["tec"] is None and "Official TEC results findings" not in sheets
    assert sheets["Official results"][1] == ["город Алматы", 1, 0, 1, 0, 0]
    assert sheets["Official results"][2] == []


def test_the_sheets_are_worded_in_the_language_the_report_is_written_in(mission):
    world = build_cec_world(mission, tecs_per_region=1, stations_per_tec=2)
    keys = list(world.official)
    results_import(mission=mission, upload=as_csv(file_rows(world, leave_out={keys[0]})), mapping=MAPPING)
    section = official_results_section(mission=mission)

    with translation.override("ru"):
        sheets = dict(official_results_sheets(section))

    assert set(sheets) == {"Официальные итоги", "Находки по официальным итогам"}
    assert all(len(title) <= 31 for title in sheets)  # a spreadsheet's limit for a sheet's name
    summary = sheets["Официальные итоги"]
    assert summary[0][:2] == ["Регион", "Участки, где наблюдатели записали копию протокола"]
    assert summary[1][0] == "Все регионы"
    findings = sheets["Находки по официальным итогам"]
    assert findings[0][:3] == ["Находка", "Регион", "ТИК"]
    assert len(findings) == 1 + len(section["findings"]) and len(section["findings"]) >= 1
