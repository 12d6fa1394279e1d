"""The running tallies as of any moment equal a count of the answers of the revisions current then."""

import datetime
from collections import defaultdict

import pytest
from django.db.models import Q

from checklists.choices import NEGATIVE_ASSESSMENTS, NOT_APPLICABLE, OVERALL_ASSESSMENT_CODE, QuestionType
from checklists.models import Question
from missions.models import Region
from submissions.models import SubmissionRevision
from tallies.cells import (
    ANSWERED,
    ASSESSED,
    CRITICAL_AT,
    FORMS_ALL,
    FORMS_CRITICAL,
    FORMS_INCIDENT,
    FORMS_MISMATCH,
    FORMS_URGENT,
    INTEGER_VALUE,
    MULTIPLE_ANSWERED,
    NEGATIVE_AT,
    OBSERVED_AT,
    RECEIVED,
    RECEIVED_SLOT_SECONDS,
    SUMMARISED_TYPES,
    TURNOUT,
    TURNOUT_INCOMPLETE,
    TURNOUT_ON_LIST,
    TURNOUT_ON_LIST_ZERO,
    TURNOUT_VOTED,
    turnout_figure,
)
from tallies.models import TallyCount, TallyEvent, TallyRowCount, TallyTotal
from tallies.selectors import PATHS, tally_cells, tally_coverage, tally_read
from tallies.services import pending_events

from .conftest import tell_story

pytestmark = pytest.mark.django_db

KINDS = ["voting", "counting", "meeting"]


def counted(mission, *, at, kinds=KINDS, region=None, left_out=()) -> list[tuple]:
    """The cells counted straight from the answers, in Python: what the tallies must say."""
    revisions = (
        SubmissionRevision.objects.filter(mission=mission, confidential=False, kind__in=kinds, valid_from__lte=at)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=at))
        .exclude(submission_id__in=list(left_out))
        .select_related("submission")
        .prefetch_related("answers")
    )
    if region is not None:
        revisions = revisions.filter(region=region)
    questions = Question.objects.filter(template__mission=mission)
    types = {(q.template_id, q.code): q.type for q in questions}
    critical = {(q.template_id, q.code): {str(value) for value in q.critical_values} for q in questions}
    fields = {(q.template_id, q.code): q.protocol_field for q in questions}
    cells: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for revision in revisions:
        place = (revision.kind, revision.region_id, revision.area_type)
        received_slot = int(revision.received_at.timestamp()) // RECEIVED_SLOT_SECONDS
        cells[(*place, RECEIVED, str(received_slot))][0] += 1  # every form, answered or not
        answered_multiple, answered_critical = set(), set()
        figures: dict[str, int | None] = {}  # a voting form's turnout figures, by protocol field
        for answer in revision.answers.all():
            if answer.question_code == OVERALL_ASSESSMENT_CODE:
                continue
            question_type = types.get((revision.submission.template_id, answer.question_code))
            key = answer.value
            if question_type in SUMMARISED_TYPES:
                if answer.value is None and answer.number is None:
                    key = None
                elif answer.value != NOT_APPLICABLE:
                    key = ANSWERED
            cell = cells[(*place, answer.question_code, key)]
            cell[0] += 1
            cell[1] += answer.number or 0
            if answer.number is not None:  # the integers' histogram: forms per value
                value_cell = cells[(*place, answer.question_code, f"{INTEGER_VALUE}{answer.number}")]
                value_cell[0] += 1
                value_cell[1] += answer.number
            if question_type == QuestionType.MULTIPLE and answer.value not in (None, NOT_APPLICABLE):
                answered_multiple.add(answer.question_code)
            if answer.value in critical.get((revision.submission.template_id, answer.question_code), ()):
                answered_critical.add(answer.question_code)
            figure = turnout_figure(
                answer.question_code, fields.get((revision.submission.template_id, answer.question_code))
            )
            if revision.kind == "voting" and figure is not None:
                figures[figure] = answer.number
        for code in answered_multiple:
            cells[(*place, code, MULTIPLE_ANSWERED)][0] += 1
        for code in answered_critical:  # the forms giving a critical answer, per station
            cells[(*place, code, f"{CRITICAL_AT}{revision.polling_station_id or ''}")][0] += 1
        if figures:
            voted, on_list = figures.get("voters_voted"), figures.get("voters_on_list")
            if voted is not None and on_list is not None and on_list > 0:
                cells[(*place, TURNOUT, TURNOUT_VOTED)][0] += 1
                cells[(*place, TURNOUT, TURNOUT_VOTED)][1] += voted
                cells[(*place, TURNOUT, TURNOUT_ON_LIST)][0] += 1
                cells[(*place, TURNOUT, TURNOUT_ON_LIST)][1] += on_list
            elif on_list == 0:
                cells[(*place, TURNOUT, TURNOUT_ON_LIST_ZERO)][0] += 1
            elif on_list is None or (voted is None and on_list > 0):
                cells[(*place, TURNOUT, TURNOUT_INCOMPLETE)][0] += 1
    return sorted(((*key, count, total) for key, (count, total) in cells.items()), key=repr)


