"""Incident cases: one per urgent form, followed up by the core team until it is closed."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import OPEN_STATUSES, CaseStatus


class Case(models.Model):
    """The core team's follow-up of one urgent form: status, who is on it, and when the core team was told."""

    mission = models.ForeignKey(
        "missions.Mission", on_delete=models.CASCADE, related_name="incident_cases", verbose_name=_("mission")
    )
    submission = models.OneToOneField(
        "submissions.Submission", on_delete=models.CASCADE, related_name="case", verbose_name=_("submission")
    )
    status = models.CharField(
        max_length=12, choices=CaseStatus.choices, default=CaseStatus.NEW, verbose_name=_("status")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incident_cases",
        verbose_name=_("assignee"),
    )
    opened_at = models.DateTimeField(auto_now_add=True, verbose_name=_("opened at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("closed at"))
    notified_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("When the core team was sent the e-mail about this case."),
        verbose_name=_("notified at"),
    )

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["mission", "status"], name="case_mission_status_idx")]
        constraints = [
            models.CheckConstraint(
                name="case_closed_at_only_when_closed",
                condition=Q(status=CaseStatus.CLOSED, closed_at__isnull=False)
                | (~Q(status=CaseStatus.CLOSED) & Q(closed_at__isnull=True)),
            )
        ]

    def __str__(self) -> str:
        return _("Case %(id)s (%(status)s)") % {"id": self.pk, "status": self.get_status_display()}

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class CaseNote(models.Model):
    """One entry of a case's log: what someone did or learned, and the status they set with it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes", verbose_name=_("case"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("author")
    )
    text = models.TextField(blank=True, max_length=5000, verbose_name=_("text"))
    status = models.CharField(max_length=12, choices=CaseStatus.choices, blank=True, verbose_name=_("status"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assignee"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return _("Note %(id)s on case %(case)s") % {"id": self.pk, "case": self.case_id}
