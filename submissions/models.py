"""Submitted forms: one row per observation (by UUID, exactly once), answers one row per question."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from checklists.choices import Assessment, FormKind
from missions.choices import AreaType

from .choices import SubmissionStatus


class Submission(models.Model):
    """One filled-in checklist; the UUID is made by the browser when the form opens, so replays are harmless."""

    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False, verbose_name=_("UUID"))
    # Every index of the forms below starts with the mission: a column index of its own would only cost each insert.
    mission = models.ForeignKey(
        "missions.Mission",
        on_delete=models.CASCADE,
        related_name="submissions",
        db_index=False,
        verbose_name=_("mission"),
    )
    template = models.ForeignKey(
        "checklists.FormTemplate", on_delete=models.PROTECT, related_name="submissions", verbose_name=_("template")
    )
    kind = models.CharField(max_length=16, choices=FormKind.choices, verbose_name=_("kind"))
    team = models.ForeignKey(
        "observers.Team",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name=_("team"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="submissions",
        verbose_name=_("submitted by"),
    )
    # Where: copied from the polling station (or TEC) at submission so statistics need no joins to geography.
    polling_station = models.ForeignKey(
        "missions.PollingStation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name=_("polling station"),
    )
    tec = models.ForeignKey(
        "missions.Tec",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name=_("TEC"),
    )
    region = models.ForeignKey(
        "missions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name=_("region"),
    )
    area_type = models.CharField(max_length=8, choices=AreaType.choices, blank=True, verbose_name=_("area type"))
    arrival_time = models.DateTimeField(null=True, blank=True, verbose_name=_("arrival time"))
    departure_time = models.DateTimeField(null=True, blank=True, verbose_name=_("departure time"))
    notes = models.TextField(blank=True, max_length=20000, verbose_name=_("notes"))
    urgent = models.BooleanField(default=False, verbose_name=_("urgent"))
    has_critical = models.BooleanField(default=False, verbose_name=_("has critical"))
    overall_assessment = models.CharField(
        max_length=12, choices=Assessment.choices, blank=True, verbose_name=_("overall assessment")
    )
    protocol_mismatch = models.BooleanField(default=False, verbose_name=_("protocol mismatch"))
    protocol_issues = models.JSONField(default=list, blank=True, verbose_name=_("protocol issues"))
    confidential = models.BooleanField(
        default=False, help_text=_("Meeting records: visible to the core team only."), verbose_name=_("confidential")
    )
    # The canonical payload as last submitted, and its hash to tell a replay from a conflicting reuse.
    payload = models.JSONField(default=dict, verbose_name=_("payload"))
    content_hash = models.CharField(max_length=64, verbose_name=_("content hash"))
    revision = models.PositiveIntegerField(default=1, verbose_name=_("revision"))
    status = models.CharField(
        max_length=12, choices=SubmissionStatus.choices, default=SubmissionStatus.SUBMITTED, verbose_name=_("status")
    )
    received_at = models.DateTimeField(auto_now_add=True, db_index=True, verbose_name=_("received at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["mission", "kind", "received_at"], name="submission_kind_time_idx"),
            models.Index(fields=["mission", "team"], name="submission_team_idx"),
            models.Index(fields=["mission", "urgent"], name="submission_urgent_idx", condition=Q(urgent=True)),
            # Index-only reads for the pages watched on election night: the admin's list and its count by mission
            # (newest first), the dashboard's counts per hour and region, and its latest urgent forms.
            models.Index(fields=["mission", "received_at", "id"], name="submission_mission_recent_idx"),
            models.Index(
                fields=["mission", "region", "polling_station", "kind", "received_at"],
                name="submission_dashboard_idx",
                condition=Q(confidential=False),
            ),
            models.Index(
                fields=["mission", "received_at", "kind"],
                name="submission_urgent_recent_idx",
                condition=Q(urgent=True, confidential=False),
            ),
        ]

    def __str__(self) -> str:
        # The kind's label by value (get_kind_display hashes every choice's label first: a list of 100 forms felt it).
        kind = FormKind(self.kind).label if self.kind in FormKind.values else self.kind
        return f"{kind} {self.uuid}"


class Answer(models.Model):
    """One answer to one question of one submission; value NULL means shown but left blank, 'na' not applicable."""

    # A form's answers are found by the unique (submission, question code, value) index below; nothing reads them by
    # question or value alone (compilations and checks read the revisions' answers), so those are the only indexes
    # the answers have besides their id: each form writes some thirty of these rows.
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="answers", db_index=False, verbose_name=_("submission")
    )
    question_code = models.CharField(max_length=64, verbose_name=_("question code"))
    value = models.CharField(max_length=2000, null=True, blank=True, verbose_name=_("value"))
    number = models.BigIntegerField(null=True, blank=True, verbose_name=_("number"))
    # Text answers: `value` keeps only the opening characters, so the (code, value) indexes stay small on any text.
    text = models.TextField(
        blank=True, default="", help_text=_("The full text of a text answer."), verbose_name=_("text")
    )

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            # Multiple-choice answers are one row per selected choice.
            models.UniqueConstraint(fields=["submission", "question_code", "value"], name="answer_once_per_value"),
        ]

    def __str__(self) -> str:
        return f"{self.question_code}={self.value}"


class SubmissionRevision(models.Model):
    """Every version of a submission as it was received: what, who, when, and what changed.

    Each revision also records the form's derived fields as they stood while it was current (place, flags,
    assessment) and its answer rows (RevisionAnswer), valid from `valid_from` until `valid_until` (open while
    current). A compilation as of a moment counts the revisions valid then, so later corrections and moves never
    change a snapshot.
    """

    # Found by the unique (submission, revision) index below, which starts with it.
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="revisions", db_index=False, verbose_name=_("submission")
    )
    revision = models.PositiveIntegerField(verbose_name=_("revision"))
    payload = models.JSONField(verbose_name=_("payload"))
    changes = models.JSONField(default=dict, blank=True, verbose_name=_("changes"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("changed by")
    )
    changed_at = models.DateTimeField(auto_now_add=True, verbose_name=_("changed at"))
    # The form as this revision made it (copied from the submission when the revision is recorded).
    # Found by the snapshot index below, which starts with it.
    mission = models.ForeignKey(
        "missions.Mission", on_delete=models.CASCADE, related_name="+", db_index=False, verbose_name=_("mission")
    )
    kind = models.CharField(max_length=16, choices=FormKind.choices, verbose_name=_("kind"))
    team = models.ForeignKey(
        "observers.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("team")
    )
    polling_station = models.ForeignKey(
        "missions.PollingStation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("polling station"),
    )
    tec = models.ForeignKey(
        "missions.Tec", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("TEC")
    )
    region = models.ForeignKey(
        "missions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    area_type = models.CharField(max_length=8, choices=AreaType.choices, blank=True, verbose_name=_("area type"))
    arrival_time = models.DateTimeField(null=True, blank=True, verbose_name=_("arrival time"))
    notes = models.TextField(blank=True, max_length=20000, verbose_name=_("notes"))
    urgent = models.BooleanField(default=False, verbose_name=_("urgent"))
    has_critical = models.BooleanField(default=False, verbose_name=_("has critical"))
    overall_assessment = models.CharField(
        max_length=12, choices=Assessment.choices, blank=True, verbose_name=_("overall assessment")
    )
    protocol_mismatch = models.BooleanField(default=False, verbose_name=_("protocol mismatch"))
    protocol_issues = models.JSONField(default=list, blank=True, verbose_name=_("protocol issues"))
    confidential = models.BooleanField(default=False, verbose_name=_("confidential"))
    received_at = models.DateTimeField(
        help_text=_("When the form was first received (the same for every revision)."), verbose_name=_("received at")
    )
    valid_from = models.DateTimeField(
        help_text=_("From when this revision was the form's content."), verbose_name=_("valid from")
    )
    valid_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("Until the next revision; empty while current."),
        verbose_name=_("valid until"),
    )

    class Meta:
        verbose_name = _("submission revision")
        verbose_name_plural = _("submission revisions")
        ordering = ["submission", "revision"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "revision"], name="revision_unique"),
            models.UniqueConstraint(
                fields=["submission"], condition=Q(valid_until__isnull=True), name="revision_one_current"
            ),
        ]
        indexes = [
            models.Index(fields=["mission", "kind", "valid_from"], name="revision_snapshot_idx"),
            # The flagged forms of a snapshot (a report run's lists): a few per cent of the forms, read without
            # visiting the rest.
            models.Index(
                fields=["mission", "kind", "valid_from"],
                name="revision_flagged_idx",
                condition=Q(urgent=True) | Q(has_critical=True) | Q(protocol_mismatch=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission_id} r{self.revision}"


class RevisionAnswer(models.Model):
    """One answer row of one revision, shaped like Answer: what a snapshot compilation counts."""

    revision = models.ForeignKey(
        SubmissionRevision, on_delete=models.CASCADE, related_name="answers", verbose_name=_("revision")
    )
    question_code = models.CharField(max_length=64, verbose_name=_("question code"))
    value = models.CharField(max_length=2000, null=True, blank=True, verbose_name=_("value"))
    number = models.BigIntegerField(null=True, blank=True, verbose_name=_("number"))
    text = models.TextField(blank=True, default="", verbose_name=_("text"))

    class Meta:
        verbose_name = _("revision answer")
        verbose_name_plural = _("revision answers")

    def __str__(self) -> str:
        return f"{self.question_code}={self.value}"


class PhaseLock(models.Model):
    """Coordinators lock a phase (form kind) of a mission; teams can no longer correct those submissions."""

    mission = models.ForeignKey(
        "missions.Mission", on_delete=models.CASCADE, related_name="phase_locks", verbose_name=_("mission")
    )
    kind = models.CharField(max_length=16, choices=FormKind.choices, verbose_name=_("kind"))
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("locked by")
    )
    locked_at = models.DateTimeField(auto_now_add=True, verbose_name=_("locked at"))

    class Meta:
        verbose_name = _("phase lock")
        verbose_name_plural = _("phase locks")
        constraints = [models.UniqueConstraint(fields=["mission", "kind"], name="phase_lock_once")]

    def __str__(self) -> str:
        return f"{self.mission} {self.kind} locked"
