"""TEC totals as the CEC publishes them: imported as a version of their own, checked against the sum of the TEC's
stations, and compared with tabulation forms that carry the TEC's figures. Expected figures come from the test."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from checklists.services import template_create_from_specification, template_publish
from checklists.standard.counting import protocol_questions, tabulation
from results.imports import results_import
from results.reporting import official_results_section, official_results_sheets
from results.selectors import results_crosscheck
from submissions.services import submission_record
from tests.checklists.factories import answers_for
from tests.results.builders import CANDIDATES, MAPPING, as_csv, as_xlsx, build_cec_world, file_rows, observed_answers

pytestmark = pytest.mark.django_db
LINES = (
    "registered_voters",
    "ballots_received",
    "ballots_issued",
    "ballots_cancelled",
    "ballots_valid",
    "ballots_invalid",
)
TEC_MAPPING = {
    "region": "Область",
    "tec": "ТИК",
    **{k: v for k, v in MAPPING.items() if k not in ("region", "tec", "number")},
}


def tec_totals(world) -> dict:
    """(region code, TEC code) -> the sum of its stations' official figures, as the test wrote them."""
    totals: dict = {}
    for key, station in world.stations.items():
        figures = world.official[key]
        total = totals.setdefault((key[0], station.tec.code), dict.fromkeys(LINES, 0) | {"votes": [0, 0, 0]})
        for line in LINES:
            total[line] += figures[line]
        total["votes"] = [a + b for a, b in zip(total["votes"], figures["votes"], strict=True)]
    return totals


def tec_file(world, totals) -> bytes:
    rows = [["Область", "ТИК", *(MAPPING[line] for line in LINES), *CANDIDATES]]
    for (code, tec_code), figures in totals.items():
        rows.append([world.regions[code].name, tec_code, *(figures[line] for line in LINES), *figures["votes"]])
    return as_xlsx(rows)


def test_tec_totals_are_checked_against_their_stations_and_the_observers_tabulation_forms(mission, client):
    world = build_cec_world(mission)
    stations = results_import(mission=mission, upload=as_csv(file_rows(world)), mapping=MAPPING)
    totals = tec_totals(world)
    published = {key: dict(value, votes=list(value["votes"])) for key, value in totals.items()}
    published[("AKM", "AKM-2")]["ballots_valid"] += 12  # tabulated wrongly: valid and the sum of votes disagree too
    published[("AKT", "AKT-1")]["votes"][0] += 30
    published[("AKT", "AKT-1")]["votes"][1] -= 30  # votes moved between candidates: arithmetic still adds up
    published[("ALA", "ALA-2")]["ballots_cancelled"] += 5
    report = results_import(
        mission=mission, upload=tec_file(world, published), filename="tec.xlsx", mapping=TEC_MAPPING, level="tec"
    )
    assert report.errors == []
    template = template_create_from_specification(
        mission=mission,
        specification={**tabulation(), "sections": [_protocol_section(), *tabulation()["sections"]]},
        version=2,
    )
    template = template_publish(template=template)
    tec = world.stations[("AKT", "1")].tec
    copy = observed_answers(totals[("AKT", "AKT-1")])  # the observers saw the TEC's true totals
    submission_record(
        user=world.coordinator,
        mission=mission,
        uuid=uuid.uuid4(),
        template=template,
        payload={"tec": tec.pk, "answers": answers_for(template, **copy)},
    )

    check = results_crosscheck(version=report.version)

    expected_totals = set()
    expected_arithmetic = set()
    for key, figures in published.items():
        true = totals[key]
        for line in LINES:
            if figures[line] != true[line]:
                expected_totals.add((key[1], line, figures[line] - true[line]))
        for index, (shown, real) in enumerate(zip(figures["votes"], true["votes"], strict=True), start=1):
            if shown != real:
                expected_totals.add((key[1], f"candidate_{index}", shown - real))
        if figures["ballots_received"] != figures["ballots_issued"] + figures["ballots_cancelled"]:
            expected_arithmetic.add(key[1])
        if figures["ballots_valid"] != sum(figures["votes"]):
            expected_arithmetic.add(key[1])
    found_totals = {(f["tec"], f["line"], f["difference"]) for f in check.findings if f["kind"] == "tec_total_differs"}
    assert found_totals == expected_totals
    assert len(expected_totals) == 4
    assert {f["tec"] for f in check.findings if f["kind"] == "arithmetic"} == expected_arithmetic == {"AKM-2", "ALA-2"}
    differences = [
        (f["tec"], f["line"], f["official"], f["observed"])
        for f in check.findings
        if f["kind"] == "differs_from_observers"
    ]
    assert sorted(differences) == sorted(
        [
            ("AKT-1", "candidate_1", published[("AKT", "AKT-1")]["votes"][0], totals[("AKT", "AKT-1")]["votes"][0]),
            ("AKT-1", "candidate_2", published[("AKT", "AKT-1")]["votes"][1], totals[("AKT", "AKT-1")]["votes"][1]),
        ]
    )
    assert check.summary == {"observed": 1, "matching": 0, "differing": 1, "not_published": 0, "not_comparable": 0}
    assert stations.version.level == "station" and report.version.level == "tec"
    section = official_results_section(mission=mission)
    assert section["version"]["number"] == stations.version.number
    assert section["tec"]["version"]["level"] == "tec"
    assert section["tec"]["kinds"]["tec_total_differs"] == len(expected_totals)
    assert len(dict(official_results_sheets(section))["Official TEC results findings"]) == 1 + len(check.findings)
    client.force_login(world.coordinator)
    page = client.get(reverse("results:mission", args=[mission.slug]), {"version": report.version.number})
    assert page.status_code == 200
    shown = [f["kind"] for f in page.context["findings"]]
    assert shown.count("tec_total_differs") == len(expected_totals)
    assert "TECs observed at the tabulation" in page.content.decode()


def test_a_tec_totals_file_naming_a_tec_the_list_lacks_imports_nothing(mission):
    world = build_cec_world(mission, tecs_per_region=1, stations_per_tec=2)
    totals = tec_totals(world)
    rows = [["Область", "ТИК", *(MAPPING[line] for line in LINES), *CANDIDATES]]
    for (code, tec_code), figures in totals.items():
        rows.append([world.regions[code].name, tec_code, *(figures[line] for line in LINES), *figures["votes"]])
    rows.append(["город Алматы", "ALA-9", *([1] * 9)])
    rows.append(["Акмолинская область", "AKM-1", *([1] * 9)])

    report = results_import(mission=mission, upload=as_csv(rows), mapping=TEC_MAPPING, level="tec")

    assert [(error.row, error.column) for error in report.errors] == [(5, "тик"), (6, "тик")]
    assert "ALA-9" in report.errors[0].message and "row 2" in report.errors[1].message
    assert report.version is None


def _protocol_section() -> dict:
    return {"title": "TEC totals", "title_ru": "Итоги ТИК", "questions": protocol_questions(CANDIDATES)}
