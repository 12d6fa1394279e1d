"""The election-night dashboard's fresh counts: exactly the forms stored now, in queries that do not grow with them.

Forms are filed through the recording services over simulated hours (new forms, corrections moving forms between
stations and regions, resends, confidential meeting records, the worker folding now and then), beside a second mission
that must never count. The expected figures are counted here from the forms themselves.
"""

import datetime
from collections import Counter, defaultdict

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from checklists.choices import OBSERVATION_KINDS, FormKind
from checklists.models import FormTemplate
from missions.clock import local_zone
from reports.selectors import dashboard_counts
from submissions.models import Submission
from submissions.services import submission_correct, submissions_delete
from synthetic.writing import forms_write
from tallies.models import TallyEvent, TallyTotal
from tallies.services import tallies_rebuild, tallies_roll_up
from tests.factories import MissionFactory, PollingStationFactory, RegionFactory, TecFactory
from tests.tallies.conftest import tell_story

pytestmark = pytest.mark.django_db


def expected_figures(mission) -> dict:
    """The dashboard's figures counted from the mission's stored forms."""
    forms = list(
        Submission.objects.filter(mission=mission, kind__in=list(OBSERVATION_KINDS), confidential=False).values(
            "kind", "received_at", "region_id", "polling_station_id"
        )
    )
    zone = local_zone(mission)
    hours: dict[str, Counter] = defaultdict(Counter)
    for form in forms:
        hours[form["received_at"].astimezone(zone).strftime("%Y-%m-%d %H:00")][form["kind"]] += 1
    regions = {}
    for region in mission.regions.all():
        here = [form for form in forms if form["region_id"] == region.pk]
        stations = {form["polling_station_id"] for form in here} - {None}
        regions[region.code] = (len(here), len(stations), region.polling_stations.count())
    return {
        "timeline": [
            {"hour": hour, "counts": dict(sorted(counts.items())), "total": sum(counts.values())}
            for hour, counts in sorted(hours.items())
        ],
        "regions": regions,
        "forms_total": len(forms),
    }


def shown_figures(counts: dict) -> dict:
    return {
        "timeline": counts["timeline"],
        "regions": {row["code"]: (row["forms"], row["observed"], row["stations"]) for row in counts["regions"]},
        "forms_total": counts["forms_total"],
    }


@pytest.fixture
def filed(mission):
    """The story's mission in a zone a quarter of an hour off the hour (+5:45), with one confidential voting form
    written directly (the services refuse one), beside another mission with forms of its own."""
    mission.time_zone = "Asia/Kathmandu"
    mission.save(update_fields=["time_zone"])
    story = tell_story(mission, seed=23, steps=60)
    other = MissionFactory(slug="elsewhere")
    tell_story(other, seed=24, steps=25)
    region = RegionFactory(mission=mission, code="C")
    station = PollingStationFactory(mission=mission, region=region, tec=TecFactory(mission=mission, region=region))
    secret = Submission(
        mission=mission,
        template=FormTemplate.objects.filter(mission=mission, kind=FormKind.VOTING).first(),
        kind=FormKind.VOTING,
        polling_station=station,
        tec=station.tec,
        region=region,
        area_type=station.area_type,
        confidential=True,
        payload={},
        content_hash="secret",
        received_at=datetime.datetime(2019, 6, 9, 4, 0, tzinfo=datetime.UTC),
    )
    forms_write([(secret, [])])
    return story


def test_the_counts_are_the_forms_stored_with_events_folded_and_pending(filed, mission):
    assert TallyEvent.objects.filter(mission=mission, rolled_up=True).exists()
    assert TallyEvent.objects.filter(mission=mission, rolled_up=False).exists()
    expected = expected_figures(mission)
    moved = Submission.objects.filter(mission=mission, revision__gt=1).count()
    assert moved and expected["forms_total"] and expected["regions"]["C"] == (0, 0, 1)
    assert shown_figures(dashboard_counts(mission=mission)) == expected

    tallies_roll_up()
    assert not TallyEvent.objects.filter(rolled_up=False).exists()
    assert shown_figures(dashboard_counts(mission=mission)) == expected


