"""The observers' pages: who sees what, for every page, with named actors."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _form_url(site, kind="voting", station=None):
    url = reverse("observe:form_new", args=[site.mission.slug, kind])
    return f"{url}?station={(station or site.opening_station).pk}"


def test_anonymous_visitors_are_sent_to_the_login_page(client, site):
    for url in (
        reverse("observe:home"),
        _form_url(site),
        reverse("observe:submission_collection", args=[site.mission.slug]),
        reverse("observe:lto_area", args=[site.mission.slug]),
        reverse("observe:incidents", args=[site.mission.slug]),
        reverse("observe:station_search", args=[site.mission.slug]),
        reverse("observe:team_detail", args=[site.mission.slug, site.team.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_the_login_page_logs_an_observer_in_and_lands_on_home(client, site):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b'for="id_username"' in response.content
    response = client.post(reverse("login"), {"username": "owner", "password": "correct horse battery"}, follow=True)
    assert response.redirect_chain[-1] == (reverse("observe:home"), 302)


def test_logout_is_a_post(client, site):
    client.force_login(site.owner)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("observe:home")).status_code == 302


def test_home_shows_the_owner_team_members_and_plan(as_user, site):
    response = as_user(site.owner).get(reverse("observe:home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "STO-001" in page
    for member in site.team.members.select_related("membership__observer"):
        assert member.membership.observer.full_name in page
    assert "Akmola — No. 101" in page and "Akmola — No. 102" in page
    assert site.opening_station.address in page
    assert _form_url(site, "opening") in page
    assert _form_url(site, "counting", site.voting_station) in page
    assert reverse("observe:form_new", args=[site.mission.slug, "tabulation"]) + f"?tec={site.tec.pk}" in page
    # the voting route keeps its order
    assert page.index(_form_url(site, "voting", site.opening_station)) < page.index(
        _form_url(site, "voting", site.voting_station)
    )


def test_home_links_each_role_to_the_pages_its_rules_open(as_user, site):
    slug = site.mission.slug
    cockpit = reverse("cockpit:mission", args=[slug])
    incidents = reverse("observe:incidents", args=[slug])
    every_form = reverse("observe:submission_collection", args=[slug])
    area = reverse("observe:lto_area", args=[slug])
    for user, role in ((site.coordinator, "Coordinator"), (site.analyst, "Analyst")):
        page = as_user(user).get(reverse("observe:home")).content.decode()
        assert role in page
        for url in (cockpit, incidents, every_form, area, "/reports/"):
            assert f'href="{url}"' in page, (user.username, url)
        assert "My area: reports and STO teams" not in page
        assert "You are not in a team yet" not in page
    page = as_user(site.lto).get(reverse("observe:home")).content.decode()
    assert "Long-term observer" in page and "My area: reports and STO teams" in page and f'href="{area}"' in page
    for url in (cockpit, incidents, every_form):
        assert f'href="{url}"' not in page, url
    page = as_user(site.owner).get(reverse("observe:home")).content.decode()
    assert "Short-term observer" in page
    for url in (cockpit, incidents, every_form, area):
        assert f'href="{url}"' not in page, url
    site.team.members.filter(membership__observer__user=site.owner).delete()
    page = as_user(site.owner).get(reverse("observe:home")).content.decode()
    assert "You are not in a team yet" in page


def test_home_lists_the_team_submissions_with_their_flags(as_user, site):
    voting = site.record("voting")
    urgent = site.record("voting", payload={**site.payload("voting"), "urgent": True, "notes": "Tension outside"})
    response = as_user(site.teammate).get(reverse("observe:home"))
    page = response.content.decode()
    assert str(voting.uuid) in page and str(urgent.uuid) in page
    assert "Urgent" in page
    assert "Received" in page


def test_home_of_another_team_does_not_show_our_submissions(as_user, site):
    submission = site.record("voting")
    page = as_user(site.other_sto).get(reverse("observe:home")).content.decode()
    assert "STO-002" in page
    assert "Your team has no plan yet" in page
    assert str(submission.uuid) not in page


def test_home_for_a_coordinator_links_admin_incidents_and_reports(as_user, site):
    page = as_user(site.coordinator).get(reverse("observe:home")).content.decode()
    assert reverse("observe:incidents", args=[site.mission.slug]) in page
    assert reverse("admin:index") in page
    assert 'href="/reports/"' in page


def test_home_for_an_outsider_shows_no_mission_of_ours(as_user, site):
    page = as_user(site.outsider).get(reverse("observe:home")).content.decode()
    assert site.mission.name not in page


def test_the_form_page_renders_the_published_checklist_accessibly(as_user, site):
    response = as_user(site.owner).get(_form_url(site))
    assert response.status_code == 200
    page = response.content.decode()
    template = site.template("voting")
    assert f'data-template="{template.pk}"' in page
    question = template.questions.filter(type="integer").first()
    assert f'<label for="f-{question.code}">' in page
    assert "<legend>" in page
    assert 'aria-describedby="' in page
    assert f'name="polling_station" value="{site.opening_station.pk}"' in page
    assert "js/form.js" in page


def test_the_counting_form_shows_the_protocol_arithmetic_box(as_user, site):
    page = as_user(site.owner).get(_form_url(site, "counting", site.voting_station)).content.decode()
    assert 'id="protocol-issues"' in page
    assert 'data-protocol="ballots_received"' in page


def test_a_station_outside_the_team_area_is_refused(as_user, site):
    assert as_user(site.owner).get(_form_url(site, station=site.other_station)).status_code == 404
    assert as_user(site.owner).get(_form_url(site, station=site.unplanned_station)).status_code == 200


def test_the_form_page_refuses_others(as_user, site):
    assert as_user(site.other_sto).get(_form_url(site)).status_code == 404
    assert as_user(site.other_lto).get(_form_url(site)).status_code == 404
    assert as_user(site.outsider).get(_form_url(site)).status_code == 404
    assert as_user(site.coordinator).get(_form_url(site)).status_code == 403
    assert as_user(site.lto).get(_form_url(site)).status_code == 200


def test_an_unknown_kind_or_mission_is_not_found(as_user, site):
    client = as_user(site.owner)
    assert client.get(reverse("observe:form_new", args=[site.mission.slug, "nonsense"])).status_code == 404
    assert client.get(reverse("observe:form_new", args=["no-such-mission", "voting"])).status_code == 404


def test_lto_reports_are_for_ltos_only(as_user, site):
    url = reverse("observe:form_new", args=[site.mission.slug, "lto_weekly"])
    assert as_user(site.lto).get(url).status_code == 200
    assert as_user(site.owner).get(url).status_code == 403
    meeting = as_user(site.lto).get(reverse("observe:form_new", args=[site.mission.slug, "meeting"]))
    assert 'name="confidential"' in meeting.content.decode()


def test_station_search_offers_only_the_team_area(as_user, site):
    url = reverse("observe:station_search", args=[site.mission.slug])
    page = as_user(site.owner).get(url, {"number": "1"}).content.decode()
    assert "Akmola — No. 150" in page and "Akmola — No. 101" in page
    assert "No. 202" not in page
    page = as_user(site.owner).get(url, {"number": "202"}).content.decode()
    assert "No. 202" not in page
    assert as_user(site.outsider).get(url, {"number": "1"}).status_code == 404


def test_the_submission_page_is_for_the_team_its_lto_and_the_core_team(as_user, site):
    submission = site.record("voting")
    url = reverse("observe:submission_detail", args=[site.mission.slug, submission.uuid])
    assert as_user(site.owner).get(url).status_code == 200
    assert as_user(site.teammate).get(url).status_code == 200
    assert as_user(site.lto).get(url).status_code == 200
    assert as_user(site.coordinator).get(url).status_code == 200
    assert as_user(site.analyst).get(url).status_code == 200
    assert as_user(site.other_sto).get(url).status_code == 404
    assert as_user(site.other_lto).get(url).status_code == 404
    assert as_user(site.outsider).get(url).status_code == 404
    missing = reverse("observe:submission_detail", args=[site.mission.slug, "00000000-0000-4000-8000-000000000000"])
    assert as_user(site.owner).get(missing).status_code == 404


def test_the_submission_list_shows_observers_their_own_team_only(as_user, site):
    ours = site.record("voting")
    theirs = site.record("voting", user=site.other_sto, station=site.other_station)
    url = reverse("observe:submission_collection", args=[site.mission.slug])
    page = as_user(site.owner).get(url).content.decode()
    assert str(ours.uuid) in page and str(theirs.uuid) not in page
    page = as_user(site.coordinator).get(url).content.decode()
    assert str(ours.uuid) in page and str(theirs.uuid) in page
    assert as_user(site.outsider).get(url).status_code == 404


def test_the_lto_area_page_lists_reports_and_sto_teams_of_the_area(as_user, site):
    weekly = site.record("lto_weekly", user=site.lto, payload={"answers": _lto_answers(site, "lto_weekly")})
    url = reverse("observe:lto_area", args=[site.mission.slug])
    page = as_user(site.lto).get(url).content.decode()
    assert "STO-001" in page and "STO-002" not in page
    assert str(weekly.uuid) in page
    page = as_user(site.other_lto).get(url).content.decode()
    assert "STO-002" in page and "STO-001" not in page
    assert str(weekly.uuid) not in page
    assert as_user(site.owner).get(url).status_code == 403
    assert as_user(site.outsider).get(url).status_code == 404
    assert as_user(site.coordinator).get(url).status_code == 200


def _lto_answers(site, kind):
    from tests.checklists.factories import answers_for

    return answers_for(site.template(kind))


def test_confidential_meeting_records_are_seen_by_the_core_team_and_the_authoring_team_only(as_user, site):
    record = site.record(
        "meeting", user=site.lto, payload={"answers": _lto_answers(site, "meeting"), "confidential": True}
    )
    detail = reverse("observe:submission_detail", args=[site.mission.slug, record.uuid])
    area = reverse("observe:lto_area", args=[site.mission.slug])
    assert as_user(site.lto).get(detail).status_code == 200
    assert str(record.uuid) in as_user(site.lto).get(area).content.decode()
    assert as_user(site.coordinator).get(detail).status_code == 200
    assert as_user(site.analyst).get(detail).status_code == 200
    assert as_user(site.other_lto).get(detail).status_code == 404
    assert str(record.uuid) not in as_user(site.other_lto).get(area).content.decode()
    assert as_user(site.owner).get(detail).status_code == 404


def test_the_team_page_is_for_the_team_its_lto_and_the_core_team(as_user, site):
    url = reverse("observe:team_detail", args=[site.mission.slug, site.team.pk])
    assert as_user(site.owner).get(url).status_code == 200
    assert as_user(site.lto).get(url).status_code == 200
    assert as_user(site.coordinator).get(url).status_code == 200
    assert as_user(site.other_sto).get(url).status_code == 404
    assert as_user(site.other_lto).get(url).status_code == 404
    assert as_user(site.outsider).get(url).status_code == 404


def test_the_incidents_page_is_for_the_core_team(as_user, site):
    url = reverse("observe:incidents", args=[site.mission.slug])
    feed = reverse("observe:incidents_feed", args=[site.mission.slug])
    for user in (site.owner, site.lto, site.other_sto):
        assert as_user(user).get(url).status_code == 403
        assert as_user(user).get(feed).status_code == 403
    assert as_user(site.outsider).get(url).status_code == 404
    assert as_user(site.outsider).get(feed).status_code == 404
    assert as_user(None).get(feed).status_code == 401
    assert as_user(site.coordinator).get(url).status_code == 200
    assert as_user(site.analyst).get(feed).status_code == 200


def test_urgent_and_critical_forms_appear_on_the_incidents_page_newest_first(as_user, site):
    site.record("voting")
    first = site.record("voting", payload={**site.payload("voting"), "urgent": True, "notes": "Crowd outside"})
    second = site.record(
        "voting",
        station=site.voting_station,
        payload={**site.payload("voting", station=site.voting_station), "urgent": True, "notes": "Observers expelled"},
    )
    client = as_user(site.coordinator)
    page = client.get(reverse("observe:incidents", args=[site.mission.slug])).content.decode()
    assert page.index("Observers expelled") < page.index("Crowd outside")
    feed = client.get(reverse("observe:incidents_feed", args=[site.mission.slug])).json()["incidents"]
    assert [row["uuid"] for row in feed] == [str(second.uuid), str(first.uuid)]
    assert feed[0]["team"] == "STO-001" and feed[0]["station"] == "102" and feed[0]["region"] == "Akmola"


def test_a_tabulation_form_is_for_a_tec_of_the_team_area_only(as_user, site):
    url = reverse("observe:form_new", args=[site.mission.slug, "tabulation"])
    client = as_user(site.owner)
    assert client.get(f"{url}?tec={site.tec.pk}").status_code == 200
    assert client.get(f"{url}?tec={site.other_tec.pk}").status_code == 404
    assert client.get(url).status_code == 404
