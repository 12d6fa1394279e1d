"""Submitted forms: one row per observation (by UUID, exactly once), answers one row per question."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from checklists.choices import Assessment, FormKind
from missions.choices import AreaType

from .choices import SubmissionStatus


class Submission(models.Model):
    """One filled-in checklist; the UUID is made by the browser when the form opens, so replays are harmless."""

    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    mission = models.ForeignKey("missions.Mission", on_delete=models.CASCADE, related_name="submissions")
    template = models.ForeignKey("checklists.FormTemplate", on_delete=models.PROTECT, related_name="submissions")
    kind = models.CharField(max_length=16, choices=FormKind.choices)
    team = models.ForeignKey(
        "observers.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="submissions"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="submissions"
    )
    # Where: copied from the polling station (or TEC) at submission so statistics need no joins to geography.
    polling_station = models.ForeignKey(
        "missions.PollingStation", null=True, blank=True, on_delete=models.PROTECT, related_name="submissions"
    )
    tec = models.ForeignKey("missions.Tec", null=True, blank=True, on_delete=models.PROTECT, related_name="submissions")
    region = models.ForeignKey(
        "missions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="submissions"
    )
    area_type = models.CharField(max_length=8, choices=AreaType.choices, blank=True)
    arrival_time = models.DateTimeField(null=True, blank=True)
    departure_time = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True, max_length=20000)
    urgent = models.BooleanField(default=False)
    has_critical = models.BooleanField(default=False)
    overall_assessment = models.CharField(max_length=12, choices=Assessment.choices, blank=True)
    protocol_mismatch = models.BooleanField(default=False)
    protocol_issues = models.JSONField(default=list, blank=True)
    confidential = models.BooleanField(default=False, help_text="Meeting records: visible to the core team only.")
    # The canonical payload as last submitted, and its hash to tell a replay from a conflicting reuse.
    payload = models.JSONField(default=dict)
    content_hash = models.CharField(max_length=64)
    revision = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=12, choices=SubmissionStatus.choices, default=SubmissionStatus.SUBMITTED)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
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
        return f"{self.get_kind_display()} {self.uuid}"


class Answer(models.Model):
    """One answer to one question of one submission; value NULL means shown but left blank, 'na' not applicable."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="answers")
    question_code = models.CharField(max_length=64)
    value = models.CharField(max_length=2000, null=True, blank=True)
    number = models.BigIntegerField(null=True, blank=True)
    # Text answers: `value` keeps only the opening characters, so the (code, value) indexes stay small on any text.
    text = models.TextField(blank=True, default="", help_text="The full text of a text answer.")

    class Meta:
        constraints = [
            # Multiple-choice answers are one row per selected choice.
            models.UniqueConstraint(fields=["submission", "question_code", "value"], name="answer_once_per_value"),
        ]
        indexes = [models.Index(fields=["question_code", "value"], name="answer_code_value_idx")]

    def __str__(self) -> str:
        return f"{self.question_code}={self.value}"


class SubmissionRevision(models.Model):
    """Every version of a submission as it was received: what, who, when, and what changed.

    Each revision also records the form's derived fields as they stood while it was current (place, flags,
    assessment) and its answer rows (RevisionAnswer), valid from `valid_from` until `valid_until` (open while
    current). A compilation as of a moment counts the revisions valid then, so later corrections and moves never
    change a snapshot.
    """

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="revisions")
    revision = models.PositiveIntegerField()
    payload = models.JSONField()
    changes = models.JSONField(default=dict, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)
    # The form as this revision made it (copied from the submission when the revision is recorded).
    mission = models.ForeignKey("missions.Mission", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=FormKind.choices)
    team = models.ForeignKey("observers.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    polling_station = models.ForeignKey(
        "missions.PollingStation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    tec = models.ForeignKey("missions.Tec", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("missions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    area_type = models.CharField(max_length=8, choices=AreaType.choices, blank=True)
    arrival_time = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True, max_length=20000)
    urgent = models.BooleanField(default=False)
    has_critical = models.BooleanField(default=False)
    overall_assessment = models.CharField(max_length=12, choices=Assessment.choices, blank=True)
    protocol_mismatch = models.BooleanField(default=False)
    protocol_issues = models.JSONField(default=list, blank=True)
    confidential = models.BooleanField(default=False)
    received_at = models.DateTimeField(help_text="When the form was first received (the same for every revision).")
    valid_from = models.DateTimeField(help_text="From when this revision was the form's content.")
    valid_until = models.DateTimeField(null=True, blank=True, help_text="Until the next revision; empty while current.")

    class Meta:
        ordering = ["submission", "revision"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "revision"], name="revision_unique"),
            models.UniqueConstraint(
                fields=["submission"], condition=Q(valid_until__isnull=True), name="revision_one_current"
            ),
        ]
        indexes = [models.Index(fields=["mission", "kind", "valid_from"], name="revision_snapshot_idx")]

    def __str__(self) -> str:
        return f"{self.submission_id} r{self.revision}"


class RevisionAnswer(models.Model):
    """One answer row of one revision, shaped like Answer: what a snapshot compilation counts."""

    revision = models.ForeignKey(SubmissionRevision, on_delete=models.CASCADE, related_name="answers")
    question_code = models.CharField(max_length=64)
    value = models.CharField(max_length=2000, null=True, blank=True)
    number = models.BigIntegerField(null=True, blank=True)
    text = models.TextField(blank=True, default="")

    def __str__(self) -> str:
        return f"{self.question_code}={self.value}"


class PhaseLock(models.Model):
    """Coordinators lock a phase (form kind) of a mission; teams can no longer correct those submissions."""

    mission = models.ForeignKey("missions.Mission", on_delete=models.CASCADE, related_name="phase_locks")
    kind = models.CharField(max_length=16, choices=FormKind.choices)
    locked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    locked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["mission", "kind"], name="phase_lock_once")]

    def __str__(self) -> str:
        return f"{self.mission} {self.kind} locked"
