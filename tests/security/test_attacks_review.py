"""Attacks tried with a real account of one mission against another mission, each closed and kept closed.

Actors: `coordinator` coordinates Kazakhstan 2019 (the actors' mission); `outsider_coordinator` coordinates
Kyrgyzstan 2021 (the other mission) and holds no role in Kazakhstan.
"""

from __future__ import annotations

import re

import pytest

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
    MembershipFactory(mission=mission, observer=ObserverFactory(nationality="FR"))
    MembershipFactory(mission=other_mission, observer=ObserverFactory(nationality="MT"))
    MembershipFactory(mission=other_mission, observer=ObserverFactory(nationality="CY"))
    client.force_login(coordinator)

    response = client.get("/admin/observers/membership/")

    assert response.status_code == 200
    # The coordinator's own mission holds a Swede (the coordinator) and a Frenchwoman; Malta and Cyprus serve only
    # on the other mission, whose roster this coordinator may not know.
    assert _nationalities_offered(response.content.decode()) == {"SE", "FR"}


def test_coordinator_filtering_memberships_by_nationality_finds_their_own_missions_people(
    client, mission, other_mission, coordinator
):
    own = MembershipFactory(mission=mission, observer=ObserverFactory(nationality="FR", full_name="Amélie Own"))
    MembershipFactory(mission=other_mission, observer=ObserverFactory(nationality="FR", full_name="Zoé Other"))
    client.force_login(coordinator)

    response = client.get("/admin/observers/membership/", {"observer__nationality": "FR"})

    assert response.status_code == 200
    html = response.content.decode()
    assert own.observer.full_name in html
    assert "Zoé Other" not in html
