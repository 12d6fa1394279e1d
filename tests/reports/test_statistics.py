"""The compiled statistics equal an independent computation over the raw answers, to the last digit."""

import json

import pytest
from django.db import connection

from checklists.choices import NEGATIVE_ASSESSMENTS
from reports.compile import statistics_compile, wilson_interval
from reports.figures import percent
from reports.result import ReportLabels, ReportResult

from . import expected
from .data import build_election_day

pytestmark = pytest.mark.django_db


@pytest.fixture
def election_day(mission):
    return build_election_day(mission, forms=160, seed=11)


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        (0, 10, 0.0, 0.2775328),
        (1, 10, 0.0178762, 0.4041500),
        (5, 10, 0.2365931, 0.7634069),
        (81, 263, 0.2553, 0.3662),
        (10, 10, 0.7224672, 1.0),
    ],
)
def test_wilson_interval_matches_published_values(successes, n, low, high):
    got_low, got_high = wilson_interval(successes, n)
    assert got_low == pytest.approx(low, abs=5e-5)
    assert got_high == pytest.approx(high, abs=5e-5)


def test_wilson_interval_without_observations_is_empty():
    assert wilson_interval(0, 0) == (0.0, 0.0)
    assert percent(3, 0) is None


def test_every_question_matches_the_plain_python_count_overall_by_region_and_by_area(mission, election_day):
    result = statistics_compile(mission=mission).to_json()
    submissions, answers = expected.raw(mission)
    assert result["coverage"]["observations_total"] == len(submissions)
    checked = 0
    for kind in ("opening", "voting", "counting"):
        of_kind = [s for s in submissions if s["kind"] == kind]
        assert result["kinds"][kind]["observations"] == len(of_kind)
        assert result["kinds"][kind]["stations"] == len({s["polling_station_id"] for s in of_kind})
        questions = {q["code"]: q for q in result["kinds"][kind]["questions"]}
        for code, (qtype, critical) in expected.question_types(kind).items():
            if code == "overall_assessment":
                assert code not in questions
                continue
            compiled = questions[code]
            for axis, group in (
                ("all", lambda s: "all"),
                ("by_region", lambda s: s["region_code"]),
                ("by_area", lambda s: s["area_type"]),
            ):
                want = expected.expected_question(of_kind, answers, code, qtype, group)
                got = {"all": compiled} if axis == "all" else compiled[axis]
                assert set(got) == set(want), (kind, code, axis)
                for key, cell in want.items():
                    have = got[key]
                    assert (have["n"], have["na"], have["blank"]) == (cell["n"], cell["na"], cell["blank"]), (code, key)
                    if qtype == "integer":
                        assert have["sum"] == cell["sum"]
                        assert have["mean"] == expected.mean(cell["sum"], cell["n"])
                        assert (have["min"], have["max"]) == (
                            (min(cell["numbers"]), max(cell["numbers"])) if cell["numbers"] else (None, None)
                        )
                        if axis == "all":
                            assert have["median"] == expected.median(cell["numbers"])
                    elif qtype != "text":
                        by_value = {v["value"]: v for v in have["values"]}
                        for value, count in cell["values"].items():
                            assert by_value[value]["count"] == count, (code, key, value)
                            assert by_value[value]["pct"] == expected.pct(count, cell["n"])
                            assert by_value[value]["ci"] == expected.ci(count, cell["n"])
                        assert sum(v["count"] for v in have["values"]) == sum(cell["values"].values())
                        if critical:
                            bad = sum(cell["values"].get(v, 0) for v in critical)
                            assert have["critical"]["count"] == bad
                            assert have["critical"]["pct"] == expected.pct(bad, cell["n"])
                    checked += 1
    assert checked > 60


def test_multiple_choice_counts_each_form_once_in_n_and_each_choice_in_its_value(mission, election_day):
    result = statistics_compile(mission=mission, kinds=["voting"]).to_json()
    question = next(q for q in result["kinds"]["voting"]["questions"] if q["code"] == "unauthorised_who")
    unauthorised = next(q for q in result["kinds"]["voting"]["questions"] if q["code"] == "unauthorised")
    yes = next(v for v in unauthorised["values"] if v["value"] == "yes")
    # Conditional: shown only when unauthorised = yes (blank answers included), never more often.
    assert question["n"] + question["blank"] + question["na"] <= yes["count"]
    assert sum(v["count"] for v in question["values"]) >= question["n"] > 0


