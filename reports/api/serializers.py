"""Serializers for report runs: the request, and the run with its status, progress and downloads."""

from rest_framework import serializers
from rest_framework.reverse import reverse

from access.api import ScopedMissionField, ScopedRelatedField
from checklists.choices import OBSERVATION_KINDS, FormKind
from missions.models import Region
from reports.choices import ExportFormat, RunStatus
from reports.models import ReportRun


class ReportRunSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    mission = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    error = serializers.CharField(source="error_text", read_only=True)
    downloads = serializers.SerializerMethodField(
        help_text="Format -> URL of the report pages' download, once the run is done (every download is logged)."
    )
    api_downloads = serializers.SerializerMethodField(
        help_text="Format -> API URL of the same file, for scripts signed in with a token."
    )

    class Meta:
        model = ReportRun
        fields = [
            "id",
            "url",
            "mission",
            "kinds",
            "region",
            "cutoff",
            "status",
            "progress",
            "error",
            "created_at",
            "started_at",
            "finished_at",
            "submissions_count",
            "published",
            "published_at",
            "downloads",
            "api_downloads",
        ]
        read_only_fields = fields

    def get_url(self, run) -> str:
        return reverse("report-run-detail", args=[run.pk], request=self.context.get("request"))

    def get_downloads(self, run) -> dict[str, str]:
        if run.status != RunStatus.DONE:
            return {}
        request = self.context.get("request")
        return {
            fmt: reverse("reports:run_export", args=[run.pk, fmt], request=request)
            for fmt in ExportFormat.values
            if run.output_file(fmt)
        }

    def get_api_downloads(self, run) -> dict[str, str]:
        request = self.context.get("request")
        return {
            fmt: reverse("report-run-download", args=[run.pk, fmt], request=request) for fmt in self.get_downloads(run)
        }


class ReportRunRequestSerializer(serializers.Serializer):
    """What to compile: a mission, optionally some form kinds, one region and a cut-off time."""

    mission = ScopedMissionField(scope="visible", help_text="Mission slug; you must be on its core team.")
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=[(kind, FormKind(kind).label) for kind in OBSERVATION_KINDS]),
        required=False,
        allow_empty=False,
        help_text="Form kinds to compile; all observation kinds when left out.",
    )
    region = ScopedRelatedField(scope="visible", queryset=Region.objects.all(), required=False, allow_null=True)
    cutoff = serializers.DateTimeField(required=False, allow_null=True, help_text="Only forms received up to then.")

    def get_api_downloads(self, run) -> dict[str, str]:
        request = self.context.get("request")
        return {
            fmt: reverse("report-run-download", args=[run.pk, fmt], request=request) for fmt in self.get_downloads(run)
        }
