"""Reads for the API: form templates a user may see, with sections and questions prefetched in form order."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from observers.api_selectors import actors_for

from .choices import TemplateStatus
from .models import FormTemplate, Question, Section


def templates_visible_to(*, user) -> QuerySet[FormTemplate]:
    """Every version for the core team; the published (and retired, for old forms) versions for observers."""
    scope = Q(pk__in=[])
    for actor in actors_for(user):
        if actor.sees_whole_mission:
            scope |= Q(mission_id=actor.mission_id)
        else:
            scope |= Q(mission_id=actor.mission_id, status__in=[TemplateStatus.PUBLISHED, TemplateStatus.RETIRED])
    return (
        FormTemplate.objects.filter(scope)
        .select_related("mission")
        .prefetch_related(
            Prefetch(
                "sections",
                queryset=Section.objects.order_by("order", "id").prefetch_related(
                    Prefetch("questions", queryset=Question.objects.order_by("order", "id"))
                ),
            )
        )
        .order_by("mission_id", "kind", "-version")
    )
