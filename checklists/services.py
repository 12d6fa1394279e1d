"""Writes for checklists: loading the standard set, editing drafts, new versions, publishing and retiring."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from missions.models import Mission

from .choices import OBSERVATION_KINDS, OVERALL_ASSESSMENT_CODE, FormKind, QuestionType, TemplateStatus
from .models import DataRule, FormTemplate, PublishedTemplateError, Question, Section, frozen_message
from .rules import condition_errors, normalise_condition, rule_errors
from .standard import standard_specifications

CHOICE_TYPES = (QuestionType.SINGLE, QuestionType.MULTIPLE)
# Values a yes/no question can take; conditions and critical markers on them must use these.
IMPLICIT_VALUES = {
    QuestionType.YES_NO: {"yes", "no"},
    QuestionType.YES_NO_NA: {"yes", "no", "na"},
}
QUESTION_FIELDS = (
    "code",
    "text",
    "text_ru",
    "help_text",
    "help_text_ru",
    "type",
    "choices",
    "required",
    "min_value",
    "max_value",
    "shown_if_code",
    "shown_if_values",
    "condition",
    "critical_values",
    "protocol_field",
)

RULE_FIELDS = ("code", "expression", "message", "message_ru")


def _ensure_editable(template: FormTemplate) -> None:
    """Refuse any change to a version that is published or retired (re-read: the caller's copy may be stale)."""
    status = FormTemplate.objects.filter(pk=template.pk).values_list("status", flat=True).first()
    if status is not None and status != TemplateStatus.DRAFT:
        template.status = status
        raise PublishedTemplateError(frozen_message(template))


def _question_values(question: Question) -> set[str] | None:
    """The answers a question can have, when it is a closed question (None for integers, times, texts)."""
    if question.type in IMPLICIT_VALUES:
        return IMPLICIT_VALUES[question.type]
    if question.type in CHOICE_TYPES:
        return set(question.choice_values)
    return None


def template_errors(*, template: FormTemplate) -> list[str]:
    """Every reason the template cannot be published, as messages a coordinator can act on (empty when valid)."""
    errors: list[str] = []
    questions = list(template.questions.select_related("section").order_by("section__order", "order", "id"))
    if not questions:
        return [_("The checklist has no questions.")]
    seen: dict[str, Question] = {}
    for question in questions:
        code = {"code": question.code}
        if question.section.template_id != template.pk:
            errors.append(_("Question %(code)s sits in a section of another checklist.") % code)
        if question.code in seen:
            errors.append(_("The code %(code)s is used by more than one question.") % code)
        if question.type in CHOICE_TYPES:
            values = question.choice_values
            if not values:
                errors.append(_("Question %(code)s is a choice question without choices.") % code)
            elif len(set(values)) != len(values):
                errors.append(_("Question %(code)s lists the same choice twice.") % code)
            if any(not choice.get("label") for choice in question.choices or []):
                errors.append(_("Question %(code)s has a choice without a label.") % code)
        elif question.choices:
            errors.append(_("Question %(code)s is not a choice question but lists choices.") % code)
        if question.type != QuestionType.INTEGER and (question.min_value is not None or question.max_value is not None):
            errors.append(_("Question %(code)s has bounds but is not an integer question.") % code)
        if (
            question.min_value is not None
            and question.max_value is not None
            and question.min_value > question.max_value
        ):
            errors.append(
                _("Question %(code)s: the minimum %(minimum)s is above the maximum %(maximum)s.")
                % {**code, "minimum": question.min_value, "maximum": question.max_value}
            )
        if question.shown_if_code:
            source = seen.get(question.shown_if_code)
            if source is None:
                errors.append(
                    _("Question %(code)s is shown only if %(codes)s, which is not an earlier question of this form.")
                    % {**code, "codes": question.shown_if_code}
                )
            else:
                allowed = _question_values(source)
                if not question.shown_if_values:
                    errors.append(
                        _("Question %(code)s is shown only if %(source)s has one of no answers; list them.")
                        % {**code, "source": source.code}
                    )
                elif allowed is not None and not set(map(str, question.shown_if_values)) <= allowed:
                    errors.append(
                        _("Question %(code)s: the condition on %(source)s names answers that question cannot have.")
                        % {**code, "source": source.code}
                    )
        elif question.shown_if_values:
            errors.append(_("Question %(code)s lists condition answers but no question to test.") % code)
        if question.type == QuestionType.NOTE and (question.required or question.critical_values):
            errors.append(_("Question %(code)s is a note: it has no answer to require or to mark critical.") % code)
        allowed = _question_values(question)
        if question.critical_values and allowed is not None and not set(map(str, question.critical_values)) <= allowed:
            errors.append(_("Question %(code)s: its critical answers are not answers it can have.") % code)
        if question.protocol_field and question.type != QuestionType.INTEGER:
            errors.append(_("Question %(code)s holds a protocol figure but is not an integer question.") % code)
        seen.setdefault(question.code, question)
    errors.extend(condition_errors(questions))
    errors.extend(rule_errors(template.rules.all(), questions))
    if template.kind in OBSERVATION_KINDS:
        last = questions[-1]
        if last.code != OVERALL_ASSESSMENT_CODE:
            errors.append(
                _("An observation form must end with the question %(code)s.") % {"code": OVERALL_ASSESSMENT_CODE}
            )
        elif last.type != QuestionType.SINGLE or not last.required or last.shown_if_code or last.condition:
            errors.append(
                _("%(code)s must be a required single choice that is always shown.") % {"code": OVERALL_ASSESSMENT_CODE}
            )
    return errors


@transaction.atomic
def template_create_from_specification(*, mission: Mission, specification: dict, version: int = 1) -> FormTemplate:
    """Create a draft template with its sections and questions from a specification (see checklists.standard)."""
    template = FormTemplate.objects.create(
        mission=mission,
        kind=specification["kind"],
        version=version,
        status=TemplateStatus.DRAFT,
        title=specification["title"],
        title_ru=specification.get("title_ru", ""),
    )
    questions: list[Question] = []
    for section_order, section_spec in enumerate(specification["sections"], start=1):
        section = Section.objects.create(
            template=template, order=section_order, title=section_spec["title"], title_ru=section_spec["title_ru"]
        )
        for question_order, spec in enumerate(section_spec["questions"], start=1):
            fields = {name: spec[name] for name in QUESTION_FIELDS if name in spec}
            questions.append(Question(template=template, section=section, order=question_order, **fields))
    Question.objects.bulk_create(questions)
    DataRule.objects.bulk_create(
        [
            DataRule(template=template, order=order, **{name: spec.get(name, "") for name in RULE_FIELDS})
            for order, spec in enumerate(specification.get("rules", []), start=1)
        ]
    )
    return template


def checklists_load_standard(*, mission: Mission) -> list[FormTemplate]:
    """Create and publish v1 of each standard checklist the mission lacks; a second call changes nothing.

    A kind that already has any version (a coordinator may have loaded and edited it) is left as it is; the
    published version of every kind is returned, in the order of the standard set.
    """
    loaded: list[FormTemplate] = []
    with transaction.atomic():
        existing = set(FormTemplate.objects.filter(mission=mission).values_list("kind", flat=True))
        for specification in standard_specifications(candidates=list(mission.candidates or [])):
            if specification["kind"] in existing:
                continue
            template = template_create_from_specification(mission=mission, specification=specification)
            template_publish(template=template)
        published = {t.kind: t for t in FormTemplate.objects.filter(mission=mission, status=TemplateStatus.PUBLISHED)}
    for kind in FormKind.values:
        if kind in published:
            loaded.append(published[kind])
    return loaded


@transaction.atomic
def template_new_version(*, template: FormTemplate) -> FormTemplate:
    """Copy a published or retired version, with its sections and questions, into a new draft (next version)."""
    if template.status == TemplateStatus.DRAFT:
        raise ValidationError(
            _("Version %(version)s is still a draft: edit it instead of copying it.") % {"version": template.version}
        )
    if FormTemplate.objects.filter(
        mission=template.mission_id, kind=template.kind, status=TemplateStatus.DRAFT
    ).exists():
        raise ValidationError(
            _("A draft of the %(kind)s checklist already exists; edit or publish it first.")
            % {"kind": template.get_kind_display()}
        )
    latest = (
        FormTemplate.objects.filter(mission=template.mission_id, kind=template.kind)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    draft = FormTemplate.objects.create(
        mission_id=template.mission_id,
        kind=template.kind,
        version=(latest or 0) + 1,
        status=TemplateStatus.DRAFT,
        title=template.title,
        title_ru=template.title_ru,
    )
    section_map: dict[int, Section] = {}
    for section in template.sections.order_by("order", "id"):
        section_map[section.pk] = Section.objects.create(
            template=draft, order=section.order, title=section.title, title_ru=section.title_ru
        )
    Question.objects.bulk_create(
        [
            Question(
                template=draft,
                section=section_map[question.section_id],
                order=question.order,
                **{name: getattr(question, name) for name in QUESTION_FIELDS},
            )
            for question in template.questions.order_by("section__order", "order", "id")
        ]
    )
    DataRule.objects.bulk_create(
        [
            DataRule(template=draft, order=rule.order, **{name: getattr(rule, name) for name in RULE_FIELDS})
            for rule in template.rules.order_by("order", "id")
        ]
    )
    return draft


@transaction.atomic
def template_publish(*, template: FormTemplate) -> FormTemplate:
    """Validate a draft and publish it; the previously published version of its kind is retired in the same step."""
    template = FormTemplate.objects.select_for_update().get(pk=template.pk)
    if template.status != TemplateStatus.DRAFT:
        raise ValidationError(
            _("Only a draft can be published; version %(version)s is %(status)s.")
            % {"version": template.version, "status": template.get_status_display().lower()}
        )
    errors = template_errors(template=template)
    if errors:
        raise ValidationError(errors)
    for previous in FormTemplate.objects.select_for_update().filter(
        mission=template.mission_id, kind=template.kind, status=TemplateStatus.PUBLISHED
    ):
        previous.status = TemplateStatus.RETIRED
        previous.save(update_fields=["status"])
    template.status = TemplateStatus.PUBLISHED
    template.published_at = timezone.now()
    template.save(update_fields=["status", "published_at"])
    return template


@transaction.atomic
def template_retire(*, template: FormTemplate) -> FormTemplate:
    """Retire a published version: no new forms start on it (forms already opened on it are still accepted)."""
    template = FormTemplate.objects.select_for_update().get(pk=template.pk)
    if template.status != TemplateStatus.PUBLISHED:
        raise ValidationError(
            _("Only a published version can be retired; version %(version)s is %(status)s.")
            % {"version": template.version, "status": template.get_status_display().lower()}
        )
    template.status = TemplateStatus.RETIRED
    template.save(update_fields=["status"])
    return template


def template_update(*, template: FormTemplate, title: str | None = None, title_ru: str | None = None) -> FormTemplate:
    """Rename a draft."""
    _ensure_editable(template)
    if title is not None:
        template.title = title
    if title_ru is not None:
        template.title_ru = title_ru
    template.save()
    return template


def section_add(*, template: FormTemplate, title: str, title_ru: str = "", order: int | None = None) -> Section:
    """Add a section to a draft (at the end unless an order is given)."""
    _ensure_editable(template)
    if order is None:
        order = (template.sections.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    return Section.objects.create(template=template, title=title, title_ru=title_ru, order=order)


def question_add(*, section: Section, code: str, text: str, type: str, **fields) -> Question:
    """Add a question to a section of a draft; checks its own fields (the whole form is checked on publishing)."""
    _ensure_editable(section.template)
    unknown = set(fields) - set(QUESTION_FIELDS) - {"order"}
    if unknown:
        raise ValidationError(_("Unknown question field(s): %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    if section.template.questions.filter(code=code).exists():
        raise ValidationError({"code": [_("The code %(code)s is already used in this checklist.") % {"code": code}]})
    if "order" not in fields:
        fields["order"] = (section.questions.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    question = Question(template=section.template, section=section, code=code, text=text, type=type, **fields)
    question.full_clean()
    normalise_condition(question)
    question.save()
    return question


def question_update(*, question: Question, **fields) -> Question:
    """Change a question of a draft."""
    _ensure_editable(question.template)
    unknown = set(fields) - set(QUESTION_FIELDS) - {"order", "section"}
    if unknown:
        raise ValidationError(_("Unknown question field(s): %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    for name, value in fields.items():
        setattr(question, name, value)
    question.full_clean()
    normalise_condition(question)
    question.save()
    return question


def question_delete(*, question: Question) -> None:
    """Remove a question from a draft."""
    _ensure_editable(question.template)
    question.delete()


def rule_add(
    *, template: FormTemplate, code: str, expression: str, message: str = "", message_ru: str = ""
) -> DataRule:
    """Add a data-quality rule to a draft; the expression is checked against the checklist's questions."""
    _ensure_editable(template)
    if template.rules.filter(code=code).exists():
        raise ValidationError({"code": [_("The rule %(code)s already exists in this checklist.") % {"code": code}]})
    order = (template.rules.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    rule = DataRule(
        template=template, order=order, code=code, expression=expression, message=message, message_ru=message_ru
    )
    rule.full_clean()
    rule.save()
    return rule
