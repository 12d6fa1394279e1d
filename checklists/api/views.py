"""API viewset for form templates: the checklists as data, with their questions."""

from rest_framework import viewsets

from checklists.filters import FormTemplateFilterSet
from checklists.selectors import templates_visible_to
from missions.api.common import ScopedViewSetMixin

from .serializers import FormTemplateSerializer


class FormTemplateViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Checklist versions with sections and questions; observers see published and retired versions only."""

    selector = staticmethod(templates_visible_to)
    serializer_class = FormTemplateSerializer
    filterset_class = FormTemplateFilterSet
    ordering_fields = ["kind", "version"]
    search_fields = ["title"]
