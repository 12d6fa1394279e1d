"""The second demo mission: small, idempotent, with its own people, and one person serving on both missions."""

import pytest
from django.core.management import call_command

from access import Role, actors_for
from missions.models import Mission
from observers.choices import MemberRole
from observers.models import Membership, Observer, Team
from observers.services import team_check
from synthetic.second import SECOND_SLUG, SECOND_USERS, second_mission_seed
from tests.factories import MembershipFactory, ObserverFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def first_mission_coordinator(mission):
    """The first demo mission's LTO coordinator (login `coordinator`), as seed_demo leaves them."""
    user = UserFactory(username="coordinator")
    MembershipFactory(
        mission=mission,
        observer=ObserverFactory(mission=mission, user=user, nationality="CZ"),
        role=MemberRole.CORE_TEAM,
        core_function="lto_coordinator",
    )
    return user


def _counts(mission):
    return (
        mission.regions.count(),
        mission.polling_stations.count(),
        Membership.objects.filter(mission=mission).count(),
        Team.objects.filter(mission=mission).count(),
        Observer.objects.count(),
        mission.assignments.count(),
    )


def test_the_second_mission_is_small_valid_and_seeding_it_twice_changes_nothing(first_mission_coordinator):
    mission = second_mission_seed()
    first = _counts(mission)
    assert first[:4] == (3, 12, 9, 3)
    assert mission.assignments.count() == 2  # both STO teams are planned
    for team in Team.objects.filter(mission=mission):
        assert team_check(team=team) == [], team.code
    second_mission_seed()
    assert _counts(mission) == first


def test_each_demo_login_holds_its_role_in_the_second_mission_only(first_mission_coordinator, mission):
    second = second_mission_seed()
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    for username, role, _description in SECOND_USERS:
        held = {actor.mission_id: actor.role for actor in actors_for(users.get(username=username))}
        assert held[second.pk] == role, username
    shared = {actor.mission_id: actor.role for actor in actors_for(users.get(username="coordinator"))}
    assert shared == {mission.pk: Role.COORDINATOR, second.pk: Role.LTO}
    # One login, a record of the person in each mission (each mission's own details).
    records = Observer.objects.filter(user__username="coordinator").order_by("mission_id")
    assert [record.mission_id for record in records] == sorted([mission.pk, second.pk])
    assert len({record.email for record in records}) == 1


def test_demo_logins_prints_both_missions_users(first_mission_coordinator, capsys, monkeypatch):
    import synthetic.management.commands.demo_logins as command

    second_mission_seed()
    monkeypatch.setattr(command, "DEMO_SLUG", SECOND_SLUG)  # the first mission is the test's own here
    call_command("demo_logins")
    printed = capsys.readouterr().out
    for username, _role, _description in SECOND_USERS:
        assert f"  {username} " in printed
    assert Mission.objects.filter(slug=SECOND_SLUG).count() == 1
