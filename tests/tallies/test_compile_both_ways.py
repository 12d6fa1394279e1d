"""A compilation from the running tallies gives the recount's figures, figure for figure, at any cut-off."""

import datetime
import json
import random
from unittest import mock

import pytest
from django.utils import timezone

from checklists.choices import FormKind, QuestionType, TemplateStatus
from reports.choices import ConflictDecision
from reports.compile import statistics_compile
from reports.models import ConflictResolution
from submissions.models import Submission
from tallies.models import TallyEvent
from tallies.services import tallies_roll_up
from tests.reports.data import YES_NO, add_forms, build_election_day, make_template

from .conftest import tell_story

pytestmark = pytest.mark.django_db


def both_ways(mission, **options) -> tuple[str, str]:
    options.setdefault("cutoff", timezone.now())
    tallied = statistics_compile(mission=mission, count_answers="tallies", **options)
    recounted = statistics_compile(mission=mission, count_answers="recount", **options)
    return json.dumps(tallied.to_json(), sort_keys=True), json.dumps(recounted.to_json(), sort_keys=True)


def decide_against(mission, forms: list[int], at: datetime.datetime) -> None:
    """A coordinator marks the first form right and the others wrong at `at` (as conflict_resolve records it)."""
    first = Submission.objects.get(pk=forms[0])
    ConflictResolution.objects.create(
        mission=mission,
        kind=first.kind,
        polling_station_id=first.polling_station_id,
        decision=ConflictDecision.ONE_IS_RIGHT,
        right_form=first,
        forms=sorted(forms),
        decided_at=at,
    )


