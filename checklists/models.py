"""Checklists as data: versioned form templates with sections and questions, per mission."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from .choices import FormKind, QuestionType, TemplateStatus


class PublishedTemplateError(ValidationError):
    """Raised when something tries to change a published (immutable) template version."""


class FormTemplate(models.Model):
    """One version of a checklist of one kind for one mission; published versions are immutable."""

    mission = models.ForeignKey("missions.Mission", on_delete=models.CASCADE, related_name="form_templates")
    kind = models.CharField(max_length=16, choices=FormKind.choices)
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=12, choices=TemplateStatus.choices, default=TemplateStatus.DRAFT)
    title = models.CharField(max_length=200)
    title_ru = models.CharField(max_length=200, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["mission", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["mission", "kind", "version"], name="template_version_unique"),
            models.UniqueConstraint(
                fields=["mission", "kind"], condition=Q(status="published"), name="template_one_published_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version} ({self.get_status_display()})"

    @property
    def is_published(self) -> bool:
        return self.status == TemplateStatus.PUBLISHED


class Section(models.Model):
    """An ordered group of questions in a template."""

    template = models.ForeignKey(FormTemplate, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=200)
    title_ru = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["template", "order", "id"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    """A question with a stable code; answers on several versions are merged by that code."""

    template = models.ForeignKey(FormTemplate, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveIntegerField(default=0)
    code = models.SlugField(max_length=64)
    text = models.CharField(max_length=400)
    text_ru = models.CharField(max_length=400, blank=True)
    help_text = models.CharField(max_length=400, blank=True)
    help_text_ru = models.CharField(max_length=400, blank=True)
    type = models.CharField(max_length=12, choices=QuestionType.choices)
    choices = models.JSONField(
        default=list,
        blank=True,
        help_text='For choice questions: [{"value": "...", "label": "...", "label_ru": "..."}].',
    )
    required = models.BooleanField(default=False)
    min_value = models.IntegerField(null=True, blank=True)
    max_value = models.IntegerField(null=True, blank=True)
    shown_if_code = models.SlugField(max_length=64, blank=True, help_text="Shown only if this earlier question...")
    shown_if_values = models.JSONField(default=list, blank=True, help_text="...has one of these answers.")
    critical_values = models.JSONField(
        default=list, blank=True, help_text="Answers that raise an alert (e.g. ['yes'] for ballot-box stuffing seen)."
    )
    protocol_field = models.CharField(
        max_length=32,
        blank=True,
        help_text="Counting protocol figure this integer holds (ballots_received, ..., candidate_N).",
    )

    class Meta:
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

    @property
    def is_critical(self) -> bool:
        return bool(self.critical_values)
