"""FilterSets for observers, memberships and teams (the API's list filters)."""

import django_filters
from django.db.models import Q
from django_countries import countries

from config.parsing import MAX_ID
from missions.models import Mission

from .choices import Gender, MemberRole, MemberStatus, TeamKind
from .models import Membership, Observer, Team


class ObserverFilterSet(django_filters.FilterSet):
    mission = django_filters.ModelChoiceFilter(
        queryset=Mission.objects.all(),
        to_field_name="slug",
        field_name="memberships__mission",
        distinct=True,
        help_text="Mission slug, e.g. kz-2019.",
    )
    role = django_filters.ChoiceFilter(field_name="memberships__role", choices=MemberRole.choices, distinct=True)
    gender = django_filters.ChoiceFilter(choices=Gender.choices)
    nationality = django_filters.ChoiceFilter(choices=list(countries), help_text="ISO 3166-1 alpha-2 code.")

    class Meta:
        model = Observer
        fields = ["mission", "role", "gender", "nationality"]


class MembershipFilterSet(django_filters.FilterSet):
    mission = django_filters.ModelChoiceFilter(
        queryset=Mission.objects.all(), to_field_name="slug", help_text="Mission slug, e.g. kz-2019."
    )
    observer = django_filters.ModelChoiceFilter(queryset=Observer.objects.all(), help_text="Observer id.")
    team = django_filters.ModelChoiceFilter(
        queryset=Team.objects.all(), field_name="team_seats__team", help_text="Team id."
    )
    role = django_filters.ChoiceFilter(choices=MemberRole.choices)
    status = django_filters.ChoiceFilter(choices=MemberStatus.choices)

    class Meta:
        model = Membership
        fields = ["mission", "observer", "team", "role", "status"]


class TeamFilterSet(django_filters.FilterSet):
    mission = django_filters.ModelChoiceFilter(
        queryset=Mission.objects.all(), to_field_name="slug", help_text="Mission slug, e.g. kz-2019."
    )
    kind = django_filters.ChoiceFilter(choices=TeamKind.choices)
    code = django_filters.CharFilter()
    lto_team = django_filters.ModelChoiceFilter(queryset=Team.objects.filter(kind=TeamKind.LTO), help_text="Team id.")
    region = django_filters.NumberFilter(
        method="filter_region",
        help_text="Region id: LTO teams with it in their area, STO teams planned there.",
        # A number past the database's ids reached the query and failed there (a 500): refused as input now.
        min_value=1,
        max_value=MAX_ID,
        decimal_places=0,
    )

    class Meta:
        model = Team
        fields = ["mission", "kind", "code", "lto_team", "region"]

    def filter_region(self, queryset, name, value):
        return queryset.filter(Q(area_regions=value) | Q(assignment__region=value)).distinct()
