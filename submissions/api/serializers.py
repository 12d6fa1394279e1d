"""Serializers for submitted forms: the stored form for reading, the payload fields for writing.

Writes only shape the request; the submissions services judge the content (and answer with messages by field or
question code), so a form is validated by the same rules as in the browser.
"""

import datetime

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.reverse import reverse

from checklists.choices import FormKind
from submissions.models import Submission


class SubmissionSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    mission = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    team_code = serializers.CharField(source="team.code", read_only=True, allow_null=True, default=None)
    polling_station_number = serializers.CharField(
        source="polling_station.number", read_only=True, allow_null=True, default=None
    )
    template_version = serializers.IntegerField(source="template.version", read_only=True)
    answers = serializers.SerializerMethodField(help_text="Question code -> answer, as last submitted.")

    class Meta:
        model = Submission
        fields = [
            "url",
            "uuid",
            "mission",
            "kind",
            "template",
            "template_version",
            "team",
            "team_code",
            "polling_station",
            "polling_station_number",
            "tec",
            "region",
            "area_type",
            "arrival_time",
            "departure_time",
            "notes",
            "urgent",
            "has_critical",
            "overall_assessment",
            "protocol_mismatch",
            "protocol_issues",
            "confidential",
            "answers",
            "revision",
            "status",
            "received_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_url(self, submission) -> str:
        return reverse("submission-detail", args=[submission.uuid], request=self.context.get("request"))

    def get_answers(self, submission) -> dict:
        answers = (submission.payload or {}).get("answers", {})
        return answers if isinstance(answers, dict) else {}


class SubmissionPayloadSerializer(serializers.Serializer):
    """The content of a form: where, when, flags, notes and the answers by question code."""

    polling_station = serializers.IntegerField(required=False, allow_null=True, help_text="Polling station id.")
    tec = serializers.IntegerField(required=False, allow_null=True, help_text="TEC id (tabulation forms).")
    team = serializers.IntegerField(
        required=False, allow_null=True, help_text="Team id; defaults to your own team (coordinators may name one)."
    )
    arrival_time = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, help_text="ISO 8601 date-time, or HH:MM on the form's day."
    )
    departure_time = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, help_text="ISO 8601 date-time, or HH:MM on the form's day."
    )
    urgent = serializers.BooleanField(required=False)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000, trim_whitespace=False)
    confidential = serializers.BooleanField(required=False, help_text="Meeting records only.")
    answers = serializers.DictField(required=False, help_text="Question code -> answer (a list for multiple choice).")

    def _moment_in_calendar(self, value):
        # Shape only: a date-time whose offset pushes it outside the calendar cannot be stored anywhere.
        try:
            moment = parse_datetime(value) if value else None
        except ValueError:
            return value  # not a date-time at all: the service explains what it expects
        if moment is not None and moment.tzinfo is not None:
            try:
                moment.astimezone(datetime.UTC)
            except OverflowError as error:
                raise serializers.ValidationError(_("This moment is outside the calendar.")) from error
        return value

    def validate_arrival_time(self, value):
        return self._moment_in_calendar(value)

    def validate_departure_time(self, value):
        return self._moment_in_calendar(value)

    def payload(self) -> dict:
        """The fields the client sent, as the submissions services take them."""
        return {key: value for key, value in self.validated_data.items() if key in self.fields}


class SubmissionCreateSerializer(SubmissionPayloadSerializer):
    """A new form: its browser-made UUID and its checklist (a template id, or a mission and form kind)."""

    uuid = serializers.UUIDField(help_text="Made by the client when the form is opened; resending it is harmless.")
    template = serializers.IntegerField(
        required=False, help_text="Form template id; or give mission and kind for the published version."
    )
    mission = serializers.SlugField(required=False, help_text="Mission slug (with kind, instead of template).")
    kind = serializers.ChoiceField(choices=FormKind.choices, required=False, help_text="Form kind (with mission).")

    def validate(self, attrs):
        if attrs.get("template") is None and not (attrs.get("mission") and attrs.get("kind")):
            raise serializers.ValidationError(
                {"template": ["Give the form template id, or the mission and the form kind."]}
            )
        return attrs

    def payload(self) -> dict:
        return {
            key: value
            for key, value in self.validated_data.items()
            if key in SubmissionPayloadSerializer._declared_fields
        }
