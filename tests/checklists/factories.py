"""Factories and helpers for checklist and submission tests: a mission with the standard set and named actors."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from checklists.choices import QuestionType
from checklists.rules import is_shown
from checklists.selectors import template_published, template_questions
from checklists.services import checklists_load_standard
from checklists.standard import expected_answers
from deployment.models import TeamAssignment
from observers.choices import MemberRole, TeamKind
from submissions.services import submission_record
from tests.factories import (
    MembershipFactory,
    ObserverFactory,
    PollingStationFactory,
    RegionFactory,
    TecFactory,
    UserFactory,
    team_with_members,
)


def answers_for(template, **overrides) -> dict:
    """A complete, valid set of answers: the expected answer where there is one, overrides applied first."""
    expected = expected_answers(template.kind, candidates=list(template.mission.candidates or []))
    answers: dict = {}
    shown: set[str] = set()
    for question in template_questions(template):
        if not is_shown(question, {**answers, **overrides}, shown):
            continue
        shown.add(question.code)
        if question.code in overrides:
            answers[question.code] = overrides[question.code]
            continue
        if question.type in (QuestionType.YES_NO, QuestionType.YES_NO_NA):
            answers[question.code] = expected.get(question.code, "no")
        elif question.type == QuestionType.SINGLE:
            answers[question.code] = expected.get(question.code, question.choice_values[0])
        elif question.type == QuestionType.MULTIPLE:
            answers[question.code] = question.choice_values[:1]
        elif question.type == QuestionType.INTEGER:
            answers[question.code] = max(question.min_value or 0, 5)
        elif question.type == QuestionType.TIME:
            answers[question.code] = "10:30"
        elif question.type in (QuestionType.DATE, QuestionType.WEEK):
            answers[question.code] = "2019-05-20"  # a Monday
        elif question.required:
            answers[question.code] = "Noted."
    if "overall_assessment" in answers and "overall_assessment" not in overrides:
        answers["overall_assessment"] = "good"
    return answers


def consistent_protocol(candidates=3) -> dict:
    """Counting figures that add up: 1000 received = 600 + 20 + 370 + 10; 615 found = 600 valid + 15 invalid."""
    figures = {
        "protocol_figures_obtained": "yes",
        "voters_main_list": 1100,
        "voters_supplementary": 12,
        "ballots_received": 1000,
        "ballots_issued": 600,
        "ballots_issued_mobile": 20,
        "ballots_unused": 370,
        "ballots_spoiled": 10,
        "ballots_found_stationary": 597,
        "ballots_found_mobile": 18,
        "ballots_invalid": 15,
        "ballots_valid": 600,
    }
    votes = [450, 100, 50][:candidates]
    figures.update({f"candidate_{i}": v for i, v in enumerate(votes, start=1)})
    return figures


@dataclass
class World:
    """A mission with the standard checklists, two regions, and named people in it."""

    mission: object
    region: object
    other_region: object
    station: object
    other_station: object
    tec: object
    team: object  # the owner's STO team, deployed in `region`
    colleague_team: object  # another STO team in the same region
    lto_team: object  # area: `region`
    owner: object  # STO in `team`
    teammate: object  # the other STO in `team`
    colleague: object  # STO in `colleague_team`
    lto: object
    coordinator: object
    analyst: object
    outsider: object  # a user with no membership

    def template(self, kind):
        return template_published(mission=self.mission, kind=kind)

    def payload(self, kind="voting", *, station=None, **answer_overrides) -> dict:
        template = self.template(kind)
        payload = {"answers": answers_for(template, **answer_overrides)}
        if kind in ("opening", "voting", "counting"):
            payload["polling_station"] = (station or self.station).pk
        if kind == "tabulation":
            payload["tec"] = self.tec.pk
        return payload

    def record(self, kind="voting", *, user=None, payload=None, form_uuid=None, **answer_overrides):
        return submission_record(
            user=user or self.owner,
            mission=self.mission,
            uuid=form_uuid or uuid.uuid4(),
            template=self.template(kind),
            payload=payload if payload is not None else self.payload(kind, **answer_overrides),
        )


def _core_user(mission, username, core_function):
    user = UserFactory(username=username)
    MembershipFactory(
        mission=mission,
        observer=ObserverFactory(mission=mission, user=user),
        role=MemberRole.CORE_TEAM,
        core_function=core_function,
    )
    return user


def build_world(mission) -> World:
    """Everything permission and recording tests need, with the standard checklists loaded."""
    checklists_load_standard(mission=mission)
    region = RegionFactory(mission=mission, name="Akmola")
    other_region = RegionFactory(mission=mission, name="Atyrau", time_zone="Asia/Atyrau")
    tec = TecFactory(mission=mission, region=region)
    other_tec = TecFactory(mission=mission, region=other_region)
    station = PollingStationFactory(mission=mission, region=region, tec=tec, number="101")
    other_station = PollingStationFactory(mission=mission, region=other_region, tec=other_tec, number="202")
    owner, teammate, colleague = (UserFactory(username=n) for n in ("owner", "mate", "coll"))
    lto = UserFactory(username="lto")
    lto_team = team_with_members(mission=mission, kind=TeamKind.LTO, code="LTO-01", users=(lto, None))
    lto_team.area_regions.set([region])
    team = team_with_members(mission=mission, code="STO-001", users=(owner, teammate), lto_team=lto_team)
    colleague_team = team_with_members(mission=mission, code="STO-002", users=(colleague, None), lto_team=lto_team)
    for sto_team in (team, colleague_team):
        TeamAssignment.objects.create(team=sto_team, mission=mission, region=region)
    return World(
        mission=mission,
        region=region,
        other_region=other_region,
        station=station,
        other_station=other_station,
        tec=tec,
        team=team,
        colleague_team=colleague_team,
        lto_team=lto_team,
        owner=owner,
        teammate=teammate,
        colleague=colleague,
        lto=lto,
        coordinator=_core_user(mission, "coordinator", "lto_coordinator"),
        analyst=_core_user(mission, "analyst", "statistical_analyst"),
        outsider=UserFactory(username="outsider"),
    )
