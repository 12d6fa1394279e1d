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
            "station_numbering",
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
    """A station; numbers restart per region, so region (and TEC) with the number identify it."""

    mission = ScopedMissionField()
    region_code = serializers.CharField(source="region.code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    tec_code = serializers.CharField(source="tec.code", read_only=True)
    label = serializers.CharField(source="__str__", read_only=True, help_text='"Region — No. N", as pages show it.')

    class Meta:
        model = PollingStation
        fields = [
            "id",
            "mission",
            "region",
            "region_code",
            "region_name",
            "tec",
            "tec_code",
            "number",
            "label",
            "name",
            "address",
            "area_type",
            "registered_voters",
            "special_type",
            "latitude",
            "longitude",
        ]
