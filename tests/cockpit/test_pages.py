"""The cockpit: who lands where after logging in, what the cockpit counts, and who may open it."""

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from observers.choices import MemberRole, MemberStatus
from observers.models import Membership, Team
from submissions.models import Submission
from tests.factories import MembershipFactory, PollingStationFactory, team_with_members
from tests.observe.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def cockpit_url(site):
    return reverse("cockpit:mission", args=[site.mission.slug])


def login_redirects(client, username):
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD}, follow=True)
    return [url for url, _status in response.redirect_chain]


# ----------------------------------------------------------------------------------------------- landing


def test_a_coordinator_lands_on_the_mission_cockpit_after_logging_in(client, site):
    chain = login_redirects(client, "coordinator")

    assert chain[-1] == cockpit_url(site)


def test_an_analyst_lands_on_the_mission_cockpit_after_logging_in(client, site):
    chain = login_redirects(client, "analyst")

    assert chain[-1] == cockpit_url(site)


def test_odihr_staff_land_on_the_published_reports_instead_of_an_empty_home(client, site):
    chain = login_redirects(client, "odihr")

    assert chain[-1] == reverse("reports:index")


def test_an_observer_lands_on_the_observers_home_page(client, site):
    chain = login_redirects(client, "owner")

    assert chain[-1] == reverse("observe:home")


def test_a_core_team_member_of_two_missions_chooses_the_mission_first(as_user, site):
    # The second mission's own record of the same person, linked to the same login.
    second = MembershipFactory(role=MemberRole.CORE_TEAM, observer__user=site.coordinator).mission

    response = as_user(site.coordinator).get(reverse("cockpit:landing"))

    assert response.status_code == 200
    assert cockpit_url(site) in response.content.decode()
    assert reverse("cockpit:mission", args=[second.slug]) in response.content.decode()


# ----------------------------------------------------------------------------------------------- access


@pytest.mark.parametrize("who", ["owner", "lto", "odihr", "outsider"])
def test_observers_odihr_staff_and_outsiders_are_refused_the_cockpit(as_user, site, who):
    response = as_user(getattr(site, who)).get(cockpit_url(site))

    # Members and followers are refused; an outsider is told nothing, not even that the mission exists.
    assert response.status_code == (404 if who == "outsider" else 403)


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, site):
    response = client.get(cockpit_url(site))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_unknown_mission_has_no_cockpit(as_user, site):
    response = as_user(site.coordinator).get(reverse("cockpit:mission", args=["no-such-mission"]))

    assert response.status_code == 404


def test_a_coordinator_of_one_mission_has_no_cockpit_in_another(as_user, site):
    elsewhere = site.outsider.observer_records.get().mission

    response = as_user(site.coordinator).get(reverse("cockpit:mission", args=[elsewhere.slug]))

    assert response.status_code == 404


# ----------------------------------------------------------------------------------------------- figures


def test_the_roster_counts_every_membership_by_role_and_accreditation(as_user, site):
    MembershipFactory(mission=site.mission, role=MemberRole.STO, status=MemberStatus.NOMINATED)
    MembershipFactory(mission=site.mission, role=MemberRole.STO, status=MemberStatus.WITHDRAWN)
    stos = Membership.objects.filter(mission=site.mission, role=MemberRole.STO)
    expected_accredited = stos.filter(status=MemberStatus.ACCREDITED).count()

    response = as_user(site.coordinator).get(cockpit_url(site))

    roster = response.context["state"].roster["sto"]
    assert roster["accredited"] == expected_accredited
    assert roster["nominated"] == 1
    assert roster["withdrawn"] == 1
    assert roster["active"] == stos.count() - 1


def test_forms_in_counts_every_form_of_the_mission_by_kind(as_user, site):
    site.record("voting")
    site.record("voting", station=site.voting_station)
    site.record("opening")

    response = as_user(site.analyst).get(cockpit_url(site))

    state = response.context["state"]
    assert state.forms == {"voting": 2, "opening": 1}
    assert state.forms_total == 3
    assert state.observed_stations == 2
    assert state.stations_total == 4
    assert state.teams["sto"]["total"] == Team.objects.filter(mission=site.mission, kind="sto").count()


def test_a_team_that_sent_a_form_recently_is_not_listed_as_silent(as_user, site):
    site.record("voting")
    old = site.record("voting", user=site.other_sto, station=site.other_station)
    Submission.objects.filter(pk=old.pk).update(received_at=timezone.now() - datetime.timedelta(hours=5))

    silent_3h = {row["code"] for row in as_user(site.coordinator).get(cockpit_url(site)).context["state"].silent_teams}
    silent_6h = {
        row["code"]
        for row in as_user(site.coordinator).get(cockpit_url(site) + "?hours=6").context["state"].silent_teams
    }

    assert "STO-001" not in silent_3h
    assert "STO-002" in silent_3h  # last heard five hours ago
    assert "STO-002" not in silent_6h
    assert {"LTO-01", "LTO-02"} <= silent_6h  # never heard from


