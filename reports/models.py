"""Statistics runs and the export log."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jobs.models import BackgroundJob
from jobs.notices import notice_text

from .choices import ConflictDecision
from .result.model import ReportResult


def run_output_path(instance, filename: str) -> str:
    return f"reports/runs/{instance.pk}/{filename}"


class ReportRun(BackgroundJob):
    """One compilation of a mission's statistics: what was asked, its progress, and its frozen result and files.

    Its status, progress, attempts and heartbeat follow the background-job lifecycle (jobs/lifecycle.py).
    """

    mission = models.ForeignKey(
        "missions.Mission", on_delete=models.CASCADE, related_name="report_runs", verbose_name=_("mission")
    )
    kinds = models.JSONField(
        default=list, help_text=_("Form kinds compiled, e.g. ['opening', 'voting']."), verbose_name=_("kinds")
    )
    region = models.ForeignKey(
        "missions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="report_runs",
        verbose_name=_("region"),
    )
    cutoff = models.DateTimeField(
        null=True, blank=True, help_text=_("Only forms received up to this moment."), verbose_name=_("cutoff")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="report_runs",
        verbose_name=_("requested by"),
    )
    result = models.JSONField(null=True, blank=True, verbose_name=_("result"))
    charts = models.JSONField(
        default=dict, blank=True, help_text=_("SVG charts rendered at compile time, by name."), verbose_name=_("charts")
    )
    submissions_count = models.PositiveIntegerField(default=0, verbose_name=_("submissions count"))
    xlsx_file = models.FileField(upload_to=run_output_path, blank=True, max_length=300, verbose_name=_("XLSX file"))
    csv_file = models.FileField(upload_to=run_output_path, blank=True, max_length=300, verbose_name=_("CSV file"))
    pdf_file = models.FileField(upload_to=run_output_path, blank=True, max_length=300, verbose_name=_("PDF file"))
    published = models.BooleanField(default=False, verbose_name=_("published"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(null=True, blank=True, verbose_name=_("published at"))

    class Meta:
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(name="report_run_progress_percent", condition=Q(progress__lte=100)),
            models.CheckConstraint(
                name="report_run_published_only_when_done", condition=Q(published=False) | Q(status="done")
            ),
        ]
        indexes = [models.Index(fields=["mission", "status", "created_at"], name="report_run_mission_idx")]

    def __str__(self) -> str:
        return _("Report run %(id)s (%(status)s)") % {"id": self.pk, "status": self.get_status_display()}

    def report(self) -> ReportResult | None:
        """The compiled result as typed values, its lists of flagged forms read from the run's; None until done."""
        from .flagged import flagged_lists_of_run

        return flagged_lists_of_run(ReportResult.from_json(self.result), run_id=self.pk) if self.result else None

    def output_file(self, fmt: str):
        return {"xlsx": self.xlsx_file, "csv": self.csv_file, "pdf": self.pdf_file}[fmt]


