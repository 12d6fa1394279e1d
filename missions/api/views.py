"""API viewsets for missions and geography: reads for every member, writes for coordinators."""

from rest_framework import viewsets

from access.api import RequestViewSet, ScopedViewSetMixin, WritableViewSet  # noqa: F401 -- importable from here
from missions.filters import MissionFilterSet, PollingStationFilterSet, RegionFilterSet, TecFilterSet
from missions.selectors import (
    missions_visible_to,
    polling_stations_visible_to,
    regions_visible_to,
    tecs_visible_to,
)

from .serializers import MissionSerializer, PollingStationSerializer, RegionSerializer, TecSerializer


class MissionViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Missions you hold a role in, and those you follow as ODIHR staff."""

    selector = staticmethod(missions_visible_to)
    serializer_class = MissionSerializer
    filterset_class = MissionFilterSet
    followers_may_read = True
    lookup_field = "slug"
    lookup_value_regex = "[^/]+"
    ordering_fields = ["election_day", "name"]
    search_fields = ["name", "slug"]


class RegionViewSet(ScopedViewSetMixin, WritableViewSet):
    """Regions (and cities of republican significance) of your missions."""

    selector = staticmethod(regions_visible_to)
    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet
    ordering_fields = ["name", "code"]
    search_fields = ["name", "code"]


class TecViewSet(ScopedViewSetMixin, WritableViewSet):
    """Territorial election commissions of your missions."""

    selector = staticmethod(tecs_visible_to)
    serializer_class = TecSerializer
    filterset_class = TecFilterSet
    ordering_fields = ["code", "name"]
    search_fields = ["name", "code"]


class PollingStationViewSet(ScopedViewSetMixin, WritableViewSet):
    """Polling stations of your missions; numbers restart per region, so look one up by region_code and number."""

    selector = staticmethod(polling_stations_visible_to)
    serializer_class = PollingStationSerializer
    filterset_class = PollingStationFilterSet
    ordering_fields = ["region__name", "number", "registered_voters"]
    search_fields = ["number", "region__name", "region__code", "name", "address"]
