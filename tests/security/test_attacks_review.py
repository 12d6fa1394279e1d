"""Attacks tried with a real account of one mission against another mission, each closed and kept closed.

Actors: `coordinator` coordinates Kazakhstan 2019 (the actors' mission); `outsider_coordinator` coordinates
Kyrgyzstan 2021 (the other mission) and holds no role in Kazakhstan.
"""

from __future__ import annotations

import re

import pytest

from observers.models import Membership, Observer
from tests.factories import MembershipFactory, MissionFactory, ObserverFactory, core_team_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_mission():
    return MissionFactory(slug="kg-2021", name="Kyrgyzstan 2021", host_country="KG")


@pytest.fixture
def coordinator(mission):
    return core_team_user(mission, "coordinator", "lto_coordinator", nationality="SE")


@pytest.fixture
def outsider_coordinator(other_mission):
    return core_team_user(other_mission, "outsider_coordinator", "lto_coordinator", nationality="NO")


def _nationalities_offered(html: str) -> set[str]:
    return set(re.findall(r"observer__nationality=([A-Z]{2})", html))


def test_coordinator_is_offered_no_nationality_of_another_missions_people_in_the_membership_filter(
    client, mission, other_mission, coordinator
):
    MembershipFactory(mission=mission, observer=ObserverFactory(mission=mission, nationality="FR"))
    MembershipFactory(mission=other_mission, observer=ObserverFactory(mission=other_mission, nationality="MT"))
    MembershipFactory(mission=other_mission, observer=ObserverFactory(mission=other_mission, nationality="CY"))
    client.force_login(coordinator)

    response = client.get("/admin/observers/membership/")

    assert response.status_code == 200
    # The coordinator's own mission holds a Swede (the coordinator) and a Frenchwoman; Malta and Cyprus serve only
    # on the other mission, whose roster this coordinator may not know.
    assert _nationalities_offered(response.content.decode()) == {"SE", "FR"}


def test_coordinator_filtering_memberships_by_nationality_finds_their_own_missions_people(
    client, mission, other_mission, coordinator
):
    own = MembershipFactory(
        mission=mission, observer=ObserverFactory(mission=mission, nationality="FR", full_name="Amélie Own")
    )
    MembershipFactory(
        mission=other_mission, observer=ObserverFactory(mission=other_mission, nationality="FR", full_name="Zoé Other")
    )
    client.force_login(coordinator)

    response = client.get("/admin/observers/membership/", {"observer__nationality": "FR"})

    assert response.status_code == 200
    html = response.content.decode()
    assert own.observer.full_name in html
    assert "Zoé Other" not in html


def _person_form(email: str, memberships: list[dict], mission=None) -> dict:
    data = {
        "mission": str(mission.pk) if mission is not None else "",
        "full_name": "Nadia Newcomer",
        "gender": "female",
        "nationality": "DE",
        "email": email,
        "phone": "+49 30 555 0101",
        "passport_number": "C01X00T7",
        "languages-TOTAL_FORMS": "0",
        "languages-INITIAL_FORMS": "0",
        "memberships-TOTAL_FORMS": str(len(memberships)),
        "memberships-INITIAL_FORMS": "0",
    }
    for index, membership in enumerate(memberships):
        data.update({f"memberships-{index}-{name}": value for name, value in membership.items()})
    return data


def test_coordinator_cannot_create_a_person_outside_every_mission_through_the_admin(client, mission, coordinator):
    client.force_login(coordinator)
    people_before = Observer.objects.count()

    response = client.post("/admin/observers/observer/add/", _person_form("squatter@example.org", []))

    assert response.status_code == 200  # the form again, with its error
    assert Observer.objects.count() == people_before
    assert not Observer.objects.filter(email="squatter@example.org").exists()


def test_coordinator_creates_a_person_in_their_own_mission_through_the_admin(client, mission, coordinator):
    client.force_login(coordinator)
    membership = {"role": "sto", "status": "accredited"}

    response = client.post(
        "/admin/observers/observer/add/", _person_form("newcomer@example.org", [membership], mission=mission)
    )

    assert response.status_code == 302
    person = Observer.objects.get(email="newcomer@example.org")
    assert person.mission == mission
    assert list(person.memberships.values_list("mission_id", "role")) == [(mission.pk, "sto")]


@pytest.mark.parametrize("page", ["map/", "map/data/"])
def test_coordinator_of_another_mission_cannot_tell_from_the_map_that_a_mission_exists(
    client, mission, outsider_coordinator, page
):
    client.force_login(outsider_coordinator)

    existing = client.get(f"/cockpit/{mission.slug}/{page}")
    unknown = client.get(f"/cockpit/no-such-mission-2019/{page}")

    assert unknown.status_code == 404
    assert existing.status_code == unknown.status_code


def _inline_data(person, membership) -> dict:
    return {
        "full_name": person.full_name,
        "gender": person.gender,
        "nationality": str(person.nationality),
        "email": person.email,
        "phone": person.phone,
        "passport_number": person.passport_number,
        "date_of_birth": person.date_of_birth.isoformat(),
        "languages-TOTAL_FORMS": "0",
        "languages-INITIAL_FORMS": "0",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "1",
        "memberships-0-id": str(membership.pk),
        "memberships-0-observer": str(person.pk),
        "memberships-0-mission": str(membership.mission_id),
        "memberships-0-role": membership.role,
        "memberships-0-core_function": membership.core_function,
        "memberships-0-status": membership.status,
        "memberships-0-DELETE": "on",
    }


def test_coordinator_cannot_delete_the_head_of_missions_membership_from_the_persons_page(client, mission, coordinator):
    head = MembershipFactory(
        mission=mission, role="head_of_mission", observer=ObserverFactory(mission=mission, full_name="Hanna Head")
    )
    client.force_login(coordinator)

    response = client.post(f"/admin/observers/observer/{head.observer_id}/change/", _inline_data(head.observer, head))

    assert response.status_code == 200  # the form again, with its error
    assert Membership.objects.filter(pk=head.pk, role="head_of_mission").exists()


def test_coordinator_removes_an_observer_from_their_mission_on_the_persons_page(client, mission, coordinator):
    sto = MembershipFactory(
        mission=mission, role="sto", observer=ObserverFactory(mission=mission, full_name="Sam Short")
    )
    client.force_login(coordinator)

    response = client.post(f"/admin/observers/observer/{sto.observer_id}/change/", _inline_data(sto.observer, sto))

    assert response.status_code == 302
    assert not Membership.objects.filter(pk=sto.pk).exists()
