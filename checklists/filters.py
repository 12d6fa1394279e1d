"""FilterSets for checklists (the API's list filters)."""

import django_filters

from access.filters import ScopedFilterSet
from missions.models import Mission

from .choices import FormKind, TemplateStatus
from .models import FormTemplate


class FormTemplateFilterSet(ScopedFilterSet):
    mission = django_filters.ModelChoiceFilter(
        queryset=Mission.objects.all(), to_field_name="slug", help_text="Mission slug, e.g. kz-2019."
    )
    kind = django_filters.ChoiceFilter(choices=FormKind.choices)
    status = django_filters.ChoiceFilter(choices=TemplateStatus.choices)
    version = django_filters.NumberFilter()

    class Meta:
        model = FormTemplate
        fields = ["mission", "kind", "status", "version"]
