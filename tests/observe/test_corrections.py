"""A station already sent offers its correction, never a second form; times are written on one clock."""

import datetime
import json
import uuid
import zoneinfo

import pytest
from django.urls import reverse

from submissions.models import PhaseLock, Submission

pytestmark = pytest.mark.django_db


def _form_url(site, kind, station):
    return reverse("observe:form_new", args=[site.mission.slug, kind]) + f"?station={station.pk}"


def _edit_url(site, submission):
    return reverse("observe:submission_edit", args=[site.mission.slug, submission.uuid])


def test_home_offers_the_correction_of_a_sent_opening_instead_of_a_new_form(as_user, site):
    sent = site.record("opening", station=site.opening_station)
    page = as_user(site.teammate).get(reverse("observe:home")).content.decode()
    assert _edit_url(site, sent) in page
    assert "Start opening form" not in page
    # The voting visits to the same station are still to come.
    assert page.count("Start voting form") == 2
    assert page.count("New visit to this station") == 0


def test_a_sent_voting_visit_offers_its_correction_and_a_new_visit(as_user, site):
    sent = site.record("voting", station=site.voting_station)
    page = as_user(site.owner).get(reverse("observe:home")).content.decode()
    assert _edit_url(site, sent) in page
    assert page.count("New visit to this station") == 1
    assert page.count("Start voting form") == 1  # the other planned voting visit
    assert _form_url(site, "voting", site.voting_station) in page


def test_a_locked_phase_shows_the_form_as_sent_without_a_correction(as_user, site):
    sent = site.record("opening", station=site.opening_station)
    PhaseLock.objects.create(mission=site.mission, kind="opening")
    page = as_user(site.owner).get(reverse("observe:home")).content.decode()
    assert _edit_url(site, sent) not in page
    assert reverse("observe:submission_detail", args=[site.mission.slug, sent.uuid]) in page
    assert "Start opening form" not in page


def test_another_team_sending_the_same_station_does_not_change_our_plan(as_user, site):
    theirs = site.record("opening", station=site.opening_station, user=site.coordinator)
    assert theirs.team_id != site.team.pk
    page = as_user(site.owner).get(reverse("observe:home")).content.decode()
    assert "Start opening form" in page
    assert ">Correct</a>" not in page


def test_a_new_form_for_a_station_already_sent_points_to_the_correction(as_user, site):
    sent = site.record("counting", station=site.voting_station)
    page = as_user(site.owner).get(_form_url(site, "counting", site.voting_station)).content.decode()
    assert "Your team has already sent this form" in page
    assert _edit_url(site, sent) in page
    assert "Correct it rather than sending it again." in page
    untouched = as_user(site.owner).get(_form_url(site, "counting", site.opening_station)).content.decode()
    assert "Your team has already sent this form" not in untouched


def test_the_home_page_offers_corrections_in_russian(as_user, site):
    site.record("opening", station=site.opening_station)
    client = as_user(site.owner)
    client.post(reverse("set_language"), {"language": "ru", "next": "/"})
    page = client.get(reverse("observe:home")).content.decode()
    assert ">Исправить</a>" in page
    messages_start = page.index('<script id="eom-messages" type="application/json">')
    messages = json.loads(page[page.index(">", messages_start) + 1 : page.index("</script>", messages_start)])
    assert messages["leave_confirm"].startswith("Эта форма не отправлена.")
    assert messages["received_by_server"] == "Получено миссией: %(form)s, в %(time)s."


def test_the_answer_to_a_sent_form_carries_the_time_it_was_received(as_user, site):
    client = as_user(site.owner)
    form_uuid = uuid.uuid4()
    body = {"uuid": str(form_uuid), "template": site.template("voting").pk, **site.payload("voting")}
    response = client.post(
        reverse("observe:submission_collection", args=[site.mission.slug]),
        data=json.dumps(body),
        content_type="application/json",
    )
    assert response.status_code == 201
    stored = Submission.objects.get(uuid=form_uuid)
    assert datetime.datetime.fromisoformat(response.json()["received_at"]) == stored.received_at


def _one_clock(moment, zone_name):
    """How a moment must read on every page: the mission's local time, ISO date, 24-hour clock, zone named."""
    local = moment.astimezone(zoneinfo.ZoneInfo(zone_name))
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"


