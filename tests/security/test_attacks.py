"""The attacks an account holder of one mission tried against another (issue "One access layer, roles held per
mission"), each replayed: every one is refused and changes nothing, checked in the database."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client
from django.urls import reverse

from access import system_actor
from observers.imports import roster_import
from observers.models import Membership, Observer
from reports.models import ReportRun
from tests.factories import MembershipFactory, ObserverFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(two):
    """A person on both rosters, with one login: an LTO in mission A, an STO in mission B (each mission's own record,
    the same address). Returns mission A's record; mission B's is ``shared.elsewhere``."""
    user = UserFactory(username="shared")
    records = {}
    for side, role in ((two.a, "lto"), (two.b, "sto")):
        records[side.key] = ObserverFactory(
            mission=side.mission, full_name="Shared Person", nationality="LT", email="shared@example.org", user=user
        )
        MembershipFactory(mission=side.mission, observer=records[side.key], role=role)
    person = records["a"]
    person.elsewhere = records["b"]
    return person


def signed_in(two, role: str) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(two.users[role])
    return client


def _inline_data(observer, memberships, *, extra=None, delete=()) -> dict:
    """The observer change form as the admin posts it, with the membership inline rows given."""
    data = {
        "full_name": observer.full_name,
        "gender": observer.gender,
        "nationality": observer.nationality.code,
        "email": observer.email,
        "phone": observer.phone,
        "passport_number": observer.passport_number,
        "date_of_birth": observer.date_of_birth.isoformat() if observer.date_of_birth else "",
        "languages-TOTAL_FORMS": "0",
        "languages-INITIAL_FORMS": "0",
        "languages-MIN_NUM_FORMS": "0",
        "languages-MAX_NUM_FORMS": "1000",
    }
    rows = [*memberships, *([extra] if extra else [])]
    data.update(
        {
            "memberships-TOTAL_FORMS": str(len(rows)),
            "memberships-INITIAL_FORMS": str(len(memberships)),
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
        }
    )
    for index, row in enumerate(rows):
        prefix = f"memberships-{index}"
        data[f"{prefix}-observer"] = observer.pk
        if isinstance(row, Membership):
            data.update(
                {
                    f"{prefix}-id": row.pk,
                    f"{prefix}-mission": row.mission_id,
                    f"{prefix}-role": row.role,
                    f"{prefix}-core_function": row.core_function,
                    f"{prefix}-status": row.status,
                }
            )
            if row in delete:
                data[f"{prefix}-DELETE"] = "on"
        else:
            data.update({f"{prefix}-{name}": value for name, value in row.items()})
    return data


def _memberships():
    return sorted(Membership.objects.values_list("pk", "mission_id", "observer_id", "role", "core_function", "status"))


def test_a_coordinator_cannot_give_themselves_head_of_another_mission_through_the_observer_inline(two):
    coordinator = two.a.memberships["coordinator"]
    before = _memberships()
    client = signed_in(two, "a_coordinator")
    url = reverse("admin:observers_observer_change", args=[coordinator.observer_id])
    extra = {"mission": two.b.mission.pk, "role": "head_of_mission", "core_function": "", "status": "accredited"}
    response = client.post(url, _inline_data(coordinator.observer, [coordinator], extra=extra))
    assert response.status_code in (200, 403)
    assert _memberships() == before
    assert not Membership.objects.filter(mission=two.b.mission, observer=coordinator.observer).exists()


def test_the_observer_inline_neither_shows_nor_deletes_another_missions_membership_of_a_shared_person(two, shared):
    client = signed_in(two, "a_coordinator")
    url = reverse("admin:observers_observer_change", args=[shared.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert two.b.mission.name not in page.content.decode()
    theirs = reverse("admin:observers_observer_change", args=[shared.elsewhere.pk])
    assert client.get(theirs).status_code != 200
    elsewhere = Membership.objects.get(mission=two.b.mission, observer=shared.elsewhere)
    before = _memberships()
    client.post(url, _inline_data(shared, [elsewhere], delete=[elsewhere]))
    client.post(theirs, _inline_data(shared.elsewhere, [elsewhere], delete=[elsewhere]))
    assert _memberships() == before


def test_a_coordinator_cannot_enrol_another_missions_observer_through_the_api(two):
    client = signed_in(two, "a_coordinator")
    theirs = two.b.spares[0].observer
    forged = client.post(
        "/api/memberships/",
        json.dumps({"mission": two.a.mission.slug, "observer": theirs.pk, "role": "sto"}),
        content_type="application/json",
    )
    unknown = client.post(
        "/api/memberships/",
        json.dumps({"mission": two.a.mission.slug, "observer": 10**8, "role": "sto"}),
        content_type="application/json",
    )
    assert forged.status_code == unknown.status_code == 400
    assert forged.json()["observer"][0].replace(str(theirs.pk), "?") == unknown.json()["observer"][0].replace(
        str(10**8), "?"
    )
    assert not Membership.objects.filter(mission=two.a.mission, observer=theirs).exists()
    assert client.get(f"/api/observers/{theirs.pk}/").status_code == 404


def _roster(*rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["full_name", "gender", "nationality", "email", "role"])
    writer.writerows(rows)
    return buffer.getvalue().encode()


def test_a_roster_import_never_renames_a_person_of_another_mission(two):
    theirs = two.b.spares[0].observer
    name, nationality = theirs.full_name, theirs.nationality.code
    coordinator = two.users["a_coordinator"]
    from access import actor_for

    report = roster_import(
        actor=actor_for(coordinator, two.a.mission),
        mission=two.a.mission,
        upload=_roster(["Renamed Person", "female", "ES", theirs.email, "sto"]),
        filename="roster.csv",
    )
    theirs.refresh_from_db()
    assert (theirs.full_name, theirs.nationality.code) == (name, nationality)
    assert not Membership.objects.filter(mission=two.a.mission, observer=theirs).exists()
    # Mission A records its own person with that address, as it would for an address nobody uses.
    assert report.ok and (report.created, report.updated) == (1, 0)
    ours = Observer.objects.get(mission=two.a.mission, email=theirs.email)
    assert (ours.full_name, ours.memberships.get().mission) == ("Renamed Person", two.a.mission)
    assert two.b.mission.name not in report.summary() + " ".join(str(error) for error in report.errors)


def test_a_roster_import_changes_only_this_missions_record_of_a_shared_person(two, shared):
    report = roster_import(
        actor=system_actor(two.a.mission),
        mission=two.a.mission,
        upload=_roster(["Another Name", "male", "ES", shared.email, "sto"]),
        filename="roster.csv",
    )
    assert report.ok, report.errors
    assert (report.created, report.updated) == (0, 1)
    shared.refresh_from_db()
    assert (shared.full_name, shared.nationality.code) == ("Another Name", "ES")
    theirs = Observer.objects.get(pk=shared.elsewhere.pk)
    assert (theirs.full_name, theirs.nationality.code, theirs.gender) == (
        "Shared Person",
        "LT",
        shared.elsewhere.gender,
    )
    assert Membership.objects.get(mission=two.b.mission, observer=theirs).role == "sto"


def test_a_coordinator_cannot_make_their_own_membership_head_of_mission_and_lift_the_embargo(two):
    client = signed_in(two, "a_coordinator")
    own = two.a.memberships["coordinator"]
    response = client.patch(
        f"/api/memberships/{own.pk}/",
        json.dumps({"role": "head_of_mission", "core_function": ""}),
        content_type="application/json",
    )
    assert response.status_code == 403
    own.refresh_from_db()
    assert (own.role, own.core_function) == ("core_team", "lto_coordinator")
    published = client.post(reverse("reports:run_publish", args=[two.a.run.pk]))
    assert published.status_code in (403, 404)
    assert not ReportRun.objects.get(pk=two.a.run.pk).published


def test_nobody_grants_a_role_above_their_own_nor_changes_a_higher_one(two):
    client = signed_in(two, "a_coordinator")
    spare = two.a.spares[0]
    raised = client.patch(
        f"/api/memberships/{spare.pk}/", json.dumps({"role": "head_of_mission"}), content_type="application/json"
    )
    head = two.a.memberships["hom"]
    demoted = client.patch(f"/api/memberships/{head.pk}/", json.dumps({"role": "sto"}), content_type="application/json")
    assert raised.status_code == 403 and demoted.status_code == 403
    assert Membership.objects.get(pk=spare.pk).role == "sto"
    assert Membership.objects.get(pk=head.pk).role == "head_of_mission"


def test_filters_never_answer_with_other_missions_people_nor_tell_which_slugs_exist(two, shared):
    client = signed_in(two, "a_coordinator")
    forged = client.get("/api/observers/", {"mission": two.b.mission.slug})
    unknown = client.get("/api/observers/", {"mission": "no-such-mission"})
    assert forged.status_code == unknown.status_code == 400
    assert forged.json()["mission"][0].replace(two.b.mission.slug, "?") == unknown.json()["mission"][0].replace(
        "no-such-mission", "?"
    )
    stos = {row["full_name"] for row in client.get("/api/observers/", {"role": "sto"}).json()["results"]}
    assert "Shared Person" not in stos  # an STO only in mission B; an LTO here
    people = client.get("/api/observers/", {"page_size": 1000}).json()["results"]
    assert {row["id"] for row in people} <= set(
        Observer.objects.filter(mission=two.a.mission).values_list("pk", flat=True)
    )
    memberships = client.get("/api/memberships/", {"mission": two.b.mission.slug})
    assert memberships.status_code == 400
