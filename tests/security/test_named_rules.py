"""Each named rule of the access layer (``access.verbs``), asked for every demo login of both demo missions.

The first demo mission's logins are made here as ``seed_demo`` makes them (hom, coordinator, analyst, lto, sto and
odihr, who follows it), on a small mission instead of the full one; the second demo mission is seeded as it is.
The login ``coordinator`` serves on both: a coordinator in the first, an LTO in the second.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from access import NAMED_RULES, Actor, Role, actor_for, system_actor
from observers.choices import MemberRole
from observers.models import Follower
from synthetic.demo import DEMO_SLUG, DEMO_USERS
from synthetic.second import SECOND_USERS, second_mission_seed
from tests.factories import MembershipFactory, MissionFactory, ObserverFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

HOM, COORDINATOR, ANALYST, LTO, STO, ODIHR = (
    Role.HEAD_OF_MISSION,
    Role.COORDINATOR,
    Role.ANALYST,
    Role.LTO,
    Role.STO,
    Role.ODIHR_STAFF,
)
CORE = {HOM, COORDINATOR, ANALYST, Role.CORE}
PLANNERS = {HOM, COORDINATOR}
MEMBERS = CORE | {LTO, STO}

# Which roles each rule lets through in their own mission; everyone else (and every role elsewhere) is refused.
EXPECTED: dict[str, set] = {
    "can_open_cockpit": CORE,
    "can_view_map": MEMBERS,
    "can_view_cases": MEMBERS,
    "can_follow_up_case": CORE,
    "can_read_personal_data": PLANNERS,
    "can_submit_forms": PLANNERS | {LTO, STO},  # observers seated in a team: every demo observer is
    "can_file_for_any_team": PLANNERS,
    "can_file_lto_reports": PLANNERS | {LTO},
    "can_correct_form": PLANNERS,
    "can_find_stations": CORE | {LTO, STO},  # observers seated in a team: every demo observer is
    "can_list_every_form": CORE,  # observers list their own team's forms (form_list_scope, below)
    "can_view_lto_area": CORE | {LTO},
    "can_view_urgent_incidents": CORE,  # asked about the mission; about a form, its own team too (below)
    "can_plan_deployment": PLANNERS,
    "can_compile": CORE,
    "can_read_published_runs": CORE | {ODIHR},
    "can_publish": {HOM, ANALYST},
    "can_resolve_conflicts": PLANNERS,
    "can_view_results": CORE,
    "can_import_results": PLANNERS,
    "can_import_stations": PLANNERS,
    "can_import_roster": PLANNERS,
    "can_lock_phases": PLANNERS,
    "can_preview_checklist": PLANNERS,
    "can_name_head_of_mission": {HOM},
}
FIRST_MEMBERSHIPS = {
    HOM: (MemberRole.HEAD_OF_MISSION, ""),
    COORDINATOR: (MemberRole.CORE_TEAM, "lto_coordinator"),
    ANALYST: (MemberRole.CORE_TEAM, "statistical_analyst"),
    LTO: (MemberRole.LTO, ""),
    STO: (MemberRole.STO, ""),
}


def _first_demo_mission():
    """The first demo mission's logins, each holding the role seed_demo gives it."""
    mission = MissionFactory(slug=DEMO_SLUG, name="Kazakhstan 2019")
    nationalities = iter(("DE", "FR", "SE", "NO", "FI", "DK"))
    for username, role, _who, _description in DEMO_USERS:
        user = UserFactory(username=username)
        if role == ODIHR:
            Follower.objects.create(mission=mission, user=user)
            continue
        member_role, function = FIRST_MEMBERSHIPS[role]
        membership = MembershipFactory(
            mission=mission,
            observer=ObserverFactory(mission=mission, user=user, nationality=next(nationalities)),
            role=member_role,
            core_function=function,
        )
        if role in (LTO, STO):
            team = TeamFactory(mission=mission, kind="lto" if role == LTO else "sto", code=f"{role.upper()}-01")
            team.members.create(membership=membership)
    return mission


