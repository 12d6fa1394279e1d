"""Serializers for official results: versions, their findings, and the cross-check summary."""

from rest_framework import serializers

from results.choices import FindingKind
from results.models import ResultsVersion


class ResultsVersionSerializer(serializers.ModelSerializer):
    mission = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = ResultsVersion
        fields = [
            "id",
            "mission",
            "number",
            "level",
            "stage",
            "label",
            "published_on",
            "filename",
            "rows",
            "imported_at",
        ]
        read_only_fields = fields


class FindingSerializer(serializers.Serializer):
    """One finding: a check that failed on the official figures, or a line that differs from the observers' copy."""

    kind = serializers.ChoiceField(choices=FindingKind.choices)
    kind_label = serializers.CharField()
    region = serializers.CharField()
    tec = serializers.CharField()
    station = serializers.CharField()
    line = serializers.CharField(help_text="The protocol line (ballots_valid, candidate_2, ...) for a difference.")
    line_label = serializers.CharField()
    official = serializers.FloatField(allow_null=True, help_text="The official figure (turnout in % for turnout).")
    observed = serializers.IntegerField(allow_null=True, help_text="The figure on the observers' protocol copy.")
    difference = serializers.IntegerField(allow_null=True, help_text="Official minus observed.")
    submission = serializers.CharField(help_text="UUID of the observers' form, for a difference.")
    form_kind = serializers.CharField()
    team = serializers.CharField()
    message = serializers.CharField()


class CountsSerializer(serializers.Serializer):
    observed = serializers.IntegerField(help_text="Stations where observers recorded protocol figures.")
    matching = serializers.IntegerField()
    differing = serializers.IntegerField()
    not_published = serializers.IntegerField(help_text="Observed stations with no row in this version.")
    not_comparable = serializers.IntegerField(help_text="Published and observed, but no line on both.")


class RegionCountsSerializer(CountsSerializer):
    code = serializers.CharField()
    name = serializers.CharField()


class SummarySerializer(serializers.Serializer):
    version = ResultsVersionSerializer()
    overall = CountsSerializer()
    regions = RegionCountsSerializer(many=True)
    findings = serializers.DictField(child=serializers.IntegerField(), help_text="Number of findings by kind.")
