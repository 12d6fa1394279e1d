"""FilterSets for submitted forms (the API's list filters)."""

import django_filters

from access.filters import ScopedFilterSet
from checklists.choices import Assessment, FormKind
from checklists.models import FormTemplate
from missions.choices import AreaType
from missions.filters import UtcIsoDateTimeFilter
from missions.models import Mission, PollingStation, Region, Tec
from observers.models import Team

from .choices import SubmissionStatus
from .models import Submission


class SubmissionFilterSet(ScopedFilterSet):
    mission = django_filters.ModelChoiceFilter(
        queryset=Mission.objects.all(), to_field_name="slug", help_text="Mission slug, e.g. kz-2019."
    )
    region = django_filters.ModelChoiceFilter(queryset=Region.objects.all(), help_text="Region id.")
    region_code = django_filters.CharFilter(field_name="region__code", help_text="Region code, e.g. NKZ.")
    tec = django_filters.ModelChoiceFilter(queryset=Tec.objects.all(), help_text="TEC id.")
    tec_code = django_filters.CharFilter(field_name="tec__code", help_text="TEC code.")
    polling_station = django_filters.ModelChoiceFilter(
        queryset=PollingStation.objects.all(), help_text="Polling station id."
    )
    area_type = django_filters.ChoiceFilter(choices=AreaType.choices, help_text="Urban or rural.")
    kind = django_filters.ChoiceFilter(choices=FormKind.choices, help_text="Form kind.")
    template = django_filters.ModelChoiceFilter(queryset=FormTemplate.objects.all(), help_text="Form template id.")
    team = django_filters.ModelChoiceFilter(queryset=Team.objects.all(), help_text="Team id.")
    team_code = django_filters.CharFilter(field_name="team__code", help_text="Team code, e.g. STO-001.")
    received_after = UtcIsoDateTimeFilter(
        field_name="received_at", lookup_expr="gte", help_text="Received at or after (ISO 8601)."
    )
    received_before = UtcIsoDateTimeFilter(
        field_name="received_at", lookup_expr="lt", help_text="Received before (ISO 8601)."
    )
    urgent = django_filters.BooleanFilter(help_text="Flagged urgent by the observers.")
    has_critical = django_filters.BooleanFilter(help_text="Carries an answer that raises an alert.")
    protocol_mismatch = django_filters.BooleanFilter(help_text="The counting protocol does not add up.")
    status = django_filters.ChoiceFilter(choices=SubmissionStatus.choices)
    overall_assessment = django_filters.ChoiceFilter(choices=Assessment.choices)

    class Meta:
        model = Submission
        fields = [
            "mission",
            "region",
            "region_code",
            "tec",
            "tec_code",
            "polling_station",
            "area_type",
            "kind",
            "template",
            "team",
            "team_code",
            "received_after",
            "received_before",
            "urgent",
            "has_critical",
            "protocol_mismatch",
            "status",
            "overall_assessment",
        ]
