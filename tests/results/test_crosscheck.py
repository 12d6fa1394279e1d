"""Checks on the official figures, and their cross-check with the protocol copies observers recorded.

Every expected finding and count is worked out here from the figures this test wrote into the file and the forms,
with its own arithmetic, never with the product's functions.
"""

from __future__ import annotations

import statistics

import pytest

from results.imports import results_import
from results.models import ResultsSettings
from results.selectors import results_crosscheck
from tests.results.builders import MAPPING, as_csv, build_cec_world, file_rows, observed_answers, record_count

pytestmark = pytest.mark.django_db


def test_official_figures_alone_arithmetic_turnout_outliers_unknown_and_missing_stations(mission):
    world = build_cec_world(mission, stations_per_tec=7)
    keys = list(world.official)
    official = {key: dict(figures, votes=list(figures["votes"])) for key, figures in world.official.items()}
    official[keys[0]]["ballots_received"] += 5  # received != issued + cancelled
    official[keys[15]]["votes"][1] += 4  # valid != sum of votes
    official[keys[30]]["ballots_invalid"] = (
        official[keys[30]]["ballots_issued"] - official[keys[30]]["ballots_valid"] + 3
    )
    over = official[keys[8]]  # turnout above 100 %
    over["ballots_issued"] = over["registered_voters"] + 40
    over["ballots_received"] = over["ballots_issued"] + over["ballots_cancelled"]
    high = official[keys[22]]  # above the 90 % threshold, below 100 %
    high["ballots_issued"] = high["registered_voters"] * 93 // 100
    high["ballots_received"] = high["ballots_issued"] + high["ballots_cancelled"]
    ResultsSettings.objects.create(mission=mission, turnout_threshold=90)
    missing = {keys[3], keys[40]}
    world.extra_rows.append(("город Алматы", "777", official[keys[1]]))
    report = results_import(
        mission=mission,
        upload=as_csv(file_rows(world, leave_out=missing, figures=official)),
        filename="cec.csv",
        mapping=MAPPING,
    )
    assert report.errors == []

    check = results_crosscheck(version=report.version)

    published = {key: figures for key, figures in official.items() if key not in missing}
    expected_arithmetic = set()
    for (code, number), f in published.items():
        if f["ballots_received"] != f["ballots_issued"] + f["ballots_cancelled"]:
            expected_arithmetic.add((code, number, "received"))
        if f["ballots_valid"] != sum(f["votes"]):
            expected_arithmetic.add((code, number, "sum"))
        if f["ballots_valid"] + f["ballots_invalid"] > f["ballots_issued"]:
            expected_arithmetic.add((code, number, "found"))
    # the extra row for an unknown station is the figures of keys[1], which add up
    turnouts = {key: 100 * f["ballots_issued"] / f["registered_voters"] for key, f in published.items()}
    expected_over_100 = {key for key, share in turnouts.items() if share > 100}
    expected_over_threshold = {key for key, share in turnouts.items() if 90 < share <= 100}
    by_tec: dict[str, list] = {}
    for key in published:
        by_tec.setdefault(world.stations[key].tec.code, []).append(key)
    expected_outliers = set()
    for members in by_tec.values():
        shares = [turnouts[key] for key in members]
        median = statistics.median(shares)
        deviation = statistics.median(abs(share - median) for share in shares)
        expected_outliers |= {key for key in members if abs(0.6745 * (turnouts[key] - median) / deviation) > 3.5}

    def found(kind):
        return [f for f in check.findings if f["kind"] == kind]

    region_codes = {region.name: code for code, region in world.regions.items()}
    arithmetic = found("arithmetic")
    assert len(arithmetic) == len(expected_arithmetic) == 3
    assert {(region_codes[f["region"]], f["station"]) for f in arithmetic} == {
        (c, n) for c, n, _ in expected_arithmetic
    }
    assert {(region_codes[f["region"]], f["station"]) for f in found("turnout_over_100")} == expected_over_100
    assert {(region_codes[f["region"]], f["station"]) for f in found("turnout_over_threshold")} == (
        expected_over_threshold
    )
    assert len(expected_over_100) == len(expected_over_threshold) == 1
    assert {(region_codes[f["region"]], f["station"]) for f in found("turnout_outlier")} == expected_outliers
    assert expected_outliers >= {keys[8], keys[22]}
    assert [(f["region"], f["station"]) for f in found("unknown_station")] == [("город Алматы", "777")]
    assert {(region_codes[f["region"]], f["station"]) for f in found("missing_station")} == missing
    assert check.kinds["arithmetic"] == 3
    assert check.kinds["missing_station"] == 2


