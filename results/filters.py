"""FilterSets for official results (the API's list filters)."""

import django_filters

from access.filters import ScopedFilterSet
from missions.models import Mission

from .choices import ResultsLevel, ResultsStage
from .models import ResultsVersion


class ResultsVersionFilterSet(ScopedFilterSet):
    mission = django_filters.ModelChoiceFilter(
        queryset=Mission.objects.all(), to_field_name="slug", help_text="Mission slug, e.g. kz-2019."
    )
    stage = django_filters.ChoiceFilter(choices=ResultsStage.choices)
    level = django_filters.ChoiceFilter(choices=ResultsLevel.choices)

    class Meta:
        model = ResultsVersion
        fields = ["mission", "stage", "level"]