@pytest.mark.parametrize("path", ["hours", "totals"])
@pytest.mark.parametrize("seed", [21, 22])
def test_corrections_moves_resends_decisions_and_cutoffs_give_the_same_figures_both_ways(mission, seed, path, settings):
    """Through each way of reading the folded hours (the hourly counts, or the totals less the later hours)."""
    settings.TALLIES_READ_PATH = path
    story = tell_story(mission, seed=seed, steps=60)
    rng = random.Random(seed)
    moments = story.moments
    at_stations = list(
        Submission.objects.filter(pk__in=story.forms, polling_station__isnull=False).values_list("pk", flat=True)
    )
    decide_against(mission, rng.sample(sorted(at_stations), 3), moments[len(moments) // 2])
    regions = list(mission.regions.all())
    assert TallyEvent.objects.filter(rolled_up=False).exists()  # events pending
    folded = sorted({event.hour for event in TallyEvent.objects.filter(rolled_up=True)})
    # Before the first folded hour, inside the first and the last folded hours, after them.
    edges = [folded[0] - datetime.timedelta(minutes=5), folded[0] + datetime.timedelta(minutes=40)]
    edges += [folded[-1] + datetime.timedelta(minutes=20), folded[-1] + datetime.timedelta(hours=2)]
    checked = 0
    for at in [*rng.sample(moments, 6), *edges, moments[-1]]:
        options = {"cutoff": at}
        if rng.random() < 0.4:
            options["kinds"] = [rng.choice([FormKind.VOTING, FormKind.COUNTING])]
        if rng.random() < 0.4:
            options["region"] = rng.choice(regions)
        tallied, recounted = both_ways(mission, **options)
        assert tallied == recounted, options
        checked += '"observations_total": 0' not in tallied
    assert checked >= 3  # most moments compile forms, not an empty mission
    tallies_roll_up()
    for at in [moments[len(moments) // 3], moments[-1]]:  # every event folded: cut-offs inside folded hours
        tallied, recounted = both_ways(mission, cutoff=at)
        assert tallied == recounted, at


def test_the_generated_election_day_gives_the_same_figures_both_ways(mission):
    build_election_day(mission, forms=120, seed=9)
    tallied, recounted = both_ways(mission)
    assert tallied == recounted
    tallies_roll_up()
    for kinds in (None, [FormKind.VOTING]):
        tallied, recounted = both_ways(mission, kinds=kinds)
        assert tallied == recounted


def test_a_code_grouped_differently_by_two_versions_is_recounted_and_still_agrees(mission):
    """An integer in one version and a yes/no in the next: the tallies keyed each form by its own version."""
    old = make_template(
        mission,
        FormKind.VOTING,
        1,
        TemplateStatus.RETIRED,
        [("queue", QuestionType.INTEGER, "People queuing", [], [], "", None)],
    )
    new = make_template(
        mission,
        FormKind.VOTING,
        2,
        TemplateStatus.PUBLISHED,
        [("queue", QuestionType.YES_NO, "Was there a queue?", YES_NO, [], "", None)],
    )
    from tests.factories import PollingStationFactory

    station = PollingStationFactory(mission=mission)
    add_forms(mission, old, [{"station": station, "answers": {"queue": 12}}])
    add_forms(mission, new, [{"station": station, "answers": {"queue": "yes"}}])
    with mock.patch("reports.compile.tallied.tally_read") as read:
        tallied, recounted = both_ways(mission)
    read.assert_not_called()
    assert tallied == recounted


def test_a_code_critical_on_other_values_in_two_versions_is_recounted_and_still_agrees(mission):
    """Stuffing is critical when "yes" in one version, never in the next: each form's tally cells took its own."""
    old = make_template(
        mission,
        FormKind.VOTING,
        1,
        TemplateStatus.RETIRED,
        [("stuffing", QuestionType.YES_NO, "Stuffing seen", YES_NO, ["yes"], "", None)],
    )
    new = make_template(
        mission,
        FormKind.VOTING,
        2,
        TemplateStatus.PUBLISHED,
        [("stuffing", QuestionType.YES_NO, "Stuffing seen", YES_NO, [], "", None)],
    )
    from tests.factories import PollingStationFactory

    station = PollingStationFactory(mission=mission)
    add_forms(mission, old, [{"station": station, "answers": {"stuffing": "yes"}}])
    add_forms(mission, new, [{"station": station, "answers": {"stuffing": "yes"}}])
    with mock.patch("reports.compile.tallied.tally_read") as read:
        tallied, recounted = both_ways(mission)
    read.assert_not_called()
    assert tallied == recounted


def test_the_random_stories_are_compiled_from_the_tallies_not_recounted(mission):
    """The stories' versions agree on every code's grouping and critical values, so the tallies path is the one
    compared with the recount above (a fallback to the recount would make that comparison vacuous), for the answers,
    the coverage and the teams that reported."""
    tell_story(mission, seed=21, steps=20)
    # The coverage and the teams that reported come from the tallies too: the forms are never read for them.
    with (
        mock.patch("reports.compile.tallied.answers_count") as recount,
        mock.patch("reports.compile.coverage.SubmissionRevision") as revisions,
    ):
        result = statistics_compile(mission=mission, count_answers="tallies").to_json()
    recount.assert_not_called()
    assert not revisions.mock_calls
    assert result["coverage"]["teams"]["reported"] and result["coverage"]["teams"]["not_reported"]
    critical = [
        question["critical"]
        for kind in result["kinds"].values()
        for question in kind.get("questions", [])
        if question.get("critical")
    ]
    assert critical  # the stories give critical answers, so their stations are compared too


def test_turnout_figures_found_by_their_codes_are_tallied_as_the_recount_reads_them(mission):
    """Without protocol fields (as in the standard checklist) the figures are the questions coded voters_on_list and
    voters_voted: the tallies read them so, and the compilation is not recounted."""
    questions = [
        ("voters_on_list", QuestionType.INTEGER, "Voters on the list", [], [], "", None),
        ("voters_voted", QuestionType.INTEGER, "Voters who voted", [], [], "", None),
    ]
    template = make_template(mission, FormKind.VOTING, 1, TemplateStatus.PUBLISHED, questions)
    from tests.factories import PollingStationFactory

    station = PollingStationFactory(mission=mission)
    add_forms(
        mission,
        template,
        [
            {"station": station, "answers": {"voters_on_list": 900, "voters_voted": 300}},
            {"station": station, "answers": {"voters_on_list": 0, "voters_voted": 0}},
            {"station": station, "answers": {"voters_on_list": 700, "voters_voted": None}},
        ],
    )
    with mock.patch("reports.compile.tallied.answers_count") as recount:
        result = statistics_compile(mission=mission, count_answers="tallies").to_json()
    recount.assert_not_called()
    assert (result["turnout"]["forms"], result["turnout"]["on_list_zero"], result["turnout"]["incomplete"]) == (1, 1, 1)
    tallied, recounted = both_ways(mission)
    assert tallied == recounted
