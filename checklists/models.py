"""Checklists as data: versioned form templates with sections and questions, per mission."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import FormKind, QuestionType, TemplateStatus


class PublishedTemplateError(ValidationError):
    """Raised when something tries to change a published (immutable) template version."""


# The only change a published or retired version still accepts: its status moving on (published -> retired).
_ALLOWED_STATUS_MOVES = {(TemplateStatus.PUBLISHED, TemplateStatus.RETIRED)}
_FROZEN_TEMPLATE_FIELDS = ("mission_id", "kind", "version", "title", "title_ru")


def frozen_message(template) -> str:
    """The message shown when a published or retired version is about to be changed."""
    return _(
        "%(kind)s checklist version %(version)s is %(status)s and cannot be changed; create a new draft version "
        "and edit that instead."
    ) % {
        "kind": template.get_kind_display(),
        "version": template.version,
        "status": template.get_status_display().lower(),
    }


def _guard_template_editable(template_id) -> None:
    """Refuse a write to the sections or questions of a version that is no longer a draft."""
    if template_id is None:
        return
    template = FormTemplate.objects.filter(pk=template_id).only("kind", "version", "status").first()
    if template is not None and template.status != TemplateStatus.DRAFT:
        raise PublishedTemplateError(frozen_message(template))


class FormTemplate(models.Model):
    """One version of a checklist of one kind for one mission; published versions are immutable."""

    mission = models.ForeignKey(
        "missions.Mission", on_delete=models.CASCADE, related_name="form_templates", verbose_name=_("mission")
    )
    kind = models.CharField(max_length=16, choices=FormKind.choices, verbose_name=_("kind"))
    version = models.PositiveIntegerField(default=1, verbose_name=_("version"))
    status = models.CharField(
        max_length=12, choices=TemplateStatus.choices, default=TemplateStatus.DRAFT, verbose_name=_("status")
    )
    title = models.CharField(max_length=200, verbose_name=_("title"))
    title_ru = models.CharField(max_length=200, blank=True, verbose_name=_("title ru"))
    published_at = models.DateTimeField(null=True, blank=True, verbose_name=_("published at"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("form template")
        verbose_name_plural = _("form templates")
        ordering = ["mission", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["mission", "kind", "version"], name="template_version_unique"),
            models.UniqueConstraint(
                fields=["mission", "kind"], condition=Q(status="published"), name="template_one_published_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version} ({self.get_status_display()})"

    def save(self, *args, **kwargs) -> None:
        # A guard, not a side effect: a published or retired version only ever moves on to retired.
        if self.pk is not None:
            stored = FormTemplate.objects.filter(pk=self.pk).values("status", *_FROZEN_TEMPLATE_FIELDS).first()
            if stored is not None and stored["status"] != TemplateStatus.DRAFT:
                frozen_changed = any(stored[name] != getattr(self, name) for name in _FROZEN_TEMPLATE_FIELDS)
                status_move = (stored["status"], self.status)
                if frozen_changed or (status_move[0] != status_move[1] and status_move not in _ALLOWED_STATUS_MOVES):
                    stored_template = FormTemplate(
                        kind=stored["kind"], version=stored["version"], status=stored["status"]
                    )
                    raise PublishedTemplateError(frozen_message(stored_template))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.pk is not None:
            _guard_template_editable(self.pk)
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status == TemplateStatus.PUBLISHED

    @property
    def is_editable(self) -> bool:
        return self.status == TemplateStatus.DRAFT


class TemplatePart(models.Model):
    """A part of one checklist version (a section, a question, a rule): written only while its version is a draft."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        _guard_template_editable(self.template_id)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _guard_template_editable(self.template_id)
        return super().delete(*args, **kwargs)


class Section(TemplatePart):
    """An ordered group of questions in a template."""

    template = models.ForeignKey(
        FormTemplate, on_delete=models.CASCADE, related_name="sections", verbose_name=_("template")
    )
    order = models.PositiveIntegerField(default=0, verbose_name=_("order"))
    title = models.CharField(max_length=200, verbose_name=_("title"))
    title_ru = models.CharField(max_length=200, blank=True, verbose_name=_("title ru"))

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["template", "order", "id"]

    def __str__(self) -> str:
        return self.title


