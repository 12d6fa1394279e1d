"""FilterSets for missions and their geography (the API's list filters)."""

import django_filters

from .choices import AreaType, MissionStatus, RegionKind, SpecialStationType
from .models import Mission, PollingStation, Region, Tec


class MissionFilterSet(django_filters.FilterSet):
    slug = django_filters.CharFilter()
    status = django_filters.ChoiceFilter(choices=MissionStatus.choices)
    election_day_after = django_filters.DateFilter(field_name="election_day", lookup_expr="gte")
    election_day_before = django_filters.DateFilter(field_name="election_day", lookup_expr="lte")

    class Meta:
        model = Mission
        fields = ["slug", "status", "host_country", "election_type"]


class RegionFilterSet(django_filters.FilterSet):
    mission = django_filters.ModelChoiceFilter(
        queryset=Mission.objects.all(), to_field_name="slug", help_text="Mission slug, e.g. kz-2019."
    )
    code = django_filters.CharFilter()
    kind = django_filters.ChoiceFilter(choices=RegionKind.choices)

    class Meta:
        model = Region
        fields = ["mission", "code", "kind"]


class TecFilterSet(django_filters.FilterSet):
    mission = django_filters.ModelChoiceFilter(
        queryset=Mission.objects.all(), to_field_name="slug", help_text="Mission slug, e.g. kz-2019."
    )
    region = django_filters.ModelChoiceFilter(queryset=Region.objects.all(), help_text="Region id.")
    region_code = django_filters.CharFilter(field_name="region__code", help_text="Region code.")
    code = django_filters.CharFilter()

    class Meta:
        model = Tec
        fields = ["mission", "region", "region_code", "code"]


class PollingStationFilterSet(django_filters.FilterSet):
    mission = django_filters.ModelChoiceFilter(
        queryset=Mission.objects.all(), to_field_name="slug", help_text="Mission slug, e.g. kz-2019."
    )
    region = django_filters.ModelChoiceFilter(queryset=Region.objects.all(), help_text="Region id.")
    region_code = django_filters.CharFilter(field_name="region__code", help_text="Region code.")
    tec = django_filters.ModelChoiceFilter(queryset=Tec.objects.all(), help_text="TEC id.")
    tec_code = django_filters.CharFilter(field_name="tec__code", help_text="TEC code.")
    area_type = django_filters.ChoiceFilter(choices=AreaType.choices, help_text="Urban or rural.")
    special_type = django_filters.ChoiceFilter(choices=SpecialStationType.choices)
    number = django_filters.CharFilter()

    class Meta:
        model = PollingStation
        fields = ["mission", "region", "region_code", "tec", "tec_code", "area_type", "special_type", "number"]
