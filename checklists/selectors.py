"""Reads for checklists: the published version of a kind, and a JSON-able description of a template."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from access import actors_for, visible_to
from missions.models import Mission

from .choices import OBSERVATION_KINDS, QuestionType, TemplateStatus
from .models import DataRule, FormTemplate, Question, Section
from .rules import condition_tree
from .standard import YES_NO_LABELS

SCHEMA_LANGUAGES = ("en", "ru")


def _with_structure(queryset: QuerySet[FormTemplate]) -> QuerySet[FormTemplate]:
    """Sections in order, each with its questions in order; and the flat question list in form order."""
    return queryset.prefetch_related(
        Prefetch(
            "sections",
            queryset=Section.objects.order_by("order", "id").prefetch_related(
                Prefetch("questions", queryset=Question.objects.order_by("order", "id"))
            ),
        ),
        Prefetch("questions", queryset=Question.objects.order_by("section__order", "order", "id")),
        Prefetch("rules", queryset=DataRule.objects.order_by("order", "id")),
    )


def template_published(*, mission: Mission | int, kind: str) -> FormTemplate | None:
    """The published version of a kind for a mission, sections and questions prefetched; None when there is none."""
    mission_id = getattr(mission, "pk", mission)
    return (
        _with_structure(FormTemplate.objects.filter(mission_id=mission_id, kind=kind, status=TemplateStatus.PUBLISHED))
        .select_related("mission")
        .first()
    )


def templates_published(*, mission: Mission | int) -> dict[str, FormTemplate]:
    """Every published version of a mission by kind, with its structure prefetched (constant queries)."""
    mission_id = getattr(mission, "pk", mission)
    queryset = _with_structure(FormTemplate.objects.filter(mission_id=mission_id, status=TemplateStatus.PUBLISHED))
    return {template.kind: template for template in queryset}


def template_with_structure(*, template_id: int) -> FormTemplate | None:
    """One template of any status with its sections and questions, for previews and submissions on old versions."""
    return _with_structure(FormTemplate.objects.filter(pk=template_id)).select_related("mission").first()


def template_questions(template: FormTemplate) -> list[Question]:
    """The questions in form order (uses the prefetch when the template came from a selector)."""
    return sorted(template.questions.all(), key=lambda q: (_section_order(template, q), q.order, q.pk))


@dataclass(frozen=True)
class TemplateContent:
    """What validating a form needs of its checklist version: the questions in form order and the data-quality rules."""

    questions: tuple[Question, ...]
    rules: tuple[DataRule, ...]


# A published version never changes (FormTemplate refuses it), so each process may keep what it read: keyed by the
# version's identity and the moment it was published, a key can never name other content, in this process or any
# other. Drafts are always read afresh. Bounded, oldest dropped first; the lock makes it safe under threaded workers.
_CONTENT_CACHE: OrderedDict[tuple, TemplateContent] = OrderedDict()
_CONTENT_CACHE_SIZE = 256
_CONTENT_LOCK = threading.Lock()


def _content_key(template: FormTemplate) -> tuple | None:
    if template.status == TemplateStatus.DRAFT or template.published_at is None:
        return None
    return (template.pk, template.version, template.mission_id, template.kind, template.published_at.isoformat())


def template_content(template: FormTemplate) -> TemplateContent:
    """A version's questions (form order) and rules: read once per process for a published or retired version."""
    key = _content_key(template)
    if key is not None:
        with _CONTENT_LOCK:
            cached = _CONTENT_CACHE.get(key)
            if cached is not None:
                _CONTENT_CACHE.move_to_end(key)
                return cached
    content = TemplateContent(
        questions=tuple(template_questions(template)),
        rules=tuple(DataRule.objects.filter(template=template).order_by("order", "id")),
    )
    if key is not None:
        with _CONTENT_LOCK:
            _CONTENT_CACHE[key] = content
            while len(_CONTENT_CACHE) > _CONTENT_CACHE_SIZE:
                _CONTENT_CACHE.popitem(last=False)
    return content


def _section_order(template: FormTemplate, question: Question) -> int:
    orders = getattr(template, "_section_orders", None)
    if orders is None:
        orders = {section.pk: section.order for section in template.sections.all()}
        template._section_orders = orders
    return orders.get(question.section_id, 0)


def _localised(obj, field: str, language: str) -> str:
    if language == "ru":
        return getattr(obj, f"{field}_ru", "") or getattr(obj, field)
    return getattr(obj, field)


def question_choices(question: Question, language: str = "en") -> list[dict]:
    """The choices of a question as value/label pairs in a language (yes/no questions included)."""
    if question.type == QuestionType.YES_NO:
        values = ["yes", "no"]
    elif question.type == QuestionType.YES_NO_NA:
        values = ["yes", "no", "na"]
    else:
        return [
            {
                "value": str(choice.get("value")),
                "label": (choice.get("label_ru") if language == "ru" else None) or choice.get("label", ""),
            }
            for choice in question.choices or []
        ]
    index = 1 if language == "ru" else 0
    return [{"value": value, "label": YES_NO_LABELS[value][index]} for value in values]


def question_schema(question: Question, language: str = "en") -> dict:
    """One question as the forms and the API render it."""
    return {
        "code": question.code,
        "type": question.type,
        "text": _localised(question, "text", language),
        "help": _localised(question, "help_text", language),
        "choices": question_choices(question, language),
        "required": question.required,
        "min": question.min_value,
        "max": question.max_value,
        "shown_if": (
            {"code": question.shown_if_code, "values": [str(v) for v in question.shown_if_values]}
            if question.shown_if_code
            else None
        ),
        "condition": question.condition,
        "condition_tree": condition_tree(question),
        "critical": [str(v) for v in question.critical_values],
        "protocol_field": question.protocol_field,
    }


def template_schema(template: FormTemplate, language: str = "en") -> dict:
    """A JSON-able description of a template in one language (falls back to English where a text is missing).

    `shown_if` reads: show the question only when the question `code` is itself shown and its answer (or, for a
    multiple choice, one of its chosen values) is in `values`. `condition` is the question's expression (see
    checklists.expressions), and `condition_tree` the whole condition (`shown_if` and `condition` together) as the
    JSON tree the browser evaluates; the server applies exactly this rule.
    """
    if language not in SCHEMA_LANGUAGES:
        language = "en"
    return {
        "id": template.pk,
        "mission": template.mission_id,
        "kind": template.kind,
        "version": template.version,
        "status": template.status,
        "title": _localised(template, "title", language),
        "language": language,
        "observation": template.kind in OBSERVATION_KINDS,
        "sections": [
            {
                "id": section.pk,
                "title": _localised(section, "title", language),
                "questions": [question_schema(question, language) for question in section.questions.all()],
            }
            for section in template.sections.all()
        ],
    }


def templates_visible_to(*, user) -> QuerySet[FormTemplate]:
    """Every version for the core team; the published (and retired, for old forms) versions for observers."""
    return (
        visible_to(actors_for(user), FormTemplate)
        .select_related("mission")
        .prefetch_related(
            Prefetch(
                "sections",
                queryset=Section.objects.order_by("order", "id").prefetch_related(
                    Prefetch("questions", queryset=Question.objects.order_by("order", "id"))
                ),
            ),
            Prefetch("rules", queryset=DataRule.objects.order_by("order", "id")),
        )
        .order_by("mission_id", "kind", "-version")
    )