@pytest.fixture(scope="module")
def demo(module_transaction):
    """Both demo missions and every demo login's Actor in each: {(mission key, username): Actor or None}.

    Built once for the module (the rules only read them; each test's own writes are rolled back after it).
    """
    first = _first_demo_mission()
    second = second_mission_seed()
    users = get_user_model().objects
    logins = {username for username, *_rest in DEMO_USERS} | {username for username, *_rest in SECOND_USERS}
    actors = {}
    for key, mission in (("first", first), ("second", second)):
        for username in sorted(logins):
            actors[(key, username)] = actor_for(users.get(username=username), mission, followers=True)
    return {"first": first, "second": second}, actors


def test_every_named_rule_has_a_row_here():
    assert {rule.__name__ for rule in NAMED_RULES} == set(EXPECTED)


def test_the_demo_logins_hold_the_roles_the_demo_prints(demo):
    missions, actors = demo
    for username, role, *_rest in DEMO_USERS:
        assert actors[("first", username)].role == role, username
    for username, role, _description in SECOND_USERS:
        assert actors[("second", username)].role == role, username
    assert actors[("second", "odihr")] is None  # follows the first mission only
    assert actors[("first", "hom2")] is None


@pytest.mark.parametrize("rule", NAMED_RULES, ids=lambda rule: rule.__name__)
def test_each_rule_lets_through_exactly_its_roles_in_their_own_mission_and_nobody_in_the_other(demo, rule):
    missions, actors = demo
    wrong = []
    for (key, username), actor in actors.items():
        own = missions[key]
        other = missions["second" if key == "first" else "first"]
        expected = actor is not None and actor.role in EXPECTED[rule.__name__]
        if rule(actor, own) != expected:
            wrong.append(f"{username} in the {key} mission: {not expected}, expected {expected}")
        if rule(actor, own.pk) != expected:
            wrong.append(f"{username} in the {key} mission, asked by id: {not expected}, expected {expected}")
        if actor is not None and rule(actor, other):
            wrong.append(f"{username}'s role in the {key} mission lets them into the other mission")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("rule", NAMED_RULES, ids=lambda rule: rule.__name__)
def test_each_rule_answers_for_a_row_of_the_mission_as_for_the_mission(demo, rule):
    missions, actors = demo
    coordinator, analyst = actors[("first", "coordinator")], actors[("first", "analyst")]
    row = Actor(user_id=0, mission_id=missions["first"].pk, role=STO)  # anything with a mission_id
    assert rule(coordinator, row) == rule(coordinator, missions["first"])
    assert rule(analyst, row) == rule(analyst, missions["first"])


@pytest.mark.parametrize("rule", NAMED_RULES, ids=lambda rule: rule.__name__)
def test_nobody_signed_out_and_the_system_actor_everywhere(demo, rule):
    missions, _actors = demo
    for mission in missions.values():
        assert rule(None, mission) is False
        assert rule(system_actor(mission), mission) is True
        assert (
            rule(system_actor(mission), missions["first"] if mission == missions["second"] else missions["second"])
            is False
        )


def test_a_form_is_corrected_by_its_own_team_and_the_missions_coordinators_only(demo):
    from types import SimpleNamespace

    from access import can_correct_form

    missions, actors = demo
    for key, observer in (("first", "sto"), ("first", "lto"), ("second", "sto2"), ("second", "coordinator")):
        actor = actors[(key, observer)]
        own_form = SimpleNamespace(mission_id=missions[key].pk, team_id=actor.team_id)
        other_team = SimpleNamespace(mission_id=missions[key].pk, team_id=actor.team_id + 1000)
        assert can_correct_form(actor, own_form), observer
        assert not can_correct_form(actor, other_team), observer
    for key, username in (("first", "coordinator"), ("first", "hom"), ("second", "coordinator2")):
        form = SimpleNamespace(mission_id=missions[key].pk, team_id=None)
        assert can_correct_form(actors[(key, username)], form)
    assert not can_correct_form(
        actors[("first", "analyst")], SimpleNamespace(mission_id=missions["first"].pk, team_id=1)
    )