class ReportFlaggedForm(models.Model):
    """A form a run lists as flagged (urgent, critical or with a protocol mismatch), as it stood at the run's cut-off.

    Written with the run's compilation in one INSERT ... SELECT, never updated: the report's incident and protocol
    lists read their pages from here. A row is in the incidents list when `incident_order` is set (newest first) and
    in the protocol list when `protocol_order` is (oldest first); both count from 1.
    """

    run = models.ForeignKey(
        ReportRun, on_delete=models.CASCADE, related_name="flagged_forms", db_index=False, verbose_name=_("run")
    )
    # Plain ids, no foreign keys: the row is the form as the run saw it, kept whatever happens to the form later.
    revision_id = models.BigIntegerField(null=True, blank=True, verbose_name=_("revision"))
    submission_id = models.BigIntegerField(verbose_name=_("submission"))
    template_id = models.BigIntegerField(null=True, blank=True, verbose_name=_("checklist"))
    kind = models.CharField(max_length=16, verbose_name=_("kind"))
    team = models.CharField(max_length=64, blank=True, verbose_name=_("team"))
    station = models.CharField(max_length=64, blank=True, verbose_name=_("polling station"))
    tec = models.CharField(max_length=64, blank=True, verbose_name=_("TEC"))
    region = models.CharField(max_length=64, blank=True, verbose_name=_("region"))
    received_at = models.DateTimeField(verbose_name=_("received at"))
    urgent = models.BooleanField(default=False, verbose_name=_("urgent"))
    critical = models.BooleanField(default=False, verbose_name=_("critical"))
    protocol_mismatch = models.BooleanField(default=False, verbose_name=_("protocol mismatch"))
    protocol_issues = models.JSONField(default=list, blank=True, verbose_name=_("protocol issues"))
    notes = models.TextField(blank=True, verbose_name=_("notes"))
    incident_order = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("place in the incidents"))
    protocol_order = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("place in the protocol list"))

    class Meta:
        verbose_name = _("flagged form of a run")
        verbose_name_plural = _("flagged forms of runs")
        constraints = [
            # Each is also the index a page of its list is read by (run, place).
            models.UniqueConstraint(fields=["run", "incident_order"], name="report_flagged_incident_order"),
            models.UniqueConstraint(fields=["run", "protocol_order"], name="report_flagged_protocol_order"),
            models.CheckConstraint(
                name="report_flagged_listed",
                condition=Q(incident_order__isnull=False) | Q(protocol_order__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return _("Form %(form)s in run %(run)s") % {"form": self.submission_id, "run": self.run_id}


class ExportLog(models.Model):
    """Every export leaves a line: who downloaded what, when (docs/findings.md: findings are embargoed)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("user")
    )
    mission = models.ForeignKey(
        "missions.Mission",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("mission"),
    )
    what = models.CharField(
        max_length=120,
        help_text=_("What was exported, e.g. 'deployment plan' or 'report run 12'."),
        verbose_name=_("what"),
    )
    format = models.CharField(max_length=8, verbose_name=_("format"))
    rows = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("rows"))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("export log")
        verbose_name_plural = _("export logs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return _("%(what)s (%(format)s) by %(user)s at %(at)s") % {
            "what": self.what_text,
            "format": self.format,
            "user": self.user_id,
            "at": f"{self.created_at:%Y-%m-%d %H:%M}",
        }

    @property
    def what_text(self) -> str:
        """What was exported, in the reader's language (the line keeps a notice; older lines keep English)."""
        return notice_text(self.what)


class ConflictResolution(models.Model):
    """A coordinator's decision on forms of different teams that disagree about one station's count or opening.

    Decisions are kept, never edited: the latest one made up to a compilation's moment is the one it applies, so a
    snapshot compiled again later is unchanged by decisions made after it.
    """

    mission = models.ForeignKey(
        "missions.Mission", on_delete=models.CASCADE, related_name="conflict_resolutions", verbose_name=_("mission")
    )
    kind = models.CharField(max_length=16, verbose_name=_("kind"))
    polling_station = models.ForeignKey(
        "missions.PollingStation", on_delete=models.CASCADE, related_name="+", verbose_name=_("polling station")
    )
    decision = models.CharField(max_length=16, choices=ConflictDecision.choices, verbose_name=_("decision"))
    right_form = models.ForeignKey(
        "submissions.Submission",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("right form"),
    )
    forms = models.JSONField(
        default=list, help_text=_("The forms in conflict when the decision was made."), verbose_name=_("forms")
    )
    note = models.TextField(blank=True, max_length=2000, verbose_name=_("note"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(db_index=True, verbose_name=_("decided at"))

    class Meta:
        verbose_name = _("conflict resolution")
        verbose_name_plural = _("conflict resolutions")
        ordering = ["mission", "kind", "polling_station", "decided_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="conflict_right_form_only_when_one_is_right",
                condition=Q(decision="one_is_right", right_form__isnull=False)
                | Q(decision="both_stand", right_form__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return _("%(kind)s conflict at station %(station)s: %(decision)s") % {
            "kind": self.kind,
            "station": self.polling_station_id,
            "decision": self.get_decision_display(),
        }
