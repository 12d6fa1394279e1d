"""FilterSets for the deployment plan and planning jobs (the API's list filters)."""

import django_filters

from access.filters import ScopedFilterSet
from missions.models import Mission, Region, Tec
from observers.models import Team

from .choices import JobKind, JobStatus
from .models import PlanningJob, TeamAssignment


class TeamAssignmentFilterSet(ScopedFilterSet):
    mission = django_filters.ModelChoiceFilter(
        queryset=Mission.objects.all(), to_field_name="slug", help_text="Mission slug, e.g. kz-2019."
    )
    region = django_filters.ModelChoiceFilter(queryset=Region.objects.all(), help_text="Region id.")
    region_code = django_filters.CharFilter(field_name="region__code", help_text="Region code.")
    tec = django_filters.ModelChoiceFilter(queryset=Tec.objects.all(), field_name="tecs", help_text="TEC id.")
    team = django_filters.ModelChoiceFilter(queryset=Team.objects.all(), help_text="Team id.")
    lto_team = django_filters.ModelChoiceFilter(
        queryset=Team.objects.all(), field_name="team__lto_team", help_text="LTO team id: the STO teams in its area."
    )
    locked = django_filters.BooleanFilter()

    class Meta:
        model = TeamAssignment
        fields = ["mission", "region", "region_code", "tec", "team", "lto_team", "locked"]


class PlanningJobFilterSet(ScopedFilterSet):
    mission = django_filters.ModelChoiceFilter(
        queryset=Mission.objects.all(), to_field_name="slug", help_text="Mission slug, e.g. kz-2019."
    )
    kind = django_filters.ChoiceFilter(choices=JobKind.choices)
    status = django_filters.ChoiceFilter(choices=JobStatus.choices)

    class Meta:
        model = PlanningJob
        fields = ["mission", "kind", "status"]
