"""Each compilation phase alone, on a small mission built here, against figures counted by hand in the test."""

import datetime

import pytest

from checklists.choices import FormKind, QuestionType, TemplateStatus
from missions.choices import AreaType
from reports.compile import (
    ANSWERED,
    AnswerTally,
    Cells,
    CoverageTally,
    answers_count,
    coverage_count,
    coverage_from_tallies,
    coverage_summary,
    flagged_forms,
    incidents_summary,
    kinds_compile,
    protocol_summary,
    question_catalogue,
    rule_counts,
    scope_build,
    teams_count,
    timeline_count,
    turnout_count,
)
from tests.factories import PollingStationFactory, RegionFactory, TeamFactory, TecFactory

from .data import YES_NO, add_forms, make_template

pytestmark = pytest.mark.django_db

ASSESSMENT = [{"value": v, "label": v} for v in ("very_good", "good", "bad", "very_bad")]
VOTING = [
    ("voters_on_list", QuestionType.INTEGER, "Voters on the list", [], [], "voters_on_list", None),
    ("voters_voted", QuestionType.INTEGER, "Voters who have voted", [], [], "voters_voted", None),
    ("box_sealed", QuestionType.YES_NO, "Were the boxes sealed?", YES_NO, [], "", None),
    ("stuffing", QuestionType.YES_NO, "Did you see stuffing?", YES_NO, ["yes"], "", None),
    ("overall_assessment", QuestionType.SINGLE, "Overall assessment", ASSESSMENT, [], "", None),
]
# 08:00 in Almaty (UTC+6, the mission's zone in the factory).
MORNING = datetime.datetime(2019, 6, 9, 2, 0, tzinfo=datetime.UTC)


@pytest.fixture
def small(mission):
    """Two regions whose names sort against their codes, three stations, three teams, three voting forms.

    Form 1: station 1 (R1, urban), team A, 100 on the list, 40 voted, sealed, no stuffing, good, 08:10.
    Form 2: station 1 again, team B, 100 on the list, 50 voted, not sealed, stuffing (critical), bad, urgent, 08:40.
    Form 3: station 2 (R2, rural), team A, 0 on the list, 0 voted, sealed, no stuffing, very good, 09:05.
    Station 3 (R2, urban) is not observed; team C does not report.
    """
    bravo = RegionFactory(mission=mission, code="R1", name="Bravo")
    alpha = RegionFactory(mission=mission, code="R2", name="Alpha")
    station_1 = PollingStationFactory(tec=TecFactory(region=bravo), area_type=AreaType.URBAN)
    station_2 = PollingStationFactory(tec=TecFactory(region=alpha), area_type=AreaType.RURAL)
    PollingStationFactory(tec=station_2.tec, area_type=AreaType.URBAN)
    team_a, team_b, _team_c = (TeamFactory(mission=mission, code=code) for code in ("STO-A", "STO-B", "STO-C"))
    make_template(mission, FormKind.VOTING, 1, TemplateStatus.RETIRED, [VOTING[2]])
    template = make_template(mission, FormKind.VOTING, 2, TemplateStatus.PUBLISHED, VOTING)
    minutes = datetime.timedelta(minutes=1)

    def form(station, team, on_list, voted, sealed, stuffing, assessment, at, urgent=False):
        answers = {
            "voters_on_list": on_list,
            "voters_voted": voted,
            "box_sealed": sealed,
            "stuffing": stuffing,
            "overall_assessment": assessment,
        }
        return {"station": station, "team": team, "answers": answers, "received": at, "urgent": urgent}

    add_forms(
        mission,
        template,
        [
            form(station_1, team_a, 100, 40, "yes", "no", "good", MORNING + 10 * minutes),
            form(station_1, team_b, 100, 50, "no", "yes", "bad", MORNING + 40 * minutes, urgent=True),
            form(station_2, team_a, 0, 0, "yes", "no", "very_good", MORNING + 65 * minutes),
        ],
    )
    return {"cutoff": MORNING + datetime.timedelta(hours=3)}


def scope_of(mission, small, kinds=("voting",)):
    return scope_build(mission=mission, kinds=list(kinds), region=None, cutoff=small["cutoff"])


def test_the_scope_orders_kinds_as_the_mission_does_and_regions_by_name(mission, small):
    scope = scope_build(mission=mission, kinds=["counting", "opening"], region=None, cutoff=small["cutoff"])
    assert scope.kinds == ["opening", "counting"]
    assert [row["name"] for row in scope.regions] == ["Alpha", "Bravo"]
    assert scope.rkey(scope.regions[0]["id"]) == "R2"
    assert scope.rkey(None) == ""


