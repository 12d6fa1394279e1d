"""A mission filled through the recording services over several simulated hours: new forms, corrections, moves
between stations, TECs, regions and teams, urgent forms, tabulation forms about a TEC, resends, confidential
records, a station moved to another TEC, and the worker folding events now and then."""

import copy
import datetime
import random
import uuid
from dataclasses import dataclass, field
from unittest import mock

import pytest

from checklists.choices import FormKind, QuestionType, TemplateStatus
from missions.choices import AreaType
from observers.choices import CoreFunction, MemberRole
from submissions.services import submission_correct, submission_record
from tallies.services import tallies_roll_up
from tests.factories import (
    MembershipFactory,
    ObserverFactory,
    PollingStationFactory,
    RegionFactory,
    TeamFactory,
    TecFactory,
    UserFactory,
    kazakhstan_2019,
)
from tests.once import once_per_module
from tests.reports.data import ASSESSMENT, COUNTING_V1, VOTING_V1, YES_NO, make_template

START = datetime.datetime(2019, 6, 9, 1, 50, tzinfo=datetime.UTC)
VOTING = [
    ("voters_on_list", QuestionType.INTEGER, "Voters on the list", [], [], "voters_on_list", None),
    ("voters_voted", QuestionType.INTEGER, "Voters who voted", [], [], "voters_voted", None),
    ("opened_at", QuestionType.TIME, "When did voting start?", [], [], "", None),
    ("secrecy", QuestionType.YES_NO_NA, "Was the secrecy of the vote ensured?", YES_NO, [], "", None),
    ("unauthorised", QuestionType.YES_NO, "Were unauthorised persons present?", YES_NO, [], "", None),
    (
        "unauthorised_who",
        QuestionType.MULTIPLE,
        "Who was present without authorisation?",
        [{"value": v, "label": v} for v in ("police", "officials", "na")],
        ["police"],
        "",
        ("unauthorised", ["yes"]),
    ),
    ("stuffing", QuestionType.YES_NO, "Did you see ballot-box stuffing?", YES_NO, ["yes"], "", None),
    ("remarks", QuestionType.TEXT, "Remarks", [], [], "", None),
    ("overall_assessment", QuestionType.SINGLE, "Overall assessment", ASSESSMENT, [], "", None),
]
TABULATION = [
    ("results_entered", QuestionType.YES_NO, "Were the protocols entered as signed?", YES_NO, [], "", None),
    ("overall_assessment", QuestionType.SINGLE, "Overall assessment", ASSESSMENT, [], "", None),
]


def _value(rng: random.Random, question: tuple):
    code, qtype, _text, choices, _critical, _protocol, _shown = question
    if rng.random() < 0.1:
        return None  # shown and left blank
    if qtype == QuestionType.INTEGER:
        return rng.choice([0, rng.randint(1, 40), rng.randint(500, 2500)])
    if qtype == QuestionType.TIME:
        return f"{rng.randint(6, 9):02d}:{rng.choice((0, 15, 30)):02d}"
    if qtype == QuestionType.TEXT:
        return rng.choice(["calm", "queues", "police outside"])
    if qtype == QuestionType.YES_NO_NA:
        return rng.choice(["yes", "no", "na"])
    if qtype == QuestionType.MULTIPLE:
        values = [choice["value"] for choice in choices]
        return rng.sample(values, rng.randint(1, 2))
    return rng.choice([choice["value"] for choice in choices])


def answers_for(rng: random.Random, questions: list[tuple]) -> dict:
    answers = {}
    for question in questions:
        shown = question[6]
        if shown and answers.get(shown[0]) not in shown[1]:
            continue
        answers[question[0]] = _value(rng, question)
    return answers


@dataclass
class Story:
    """What happened: the moments worth compiling at, and the forms filed."""

    mission: object
    moments: list[datetime.datetime] = field(default_factory=list)
    forms: list = field(default_factory=list)


class Clock:
    """Simulated time: every write happens at `now`, which only moves forward."""

    def __init__(self, start):
        self.now = start

    def advance(self, rng):
        self.now += datetime.timedelta(minutes=rng.choice([0, 1, 7, 25, 55]), microseconds=rng.randint(1, 999_999))