def _observed_figures(answers: dict) -> dict:
    """The official lines as the test reads a form's answers (main + supplementary, issued + mobile, ...)."""
    return {
        "registered_voters": answers["voters_main_list"] + answers["voters_supplementary"],
        "ballots_received": answers["ballots_received"],
        "ballots_issued": answers["ballots_issued"] + answers["ballots_issued_mobile"],
        "ballots_cancelled": answers["ballots_unused"] + answers["ballots_spoiled"],
        "ballots_valid": answers["ballots_valid"],
        "ballots_invalid": answers["ballots_invalid"],
        **{f"candidate_{i}": answers[f"candidate_{i}"] for i in (1, 2, 3)},
    }


def _official_lines(figures: dict) -> dict:
    lines = {name: value for name, value in figures.items() if name != "votes"}
    lines.update({f"candidate_{i}": votes for i, votes in enumerate(figures["votes"], start=1)})
    return lines


def test_every_observed_count_is_compared_line_by_line_with_the_official_results(
    mission, django_assert_max_num_queries
):
    world = build_cec_world(mission)
    keys = list(world.official)
    not_published = {keys[5], keys[20]}
    report = results_import(
        mission=mission, upload=as_csv(file_rows(world, leave_out=not_published)), filename="cec.csv", mapping=MAPPING
    )
    forms = []  # (key, submission, answers)
    plan = {
        keys[0]: [{}],  # matches
        keys[1]: [{"candidate_1": +7}],  # one line differs
        keys[13]: [{}, {"ballots_invalid": -3, "ballots_received": +10}],  # two forms: one matches, one differs twice
        keys[14]: [{}],
        keys[26]: [{"voters_supplementary": +5}],  # differs on registered voters (main + supplementary)
        keys[27]: [{}],
        keys[5]: [{}],  # not yet published
        keys[20]: [{"candidate_2": +1}],  # not yet published: nothing to compare
    }
    for key, variants in plan.items():
        for changes in variants:
            answers = observed_answers(world.official[key])
            for name, delta in changes.items():
                answers[name] += delta
            forms.append((key, record_count(world, world.stations[key], answers), answers))

    with django_assert_max_num_queries(8):
        check = results_crosscheck(version=report.version)

    expected_discrepancies = set()
    states: dict = {}
    for key, submission, answers in forms:
        if key in not_published:
            states[key] = "not_published"
            continue
        seen, published = _observed_figures(answers), _official_lines(world.official[key])
        differing = {
            (key, line, published[line], seen[line], str(submission.uuid))
            for line in seen
            if seen[line] != published[line]
        }
        expected_discrepancies |= differing
        if differing:
            states[key] = "differing"
        else:
            states.setdefault(key, "matching")
    found = {
        (
            (next(c for c, r in world.regions.items() if r.name == f["region"]), f["station"]),
            f["line"],
            f["official"],
            f["observed"],
            f["submission"],
        )
        for f in check.findings
        if f["kind"] == "differs_from_observers"
    }
    assert found == expected_discrepancies
    assert len(expected_discrepancies) == 4
    assert all(f["form_kind"] == "counting" for f in check.findings if f["kind"] == "differs_from_observers")
    differences = {f["line"]: f["difference"] for f in check.findings if f["kind"] == "differs_from_observers"}
    assert differences["candidate_1"] == -7 and differences["ballots_received"] == -10

    def counts(keys_):
        values = [states[key] for key in keys_]
        return {
            "observed": len(values),
            "matching": values.count("matching"),
            "differing": values.count("differing"),
            "not_published": values.count("not_published"),
            "not_comparable": 0,
        }

    assert check.summary == counts(states)
    assert check.summary == {"observed": 8, "matching": 3, "differing": 3, "not_published": 2, "not_comparable": 0}
    for region in check.regions:
        assert {k: region[k] for k in counts([])} == counts([key for key in states if key[0] == region["code"]])
