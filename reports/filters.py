"""FilterSets for report runs (the API's list filters)."""

import django_filters

from access.filters import ScopedFilterSet
from missions.filters import UtcIsoDateTimeFilter
from missions.models import Mission, Region

from .choices import RunStatus
from .models import ReportRun


class ReportRunFilterSet(ScopedFilterSet):
    followers_may_filter = True
    mission = django_filters.ModelChoiceFilter(
        queryset=Mission.objects.all(), to_field_name="slug", help_text="Mission slug, e.g. kz-2019."
    )
    region = django_filters.ModelChoiceFilter(queryset=Region.objects.all(), help_text="Region id.")
    status = django_filters.ChoiceFilter(choices=RunStatus.choices)
    published = django_filters.BooleanFilter()
    created_after = UtcIsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = UtcIsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = ReportRun
        fields = ["mission", "region", "status", "published", "created_after", "created_before"]