def body(form, **changes) -> dict:
    """A correction's payload: the form as it stands, with some changes."""
    return {
        "polling_station": form.polling_station_id,
        "team": form.team_id,
        "answers": form.payload["answers"],
        "notes": form.notes,
        **changes,
    }


def test_a_correction_moving_a_form_counts_at_once_in_its_new_region_and_station(filed, mission):
    tallies_roll_up()
    form = Submission.objects.filter(mission=mission, kind=FormKind.VOTING, region__code="N").first()
    target = mission.polling_stations.filter(region__code="S").exclude(pk=form.polling_station_id).first()
    submission_correct(user=form.submitted_by, submission=form, payload=body(form, polling_station=target.pk))
    form.refresh_from_db()
    assert form.region_id == target.region_id
    assert TallyEvent.objects.filter(rolled_up=False).count() == 2  # the new revision in, the old one out
    assert shown_figures(dashboard_counts(mission=mission)) == expected_figures(mission)


def test_deleted_forms_leave_the_counts_whether_their_events_were_folded_or_not(filed, mission):
    tallies_roll_up()
    folded = list(Submission.objects.filter(mission=mission, kind__in=list(OBSERVATION_KINDS))[:3])
    before = expected_figures(mission)["forms_total"]
    submissions_delete(queryset=Submission.objects.filter(pk__in=[form.pk for form in folded]))
    expected = expected_figures(mission)
    assert expected["forms_total"] == before - 3
    assert shown_figures(dashboard_counts(mission=mission)) == expected

    # A form whose events are still pending when it is deleted.
    form = Submission.objects.filter(mission=mission, kind=FormKind.VOTING).first()
    submission_correct(user=form.submitted_by, submission=form, payload=body(form, notes="corrected, then deleted"))
    assert TallyEvent.objects.filter(rolled_up=False).exists()
    submissions_delete(queryset=Submission.objects.filter(pk=form.pk))
    expected = expected_figures(mission)
    assert shown_figures(dashboard_counts(mission=mission)) == expected
    tallies_roll_up()
    assert shown_figures(dashboard_counts(mission=mission)) == expected

    # The folded counts are what counting the remaining revisions again gives.
    kept = set(TallyTotal.objects.filter(mission=mission).exclude(count=0, total=0).values_list(*TALLY_KEY))
    tallies_rebuild(mission=mission)
    assert set(TallyTotal.objects.filter(mission=mission).exclude(count=0, total=0).values_list(*TALLY_KEY)) == kept


TALLY_KEY = ("kind", "region_id", "area_type", "question_code", "answer", "count", "total")


def test_the_other_mission_counts_nothing_here_and_its_own_forms_there(filed, mission):
    other = MissionFactory(slug="elsewhere")
    assert shown_figures(dashboard_counts(mission=other)) == expected_figures(other)
    assert expected_figures(other)["forms_total"] > 0


def test_the_number_of_queries_does_not_grow_with_the_forms(mission):
    def queries(of) -> int:
        with CaptureQueriesContext(connection) as captured:
            dashboard_counts(mission=of)
        return len(captured)

    tell_story(mission, seed=31, steps=8)
    more = MissionFactory(slug="more")
    tell_story(more, seed=33, steps=90)
    assert Submission.objects.filter(mission=more).count() > 3 * Submission.objects.filter(mission=mission).count()
    assert queries(more) == queries(mission) == DASHBOARD_COUNTS_QUERIES


# The tallies (forms per quarter-hour and per station), the regions, their stations, the latest incidents, their count.
DASHBOARD_COUNTS_QUERIES = 5


def test_only_the_core_team_reads_the_dashboard_data(client, mission, actors):
    url = reverse("reports:dashboard_data", args=[mission.slug])
    for name in ("analyst", "coordinator", "head"):
        client.force_login(actors[name])
        assert client.get(url).status_code == 200, name
    for name in ("sto", "lto", "outsider"):
        client.force_login(actors[name])
        assert client.get(url).status_code in (403, 404), name