def test_the_catalogue_takes_the_published_wording_and_leaves_out_the_overall_assessment(mission, small):
    catalogue = question_catalogue(mission=mission, kinds=["voting"])
    assert [q["code"] for q in catalogue["voting"]] == ["voters_on_list", "voters_voted", "box_sealed", "stuffing"]
    sealed = catalogue["voting"][2]
    assert (sealed["text"], sealed["version"], sealed["critical_values"]) == ("Were the boxes sealed?", 2, [])
    assert catalogue["voting"][3]["critical_values"] == ["yes"]


def test_coverage_counts_observations_distinct_stations_flags_and_assessments_per_cell(mission, small):
    tally = coverage_count(scope_of(mission, small))
    voting = tally.per_kind["voting"]
    assert voting.cells[("R1", "urban")] == {
        "observations": 2,
        "stations": 1,
        "urgent": 1,
        "critical": 1,
        "incident": 1,  # urgent, critical or both: the form listed as an incident
        "mismatch": 0,
        "negative_stations": 1,
    }
    assert voting.cells[("R2", "rural")]["observations"] == 1
    assert tally.assessments["voting"]["good"].total() == {"count": 1}
    assert tally.assessments["voting"]["very_good"].by(0) == {"R2": {"count": 1}}
    summary = coverage_summary(tally, ["voting"])
    assert summary["observations_total"] == 3
    # 2 of 3 stations observed: 66.666... rounds half up to 66.7.
    assert summary["stations"] == {"observed": 2, "stations": 3, "pct": 66.7}
    assert summary["by_region"]["R2"] == {"observed": 1, "stations": 2, "pct": 50.0}
    assert summary["by_area"]["urban"] == {"observed": 1, "stations": 2, "pct": 50.0}


def test_the_answer_phase_tallies_values_integers_extremes_medians_and_critical_answers(mission, small):
    tally = answers_count(scope_of(mission, small), question_catalogue(mission=mission, kinds=["voting"]))
    sealed = tally.values["voting"]["box_sealed"]
    assert sealed["yes"].total() == {"count": 2, "total": 0}
    assert sealed["no"].by(0) == {"R1": {"count": 1, "total": 0}}
    on_list = tally.values["voting"]["voters_on_list"][ANSWERED]
    assert on_list.total() == {"count": 3, "total": 200}
    assert tally.extremes["voting"]["voters_voted"].total() == (0, 50)
    assert tally.medians[("voting", "voters_voted")] == 40
    assert tally.critical["voting"]["stuffing"].total() == {"observations": 1, "stations": 1}
    assert "overall_assessment" not in tally.values["voting"]


def test_the_question_phase_needs_no_database_only_the_tallies():
    catalogue = {
        "voting": [
            {
                "code": "stuffing",
                "text": "Stuffing?",
                "type": "yes_no",
                "section": "Main",
                "choices": YES_NO,
                "critical_values": ["yes"],
                "protocol_field": "",
                "version": 1,
            }
        ]
    }
    coverage = CoverageTally()
    coverage.per_kind["voting"].add("R1", "urban", observations=3, stations=2)
    answers = AnswerTally()
    answers.values["voting"]["stuffing"]["yes"].add("R1", "urban", count=1)
    answers.values["voting"]["stuffing"]["no"].add("R1", "urban", count=2)
    answers.values["voting"]["stuffing"][None].add("R1", "urban", count=1)
    answers.values["voting"]["unknown_code"]["x"].add("R1", "urban", count=4)
    answers.critical["voting"]["stuffing"].add("R1", "urban", observations=1, stations=1)
    kinds = kinds_compile(kinds=["voting"], catalogue=catalogue, coverage=coverage, answers=answers)
    voting = kinds["voting"]
    assert (voting["observations"], voting["stations"]) == (3, 2)
    stuffing, orphan = voting["questions"]
    assert (stuffing["n"], stuffing["blank"]) == (3, 1)
    assert [(v["value"], v["count"], v["pct"]) for v in stuffing["values"]] == [("yes", 1, 33.3), ("no", 2, 66.7)]
    assert stuffing["critical"]["count"] == 1 and stuffing["critical"]["stations"] == 1
    assert stuffing["by_region"]["R1"]["n"] == 3
    # An answered code no version of the form knows still counts, under its code.
    assert (orphan["code"], orphan["version"], orphan["n"]) == ("unknown_code", None, 4)
    assert [value["value"] for value in stuffing["values"]] == ["yes", "no"] and "text" not in stuffing


def test_turnout_sums_the_forms_with_voters_on_the_list_and_counts_the_others_apart(mission, small):
    turnout = turnout_count(scope_of(mission, small), question_catalogue(mission=mission, kinds=["voting"]))
    # Forms 1 and 2: (40 + 50) / (100 + 100) = 45 %; form 3 gives 0 on the list.
    assert (turnout["forms"], turnout["voters_voted"], turnout["voters_on_list"]) == (2, 90, 200)
    assert (turnout["pct"], turnout["on_list_zero"], turnout["incomplete"]) == (45.0, 1, 0)
    assert turnout["by_region"]["R2"]["forms"] == 0


