"""Serializers for the deployment plan (read only) and planning jobs."""

from rest_framework import serializers
from rest_framework.reverse import reverse

from access.api import ScopedMissionField
from deployment.choices import JobKind
from deployment.models import PlannedVisit, PlanningJob, TeamAssignment
from jobs.notices import notices_written


class PlannedVisitSerializer(serializers.ModelSerializer):
    polling_station_region = serializers.CharField(source="polling_station.region.name", read_only=True)
    polling_station_number = serializers.CharField(source="polling_station.number", read_only=True)

    class Meta:
        model = PlannedVisit
        fields = ["polling_station", "polling_station_region", "polling_station_number", "purpose", "order"]
        read_only_fields = fields


class TeamAssignmentSerializer(serializers.ModelSerializer):
    mission = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    team_code = serializers.CharField(source="team.code", read_only=True)
    visits = PlannedVisitSerializer(many=True, read_only=True)
    reason = serializers.CharField(source="reason_text", read_only=True)

    class Meta:
        model = TeamAssignment
        fields = [
            "id",
            "mission",
            "team",
            "team_code",
            "region",
            "tecs",
            "tabulation_tec",
            "quota",
            "reason",
            "locked",
            "visits",
        ]
        read_only_fields = fields


class PlanningJobSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    mission = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    summary = serializers.SerializerMethodField()
    error = serializers.CharField(source="error_text", read_only=True)

    class Meta:
        model = PlanningJob
        fields = [
            "id",
            "url",
            "mission",
            "kind",
            "status",
            "progress",
            "parameters",
            "summary",
            "error",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_summary(self, job) -> dict:
        """The summary with its warnings and reasons written in the reader's language."""
        return notices_written(job.summary)

    def get_url(self, job) -> str:
        return reverse("planning-job-detail", args=[job.pk], request=self.context.get("request"))


class PlanningJobRequestSerializer(serializers.Serializer):
    """Start team formation or deployment planning for a mission you coordinate."""

    mission = ScopedMissionField(scope="visible", help_text="Mission slug; you must coordinate it.")
    kind = serializers.ChoiceField(choices=JobKind.choices)
    parameters = serializers.DictField(
        required=False,
        help_text="form_teams: seed, kind (lto/sto/all), reform; plan_deployment: seed, basis, route_length.",
    )