def tallied(mission, **options) -> list[tuple]:
    """The cells as tally_cells reads them, after checking that both ways of reading the folded hours agree."""
    options.setdefault("kinds", KINDS)
    each_way = {path: sorted(tally_cells(mission=mission, path=path, **options), key=repr) for path in PATHS}
    assert each_way["hours"] == each_way["totals"], options
    chosen = sorted(tally_cells(mission=mission, **options), key=repr)
    assert chosen == each_way["hours"]
    return chosen


def totals_kept(mission) -> dict[tuple, tuple[int, int]]:
    return {
        key[:-2]: key[-2:]
        for key in TallyTotal.objects.filter(mission=mission)
        .exclude(count=0, total=0)
        .values_list("kind", "region_id", "area_type", "question_code", "answer", "count", "total")
    }


def totals_of_the_hours(mission) -> dict[tuple, tuple[int, int]]:
    """Each cell's hourly counts summed over every hour: what its total must be."""
    sums: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for *key, count, total in TallyCount.objects.filter(mission=mission).values_list(
        "kind", "region_id", "area_type", "question_code", "answer", "count", "total"
    ):
        sums[tuple(key)][0] += count
        sums[tuple(key)][1] += total
    return {key: tuple(value) for key, value in sums.items() if value != [0, 0]}


def row_counts_agree(mission) -> bool:
    """The row counts the fold keeps (per hour, and None for the totals) are the rows there are."""
    kept = dict(TallyRowCount.objects.filter(mission=mission, size__gt=0).values_list("hour", "size"))
    rows: dict = defaultdict(int)
    for hour in TallyCount.objects.filter(mission=mission).values_list("hour", flat=True):
        rows[hour] += 1
    if TallyTotal.objects.filter(mission=mission).exists():
        rows[None] = TallyTotal.objects.filter(mission=mission).count()
    return kept == dict(rows)


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_the_tallies_at_every_moment_equal_the_answers_current_then(mission, seed):
    story = tell_story(mission, seed=seed)
    assert TallyEvent.objects.filter(sign=-1).exists()  # corrections happened
    assert TallyEvent.objects.filter(rolled_up=True).exists() and pending_events()  # some folded, some not
    hours = {event.hour for event in TallyEvent.objects.all()}
    assert len(hours) > 3
    folded = sorted({event.hour for event in TallyEvent.objects.filter(rolled_up=True)})
    # Besides the story's moments: before every folded hour, inside the first and last of them, and well after.
    extra = [folded[0] - datetime.timedelta(minutes=1), folded[0] + datetime.timedelta(minutes=30)]
    extra += [folded[-1] + datetime.timedelta(minutes=59), story.moments[-1] + datetime.timedelta(hours=5)]
    for at in [*story.moments, *extra]:
        assert tallied(mission, at=at) == counted(mission, at=at), at
    assert tallied(mission, at=story.moments[0] - datetime.timedelta(hours=1)) == []
    assert totals_kept(mission) == totals_of_the_hours(mission)
    assert row_counts_agree(mission)


def summarised(cells: list[tuple]) -> tuple[list, list, list]:
    """Cells counted in the test, their histogram summarised by hand: the other cells; per place the least and
    greatest integer with a positive count; per kind, code and integer the forms summed over the places."""
    others, extremes, values = [], {}, defaultdict(int)
    for kind, region_id, area, code, answer, count, total in cells:
        if answer is None or not answer.startswith(INTEGER_VALUE):
            others.append((kind, region_id, area, code, answer, count, total))
            continue
        number = int(answer[len(INTEGER_VALUE) :])
        values[(kind, code, number)] += count
        if count > 0:
            low, high = extremes.get((kind, region_id, area, code), (number, number))
            extremes[(kind, region_id, area, code)] = (min(low, number), max(high, number))
    return (
        sorted(others, key=repr),
        sorted(((*place, low, high) for place, (low, high) in extremes.items()), key=repr),
        sorted((*key, forms) for key, forms in values.items() if forms != 0),
    )


@pytest.mark.parametrize("seed", [11, 14])
def test_the_summarised_histogram_equals_the_histogram_counted_from_the_answers(mission, seed):
    """tally_read summarises the integers' histogram in the database: the least and greatest value per place and the
    forms per value, equal to the same summary of the cells counted from the answers, at every moment, on both
    ways of reading the folded hours, with a conflict decision's forms left out and with a region filter."""
    story = tell_story(mission, seed=seed)
    region = Region.objects.filter(mission=mission).order_by("pk").first()
    integers = 0
    for at in [*story.moments[::3], story.moments[-1] + datetime.timedelta(hours=5)]:
        for options in ({}, {"left_out": story.forms[:2]}, {"region": region}):
            expected = summarised(counted(mission, at=at, **options))
            integers += len(expected[1])
            for path in PATHS:
                read = tally_read(mission=mission, kinds=KINDS, at=at, path=path, **options)
                got = (sorted(read.cells, key=repr), sorted(read.extremes, key=repr), read.values)
                assert got == expected, (at, path, options)
    assert integers and region is not None  # the story gives integers, and the filter names a region


