"""A person's record belongs to the mission that recorded it: no mission learns whether an address is used elsewhere.

Mission B's coordinator records a person with an address that only mission A uses, through the API, the admin and a
roster import. The answer is the one an unused address gets, mission B gets its own record, and nothing of mission A
changes (the database is compared before and after). Within one mission an address is still refused twice, and one
login linked to a person's records in two missions opens each with the role held there.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from access import Role, actor_for, actors_for
from observers.imports import roster_import
from observers.models import Membership, Observer, ObserverLanguage
from tests.factories import MembershipFactory, ObserverFactory, UserFactory

pytestmark = pytest.mark.django_db

DUPLICATE = "This mission's roster already has a person with this e-mail address."


@pytest.fixture
def address_of_a(two) -> str:
    """An address used by one person of mission A and by nobody in mission B."""
    person = two.a.spares[0].observer
    ObserverLanguage.objects.create(observer=person, language="ru", level="fluent")
    assert not Observer.objects.filter(mission=two.b.mission, email__iexact=person.email).exists()
    return person.email


def signed_in(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def everything_but(mission) -> tuple:
    """Every person, language and membership outside one mission, as the database holds them."""
    return (
        sorted(Observer.objects.exclude(mission=mission).values_list()),
        sorted(ObserverLanguage.objects.exclude(observer__mission=mission).values_list()),
        sorted(Membership.objects.exclude(mission=mission).values_list()),
    )


def person(email: str, **extra) -> dict:
    return {
        "full_name": "Dana Newcomer",
        "gender": "female",
        "nationality": "ES",
        "email": email,
        "phone": "+34 600 000 000",
        **extra,
    }


# ------------------------------------------------------------------------------------------------ the API


def api_create(client, two, email: str):
    body = person(email, mission=two.b.mission.slug, role="sto")
    return client.post("/api/observers/", json.dumps(body), content_type="application/json")


def test_the_api_records_an_address_used_only_in_another_mission_as_it_records_an_unused_one(two, address_of_a):
    client = signed_in(two.users["b_coordinator"])
    before = everything_but(two.b.mission)

    used = api_create(client, two, address_of_a)
    unused = api_create(client, two, "nobody-uses-this@example.org")

    assert used.status_code == unused.status_code == 201
    strip = lambda body: {k: v for k, v in body.items() if k not in ("id", "email")}  # noqa: E731
    assert strip(used.json()) == strip(unused.json())
    assert everything_but(two.b.mission) == before
    ours = Observer.objects.get(pk=used.json()["id"])
    assert (ours.mission, ours.email, ours.user) == (two.b.mission, address_of_a, None)
    assert ours.memberships.get().mission == two.b.mission


def test_the_api_refuses_an_address_twice_in_one_mission_whatever_its_case(two):
    client = signed_in(two.users["b_coordinator"])
    theirs = two.b.spares[0].observer
    people_before = Observer.objects.count()

    response = api_create(client, two, theirs.email.upper())

    assert response.status_code == 400
    assert response.json() == {"email": [DUPLICATE]}
    assert Observer.objects.count() == people_before


def test_the_api_never_moves_a_record_to_another_mission(two):
    client = signed_in(two.users["b_coordinator"])
    ours = two.b.spares[0].observer
    response = client.patch(
        f"/api/observers/{ours.pk}/",
        json.dumps({"mission": two.a.mission.slug, "phone": "+1 555 0199"}),
        content_type="application/json",
    )
    ours.refresh_from_db()
    assert response.status_code in (200, 400)
    assert ours.mission == two.b.mission


# ------------------------------------------------------------------------------------------------ the admin


def admin_add(client, two, email: str):
    data = {
        **person(email),
        "mission": str(two.b.mission.pk),
        "passport_number": "",
        "date_of_birth": "",
        "languages-TOTAL_FORMS": "0",
        "languages-INITIAL_FORMS": "0",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-0-role": "sto",
        "memberships-0-status": "accredited",
    }
    return client.post("/admin/observers/observer/add/", data)


def test_the_admin_records_an_address_used_only_in_another_mission_as_it_records_an_unused_one(two, address_of_a):
    client = signed_in(two.users["b_coordinator"])
    before = everything_but(two.b.mission)

    used = admin_add(client, two, address_of_a)
    unused = admin_add(client, two, "nobody-uses-this@example.org")

    assert used.status_code == unused.status_code == 302
    assert used["Location"] == unused["Location"]
    assert everything_but(two.b.mission) == before
    ours = Observer.objects.get(mission=two.b.mission, email=address_of_a)
    assert ours.memberships.get().mission == two.b.mission


def test_the_admin_refuses_an_address_twice_in_one_mission(two):
    client = signed_in(two.users["b_coordinator"])
    people_before = Observer.objects.count()

    response = admin_add(client, two, two.b.spares[0].observer.email.title())

    assert response.status_code == 200  # the form again, with the message next to the address
    assert DUPLICATE.replace("'", "&#x27;") in response.content.decode()
    assert Observer.objects.count() == people_before


def test_the_admin_chooses_the_mission_for_someone_who_records_people_in_one_mission_only(two):
    """The choice offered is the one the access layer allows: a coordinator's own mission, never the other one."""
    response = signed_in(two.users["b_coordinator"]).get("/admin/observers/observer/add/")
    field = response.context["adminform"].form["mission"]
    assert response.status_code == 200
    assert field.value() == two.b.mission.pk
    assert [choice.pk for choice in field.field.queryset] == [two.b.mission.pk]

    superuser = UserFactory(username="root-of-both", is_superuser=True, is_staff=True)
    assert (
        signed_in(superuser).get("/admin/observers/observer/add/").context["adminform"].form["mission"].value() is None
    )


