"""Serializers for missions and geography: shape only; model rules come from full_clean."""

from rest_framework import serializers

from missions.models import Mission, PollingStation, Region, Tec
from observers.api_selectors import coordinated_mission_ids

from .common import CleanModelSerializer


class CoordinatedMissionField(serializers.SlugRelatedField):
    """A mission given by slug, limited to the missions the requesting user coordinates."""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "slug")
        kwargs.setdefault("help_text", "Mission slug; you must be a coordinator of it.")
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return Mission.objects.none()
        return Mission.objects.filter(pk__in=coordinated_mission_ids(request.user))


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
    mission = CoordinatedMissionField()

    class Meta:
        model = Region
        fields = ["id", "mission", "code", "name", "kind", "time_zone"]


class TecSerializer(CleanModelSerializer):
    mission = CoordinatedMissionField()

    class Meta:
        model = Tec
        fields = ["id", "mission", "region", "code", "name"]


class PollingStationSerializer(CleanModelSerializer):
    """A station; numbers restart per region, so region (and TEC) with the number identify it."""

    mission = CoordinatedMissionField()
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
