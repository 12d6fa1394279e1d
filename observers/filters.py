"""FilterSets for observers, memberships and teams (the API's list filters)."""

import django_filters
from django.db.models import Q
from django_countries import countries

from access import visible_to
from access.filters import ScopedFilterSet
from config.parsing import MAX_ID
from missions.models import Mission

from .choices import Gender, MemberRole, MemberStatus, TeamKind
from .models import Membership, Observer, Team


class ObserverFilterSet(ScopedFilterSet):
    mission = django_filters.ModelChoiceFilter(
        queryset=Mission.objects.all(),
        to_field_name="slug",
        method="filter_mission",
        help_text="Mission slug, e.g. kz-2019.",
    )
    role = django_filters.ChoiceFilter(
        choices=MemberRole.choices,
        method="filter_membership",
        help_text="Role in a mission you see (another mission's roles never count).",
    )
    gender = django_filters.ChoiceFilter(choices=Gender.choices)
    nationality = django_filters.ChoiceFilter(choices=list(countries), help_text="ISO 3166-1 alpha-2 code.")

    class Meta:
        model = Observer
        fields = ["mission", "role", "gender", "nationality"]

    def filter_mission(self, queryset, name, value: str):
        """The hint tells the schema the parameter is a slug (a string), not a model."""
        return self.filter_membership(queryset, name, value)

    def filter_membership(self, queryset, name, value):
        """People by mission or role, judged only on the memberships the user may see."""
        memberships = visible_to(self.actors(), Membership).filter(**{name: value})
        return queryset.filter(pk__in=memberships.values("observer_id"))


class MembershipFilterSet(ScopedFilterSet):
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


class TeamFilterSet(ScopedFilterSet):
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
