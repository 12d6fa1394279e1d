"""Observers, memberships, teams and form templates over the API: personal data, scopes and the team rules."""

import pytest

from observers.choices import MemberRole
from observers.models import PERSONAL_FIELDS, Membership, Observer, Team
from tests.factories import MembershipFactory, ObserverFactory

pytestmark = pytest.mark.django_db


def names(response):
    return {row["full_name"] for row in response.json()["results"]}


def codes(response):
    return {row["code"] for row in response.json()["results"]}


def test_coordinators_see_observers_personal_data(world):
    rows = world.client("coordinator").get("/api/observers/").json()["results"]
    assert rows and all(set(PERSONAL_FIELDS) <= set(row) for row in rows)


@pytest.mark.parametrize("actor", ["analyst", "lto", "sto"])
def test_nobody_else_sees_observers_personal_data(world, actor):
    response = world.client(actor).get("/api/observers/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert rows
    assert all(not set(PERSONAL_FIELDS) & set(row) for row in rows)


def test_odihr_staff_get_no_roster_at_all(world):
    assert world.client("odihr").get("/api/observers/").status_code == 403
    assert world.client("odihr").get("/api/memberships/").status_code == 403


def test_an_sto_sees_only_its_own_team_on_the_roster(world):
    sto_observers = {seat.membership.observer.full_name for seat in world.sto_team.members.all()}
    assert names(world.client("sto").get("/api/observers/")) == sto_observers
    assert codes(world.client("sto").get("/api/teams/")) == {"STO-001"}


def test_an_lto_sees_its_team_and_the_sto_teams_of_its_area(world):
    assert codes(world.client("lto").get("/api/teams/")) == {"LTO-01", "STO-001"}


def test_an_outsider_sees_none_of_the_mission_roster(world):
    other = world.client("outsider")
    assert "STO-001" not in codes(other.get("/api/teams/"))
    assert other.get(f"/api/teams/{world.sto_team.pk}/").status_code == 404
    observer = world.sto_team.members.first().membership.observer
    assert other.get(f"/api/observers/{observer.pk}/").status_code == 404
    assert world.client("stranger").get("/api/teams/").status_code == 403


def test_a_coordinator_forms_a_team_through_the_team_rules(world):
    members = [
        MembershipFactory(
            mission=world.mission,
            observer=ObserverFactory(mission=world.mission, nationality=code),
            role=MemberRole.STO,
        )
        for code in ("NO", "FI")
    ]
    response = world.client("coordinator").post(
        "/api/teams/",
        {"mission": "kz-2019", "kind": "sto", "code": "STO-X10", "member_ids": [m.pk for m in members]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert {row["membership"] for row in response.json()["members"]} == {m.pk for m in members}


def test_a_team_breaking_the_rules_is_a_400_with_the_rules_messages(world):
    members = [
        MembershipFactory(
            mission=world.mission,
            observer=ObserverFactory(mission=world.mission, nationality="NO"),
            role=MemberRole.STO,
        )
        for _ in range(2)
    ]
    response = world.client("coordinator").post(
        "/api/teams/",
        {"mission": "kz-2019", "kind": "sto", "code": "STO-X11", "member_ids": [m.pk for m in members]},
        format="json",
    )
    assert response.status_code == 400
    assert any("must be multinational" in message for message in response.json()["non_field_errors"])
    assert not Team.objects.filter(code="STO-X11").exists()


def test_changing_members_applies_the_team_rules(world):
    taken = world.other_sto_team.members.first().membership
    mine = world.sto_team.members.first().membership
    response = world.client("coordinator").patch(
        f"/api/teams/{world.sto_team.pk}/", {"member_ids": [mine.pk, taken.pk]}, format="json"
    )
    assert response.status_code == 400
    assert any("already in team STO-002" in message for message in response.json()["non_field_errors"])


@pytest.mark.parametrize("actor", ["analyst", "lto", "sto", "odihr", "outsider"])
def test_only_coordinators_change_teams(world, actor):
    response = world.client(actor).patch(f"/api/teams/{world.sto_team.pk}/", {"notes": "moved"}, format="json")
    assert response.status_code in (403, 404)
    world.sto_team.refresh_from_db()
    assert world.sto_team.notes == ""


def test_a_coordinator_adds_an_observer_and_a_membership_refusing_host_nationals(world):
    client = world.client("coordinator")
    created = client.post(
        "/api/observers/",
        {
            "full_name": "Ana Lopez",
            "gender": "female",
            "nationality": "es",
            "email": "ana@example.org",
            "mission": "kz-2019",
            "role": "sto",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert Membership.objects.filter(observer_id=created.json()["id"], mission=world.mission, role="sto").exists()
    refused = client.post(
        "/api/observers/",
        {
            "full_name": "Local Person",
            "gender": "male",
            "nationality": "KZ",
            "email": "local@example.org",
            "mission": "kz-2019",
            "role": "sto",
        },
        format="json",
    )
    assert refused.status_code == 400
    assert "national of the host country" in refused.json()["observer"][0]
    assert not Observer.objects.filter(email="local@example.org").exists()


def test_nobody_is_added_to_the_roster_outside_every_mission(world):
    response = world.client("coordinator").post(
        "/api/observers/",
        {"full_name": "Nobody's", "gender": "female", "nationality": "ES", "email": "nobody@example.org"},
        format="json",
    )
    assert response.status_code == 400
    assert "mission" in response.json()
    assert not Observer.objects.filter(email="nobody@example.org").exists()


def test_only_coordinators_enrol_observers(world):
    observer = ObserverFactory(nationality="ES")
    for actor in ("analyst", "sto", "odihr", "outsider"):
        response = world.client(actor).post(
            "/api/memberships/", {"mission": "kz-2019", "observer": observer.pk, "role": "sto"}, format="json"
        )
        assert response.status_code in (400, 403), actor
    assert not observer.memberships.exists()


def test_observers_see_published_templates_with_their_questions(world, forms):
    from checklists.services import template_new_version

    template_new_version(template=forms["voting"])  # a draft the core team sees, observers do not
    sto = world.client("sto").get("/api/form-templates/", {"kind": "voting"}).json()["results"]
    core = world.client("analyst").get("/api/form-templates/", {"kind": "voting"}).json()["results"]
    assert [row["status"] for row in sto] == ["published"]
    assert sorted(row["status"] for row in core) == ["draft", "published"]
    questions = [q["code"] for section in sto[0]["sections"] for q in section["questions"]]
    assert "overall_assessment" in questions


@pytest.mark.parametrize("endpoint", ["/api/observers/", "/api/memberships/", "/api/teams/", "/api/form-templates/"])
def test_roster_lists_make_the_same_number_of_queries_as_the_roster_grows(
    world, forms, endpoint, django_assert_max_num_queries
):
    from tests.factories import team_with_members

    client = world.client("coordinator")
    with django_assert_max_num_queries(15) as small:
        assert client.get(endpoint).status_code == 200
    baseline = len(small)
    for number in range(12):
        team_with_members(mission=world.mission, code=f"STO-G{number}", nationalities=("IT", "FR"))
    with django_assert_max_num_queries(baseline):
        assert client.get(endpoint).status_code == 200


def test_roster_filters_by_nationality_role_and_region(world):
    client = world.client("coordinator")
    french = client.get("/api/observers/", {"nationality": "FR"}).json()["results"]
    assert french and {row["nationality"] for row in french} == {"FR"}
    stos = client.get("/api/memberships/", {"mission": "kz-2019", "role": "sto"}).json()["results"]
    assert len(stos) == 4
    assert codes(client.get("/api/teams/", {"region": world.north.pk})) == {"LTO-01", "STO-001"}
    assert codes(client.get("/api/teams/", {"kind": "lto"})) == {"LTO-01"}
    assert client.get("/api/observers/", {"nationality": "XX"}).status_code == 400
