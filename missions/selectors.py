"""Reads for missions and their geography, scoped by the access layer to the missions a user holds a role in."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Length

from access import actors_for, visible_to

from .models import Mission, PollingStation, Region, Tec


def member_mission_ids(user) -> list[int]:
    """Missions in which the user holds a role (any mission for a superuser)."""
    return [actor.mission_id for actor in actors_for(user)]


def missions_visible_to(*, user) -> QuerySet[Mission]:
    """Missions the user may see: where they hold a role, and those they follow as ODIHR staff."""
    return visible_to(actors_for(user, followers=True), Mission).order_by("-election_day", "name")


def regions_visible_to(*, user) -> QuerySet[Region]:
    """Regions of the user's missions, with the mission joined."""
    return visible_to(actors_for(user), Region).select_related("mission").order_by("mission_id", "name", "pk")


def tecs_visible_to(*, user) -> QuerySet[Tec]:
    """TECs of the user's missions, with mission and region joined."""
    return visible_to(actors_for(user), Tec).select_related("mission", "region").order_by("mission_id", "code", "pk")


def polling_stations_visible_to(*, user) -> QuerySet[PollingStation]:
    """Polling stations of the user's missions, with mission, region and TEC joined."""
    return (
        visible_to(actors_for(user), PollingStation)
        .select_related("mission", "region", "tec")
        .order_by("mission_id", "region__name", "number", "pk")
    )


def stations_find(*, mission: Mission, number: str, region_ids=None, region_id: int | None = None):
    """Stations whose number contains ``number``, in the given regions (None: all), exact numbers first.

    Numbers restart per region, so "1" is PEC No. 1 of every region: the caller narrows by region, and the exact
    matches come before No. 10, 11, ... of each region.
    """
    stations = PollingStation.objects.filter(mission=mission, number__icontains=number)
    if region_ids is not None:
        stations = stations.filter(region_id__in=region_ids)
    if region_id is not None:
        stations = stations.filter(region_id=region_id)
    exact = Case(When(Q(number__iexact=number), then=Value(0)), default=Value(1), output_field=IntegerField())
    return stations.select_related("region", "tec").order_by(exact, Length("number"), "number", "region__name", "pk")