def test_a_coordinator_neither_links_nor_unlinks_a_login(two):
    """Linking a login is a superuser's step: the coordinator's form keeps the link as it is, whatever is posted."""
    client = signed_in(two.users["b_coordinator"])
    ours = two.b.spares[0].observer
    owner = UserFactory(username="owner-of-the-record")
    Observer.objects.filter(pk=ours.pk).update(user=owner)
    victim = two.users["a_hom"]
    data = {
        **person(ours.email),
        "user": str(victim.pk),
        "passport_number": ours.passport_number,
        "date_of_birth": "",
        "languages-TOTAL_FORMS": "0",
        "languages-INITIAL_FORMS": "0",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }

    response = client.post(f"/admin/observers/observer/{ours.pk}/change/", data)

    assert response.status_code == 302  # the rest of the change is saved
    ours.refresh_from_db()
    assert (ours.user, ours.phone) == (owner, "+34 600 000 000")
    assert actor_for(victim, two.b.mission) is None


# ------------------------------------------------------------------------------------------------ roster imports


def roster(*rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["full_name", "gender", "nationality", "email", "role", "languages"])
    writer.writerows(rows)
    return buffer.getvalue().encode()


def import_into_b(two, email: str, name: str = "Dana Newcomer"):
    return roster_import(
        actor=actor_for(two.users["b_coordinator"], two.b.mission),
        mission=two.b.mission,
        upload=roster([name, "female", "ES", email, "sto", "en:fluent"]),
        filename="roster.csv",
    )


def test_a_roster_import_records_an_address_used_only_in_another_mission_as_an_unused_one(two, address_of_a):
    before = everything_but(two.b.mission)

    used = import_into_b(two, address_of_a.upper())
    unused = import_into_b(two, "nobody-uses-this@example.org")

    assert used.ok and unused.ok
    assert (
        (used.created, used.updated, used.unchanged) == (unused.created, unused.updated, unused.unchanged) == (1, 0, 0)
    )
    assert used.summary() == unused.summary()
    assert everything_but(two.b.mission) == before
    ours = Observer.objects.get(mission=two.b.mission, email=address_of_a.lower())
    assert list(ours.languages.values_list("language", flat=True)) == ["en"]


def test_a_roster_import_updates_this_missions_person_with_the_address_and_nobody_elsewhere(two, address_of_a):
    ours = ObserverFactory(mission=two.b.mission, email=address_of_a, full_name="Old Name")
    MembershipFactory(mission=two.b.mission, observer=ours)
    before = everything_but(two.b.mission)

    report = import_into_b(two, address_of_a, name="New Name")

    assert report.ok and (report.created, report.updated) == (0, 1)
    ours.refresh_from_db()
    assert ours.full_name == "New Name"
    assert everything_but(two.b.mission) == before


