"""The coordinators' read-only preview of a checklist version, in either language."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from access import actor_for, can_preview_checklist

from .choices import OBSERVATION_KINDS, QuestionType
from .selectors import template_schema, template_with_structure


@require_GET
def template_preview(request: HttpRequest, template_id: int) -> HttpResponse:
    """A checklist as observers will see it; coordinators of its mission only (404 for anyone else)."""
    template = template_with_structure(template_id=template_id)
    if template is None:
        raise Http404("No such checklist.")
    actor = actor_for(request.user, template.mission)
    if not can_preview_checklist(actor, template):
        raise Http404("No such checklist.")
    language = request.GET.get("language", "en")
    schema = template_schema(template, language=language)
    for section in schema["sections"]:
        for question in section["questions"]:
            question["type_label"] = QuestionType(question["type"]).label
    context = {
        "template": template,
        "schema": schema,
        "observation": template.kind in OBSERVATION_KINDS,
        "rules": list(template.rules.all()),
        "title": _("Preview: %(template)s") % {"template": template},
    }
    return render(request, "checklists/preview.html", context)