class Question(TemplatePart):
    """A question with a stable code; answers on several versions are merged by that code."""

    template = models.ForeignKey(
        FormTemplate, on_delete=models.CASCADE, related_name="questions", verbose_name=_("template")
    )
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions", verbose_name=_("section"))
    order = models.PositiveIntegerField(default=0, verbose_name=_("order"))
    code = models.SlugField(max_length=64, verbose_name=_("code"))
    text = models.CharField(max_length=400, verbose_name=_("text"))
    text_ru = models.CharField(max_length=400, blank=True, verbose_name=_("text ru"))
    help_text = models.CharField(max_length=400, blank=True, verbose_name=_("help text"))
    help_text_ru = models.CharField(max_length=400, blank=True, verbose_name=_("help text ru"))
    type = models.CharField(max_length=12, choices=QuestionType.choices, verbose_name=_("type"))
    choices = models.JSONField(
        default=list,
        blank=True,
        help_text=_('For choice questions: [{"value": "...", "label": "...", "label_ru": "..."}].'),
        verbose_name=_("choices"),
    )
    required = models.BooleanField(default=False, verbose_name=_("required"))
    min_value = models.IntegerField(null=True, blank=True, verbose_name=_("min value"))
    max_value = models.IntegerField(null=True, blank=True, verbose_name=_("max value"))
    shown_if_code = models.SlugField(
        max_length=64,
        blank=True,
        help_text=_("Shown only if this earlier question..."),
        verbose_name=_("shown if code"),
    )
    shown_if_values = models.JSONField(
        default=list, blank=True, help_text=_("...has one of these answers."), verbose_name=_("shown if values")
    )
    condition = models.TextField(
        blank=True,
        max_length=2000,
        help_text=_(
            "Shown only if this holds, e.g. count_suspended = 'yes' and voters_voted > 0 "
            "(earlier question codes; and/or/not, = != < <= > >=, in ['a', 'b'], is answered)."
        ),
        verbose_name=_("condition"),
    )
    critical_values = models.JSONField(
        default=list,
        blank=True,
        help_text=_("Answers that raise an alert (e.g. ['yes'] for ballot-box stuffing seen)."),
        verbose_name=_("critical values"),
    )
    protocol_field = models.CharField(
        max_length=32,
        blank=True,
        help_text=_("Counting protocol figure this integer holds (ballots_received, ..., candidate_N)."),
        verbose_name=_("protocol field"),
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["template", "section__order", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["template", "code"], name="question_code_unique_in_template"),
            models.CheckConstraint(
                name="question_bounds_ordered",
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(min_value__lte=models.F("max_value")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text}"

    def clean(self) -> None:
        if self.condition:
            from .rules import expression_field_error

            message = expression_field_error(self.condition, template_id=self.template_id, before=self)
            if message:
                raise ValidationError({"condition": [message]})

    @property
    def is_critical(self) -> bool:
        return bool(self.critical_values)

    @property
    def choice_values(self) -> list[str]:
        return [str(choice.get("value")) for choice in self.choices or []]


class DataRule(TemplatePart):
    """A coordinator's data-quality rule on a checklist: a form whose answers break it is flagged, never refused."""

    template = models.ForeignKey(
        FormTemplate, on_delete=models.CASCADE, related_name="rules", verbose_name=_("template")
    )
    order = models.PositiveIntegerField(default=0, verbose_name=_("order"))
    code = models.SlugField(
        max_length=64, help_text=_("A short stable name, e.g. voted_within_list."), verbose_name=_("code")
    )
    expression = models.TextField(
        max_length=2000,
        help_text=_(
            "What must hold, over question codes, e.g. voters_voted <= voters_on_list. A rule whose answers "
            "are blank is not checked."
        ),
        verbose_name=_("expression"),
    )
    message = models.CharField(
        max_length=400,
        blank=True,
        help_text=_("Shown when the rule is broken; {question_code} puts in that answer."),
        verbose_name=_("message"),
    )
    message_ru = models.CharField(max_length=400, blank=True, verbose_name=_("message ru"))

    class Meta:
        verbose_name = _("data rule")
        verbose_name_plural = _("data rules")
        ordering = ["template", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["template", "code"], name="data_rule_code_unique_in_template")]

    def __str__(self) -> str:
        return f"{self.code}: {self.expression}"

    def clean(self) -> None:
        from .rules import STANDARD_RULE_CODES, expression_field_error

        if self.code in STANDARD_RULE_CODES:
            raise ValidationError(
                {"code": [_("%(code)s is the name of a rule of the standard set.") % {"code": self.code}]}
            )
        message = expression_field_error(self.expression, template_id=self.template_id, before=None)
        if message:
            raise ValidationError({"expression": [message]})