def test_a_roster_import_refuses_an_address_twice_in_the_file(two):
    report = roster_import(
        actor=actor_for(two.users["b_coordinator"], two.b.mission),
        mission=two.b.mission,
        upload=roster(
            ["One", "female", "ES", "twice@example.org", "sto", ""],
            ["Two", "male", "PT", "twice@example.org", "sto", ""],
        ),
        filename="roster.csv",
    )
    assert not report.ok
    assert any("appears twice" in str(error) for error in report.errors)
    assert not Observer.objects.filter(email="twice@example.org").exists()


# ------------------------------------------------------------------------------------------------ the database


def test_the_database_keeps_an_address_once_per_mission_and_allows_it_in_another(two, address_of_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        ObserverFactory(mission=two.a.mission, email=address_of_a.upper())
    ObserverFactory(mission=two.b.mission, email=address_of_a)
    assert Observer.objects.filter(email__iexact=address_of_a).count() == 2


def test_a_login_holds_one_record_per_mission_and_a_record_one_membership(two):
    user = two.users["a_coordinator"]
    with pytest.raises(IntegrityError), transaction.atomic():
        ObserverFactory(mission=two.a.mission, user=user)
    record = two.a.spares[0].observer
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(mission=two.a.mission, observer=record, role="lto")


def test_a_membership_outside_its_records_mission_opens_nothing(two):
    """Written past the services (they refuse it), such a row still gives no role: the Actor ignores it."""
    user = UserFactory(username="slipped")
    record = ObserverFactory(mission=two.a.mission, user=user)
    Membership.objects.create(mission=two.b.mission, observer=record, role="head_of_mission")
    assert actor_for(user, two.b.mission) is None
    assert actors_for(user) == []


# ------------------------------------------------------------------------------------- one login, two missions


@pytest.fixture
def serving_on_both(two):
    """One person with a record in each mission linked to one login: coordinator in A, STO in B."""
    user = UserFactory(username="both")
    for side, role, function in ((two.a, "core_team", "lto_coordinator"), (two.b, "sto", "")):
        record = ObserverFactory(mission=side.mission, user=user, email="both@example.org", nationality="EE")
        MembershipFactory(mission=side.mission, observer=record, role=role, core_function=function)
    return user


def test_one_login_on_two_missions_holds_the_right_role_in_each(two, serving_on_both):
    roles = {actor.mission_id: actor.role for actor in actors_for(serving_on_both)}
    assert roles == {two.a.mission.pk: Role.COORDINATOR, two.b.mission.pk: Role.STO}


def test_one_login_on_two_missions_signs_in_once_and_works_in_each_with_that_role(two, serving_on_both):
    client = Client(raise_request_exception=False)
    assert client.login(username="both", password="correct horse battery")

    missions = {row["slug"] for row in client.get("/api/missions/").json()["results"]}
    assert missions == {two.a.mission.slug, two.b.mission.slug}

    people = {row["id"] for row in client.get("/api/observers/", {"page_size": 1000}).json()["results"]}
    assert set(Observer.objects.filter(mission=two.a.mission).values_list("pk", flat=True)) <= people
    assert two.b.spares[0].observer_id not in people  # an STO outside their team in mission B

    phone = json.dumps({"phone": "+1 555 0142"})
    ours = client.patch(f"/api/observers/{two.a.spares[0].observer_id}/", phone, content_type="application/json")
    theirs = client.patch(f"/api/observers/{two.b.spares[0].observer_id}/", phone, content_type="application/json")
    assert ours.status_code == 200
    assert theirs.status_code == 404
    assert Observer.objects.get(pk=two.b.spares[0].observer_id).phone != "+1 555 0142"


@pytest.mark.parametrize("path", ["/cockpit/", "/"])
def test_a_page_listing_a_logins_missions_reads_its_memberships_once(two, path):
    """Each mission's Actor comes from the request's one reading of the login's memberships, not one per mission."""
    user = two.users["a_coordinator"]
    record = ObserverFactory(mission=two.b.mission, user=user, nationality="EE")
    MembershipFactory(mission=two.b.mission, observer=record, role="core_team", core_function="deputy_head")
    client = signed_in(user)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)

    assert response.status_code == 200
    memberships = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith('SELECT "observers_membership"."id", "observers_membership"."mission_id"')
    ]
    assert len(memberships) == 1, memberships
