"""A station already sent offers its correction, never a second form; times are written on one clock."""

import datetime
import json
import uuid
import zoneinfo

import pytest
from django.template import Context, Template
from django.urls import reverse

from submissions.models import PhaseLock, Submission

pytestmark = pytest.mark.django_db


def _form_url(site, kind, station):
    return reverse("submissions:form_new", args=[site.mission.slug, kind]) + f"?station={station.pk}"


def _edit_url(site, submission):
    return reverse("submissions:submission_edit", args=[site.mission.slug, submission.uuid])


def test_home_offers_the_correction_of_a_sent_opening_instead_of_a_new_form(as_user, site):
    sent = site.record("opening", station=site.opening_station)
    page = as_user(site.teammate).get(reverse("submissions:home")).content.decode()
    assert _edit_url(site, sent) in page
    assert "Start opening form" not in page
    # The voting visits to the same station are still to come.
    assert page.count("Start voting form") == 2
    assert page.count("New visit to this station") == 0


def test_a_sent_voting_visit_offers_its_correction_and_a_new_visit(as_user, site):
    sent = site.record("voting", station=site.voting_station)
    page = as_user(site.owner).get(reverse("submissions:home")).content.decode()
    assert _edit_url(site, sent) in page
    assert page.count("New visit to this station") == 1
    assert page.count("Start voting form") == 1  # the other planned voting visit
    assert _form_url(site, "voting", site.voting_station) in page


def test_a_locked_phase_shows_the_form_as_sent_without_a_correction(as_user, site):
    sent = site.record("opening", station=site.opening_station)
    PhaseLock.objects.create(mission=site.mission, kind="opening")
    page = as_user(site.owner).get(reverse("submissions:home")).content.decode()
    assert _edit_url(site, sent) not in page
    assert reverse("submissions:submission_detail", args=[site.mission.slug, sent.uuid]) in page
    assert "Start opening form" not in page


def test_another_team_sending_the_same_station_does_not_change_our_plan(as_user, site):
    theirs = site.record("opening", station=site.opening_station, user=site.coordinator)
    assert theirs.team_id != site.team.pk
    page = as_user(site.owner).get(reverse("submissions:home")).content.decode()
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
    page = client.get(reverse("submissions:home")).content.decode()
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
        reverse("submissions:submission_collection", args=[site.mission.slug]),
        data=json.dumps(body),
        content_type="application/json",
    )
    assert response.status_code == 201
    stored = Submission.objects.get(uuid=form_uuid)
    assert datetime.datetime.fromisoformat(response.json()["received_at"]) == stored.received_at


def test_times_are_written_in_the_mission_zone_with_iso_date_and_24_hour_clock(site):
    moment = datetime.datetime(2019, 6, 9, 14, 5, tzinfo=datetime.UTC)
    local = moment.astimezone(zoneinfo.ZoneInfo(site.mission.time_zone))
    hours, seconds = divmod(int(local.utcoffset().total_seconds()), 3600)
    expected = f"{local:%Y-%m-%d %H:%M} UTC+{hours:02d}:{seconds // 60:02d}"
    rendered = Template("{% load observe %}{{ moment|local_clock:mission }}|{{ moment|local_clock:'UTC' }}").render(
        Context({"moment": moment, "mission": site.mission})
    )
    assert rendered == f"{expected}|2019-06-09 14:05 UTC"