def test_merged_versions_keep_the_published_wording_and_codes_only_in_the_old_version(mission, election_day):
    result = statistics_compile(mission=mission, kinds=["voting"]).to_json()
    questions = result["kinds"]["voting"]["questions"]
    codes = [q["code"] for q in questions]
    assert codes[:9] == [
        "voters_on_list",
        "voters_voted",
        "box_sealed",
        "secrecy",
        "unauthorised",
        "unauthorised_who",
        "ids_checked",
        "stuffing",
        "remarks",
    ]
    assert codes[9:] == ["family_voting"]
    assert questions[2]["version"] == 2
    labels = ReportLabels.for_result(ReportResult.from_json(result), mission=mission)
    assert labels.question("voting", "box_sealed") == "Were the ballot boxes sealed?"
    assert labels.question("voting", "family_voting") == "Did you see family voting?"


def test_overall_assessment_matches_overall_by_region_and_by_area(mission, election_day):
    result = statistics_compile(mission=mission).to_json()
    submissions, _answers = expected.raw(mission)
    for kind in ("opening", "voting", "counting"):
        of_kind = [s for s in submissions if s["kind"] == kind]
        compiled = result["kinds"][kind]["assessment"]
        for axis, group in (
            ("all", lambda s: "all"),
            ("by_region", lambda s: s["region_code"]),
            ("by_area", lambda s: s["area_type"]),
        ):
            want = expected.expected_assessment(of_kind, group)
            got = {"all": compiled} if axis == "all" else compiled[axis]
            assert set(got) == set(want)
            for key, cell in want.items():
                n = sum(cell["counts"].values())
                negative = sum(cell["counts"].get(v, 0) for v in NEGATIVE_ASSESSMENTS)
                assert got[key]["n"] == n
                assert got[key]["counts"] == {
                    v: cell["counts"].get(v, 0) for v in ("very_good", "good", "bad", "very_bad")
                }
                assert got[key]["negative"]["count"] == negative
                assert got[key]["negative"]["pct"] == expected.pct(negative, n)
                assert got[key]["negative"]["ci"] == expected.ci(negative, n)
                assert got[key]["negative"]["stations"] == len(cell["negative_stations"])


def test_coverage_counts_distinct_stations_against_all_stations_per_region(mission, election_day):
    result = statistics_compile(mission=mission).to_json()
    submissions, _answers = expected.raw(mission)
    for region in election_day["regions"]:
        observed = {s["polling_station_id"] for s in submissions if s["region_code"] == region.code}
        total = region.polling_stations.count()
        assert result["coverage"]["by_region"][region.code] == {
            "observed": len(observed),
            "stations": total,
            "pct": expected.pct(len(observed), total),
        }
    assert result["coverage"]["stations"]["stations"] == 15
    assert result["coverage"]["teams"]["not_reported"] == ["STO-099"]
    assert result["coverage"]["teams"]["total"] == 6