def test_a_cell_whose_region_and_answer_are_missing_has_one_total(mission):
    """NULL region and NULL answer are one key: the second fold adds to the first row instead of adding a row."""
    from tallies.services import _add_to_totals

    key = (mission.pk, "voting", None, "", "remarks", None)
    _add_to_totals({key: [2, 0]})
    _add_to_totals({key: [-1, 0], (*key[:5], "x"): [1, 0]})
    assert sorted(TallyTotal.objects.values_list("answer", "count"), key=repr) == [("x", 1), (None, 1)]


def coverage_counted(mission, *, at, kinds=KINDS, region=None, left_out=()) -> dict:
    """What tally_coverage must say, counted from the revisions current at `at` in Python."""
    revisions = (
        SubmissionRevision.objects.filter(mission=mission, confidential=False, kind__in=kinds, valid_from__lte=at)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=at))
        .exclude(submission_id__in=list(left_out))
    )
    if region is not None:
        revisions = revisions.filter(region=region)
    forms: dict[tuple, int] = defaultdict(int)
    stations: dict[tuple, set] = defaultdict(set)
    observed: dict[tuple, set] = defaultdict(set)
    tecs, teams = set(), set()
    for revision in revisions:
        place = (revision.kind, revision.region_id, revision.area_type)
        flags = {
            FORMS_ALL: True,
            FORMS_URGENT: revision.urgent,
            FORMS_CRITICAL: revision.has_critical,
            FORMS_INCIDENT: revision.urgent or revision.has_critical,
            FORMS_MISMATCH: revision.protocol_mismatch,
        }
        for key, flagged in flags.items():
            forms[(*place, key)] += 1 if flagged else 0
        if revision.overall_assessment:
            forms[(*place, f"{ASSESSED}{revision.overall_assessment}")] += 1
        if revision.polling_station_id:
            stations[(*place, OBSERVED_AT)].add(revision.polling_station_id)
            observed[place[1:]].add(revision.polling_station_id)
            if revision.overall_assessment in NEGATIVE_ASSESSMENTS:
                stations[(*place, NEGATIVE_AT)].add(revision.polling_station_id)
        if revision.tec_id:
            tecs.add((revision.kind, revision.region_id, revision.tec_id))
        if revision.team_id:
            teams.add(revision.team_id)
    return {
        "forms": sorted(((*key, count) for key, count in forms.items() if count), key=repr),
        "stations": sorted(((*key, len(found)) for key, found in stations.items()), key=repr),
        "observed": sorted(((*key, len(found)) for key, found in observed.items()), key=repr),
        "tecs": sorted(tecs, key=repr),
        "teams": teams,
    }


def test_the_coverage_cells_at_every_moment_equal_the_forms_current_then(mission):
    """tally_coverage counts the forms, flags and assessments per place, the distinct stations (per kind, negative,
    across kinds), TECs and teams as the revisions current at each moment give them: on both ways of reading the
    folded hours, with a conflict decision's forms left out and with a region filter."""
    story = tell_story(mission, seed=15)
    region = Region.objects.filter(mission=mission).order_by("pk").first()
    folded = sorted({event.hour for event in TallyEvent.objects.filter(rolled_up=True)})
    assert folded and pending_events()
    moments = [*story.moments[::2], folded[0] + datetime.timedelta(minutes=30), story.moments[-1]]
    seen = set()
    for at in [*moments, story.moments[-1] + datetime.timedelta(hours=5)]:
        for asked in ({}, {"left_out": story.forms[:3]}, {"region": region}, {"kinds": ["voting"]}):
            options = {"kinds": KINDS, **asked}
            expected = coverage_counted(mission, at=at, **options)
            for path in PATHS:
                read = tally_coverage(mission=mission, at=at, path=path, **options)
                got = {
                    "forms": sorted(((*row[:3], row[3], row[4]) for row in read.forms), key=repr),
                    "stations": sorted(read.stations, key=repr),
                    "observed": sorted(read.observed, key=repr),
                    "tecs": sorted(read.tecs, key=repr),
                    "teams": read.teams,
                }
                assert got == expected, (at, path, asked)
            seen |= {row[3] for row in expected["forms"]} | {row[3] for row in expected["stations"]}
    assert {FORMS_URGENT, FORMS_CRITICAL, f"{ASSESSED}bad", OBSERVED_AT, NEGATIVE_AT} <= seen
