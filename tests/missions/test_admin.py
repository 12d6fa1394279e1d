import pytest
from django.urls import reverse

from observers.choices import MemberRole
from tests.factories import (
    MembershipFactory,
    ObserverFactory,
    PollingStationFactory,
    UserFactory,
    team_with_members,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(mission):
    user = UserFactory(username="coordinator")
    MembershipFactory(
        mission=mission,
        observer=ObserverFactory(mission=mission, user=user, nationality="SE"),
        role=MemberRole.CORE_TEAM,
        core_function="lto_coordinator",
    )
    return user


@pytest.fixture
def colleague_elsewhere():
    """A coordinator of another mission."""
    from tests.factories import MissionFactory

    user = UserFactory(username="other-coordinator")
    other = MissionFactory(slug="other")
    MembershipFactory(
        mission=other,
        observer=ObserverFactory(mission=other, user=user),
        role=MemberRole.CORE_TEAM,
        core_function="lto_coordinator",
    )
    return user


def test_an_observers_account_is_refused_by_the_admin_even_when_marked_staff(client, mission):
    user = UserFactory(username="sto", is_staff=True)
    MembershipFactory(mission=mission, observer=ObserverFactory(mission=mission, user=user), role=MemberRole.STO)
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_coordinator_enters_the_admin(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.parametrize(
    "name",
    [
        "missions_mission",
        "missions_region",
        "missions_tec",
        "missions_pollingstation",
        "observers_observer",
        "observers_membership",
        "observers_team",
    ],
)
def test_changelists_make_the_same_number_of_queries_for_more_rows(
    client, coordinator, mission, name, django_assert_max_num_queries
):
    client.force_login(coordinator)
    url = reverse(f"admin:{name}_changelist")
    for index in range(3):
        team_with_members(mission=mission, code=f"STO-{index:03d}", nationalities=("DE", "FR"))
        PollingStationFactory(tec__region__mission=mission)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for index in range(3, 12):
        team_with_members(mission=mission, code=f"STO-{index:03d}", nationalities=("IT", "ES"))
        PollingStationFactory(tec__region__mission=mission)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_a_coordinator_sees_only_the_missions_they_coordinate(client, coordinator, colleague_elsewhere, mission):
    team_with_members(mission=mission, code="STO-777")
    client.force_login(colleague_elsewhere)
    page = client.get(reverse("admin:observers_team_changelist")).content.decode()
    assert "STO-777" not in page
    client.force_login(coordinator)
    assert "STO-777" in client.get(reverse("admin:observers_team_changelist")).content.decode()


def test_the_admin_refuses_a_same_nationality_team_with_the_rule_as_message(client, coordinator, mission):
    first = MembershipFactory(mission=mission, observer=ObserverFactory(mission=mission, nationality="DE"))
    second = MembershipFactory(mission=mission, observer=ObserverFactory(mission=mission, nationality="DE"))
    client.force_login(coordinator)
    response = client.post(
        reverse("admin:observers_team_add"),
        {
            "mission": mission.pk,
            "kind": "sto",
            "code": "STO-900",
            "base_city": "",
            "notes": "",
            "members-TOTAL_FORMS": "2",
            "members-INITIAL_FORMS": "0",
            "members-MIN_NUM_FORMS": "0",
            "members-MAX_NUM_FORMS": "2",
            "members-0-membership": first.pk,
            "members-1-membership": second.pk,
        },
    )
    assert response.status_code == 200
    assert "a team must be multinational" in response.content.decode()
    from observers.models import Team

    assert not Team.objects.filter(code="STO-900").exists()


def test_the_figures_page_shows_stos_per_state_against_the_cap(client, coordinator, mission):
    mission.stos_requested = 20
    mission.save()
    for _ in range(4):
        MembershipFactory(mission=mission, observer=ObserverFactory(mission=mission, nationality="DE"))
    client.force_login(coordinator)
    page = client.get(reverse("admin:missions_mission_figures", args=[mission.pk])).content.decode()
    assert "Over the cap: Germany (4)" in page


def test_a_roster_upload_with_errors_in_the_admin_lists_them_and_writes_nothing(
    client, coordinator, mission, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from observers.models import Observer

    before = Observer.objects.count()
    client.force_login(coordinator)
    upload = SimpleUploadedFile("roster.csv", b"full_name,gender,nationality,email\nA B,F,XX,a@example.org\n")
    with django_capture_on_commit_callbacks(execute=True):
        posted = client.post(reverse("admin:observers_membership_import"), {"mission": mission.pk, "file": upload})
    response = client.get(posted.headers["Location"])
    assert (
        "row 2, nationality: &#x27;XX&#x27; is not a known ISO 3166-1 country code or name" in response.content.decode()
    )
    assert Observer.objects.count() == before