def test_turnout_protocol_incidents_and_timeline_match(mission, election_day):
    compiled = statistics_compile(mission=mission)
    result = compiled.to_json()
    submissions, answers = expected.raw(mission)
    turnout = expected.expected_turnout(submissions, answers)["all"]
    assert (result["turnout"]["forms"], result["turnout"]["voters_voted"], result["turnout"]["voters_on_list"]) == (
        turnout["forms"],
        turnout["voted"],
        turnout["on_list"],
    )
    assert result["turnout"]["pct"] == expected.pct(turnout["voted"], turnout["on_list"])
    by_region = expected.expected_turnout(submissions, answers, lambda s: s["region_code"])
    assert {k: v["voters_voted"] for k, v in result["turnout"]["by_region"].items()} == {
        k: v["voted"] for k, v in by_region.items()
    }
    mismatched = [s for s in submissions if s["protocol_mismatch"]]
    assert result["protocol"]["mismatches"] == len(mismatched) > 0
    assert {row.submission for row in compiled.protocol.list} == {s["id"] for s in mismatched}
    labels = ReportLabels.for_result(ReportResult.from_json(result), mission=mission)
    first = compiled.protocol.list[0]
    assert labels.issues(first) == ["ballots received != issued + unused + spoiled"]
    flagged = [s for s in submissions if s["urgent"] or s["has_critical"]]
    assert result["incidents"]["urgent"] == sum(1 for s in submissions if s["urgent"])
    assert result["incidents"]["critical"] == sum(1 for s in submissions if s["has_critical"])
    assert {row.submission for row in compiled.incidents.list} == {s["id"] for s in flagged}
    assert result["incidents"]["listed"] == len(flagged)
    for row in compiled.incidents.list:
        if row.critical:
            assert row.critical_answers, row
    hours = expected.expected_timeline(submissions, mission.time_zone)
    assert [(h["hour"], h["total"]) for h in result["timeline"]] == [
        (hour, sum(counts.values())) for hour, counts in sorted(hours.items())
    ]


def test_confidential_records_never_count(mission, election_day):
    result = statistics_compile(mission=mission).to_json()
    assert "Secret interlocutor" not in json.dumps(result)


def test_compiling_one_moment_twice_gives_identical_json(mission, election_day):
    from django.utils import timezone

    moment = timezone.now()
    first = statistics_compile(mission=mission, cutoff=moment).to_json()
    second = statistics_compile(mission=mission, cutoff=moment).to_json()
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    assert json.loads(json.dumps(first)) == first


def test_region_and_cutoff_filters_narrow_the_forms(mission, election_day):
    region = election_day["regions"][0]
    result = statistics_compile(mission=mission, region=region).to_json()
    submissions, _answers = expected.raw(mission)
    assert result["coverage"]["observations_total"] == sum(1 for s in submissions if s["region_code"] == region.code)
    assert [r["code"] for r in result["regions"]] == [region.code]
    cutoff = sorted(s["received_at"] for s in submissions)[40]
    early = statistics_compile(mission=mission, cutoff=cutoff).to_json()
    assert early["coverage"]["observations_total"] == sum(1 for s in submissions if s["received_at"] <= cutoff)


# Fourteen aggregate queries (the median of integer answers, the coordinators' conflict decisions, the conflicts
# between teams and the flagged forms per data-quality rule are one each; the lists of flagged forms are read when
# they are read); PostgreSQL adds switching JIT off and back on around them. From the
# running tallies, the answers phase is five instead of four: whether the checklist versions agree with the
# catalogue, the tallies, integer extremes, medians and critical answers, instead of the answers, medians,
# multiple-choice n and critical answers.
COMPILE_QUERIES = {
    "recount": 14 + (2 if connection.vendor == "postgresql" else 0),
    "tallies": 10 + (2 if connection.vendor == "postgresql" else 0),
}


@pytest.mark.parametrize("count_answers", ["tallies", "recount"])
@pytest.mark.parametrize("forms", [10, 100])
def test_compilation_query_count_does_not_grow_with_submissions(
    mission, forms, count_answers, django_assert_num_queries
):
    build_election_day(mission, forms=forms, seed=forms)
    with django_assert_num_queries(COMPILE_QUERIES[count_answers]):
        statistics_compile(mission=mission, count_answers=count_answers)


def test_a_kind_without_integer_or_text_questions_is_tallied_by_value(mission):
    build_election_day(mission, forms=40, seed=1)
    result = statistics_compile(mission=mission, kinds=["opening"]).to_json()
    submissions, answers = expected.raw(mission)
    opening = [s for s in submissions if s["kind"] == "opening"]
    want = expected.expected_question(opening, answers, "opened_on_time", "single")["all"]
    question = result["kinds"]["opening"]["questions"][0]
    assert (question["code"], question["n"]) == ("opened_on_time", want["n"])
    assert {v["value"]: v["count"] for v in question["values"] if v["count"]} == dict(want["values"])