def test_the_cockpit_shows_times_on_the_missions_clock(as_user, site):
    response = as_user(site.coordinator).get(cockpit_url(site))

    almaty_now = timezone.now().astimezone(zoneinfo.ZoneInfo("Asia/Almaty"))
    assert "Asia/Almaty" in response.content.decode()
    assert response.context["now_local"].startswith(almaty_now.strftime("%Y-%m-%d %H:"))


def test_the_cockpit_is_translated_into_russian(as_user, site):
    client = as_user(site.coordinator)

    response = client.get(cockpit_url(site), headers={"accept-language": "ru"})

    assert "Списки и аккредитация" in response.content.decode()


def test_the_cockpit_needs_the_same_number_of_queries_for_a_bigger_mission(as_user, site, django_assert_num_queries):
    client = as_user(site.coordinator)
    with CaptureQueriesContext(connection) as small:
        client.get(cockpit_url(site))
    for index in range(5):
        team_with_members(mission=site.mission, code=f"STO-5{index:02d}")
        PollingStationFactory(mission=site.mission, region=site.region, tec=site.tec)
    site.record("voting")
    site.record("counting", station=site.voting_station)

    with django_assert_num_queries(len(small.captured_queries)):
        client.get(cockpit_url(site))
    assert len(small.captured_queries) <= 25


# ----------------------------------------------------------------------------------------------- tools


def _links(response):
    return {str(tool.url) for _title, tools in response.context["tools"] for tool in tools}


def test_a_coordinator_finds_planning_imports_and_every_admin_section(as_user, site):
    response = as_user(site.coordinator).get(cockpit_url(site))

    links = _links(response)
    assert reverse("deployment:planning", args=[site.mission.slug]) in links
    assert reverse("admin:missions_pollingstation_import") in links
    assert reverse("admin:observers_membership_import") in links
    assert reverse("admin:observers_team_changelist") in links
    assert reverse("reports:dashboard", args=[site.mission.slug]) in links
    assert reverse("cockpit:guide") in links


def test_an_analyst_finds_reports_and_the_dashboard_but_no_planning_or_imports(as_user, site):
    response = as_user(site.analyst).get(cockpit_url(site))

    links = _links(response)
    assert reverse("reports:mission", args=[site.mission.slug]) in links
    assert reverse("reports:dashboard", args=[site.mission.slug]) in links
    assert reverse("admin:submissions_submission_changelist") in links
    assert reverse("deployment:planning", args=[site.mission.slug]) not in links
    assert reverse("admin:observers_membership_import") not in links
    assert reverse("admin:observers_observer_changelist") not in links


@pytest.mark.parametrize("who", ["coordinator", "analyst"])
def test_every_tool_linked_from_the_cockpit_opens_for_its_user(as_user, site, who):
    client = as_user(getattr(site, who))
    links = _links(client.get(cockpit_url(site)))

    statuses = {url: client.get(url).status_code for url in links}

    assert statuses and all(status == 200 for status in statuses.values()), statuses


def test_the_admin_index_links_back_to_the_cockpit(as_user, site):
    response = as_user(site.coordinator).get(reverse("admin:index"))

    assert reverse("cockpit:landing") in response.content.decode()


def test_the_guide_opens_for_a_logged_in_user_and_not_for_an_anonymous_one(as_user, site, client):
    assert as_user(site.analyst).get(reverse("cockpit:guide")).status_code == 200
    client.logout()
    assert client.get(reverse("cockpit:guide")).status_code == 302


def test_the_guide_shows_its_steps_with_pictures_of_the_product(as_user, site):
    page = as_user(site.analyst).get(reverse("cockpit:guide")).content.decode()
    picture = reverse("cockpit:guide_image", args=["cockpit.png"])

    assert "<h2>8. Compilation</h2>" in page
    assert f'src="{picture}"' in page
    response = as_user(site.analyst).get(picture)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"


def test_a_guide_picture_is_served_by_plain_name_only(as_user, site):
    client = as_user(site.analyst)

    assert client.get(reverse("cockpit:guide_image", args=["..%2Fguide.md"])).status_code == 404
    assert client.get(reverse("cockpit:guide_image", args=["missing.png"])).status_code == 404


def test_the_cockpit_counts_open_incident_cases_and_links_the_newest(as_user, site):
    from incidents.models import Case

    new = Case.objects.create(mission=site.mission, submission=site.record("voting"))
    Case.objects.create(mission=site.mission, submission=site.record("opening"), status="acknowledged")
    closed = Case.objects.create(mission=site.mission, submission=site.record("voting"))
    Case.objects.filter(pk=closed.pk).update(status="closed", closed_at=closed.opened_at)

    response = as_user(site.coordinator).get(cockpit_url(site))

    state = response.context["state"]
    assert state.cases_open == 2
    assert state.cases["new"] == 1 and state.cases["acknowledged"] == 1
    assert reverse("incidents:case", args=[site.mission.slug, new.pk]) in response.content.decode()
    assert closed.pk not in [case.pk for case in state.newest_cases]
