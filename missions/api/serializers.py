"""Serializers for missions and geography: shape only; model rules come from full_clean."""

from rest_framework import serializers

from access.api import CleanModelSerializer, ScopedMissionField
from missions.models import Mission, PollingStation, Region, Tec

# A mission named by slug, limited to the missions the requesting user may write (the old name stays importable).
CoordinatedMissionField = ScopedMissionField


class MissionSerializer(serializers.ModelSerializer):
    host_country = serializers.CharField(source="host_country.code", read_only=True)

    class Meta:
        model = Mission
        fields = [
            "id",
            "slug",
            "name",
            "host_country",
            "election_type",
            "election_day",
            "opening_date",
            "closing_date",
            "status",
            "time_zone",
            "local_languages",
            "candidates",
        ]
        read_only_fields = fields


class RegionSerializer(CleanModelSerializer):
    mission = ScopedMissionField()

    class Meta:
        model = Region
        fields = ["id", "mission", "code", "name", "kind", "time_zone"]


class TecSerializer(CleanModelSerializer):
    mission = ScopedMissionField()

    class Meta:
        model = Tec
        fields = ["id", "mission", "region", "code", "name"]


class PollingStationSerializer(CleanModelSerializer):
    mission = ScopedMissionField()

    class Meta:
        model = PollingStation
        fields = [
            "id",
            "mission",
            "region",
            "tec",
            "number",
            "name",
            "address",
            "area_type",
            "registered_voters",
            "special_type",
            "latitude",
            "longitude",
        ]