def test_the_form_list_shows_the_core_team_every_form_and_an_observer_their_own_teams_only(demo):
    from django.db.models import Q

    from access import form_list_scope
    from access.rules import NOTHING

    missions, actors = demo
    wrong = []
    for (key, username), actor in actors.items():
        if actor is None:
            continue
        if actor.role in CORE:
            expected = Q()
        elif actor.role in (LTO, STO):
            expected = Q(team_id=actor.team_id) if actor.team_id is not None else NOTHING
        else:  # ODIHR staff following the mission: no team of theirs
            expected = NOTHING
        if form_list_scope(actor) != expected:
            wrong.append(
                f"{username} ({actor.role}) in the {key} mission: {form_list_scope(actor)}, expected {expected}"
            )
    observers = [actor for actor in actors.values() if actor is not None and actor.role in (LTO, STO)]
    assert observers and all(actor.team_id is not None for actor in observers)  # every demo observer is seated
    assert not wrong, "\n".join(wrong)


# ------------------------------------------------------------------------------------------------ where they are asked


def test_the_station_import_itself_refuses_whoever_may_not_import(demo):
    from missions.imports import stations_import
    from missions.models import PollingStation

    missions, actors = demo
    upload = b"region,tec,number,name,address,registered_voters\nNorth,N-1,1,School,1 Street,100\n"
    for username in ("analyst", "lto", "sto", "odihr"):
        with pytest.raises(PermissionDenied):
            stations_import(
                actor=actors[("first", username)], mission=missions["first"], upload=upload, filename="s.csv"
            )
    with pytest.raises(PermissionDenied):  # a coordinator of the second mission, importing into the first
        stations_import(
            actor=actors[("second", "coordinator2")], mission=missions["first"], upload=upload, filename="s.csv"
        )
    assert not PollingStation.objects.filter(mission=missions["first"]).exists()


def _mission_form(client, mission, **changes):
    from django.forms.models import model_to_dict

    data = {key: value for key, value in model_to_dict(mission).items() if value is not None}
    data.update(changes)
    for name in ("candidates", "other_time_zones", "local_languages"):
        if name in data:
            import json

            data[name] = json.dumps(data[name])
    return client.post(f"/admin/missions/mission/{mission.pk}/change/", data)


def test_only_the_head_of_mission_names_the_head_of_mission_in_the_admin(demo, client):
    from missions.models import Mission
    from observers.models import Observer

    missions, _actors = demo
    mission = missions["first"]
    hom = Observer.objects.get(user__username="hom")
    analyst = Observer.objects.get(user__username="analyst")
    Mission.objects.filter(pk=mission.pk).update(head_of_mission=hom)
    mission.refresh_from_db()

    client.force_login(get_user_model().objects.get(username="coordinator"))
    page = client.get(f"/admin/missions/mission/{mission.pk}/change/")
    assert page.status_code == 200 and 'name="head_of_mission"' not in page.content.decode()
    response = _mission_form(client, mission, head_of_mission=analyst.pk, name="Kazakhstan 2019 (renamed)")
    assert response.status_code == 302, response.content.decode()[:500]
    mission.refresh_from_db()
    assert mission.name == "Kazakhstan 2019 (renamed)"  # the rest of the form is theirs to change
    assert mission.head_of_mission_id == hom.pk

    client.force_login(get_user_model().objects.get(username="hom"))
    assert 'name="head_of_mission"' in client.get(f"/admin/missions/mission/{mission.pk}/change/").content.decode()
    response = _mission_form(client, mission, head_of_mission=analyst.pk)
    assert response.status_code == 302, response.content.decode()[:500]
    mission.refresh_from_db()
    assert mission.head_of_mission_id == analyst.pk


def test_the_results_import_itself_refuses_a_person_who_may_not_import(demo):
    from results.imports import results_import
    from results.models import ResultsVersion

    missions, _actors = demo
    users = get_user_model().objects
    upload = b"region,number,registered_voters\nNorth,1,100\n"
    for username in ("analyst", "lto", "sto", "odihr", "coordinator2"):
        with pytest.raises(PermissionDenied):
            results_import(
                mission=missions["first"], upload=upload, filename="r.csv", user=users.get(username=username)
            )
    assert not ResultsVersion.objects.filter(mission=missions["first"]).exists()