def test_every_time_of_a_form_reads_on_the_mission_clock(as_user, site):
    sent = site.record(
        "voting",
        station=site.voting_station,
        payload={**site.payload("voting", station=site.voting_station), "arrival_time": "09:10"},
    )
    Submission.objects.filter(pk=sent.pk).update(received_at=datetime.datetime(2019, 6, 9, 3, 5, tzinfo=datetime.UTC))
    sent.refresh_from_db()
    client = as_user(site.owner)
    received = _one_clock(sent.received_at, site.mission.time_zone)
    assert received.startswith("2019-06-09 0")  # 03:05 UTC is morning in Kazakhstan, on the same day
    detail = client.get(reverse("observe:submission_detail", args=[site.mission.slug, sent.uuid])).content.decode()
    assert f"<dd>{received}</dd>" in detail
    assert f"<dd>{_one_clock(sent.arrival_time, site.mission.time_zone)}</dd>" in detail
    revision = sent.revisions.get()
    assert f"Revision 1, {_one_clock(revision.changed_at, site.mission.time_zone)}, by owner" in detail
    for page in (reverse("observe:home"), reverse("observe:submission_collection", args=[site.mission.slug])):
        assert f"<td>{received}</td>" in client.get(page).content.decode()
    assert "2019-06-09" in client.get(reverse("observe:home")).content.decode()  # election day, ISO


def test_urgent_incidents_read_on_the_mission_clock(as_user, site):
    urgent = site.record("voting", payload={**site.payload("voting"), "urgent": True})
    feed = as_user(site.coordinator).get(reverse("observe:incidents_feed", args=[site.mission.slug])).json()
    assert feed["incidents"][0]["received_at"] == _one_clock(urgent.received_at, site.mission.time_zone)


def test_the_station_search_offers_corrections_for_forms_the_team_sent(as_user, site, django_assert_max_num_queries):
    counting = site.record("counting", station=site.unplanned_station)
    voting = site.record("voting", station=site.unplanned_station)
    client = as_user(site.owner)
    url = reverse("observe:station_search", args=[site.mission.slug])
    with django_assert_max_num_queries(16):
        page = client.get(url, {"number": "150"}).content.decode()
    assert _edit_url(site, counting) in page and ">Correct: Counting</a>" in page
    assert _edit_url(site, voting) in page and ">New voting visit</a>" in page
    assert _form_url(site, "counting", site.unplanned_station) not in page
    assert _form_url(site, "opening", site.unplanned_station) in page  # not sent yet: a new form


def test_the_station_search_offers_no_correction_for_another_teams_forms(as_user, site):
    theirs = site.record("counting", station=site.unplanned_station, user=site.coordinator)
    page = (
        as_user(site.owner)
        .get(reverse("observe:station_search", args=[site.mission.slug]), {"number": "150"})
        .content.decode()
    )
    assert _edit_url(site, theirs) not in page
    assert _form_url(site, "counting", site.unplanned_station) in page


def test_the_new_parts_of_the_form_read_in_russian(as_user, site):
    sent = site.record("opening", station=site.opening_station)
    client = as_user(site.owner)
    client.post(reverse("set_language"), {"language": "ru", "next": "/"})
    page = client.get(_form_url(site, "opening", site.opening_station)).content.decode()
    for russian in ("Удалить черновик", "Ваша команда уже отправила эту форму", "Исправить отправленную форму"):
        assert russian in page
    for english in ("Discard draft", "already sent", "Correct the form sent", "Which forms"):
        assert english not in page
    assert _edit_url(site, sent) in page


def test_the_history_names_the_stations_a_form_moved_between_in_a_constant_number_of_queries(
    as_user, site, django_assert_max_num_queries
):
    from submissions.services import submission_correct

    sent = site.record("voting", station=site.opening_station)
    client = as_user(site.owner)
    url = reverse("observe:submission_detail", args=[site.mission.slug, sent.uuid])
    counts = []
    for station in (site.voting_station, site.unplanned_station, site.opening_station, site.voting_station):
        submission_correct(user=site.owner, submission=sent, payload=site.payload("voting", station=station))
        with django_assert_max_num_queries(20) as captured:
            page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[-1]  # one look-up for every station the history names, however many corrections
    assert page.count('data-change="polling_station"') == 4
    assert "Akmola — No. 101 → Akmola — No. 102" in page
    assert "Akmola — No. 102 → Akmola — No. 150" in page
    assert "PS " not in page
