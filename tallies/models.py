"""Running tallies of the answers: what a compilation reads instead of scanning every answer of every form.

A form's revision fills cells (mission, form kind, region, urban/rural, question, answer): one answer row each, and
one more per multiple-choice question answered. When a revision becomes a form's content its cells gain one; when a
correction replaces it, they lose one. Ingest appends one TallyEvent per such change, in the revision's own
transaction (an insert, never an update of a shared row, so concurrent forms never wait on each other). A worker
folds pending events into TallyCount rows, one per cell and hour, and in the same transaction into TallyTotal rows,
one per cell over every hour. A compilation as of a moment counts the hours that ended before it, either as the hourly
rows of those hours or as the totals less the hourly rows of the moment's hour and later (whichever reads fewer rows;
tallies.selectors), then the pending events of those hours, and every event of the moment's own hour up to the
moment.
"""

from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce

from checklists.choices import FormKind
from missions.choices import AreaType

# Stands for no answer (shown and left blank) in the key of a total, which must treat NULLs as equal: an answer is a
# question's value or one of the tallies' own marks (tallies.cells), never this.
BLANK_ANSWER_KEY = "__eom_blank__"


class TallyEvent(models.Model):
    """A revision began (+1) or stopped (-1) being its form's content at `at`: a delta of every cell it fills."""

    mission = models.ForeignKey("missions.Mission", on_delete=models.CASCADE, related_name="+", db_index=False)
    revision = models.ForeignKey("submissions.SubmissionRevision", on_delete=models.CASCADE, related_name="+")
    sign = models.SmallIntegerField()
    at = models.DateTimeField(help_text="The revision's valid_from (+1) or valid_until (-1).")
    hour = models.DateTimeField(help_text="The start of the hour (UTC) `at` lies in: the TallyCount row it folds into.")
    rolled_up = models.BooleanField(default=False)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(sign__in=(1, -1)), name="tally_event_sign")]
        indexes = [
            models.Index(fields=["mission", "hour", "at"], name="tally_event_hour_idx"),
            models.Index(fields=["id"], name="tally_event_pending_idx", condition=Q(rolled_up=False)),
        ]

    def __str__(self) -> str:
        return f"{self.revision_id} {self.sign:+d} at {self.at:%Y-%m-%d %H:%M:%S}"


class TallyCell(models.Model):
    """A cell (mission, form kind, region, urban/rural, question, answer) with its folded count and integer sum."""

    mission = models.ForeignKey("missions.Mission", on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.CharField(max_length=16, choices=FormKind.choices)
    region = models.ForeignKey(
        "missions.Region", null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    area_type = models.CharField(max_length=8, choices=AreaType.choices, blank=True)
    question_code = models.CharField(max_length=64)
    # The answer as a compilation groups it (reports.compile): the value of a closed question, a mark for an
    # answered integer, time or text question, "na", or NULL for shown and left blank.
    answer = models.CharField(max_length=2000, null=True, blank=True)
    count = models.BigIntegerField(default=0)
    total = models.BigIntegerField(default=0, help_text="The sum of the integer answers counted.")

    class Meta:
        abstract = True


class TallyCount(TallyCell):
    """The folded events of one cell in one hour: answers gained minus answers lost, and their integers' sum."""

    hour = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["mission", "hour"], name="tally_count_hour_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.question_code}={self.answer} @{self.hour:%Y-%m-%d %H}: {self.count}"


class TallyTotal(TallyCell):
    """The folded events of one cell over every hour: the sum of that cell's TallyCount rows, kept by the fold.

    The hours before a moment's hour are then the total less the hourly rows from that hour on, so a compilation as
    of now reads one row per cell and the few rows of the last hours, however many hours and forms there are.
    """

    class Meta:
        # The cells of one code over every kind and region (the dashboard reads the forms received from here).
        indexes = [models.Index(fields=["mission", "question_code", "kind"], name="tally_total_code_idx")]
        constraints = [
            # One row per cell, a missing region or answer being one key (the fold adds to it with ON CONFLICT).
            models.UniqueConstraint(
                F("mission"),
                F("kind"),
                Coalesce(F("region"), Value(0)),
                F("area_type"),
                F("question_code"),
                Coalesce(F("answer"), Value(BLANK_ANSWER_KEY)),
                name="tally_total_cell",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.question_code}={self.answer}: {self.count}"


class TallyRowCount(models.Model):
    """How many rows the fold has written for a mission: per hour (TallyCount rows) or, with no hour, its totals.

    Kept by the fold in the same transaction as the rows it counts, so a reader choosing between the hourly rows and
    the totals (tallies.selectors) compares a few numbers instead of counting rows.
    """

    mission = models.ForeignKey("missions.Mission", on_delete=models.CASCADE, related_name="+", db_index=False)
    hour = models.DateTimeField(null=True, blank=True, help_text="The hour of the TallyCount rows; none: the totals.")
    size = models.BigIntegerField(default=0, help_text="How many rows.")

    class Meta:
        # One row per mission and hour; the fold replaces a mission's rows it changes (delete, then insert).
        indexes = [models.Index(fields=["mission", "hour"], name="tally_row_count_idx")]

    def __str__(self) -> str:
        return f"{self.mission_id} {self.hour or 'totals'}: {self.size}"
