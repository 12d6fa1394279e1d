"""The deployment plan names a station by its region and number: numbers restart in every region."""

import csv
import io

import pytest
from django.urls import reverse

from deployment.choices import VisitPurpose
from deployment.models import PlannedVisit, TeamAssignment
from deployment.selectors import plan_review
from missions.models import PollingStation
from observers.choices import MemberRole
from tests.deployment.builders import geography
from tests.deployment.test_views import _member_user
from tests.factories import team_with_members

pytestmark = pytest.mark.django_db


@pytest.fixture
def pec_no_1_twice(mission):
    """Two regions numbered from 1 like the CEC's list; one team plans PEC No. 1 of each region."""
    regions = geography(mission, {"Akmola": [(3, 0.5)], "Aktobe": [(3, 0.5)]})
    for region in regions.values():
        for position, station in enumerate(PollingStation.objects.filter(region=region).order_by("number"), start=1):
            station.number = str(position)
            station.save()
    visits = []
    for index, region in enumerate(regions.values(), start=1):
        team = team_with_members(mission=mission, code=f"STO-00{index}")
        assignment = TeamAssignment.objects.create(team=team, mission=mission, region=region)
        no_1 = PollingStation.objects.get(region=region, number="1")
        visits.append(
            PlannedVisit.objects.create(
                assignment=assignment, polling_station=no_1, purpose=VisitPurpose.VOTING, order=1
            )
        )
    return regions, visits


def test_the_plan_export_carries_each_visits_region_and_number(client, mission, pec_no_1_twice):
    client.force_login(_member_user(mission, "coordinator", MemberRole.CORE_TEAM, "lto_coordinator"))
    response = client.get(reverse("deployment:export", args=[mission.slug, "csv"]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    visits = sorted((row["Team"], row["Station region"], row["Station number"]) for row in rows if row["Order"])
    assert visits == [("STO-001", "Akmola", "1"), ("STO-002", "Aktobe", "1")]


def test_pec_no_1_of_two_regions_is_not_a_station_planned_twice(mission, pec_no_1_twice):
    review = plan_review(mission=mission)
    assert review["stations_planned_twice"] == []
    regions, visits = pec_no_1_twice
    second_team = team_with_members(mission=mission, code="STO-003")
    extra = TeamAssignment.objects.create(team=second_team, mission=mission, region=regions["Akmola"])
    PlannedVisit.objects.create(
        assignment=extra, polling_station=visits[0].polling_station, purpose=VisitPurpose.VOTING, order=1
    )
    review = plan_review(mission=mission)
    assert review["stations_planned_twice"] == [("Akmola — No. 1", 2)]
