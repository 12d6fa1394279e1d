"""Official results as the election administration publishes them: versions of per-station protocols, kept whole."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jobs.notices import notice, notice_text
from missions.models import ImportJob

from .choices import ResultsLevel, ResultsStage


class ResultsSettings(models.Model):
    """A mission's settings for official results: the column mapping of its last import and the turnout threshold."""

    mission = models.OneToOneField(
        "missions.Mission", on_delete=models.CASCADE, related_name="results_settings", verbose_name=_("mission")
    )
    column_mapping = models.JSONField(
        default=dict,
        blank=True,
        help_text=_("Result line -> column header of the CEC file, reused for the next file."),
        verbose_name=_("column mapping"),
    )
    tec_column_mapping = models.JSONField(
        default=dict,
        blank=True,
        help_text=_("The same for the files of TEC totals."),
        verbose_name=_("TEC column mapping"),
    )
    turnout_threshold = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=95,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Turnout (ballots issued / registered voters, in %) above which a station is listed."),
        verbose_name=_("turnout threshold"),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("official results settings")
        verbose_name_plural = _("official results settings")

    def __str__(self) -> str:
        return _("Official results settings of %(mission)s") % {"mission": self.mission}


class ResultsVersion(models.Model):
    """One imported file of official per-station results (preliminary, final, ...); versions are never overwritten."""

    mission = models.ForeignKey(
        "missions.Mission", on_delete=models.CASCADE, related_name="results_versions", verbose_name=_("mission")
    )
    number = models.PositiveIntegerField(
        help_text=_("1 for the first file imported for the mission, then 2, ..."), verbose_name=_("number")
    )
    stage = models.CharField(
        max_length=16, choices=ResultsStage.choices, default=ResultsStage.PRELIMINARY, verbose_name=_("stage")
    )
    level = models.CharField(
        max_length=8, choices=ResultsLevel.choices, default=ResultsLevel.STATION, verbose_name=_("level")
    )
    label = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("e.g. 'CEC preliminary results, 10 June 08:00'."),
        verbose_name=_("label"),
    )
    published_on = models.DateField(
        null=True, blank=True, help_text=_("When the CEC published this file."), verbose_name=_("published on")
    )
    filename = models.CharField(max_length=255, blank=True, verbose_name=_("filename"))
    column_mapping = models.JSONField(
        default=dict, help_text=_("The mapping this file was read with."), verbose_name=_("column mapping")
    )
    candidates = models.JSONField(
        default=list, help_text=_("The mission's candidates when the file was read."), verbose_name=_("candidates")
    )
    rows = models.PositiveIntegerField(default=0, verbose_name=_("rows"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("imported by"),
    )
    imported_at = models.DateTimeField(auto_now_add=True, verbose_name=_("imported at"))

    class Meta:
        verbose_name_plural = _("official results versions")
        ordering = ["mission", "-number"]
        verbose_name = _("official results version")
        constraints = [models.UniqueConstraint(fields=["mission", "number"], name="results_version_number_unique")]

    def __str__(self) -> str:
        return notice_text(self.label_notice())

    def label_notice(self) -> dict:
        """The version's name ("Results v2 (Final): CEC, 10 June") as a notice, to be written out when read."""
        if self.label:
            return notice("results.version_labelled", number=self.number, stage=self.stage, label=self.label)
        return notice("results.version", number=self.number, stage=self.stage)


class ProtocolFigures(models.Model):
    """The lines of a published protocol, as a row of an official results file gives them: a figure the file leaves
    empty is unknown (None), never zero."""

    row_number = models.PositiveIntegerField(verbose_name=_("row number"))
    registered_voters = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("registered voters"))
    ballots_received = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("ballots received"))
    ballots_issued = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("ballots issued"))
    ballots_cancelled = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("ballots cancelled"))
    ballots_valid = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("ballots valid"))
    ballots_invalid = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("ballots invalid"))
    votes = models.JSONField(
        default=list, help_text=_("Votes per candidate in the version's candidate order."), verbose_name=_("votes")
    )

    class Meta:
        abstract = True


class StationResult(ProtocolFigures):
    """One row of an official results file: a station's protocol lines; the station is None when it is not known."""

    version = models.ForeignKey(
        ResultsVersion, on_delete=models.CASCADE, related_name="station_results", verbose_name=_("version")
    )
    polling_station = models.ForeignKey(
        "missions.PollingStation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="official_results",
        verbose_name=_("polling station"),
    )
    region = models.ForeignKey(
        "missions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="official_results",
        verbose_name=_("region"),
    )
    # As written in the file, so a station the list does not know can still be named.
    region_text = models.CharField(max_length=200, verbose_name=_("region text"))
    tec_text = models.CharField(max_length=200, blank=True, verbose_name=_("TEC text"))
    number_text = models.CharField(max_length=64, verbose_name=_("number text"))

    class Meta:
        verbose_name = _("station result")
        verbose_name_plural = _("station results")
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


class TecResult(ProtocolFigures):
    """One row of a file of TEC totals (the tabulated results of a TEC), as the CEC publishes them."""

    version = models.ForeignKey(
        ResultsVersion, on_delete=models.CASCADE, related_name="tec_results", verbose_name=_("version")
    )
    tec = models.ForeignKey(
        "missions.Tec", on_delete=models.PROTECT, related_name="official_results", verbose_name=_("TEC")
    )
    region = models.ForeignKey(
        "missions.Region", on_delete=models.PROTECT, related_name="official_tec_results", verbose_name=_("region")
    )
    region_text = models.CharField(max_length=200, verbose_name=_("region text"))
    tec_text = models.CharField(max_length=200, verbose_name=_("TEC text"))

    class Meta:
        verbose_name_plural = _("TEC results")
        ordering = ["version", "row_number"]
        verbose_name = _("TEC result")
        constraints = [models.UniqueConstraint(fields=["version", "tec"], name="tec_result_once_per_version")]

    def __str__(self) -> str:
        return f"{self.region_text} / {self.tec_text} (v{self.version_id})"


class ResultsImport(ImportJob):
    """A file of official results being imported into a new version (results/imports.py, in the background)."""

    class Meta(ImportJob.Meta):
        verbose_name = _("results import")
        verbose_name_plural = _("results imports")
