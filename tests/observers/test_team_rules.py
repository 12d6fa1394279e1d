import pytest
from django.core.exceptions import ValidationError

from observers.choices import MemberRole, TeamKind
from observers.models import Team, TeamMember
from observers.services import team_create
from tests.factories import MembershipFactory, ObserverFactory, team_with_members

pytestmark = pytest.mark.django_db


def _member(mission, nationality="DE", role=MemberRole.STO, **kwargs):
    return MembershipFactory(
        mission=mission, observer=ObserverFactory(mission=mission, nationality=nationality, **kwargs), role=role
    )


def test_it_creates_a_multinational_team_of_two(mission):
    team = team_create(
        mission=mission, kind=TeamKind.STO, code="STO-001", members=[_member(mission, "DE"), _member(mission, "FR")]
    )
    assert team.members.count() == 2


def test_it_refuses_two_members_of_the_same_nationality(mission):
    with pytest.raises(ValidationError, match="must be multinational"):
        team_create(
            mission=mission, kind=TeamKind.STO, code="STO-001", members=[_member(mission, "DE"), _member(mission, "DE")]
        )
    assert not Team.objects.exists()


def test_it_refuses_a_host_country_national(mission):
    with pytest.raises(ValidationError, match="national of the host country"):
        team_create(
            mission=mission, kind=TeamKind.STO, code="STO-001", members=[_member(mission, "KZ"), _member(mission, "FR")]
        )


def test_it_refuses_a_team_of_one_or_three(mission):
    with pytest.raises(ValidationError, match="exactly 2 members"):
        team_create(mission=mission, kind=TeamKind.STO, code="STO-001", members=[_member(mission, "DE")])
    with pytest.raises(ValidationError, match="exactly 2 members"):
        team_create(
            mission=mission,
            kind=TeamKind.STO,
            code="STO-001",
            members=[_member(mission, "DE"), _member(mission, "FR"), _member(mission, "IT")],
        )


def test_it_refuses_an_lto_in_an_sto_team(mission):
    with pytest.raises(ValidationError, match="cannot sit in an STO team"):
        team_create(
            mission=mission,
            kind=TeamKind.STO,
            code="STO-001",
            members=[_member(mission, "DE", role=MemberRole.LTO), _member(mission, "FR")],
        )


def test_it_refuses_a_member_of_another_mission(mission):
    from tests.factories import MissionFactory

    other = MissionFactory()
    with pytest.raises(ValidationError, match="is not a member of"):
        team_create(
            mission=mission, kind=TeamKind.STO, code="STO-001", members=[_member(other, "DE"), _member(mission, "FR")]
        )


def test_it_refuses_an_observer_already_in_another_team(mission):
    team = team_with_members(mission=mission, code="STO-001")
    taken = team.members.first().membership
    with pytest.raises(ValidationError, match="already in team STO-001"):
        team_create(mission=mission, kind=TeamKind.STO, code="STO-002", members=[taken, _member(mission, "IT")])
    assert TeamMember.objects.count() == 2


def test_the_database_refuses_a_second_seat_for_one_membership(mission):
    from django.db import IntegrityError, transaction

    team = team_with_members(mission=mission, code="STO-001")
    other = team_with_members(mission=mission, code="STO-002")
    with pytest.raises(IntegrityError), transaction.atomic():
        TeamMember.objects.create(team=other, membership=team.members.first().membership)
