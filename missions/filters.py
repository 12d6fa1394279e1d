"""FilterSets for missions and their geography (the API's list filters)."""

import datetime

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField

from access.filters import ScopedFilterSet

from .choices import AreaType, MissionStatus, RegionKind, SpecialStationType
from .models import Mission, PollingStation, Region, Tec

UNKNOWN_AREA = "unknown"


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time moved to UTC: any offset Python reads is one the database can compare."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None or moment.tzinfo is None:
            return moment
        try:
            return moment.astimezone(datetime.UTC)
        except OverflowError as error:
            # The offset pushes the moment outside the calendar (before year 1 or after 9999).
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from error


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    """Filter on a moment given in ISO 8601 with any offset; compared in UTC."""

    field_class = UtcIsoDateTimeField


class MissionFilterSet(ScopedFilterSet):
    followers_may_filter = True
    slug = django_filters.CharFilter()
    status = django_filters.ChoiceFilter(choices=MissionStatus.choices)
    election_day_after = django_filters.DateFilter(field_name="election_day", lookup_expr="gte")
    election_day_before = django_filters.DateFilter(field_name="election_day", lookup_expr="lte")

    class Meta:
        model = Mission
        fields = ["slug", "status", "host_country", "election_type"]


class RegionFilterSet(ScopedFilterSet):
    mission = django_filters.ModelChoiceFilter(
        queryset=Mission.objects.all(), to_field_name="slug", help_text="Mission slug, e.g. kz-2019."
    )
    code = django_filters.CharFilter()
    kind = django_filters.ChoiceFilter(choices=RegionKind.choices)

    class Meta:
        model = Region
        fields = ["mission", "code", "kind"]


class TecFilterSet(ScopedFilterSet):
    mission = django_filters.ModelChoiceFilter(
        queryset=Mission.objects.all(), to_field_name="slug", help_text="Mission slug, e.g. kz-2019."
    )
    region = django_filters.ModelChoiceFilter(queryset=Region.objects.all(), help_text="Region id.")
    region_code = django_filters.CharFilter(field_name="region__code", help_text="Region code.")
    code = django_filters.CharFilter()

    class Meta:
        model = Tec
        fields = ["mission", "region", "region_code", "code"]


class PollingStationFilterSet(ScopedFilterSet):
    mission = django_filters.ModelChoiceFilter(
        queryset=Mission.objects.all(), to_field_name="slug", help_text="Mission slug, e.g. kz-2019."
    )
    region = django_filters.ModelChoiceFilter(queryset=Region.objects.all(), help_text="Region id.")
    region_code = django_filters.CharFilter(field_name="region__code", help_text="Region code.")
    tec = django_filters.ModelChoiceFilter(queryset=Tec.objects.all(), help_text="TEC id.")
    tec_code = django_filters.CharFilter(field_name="tec__code", help_text="TEC code.")
    area_type = django_filters.ChoiceFilter(
        choices=[*AreaType.choices, (UNKNOWN_AREA, _("Not known"))],
        method="filter_area_type",
        help_text="Urban, rural, or unknown (the list did not say).",
    )
    special_type = django_filters.ChoiceFilter(choices=SpecialStationType.choices)
    number = django_filters.CharFilter(help_text="Exact number; numbers restart per region, so add region_code.")

    class Meta:
        model = PollingStation
        fields = ["mission", "region", "region_code", "tec", "tec_code", "area_type", "special_type", "number"]

    def filter_area_type(self, queryset, name, value):
        return queryset.filter(area_type="" if value == UNKNOWN_AREA else value)
