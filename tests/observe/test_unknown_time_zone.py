"""A mission whose time-zone name is unknown (a typing mistake in the admin) keeps working, on UTC.

Its observers still send and correct forms, every page that writes a time opens, and its report compiles.
"""

import datetime

import pytest
from django.urls import reverse

from missions.models import Mission, Region
from reports.choices import RunStatus
from reports.services import report_run_compile, report_run_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def lost(site):
    """The site, with a mission zone and a region zone the time-zone database does not know."""
    Mission.objects.filter(pk=site.mission.pk).update(time_zone="Asia/Nowhere")
    Region.objects.filter(pk=site.other_region.pk).update(time_zone="Mars/Olympus")
    site.mission.refresh_from_db()
    return site


@pytest.fixture
def urgent_form(lost):
    payload = {**lost.payload("voting"), "arrival_time": "09:30", "urgent": True, "notes": "Queue outside"}
    return lost.record("voting", payload=payload)


def test_a_clock_time_is_taken_as_utc_when_the_mission_zone_is_unknown(lost, urgent_form):
    assert urgent_form.arrival_time == datetime.datetime.combine(
        lost.mission.election_day, datetime.time(9, 30), tzinfo=datetime.UTC
    )


def test_every_observers_page_opens_and_writes_times_in_utc(as_user, lost, urgent_form):
    slug, uuid = lost.mission.slug, urgent_form.uuid
    pages = [
        (lost.owner, reverse("observe:home")),
        (lost.owner, reverse("observe:station_search", args=[slug]) + "?number=101"),
        (lost.owner, reverse("observe:form_new", args=[slug, "voting"]) + f"?station={lost.opening_station.pk}"),
        (lost.owner, reverse("observe:submission_collection", args=[slug])),
        (lost.owner, reverse("observe:submission_detail", args=[slug, uuid])),
        (lost.owner, reverse("observe:submission_edit", args=[slug, uuid])),
        (lost.lto, reverse("observe:lto_area", args=[slug])),
        (lost.lto, reverse("observe:team_detail", args=[slug, lost.team.pk])),
        (lost.coordinator, reverse("observe:incidents", args=[slug])),
        (lost.coordinator, reverse("cockpit:mission", args=[slug])),
        (lost.coordinator, reverse("reports:dashboard", args=[slug])),
        (lost.coordinator, reverse("incidents:cases", args=[slug])),
    ]
    for user, path in pages:
        response = as_user(user).get(path)
        assert response.status_code == 200, path
        assert "Asia/Nowhere" not in response.content.decode(), path  # the zone used is named, not the broken one
    received = urgent_form.received_at.astimezone(datetime.UTC)
    detail = as_user(lost.owner).get(reverse("observe:submission_detail", args=[slug, uuid])).content.decode()
    assert f"{received:%Y-%m-%d %H:%M} UTC" in detail
    edit = as_user(lost.owner).get(reverse("observe:submission_edit", args=[slug, uuid])).content.decode()
    assert '"arrival_clock": "09:30"' in edit  # the correction form offers the clock time back, in UTC
    feed = as_user(lost.coordinator).get(reverse("observe:incidents_feed", args=[slug])).json()
    assert feed["incidents"][0]["received_at"] == f"{received:%Y-%m-%d %H:%M} UTC"


def test_the_report_of_such_a_mission_compiles_on_utc(lost, urgent_form):
    run = report_run_create(mission=lost.mission, kinds=["voting"])
    report_run_compile(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error if hasattr(run, "error") else run.status
    assert run.result["snapshot"]["time_zone"] == "UTC"
    assert run.result["kinds"]["voting"]["observations"] == 1
