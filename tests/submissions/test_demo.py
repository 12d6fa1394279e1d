"""The demo election day: plausible, deterministic, idempotent, and every form valid."""

import datetime
import zoneinfo
from collections import Counter

import pytest

from checklists.choices import FormKind
from deployment.choices import VisitPurpose
from deployment.models import PlannedVisit
from observers.choices import TeamKind
from submissions.models import Answer, Submission, SubmissionRevision
from submissions.services import submission_validate
from synthetic.election_day import election_day_generate
from tests.factories import PollingStationFactory, TecFactory, team_with_members

pytestmark = pytest.mark.django_db


@pytest.fixture
def day(world):
    """The world plus 24 more stations in the area, a planned route for the owner's team, and a team with no plan."""
    tecs = [world.tec, TecFactory(mission=world.mission, region=world.region)]
    stations = [
        PollingStationFactory(mission=world.mission, region=world.region, tec=tecs[i % 2], number=f"3{i:02d}")
        for i in range(24)
    ]
    assignment = world.team.assignment
    assignment.tabulation_tec = tecs[1]
    assignment.save()
    PlannedVisit.objects.create(assignment=assignment, polling_station=stations[0], purpose=VisitPurpose.OPENING)
    for order, station in enumerate(stations[1:12], start=1):
        PlannedVisit.objects.create(
            assignment=assignment, polling_station=station, purpose=VisitPurpose.VOTING, order=order
        )
    PlannedVisit.objects.create(assignment=assignment, polling_station=stations[11], purpose=VisitPurpose.COUNTING)
    team_with_members(mission=world.mission, code="STO-003", lto_team=world.lto_team)  # no plan: the LTO's area
    team_with_members(mission=world.mission, code="STO-004", kind=TeamKind.STO).members.all().delete()  # empty
    world.planned = stations
    return world


def snapshot(mission):
    return sorted(Submission.objects.filter(mission=mission).values_list("uuid", "content_hash"))


def test_every_sto_team_files_a_full_day(day):
    written = election_day_generate(mission=day.mission)

    per_team = Counter(Submission.objects.values_list("team__code", "kind"))
    assert written == Submission.objects.count()
    for code in ("STO-001", "STO-002", "STO-003"):
        assert per_team[(code, FormKind.OPENING)] == 1
        assert 9 <= per_team[(code, FormKind.VOTING)] <= 11
        assert per_team[(code, FormKind.COUNTING)] == 1
        assert per_team[(code, FormKind.TABULATION)] == 1
    assert not Submission.objects.filter(team__code="STO-004").exists()
    assert per_team[("LTO-01", FormKind.LTO_WEEKLY)] == 4
    assert per_team[("LTO-01", FormKind.MEETING)] >= 3


def test_a_planned_route_is_followed(day):
    election_day_generate(mission=day.mission)
    forms = Submission.objects.filter(team=day.team)

    assert forms.get(kind=FormKind.OPENING).polling_station == day.planned[0]
    voting = set(forms.filter(kind=FormKind.VOTING).values_list("polling_station_id", flat=True))
    assert voting <= {station.pk for station in day.planned[1:12]}
    assert forms.get(kind=FormKind.COUNTING).polling_station == day.planned[11]
    assert forms.get(kind=FormKind.TABULATION).tec == day.team.assignment.tabulation_tec


def test_it_is_deterministic_and_idempotent(day):
    election_day_generate(mission=day.mission, seed=7)
    first = snapshot(day.mission)
    rows = (Answer.objects.count(), SubmissionRevision.objects.count())

    assert election_day_generate(mission=day.mission, seed=7) == 0
    assert snapshot(day.mission) == first
    assert (Answer.objects.count(), SubmissionRevision.objects.count()) == rows

    Submission.objects.all().delete()
    election_day_generate(mission=day.mission, seed=7)
    assert snapshot(day.mission) == first


def test_every_generated_form_passes_validation_and_has_its_rows(day):
    election_day_generate(mission=day.mission)

    for submission in Submission.objects.select_related("template"):
        payload = {key: value for key, value in submission.payload.items() if key != "template"}
        assert submission_validate(template=submission.template, payload=payload) == submission.payload["answers"]
        assert submission.revisions.count() == 1
        assert submission.answers.exists()


def test_times_fall_on_election_day_in_the_mission_time_zone(day):
    election_day_generate(mission=day.mission)
    opening = Submission.objects.filter(kind=FormKind.OPENING).first()
    local = opening.arrival_time.astimezone(zoneinfo.ZoneInfo("Asia/Almaty"))
    assert local.date() == day.mission.election_day and 6 <= local.hour < 7


def test_forms_arrive_when_observers_would_send_them(day):
    election_day_generate(mission=day.mission)
    zone = zoneinfo.ZoneInfo("Asia/Almaty")
    for submission in Submission.objects.filter(kind__in=[FormKind.VOTING, FormKind.COUNTING]):
        assert submission.departure_time < submission.received_at
        assert submission.received_at - submission.departure_time < datetime.timedelta(hours=4, minutes=1)
        assert submission.revisions.get().changed_at == submission.received_at
    weekly = Submission.objects.filter(kind=FormKind.LTO_WEEKLY).order_by("received_at")
    assert [s.received_at.astimezone(zone).date() < day.mission.election_day for s in weekly] == [True] * 4
