"""The deployment plan: where each STO team goes and which stations it is expected to observe."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jobs.models import BackgroundJob
from jobs.notices import notice_text

from .choices import JobKind, VisitPurpose


class TeamAssignment(models.Model):
    """An STO team's area (a region and one or a few TECs), its tabulation TEC, and why it was put there."""

    team = models.OneToOneField(
        "observers.Team", on_delete=models.CASCADE, related_name="assignment", verbose_name=_("team")
    )
    mission = models.ForeignKey(
        "missions.Mission", on_delete=models.CASCADE, related_name="assignments", verbose_name=_("mission")
    )
    region = models.ForeignKey(
        "missions.Region", on_delete=models.PROTECT, related_name="assignments", verbose_name=_("region")
    )
    tecs = models.ManyToManyField("missions.Tec", related_name="assignments", verbose_name=_("TECs"))
    tabulation_tec = models.ForeignKey(
        "missions.Tec",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tabulation_assignments",
        verbose_name=_("tabulation TEC"),
    )
    quota = models.DecimalField(
        max_digits=8,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=_("The region's proportional share of teams when this was planned."),
        verbose_name=_("quota"),
    )
    reason = models.TextField(blank=True, verbose_name=_("reason"))
    locked = models.BooleanField(default=False, verbose_name=_("locked"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("team assignment")
        verbose_name_plural = _("team assignments")
        ordering = ["mission", "team__code"]

    def __str__(self) -> str:
        return f"{self.team} → {self.region}"

    @property
    def reason_text(self) -> str:
        """Why the team is here, in the reader's language (the row keeps a notice, jobs/notices.py)."""
        return notice_text(self.reason)


class PlannedVisit(models.Model):
    """A polling station a team is expected to observe, for opening, voting (in route order) or counting."""

    assignment = models.ForeignKey(
        TeamAssignment, on_delete=models.CASCADE, related_name="visits", verbose_name=_("assignment")
    )
    polling_station = models.ForeignKey(
        "missions.PollingStation",
        on_delete=models.PROTECT,
        related_name="planned_visits",
        verbose_name=_("polling station"),
    )
    purpose = models.CharField(max_length=12, choices=VisitPurpose.choices, verbose_name=_("purpose"))
    order = models.PositiveIntegerField(default=0, verbose_name=_("order"))

    class Meta:
        verbose_name = _("planned visit")
        verbose_name_plural = _("planned visits")
        ordering = ["assignment", "purpose", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "polling_station", "purpose"], name="planned_visit_once_per_purpose"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment.team} {self.purpose} {self.polling_station}"


class PlanningJob(BackgroundJob):
    """A background run of team formation or deployment planning, with its progress and outcome.

    Its status, progress, attempts and heartbeat follow the background-job lifecycle (jobs/lifecycle.py).
    """

    mission = models.ForeignKey(
        "missions.Mission", on_delete=models.CASCADE, related_name="planning_jobs", verbose_name=_("mission")
    )
    kind = models.CharField(max_length=20, choices=JobKind.choices, verbose_name=_("kind"))
    parameters = models.JSONField(default=dict, blank=True, verbose_name=_("parameters"))
    summary = models.JSONField(default=dict, blank=True, verbose_name=_("summary"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )

    class Meta:
        verbose_name = _("planning job")
        verbose_name_plural = _("planning jobs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(name="planning_job_progress_is_a_percentage", condition=Q(progress__lte=100)),
        ]

    def __str__(self) -> str:
        return _("%(kind)s for %(mission)s (%(status)s)") % {
            "kind": self.get_kind_display(),
            "mission": self.mission_id,
            "status": self.get_status_display(),
        }
