"""Official results as the election administration publishes them: versions of per-station protocols, kept whole."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from .choices import ResultsLevel, ResultsStage


class ResultsSettings(models.Model):
    """A mission's settings for official results: the column mapping of its last import and the turnout threshold."""

    mission = models.OneToOneField("missions.Mission", on_delete=models.CASCADE, related_name="results_settings")
    column_mapping = models.JSONField(
        default=dict, blank=True, help_text="Result line -> column header of the CEC file, reused for the next file."
    )
    tec_column_mapping = models.JSONField(default=dict, blank=True, help_text="The same for the files of TEC totals.")
    turnout_threshold = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=95,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Turnout (ballots issued / registered voters, in %) above which a station is listed.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "official results settings"
        verbose_name_plural = "official results settings"

    def __str__(self) -> str:
        return f"Official results settings of {self.mission}"


class ResultsVersion(models.Model):
    """One imported file of official per-station results (preliminary, final, ...); versions are never overwritten."""

    mission = models.ForeignKey("missions.Mission", on_delete=models.CASCADE, related_name="results_versions")
    number = models.PositiveIntegerField(help_text="1 for the first file imported for the mission, then 2, ...")
    stage = models.CharField(max_length=16, choices=ResultsStage.choices, default=ResultsStage.PRELIMINARY)
    level = models.CharField(max_length=8, choices=ResultsLevel.choices, default=ResultsLevel.STATION)
    label = models.CharField(max_length=200, blank=True, help_text="e.g. 'CEC preliminary results, 10 June 08:00'.")
    published_on = models.DateField(null=True, blank=True, help_text="When the CEC published this file.")
    filename = models.CharField(max_length=255, blank=True)
    column_mapping = models.JSONField(default=dict, help_text="The mapping this file was read with.")
    candidates = models.JSONField(default=list, help_text="The mission's candidates when the file was read.")
    rows = models.PositiveIntegerField(default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["mission", "-number"]
        verbose_name = "official results version"
        constraints = [models.UniqueConstraint(fields=["mission", "number"], name="results_version_number_unique")]

    def __str__(self) -> str:
        return f"Results v{self.number} ({self.get_stage_display()}){f': {self.label}' if self.label else ''}"


class StationResult(models.Model):
    """One row of an official results file: a station's protocol lines; the station is None when it is not known."""

    version = models.ForeignKey(ResultsVersion, on_delete=models.CASCADE, related_name="station_results")
    polling_station = models.ForeignKey(
        "missions.PollingStation", null=True, blank=True, on_delete=models.PROTECT, related_name="official_results"
    )
    region = models.ForeignKey(
        "missions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="official_results"
    )
    # As written in the file, so a station the list does not know can still be named.
    region_text = models.CharField(max_length=200)
    tec_text = models.CharField(max_length=200, blank=True)
    number_text = models.CharField(max_length=64)
    row_number = models.PositiveIntegerField()
    registered_voters = models.PositiveIntegerField(null=True, blank=True)
    ballots_received = models.PositiveIntegerField(null=True, blank=True)
    ballots_issued = models.PositiveIntegerField(null=True, blank=True)
    ballots_cancelled = models.PositiveIntegerField(null=True, blank=True)
    ballots_valid = models.PositiveIntegerField(null=True, blank=True)
    ballots_invalid = models.PositiveIntegerField(null=True, blank=True)
    votes = models.JSONField(default=list, help_text="Votes per candidate in the version's candidate order.")

    class Meta:
        ordering = ["version", "row_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "polling_station"],
                condition=Q(polling_station__isnull=False),
                name="station_result_once_per_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_text} / {self.number_text} (v{self.version_id})"


class TecResult(models.Model):
    """One row of a file of TEC totals (the tabulated results of a TEC), as the CEC publishes them."""

    version = models.ForeignKey(ResultsVersion, on_delete=models.CASCADE, related_name="tec_results")
    tec = models.ForeignKey("missions.Tec", on_delete=models.PROTECT, related_name="official_results")
    region = models.ForeignKey("missions.Region", on_delete=models.PROTECT, related_name="official_tec_results")
    region_text = models.CharField(max_length=200)
    tec_text = models.CharField(max_length=200)
    row_number = models.PositiveIntegerField()
    registered_voters = models.PositiveIntegerField(null=True, blank=True)
    ballots_received = models.PositiveIntegerField(null=True, blank=True)
    ballots_issued = models.PositiveIntegerField(null=True, blank=True)
    ballots_cancelled = models.PositiveIntegerField(null=True, blank=True)
    ballots_valid = models.PositiveIntegerField(null=True, blank=True)
    ballots_invalid = models.PositiveIntegerField(null=True, blank=True)
    votes = models.JSONField(default=list, help_text="Votes per candidate in the version's candidate order.")

    class Meta:
        ordering = ["version", "row_number"]
        verbose_name = "TEC result"
        constraints = [models.UniqueConstraint(fields=["version", "tec"], name="tec_result_once_per_version")]

    def __str__(self) -> str:
        return f"{self.region_text} / {self.tec_text} (v{self.version_id})"