def tell_story(mission, *, seed: int, steps: int = 70) -> Story:
    rng = random.Random(seed)
    north, south = RegionFactory(mission=mission, code="N"), RegionFactory(mission=mission, code="S")
    tecs = {region: TecFactory(mission=mission, region=region) for region in (north, south)}
    other_tecs = {region: TecFactory(mission=mission, region=region) for region in (north, south)}
    stations = [
        PollingStationFactory(mission=mission, region=region, tec=tecs[region], area_type=area)
        for region in (north, south)
        for area in (AreaType.URBAN, AreaType.RURAL, "")
    ]
    teams = [TeamFactory(mission=mission, code=f"STO-00{number}") for number in (1, 2, 3)]
    TeamFactory(mission=mission, code="STO-009")  # never reports
    user = UserFactory(username=f"coordinator{seed}")
    MembershipFactory(
        mission=mission,
        observer=ObserverFactory(mission=mission, user=user),
        role=MemberRole.CORE_TEAM,
        core_function=CoreFunction.LTO_COORDINATOR,
    )
    templates = [
        (make_template(mission, FormKind.VOTING, 1, TemplateStatus.RETIRED, VOTING_V1), VOTING_V1),
        (make_template(mission, FormKind.VOTING, 2, TemplateStatus.PUBLISHED, VOTING), VOTING),
        (make_template(mission, FormKind.COUNTING, 1, TemplateStatus.PUBLISHED, COUNTING_V1), COUNTING_V1),
        (make_template(mission, FormKind.TABULATION, 1, TemplateStatus.PUBLISHED, TABULATION), TABULATION),
    ]
    meeting = make_template(mission, FormKind.MEETING, 1, TemplateStatus.PUBLISHED, VOTING)
    story = Story(mission=mission)
    clock = Clock(START)
    sent: list[tuple] = []  # (submission, template, payload, uuid)

    def payload(template_questions, confidential=False):
        body = {
            "polling_station": rng.choice(stations).pk,
            "team": rng.choice(teams).pk,
            "answers": answers_for(rng, template_questions),
            "confidential": confidential,
            "urgent": rng.random() < 0.15,
        }
        if template_questions is TABULATION:  # about a TEC, never a station
            body["polling_station"], body["tec"] = None, rng.choice([*tecs.values(), *other_tecs.values()]).pk
        return body

    with mock.patch("django.utils.timezone.now", side_effect=lambda: clock.now):
        for _step in range(steps):
            clock.advance(rng)
            action = rng.random()
            if action < 0.5 or not sent:
                template, questions = rng.choice(templates)
                body, key = payload(questions), uuid.uuid4()
                submission, _created = submission_record(
                    user=user, mission=mission, uuid=key, template=template, payload=body
                )
                sent.append((submission, template, questions, body, key))
            elif action < 0.75:
                index = rng.randrange(len(sent))
                submission, template, questions, _body, key = sent[index]
                body = payload(questions)  # new answers, often another station in another region
                submission_correct(user=user, submission=submission, payload=body)
                sent[index] = (submission, template, questions, body, key)
            elif action < 0.85:
                submission, template, _questions, body, key = rng.choice(sent)
                _again, created = submission_record(
                    user=user, mission=mission, uuid=key, template=template, payload=body
                )
                assert not created  # a resend changes nothing
            elif action < 0.87:
                # A station moves to its region's other TEC: its later forms name that TEC, earlier ones keep theirs.
                station = rng.choice(stations)
                pair = (tecs[station.region], other_tecs[station.region])
                station.tec = pair[1] if station.tec_id == pair[0].pk else pair[0]
                station.save(update_fields=["tec"])
            elif action < 0.9:
                body = payload([q for q in VOTING if q[0] != "overall_assessment"], confidential=True)
                body["polling_station"] = None
                submission_record(user=user, mission=mission, uuid=uuid.uuid4(), template=meeting, payload=body)
            else:
                tallies_roll_up(batch_size=rng.randint(1, 6), max_batches=rng.randint(1, 3))
            story.moments.append(clock.now)
            if rng.random() < 0.3:
                story.moments.append(clock.now + datetime.timedelta(seconds=rng.randint(1, 3000)))
        # A last form the worker has not folded yet, as on a live mission.
        clock.advance(rng)
        template, questions = templates[1]
        body, key = payload(questions), uuid.uuid4()
        submission, _created = submission_record(user=user, mission=mission, uuid=key, template=template, payload=body)
        sent.append((submission, template, questions, body, key))
        story.moments.append(clock.now)
    story.forms = [submission.pk for submission, *_rest in sent]
    return story


@pytest.fixture(scope="module")
def story_once(request):
    return once_per_module(request, "story", lambda: tell_story(kazakhstan_2019(), seed=11))


@pytest.fixture
def story(story_once, mission):
    """The story of seed 11: told once for a module whose tests all start from it, else for each test."""
    return copy.deepcopy(story_once) if story_once is not None else tell_story(mission, seed=11)