def test_turnout_is_empty_without_voting_forms(mission, small):
    scope = scope_of(mission, small, kinds=("counting",))
    assert turnout_count(scope, {})["forms"] == 0


def test_teams_phase_names_the_teams_that_did_not_report(mission, small):
    assert teams_count(scope_of(mission, small)) == {"total": 3, "reported": 2, "not_reported": ["STO-C"]}


def test_coverage_from_the_running_tallies_is_the_recount_with_the_teams_that_reported(mission, small):
    scope = scope_of(mission, small)
    tallied, recounted = coverage_from_tallies(scope), coverage_count(scope)
    for name in ("per_kind", "assessments", "observed", "stations"):
        assert _plain(getattr(tallied, name)) == _plain(getattr(recounted, name)), name
    assert (tallied.tecs, tallied.tecs_by_region) == (recounted.tecs, recounted.tecs_by_region)
    assert recounted.teams is None and len(tallied.teams) == 2
    assert teams_count(scope, reported=tallied.teams) == teams_count(scope)


def _plain(value):
    """Cells (and dicts of them) as plain dicts of their cells, to compare two tallies."""
    if isinstance(value, Cells):
        return {key: dict(cell) for key, cell in value.cells.items()}
    return {key: _plain(inner) for key, inner in value.items()}


def test_flagged_forms_give_the_incidents_and_the_protocol_checks(mission, small):
    scope = scope_of(mission, small)
    flagged = list(flagged_forms(scope))
    assert [(row["team_code"], row["region_code"], row["urgent"], row["has_critical"]) for row in flagged] == [
        ("STO-B", "R1", True, True)
    ]
    tally = coverage_count(scope)
    incidents = incidents_summary(per_kind=tally.per_kind)
    assert (incidents["urgent"], incidents["critical"], incidents["listed"]) == (1, 1, 1)
    protocol = protocol_summary(per_kind=tally.per_kind, kinds=["voting"], by_rule=rule_counts(scope))
    assert (protocol["mismatches"], protocol["listed"], protocol["by_rule"]) == (0, 0, {})


def test_the_timeline_counts_forms_per_local_hour(mission, small):
    assert timeline_count(scope_of(mission, small)) == [
        {"hour": "2019-06-09 08:00", "counts": {"voting": 2}, "total": 2},
        {"hour": "2019-06-09 09:00", "counts": {"voting": 1}, "total": 1},
    ]


def test_cells_add_up_by_region_by_area_and_overall():
    cells = Cells()
    cells.add("R1", "urban", count=2)
    cells.add("R1", "rural", count=3)
    cells.add("R2", "urban", count=5)
    assert cells.total() == {"count": 10}
    assert cells.by(0) == {"R1": {"count": 5}, "R2": {"count": 5}}
    assert cells.by(1) == {"urban": {"count": 7}, "rural": {"count": 3}}


def test_the_timeline_adds_both_hours_a_clock_set_back_names_alike(mission):
    """Where summer time ends, 02:00-03:00 local comes twice: forms of both hours count in the one hour so named,
    recounted from the forms or read from the running tallies alike."""
    mission.time_zone = "Europe/Berlin"
    mission.save(update_fields=["time_zone"])
    station = PollingStationFactory(tec=TecFactory(region=RegionFactory(mission=mission, code="R1")))
    team = TeamFactory(mission=mission, code="STO-A")
    template = make_template(mission, FormKind.VOTING, 1, TemplateStatus.PUBLISHED, [VOTING[2]])
    summer = datetime.datetime(2019, 10, 27, 0, 30, tzinfo=datetime.UTC)  # 02:30 CEST
    winter = datetime.datetime(2019, 10, 27, 1, 30, tzinfo=datetime.UTC)  # 02:30 CET, an hour later
    later = datetime.datetime(2019, 10, 27, 2, 10, tzinfo=datetime.UTC)  # 03:10 CET
    add_forms(
        mission,
        template,
        [
            {"station": station, "team": team, "answers": {"box_sealed": "yes"}, "received": moment}
            for moment in (summer, winter, later)
        ],
    )
    expected = [
        {"hour": "2019-10-27 02:00", "counts": {"voting": 2}, "total": 2},
        {"hour": "2019-10-27 03:00", "counts": {"voting": 1}, "total": 1},
    ]
    scope = scope_build(mission=mission, kinds=["voting"], region=None, cutoff=later + datetime.timedelta(hours=1))
    assert timeline_count(scope) == expected
    tallied = {(summer, "voting"): 1, (winter, "voting"): 1, (later, "voting"): 1}
    assert timeline_count(scope, tallied=tallied) == expected
