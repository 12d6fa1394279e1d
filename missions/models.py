"""A mission and the geography it deploys into; geography belongs to one mission because units change."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from jobs.models import BackgroundJob

from .choices import AreaType, ElectionType, MissionStatus, RegionKind, SpecialStationType, StationNumbering


class Mission(models.Model):
    """An election observation mission to one election in one host country."""

    name = models.CharField(max_length=200, verbose_name=_("name"))
    slug = models.SlugField(max_length=80, unique=True, verbose_name=_("slug"))
    host_country = CountryField(
        help_text=_("ISO 3166-1 alpha-2 code of the country observed."), verbose_name=_("host country")
    )
    election_type = models.CharField(max_length=32, choices=ElectionType.choices, verbose_name=_("election type"))
    election_day = models.DateField(verbose_name=_("election day"))
    opening_date = models.DateField(null=True, blank=True, verbose_name=_("opening date"))
    lto_deployment_date = models.DateField(null=True, blank=True, verbose_name=_("LTO deployment date"))
    sto_arrival_date = models.DateField(null=True, blank=True, verbose_name=_("STO arrival date"))
    closing_date = models.DateField(null=True, blank=True, verbose_name=_("closing date"))
    status = models.CharField(
        max_length=16, choices=MissionStatus.choices, default=MissionStatus.PLANNING, verbose_name=_("status")
    )
    head_of_mission = models.ForeignKey(
        "observers.Observer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("head of mission"),
    )
    time_zone = models.CharField(
        max_length=64, default="UTC", help_text=_("Main time zone, e.g. Asia/Almaty."), verbose_name=_("time zone")
    )
    other_time_zones = models.JSONField(
        default=list,
        blank=True,
        help_text=_("Further zones in use, e.g. ['Asia/Aqtobe']."),
        verbose_name=_("other time zones"),
    )
    local_languages = models.JSONField(
        default=list,
        blank=True,
        help_text=_("ISO 639-1 codes of the languages observers should speak, e.g. ['ru', 'kk']."),
        verbose_name=_("local languages"),
    )
    language = models.CharField(
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The mission's working language: e-mails go out in it to people who have chosen none."),
        verbose_name=_("language"),
    )
    candidates = models.JSONField(
        default=list, blank=True, help_text=_("Candidate names in ballot order."), verbose_name=_("candidates")
    )
    station_numbering = models.CharField(
        max_length=8,
        choices=StationNumbering.choices,
        default=StationNumbering.REGION,
        help_text=_("How the official station list numbers polling stations: PEC No. 1 may exist in every region."),
        verbose_name=_("station numbering"),
    )
    ltos_requested = models.PositiveIntegerField(
        default=0, help_text=_("LTOs requested from participating States."), verbose_name=_("LTOs requested")
    )
    stos_requested = models.PositiveIntegerField(
        default=0,
        help_text=_("STOs requested; one seconding state supplies at most 15 % of this number."),
        verbose_name=_("STOs requested"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mission")
        verbose_name_plural = _("missions")
        ordering = ["-election_day", "name"]
        constraints = [
            models.CheckConstraint(
                name="mission_closes_after_opening",
                condition=Q(closing_date__isnull=True)
                | Q(opening_date__isnull=True)
                | Q(closing_date__gte=F("opening_date")),
            ),
            models.CheckConstraint(
                name="mission_election_within_mission",
                condition=Q(opening_date__isnull=True) | Q(election_day__gte=F("opening_date")),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.opening_date and self.closing_date and self.closing_date < self.opening_date:
            raise ValidationError({"closing_date": _("The mission cannot close before it opens.")})
        if self.opening_date and self.election_day and self.election_day < self.opening_date:
            raise ValidationError({"election_day": _("Election day must fall after the mission opens.")})
        if self.head_of_mission_id and self.head_of_mission.mission_id != self.pk:
            raise ValidationError({"head_of_mission": _("The head of mission is a person on this mission's roster.")})


class Region(models.Model):
    """A top-level administrative unit (region or city of republican significance) of a mission's host country."""

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="regions", verbose_name=_("mission"))
    code = models.CharField(max_length=32, verbose_name=_("code"))
    name = models.CharField(max_length=120, verbose_name=_("name"))
    kind = models.CharField(
        max_length=16, choices=RegionKind.choices, default=RegionKind.REGION, verbose_name=_("kind")
    )
    time_zone = models.CharField(
        max_length=64, blank=True, help_text=_("Leave blank to use the mission's."), verbose_name=_("time zone")
    )
    neighbours = models.ManyToManyField("self", blank=True, symmetrical=True, verbose_name=_("neighbours"))

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["mission", "name"]
        constraints = [
            models.UniqueConstraint(fields=["mission", "code"], name="region_code_unique_in_mission"),
            models.UniqueConstraint(fields=["mission", "name"], name="region_name_unique_in_mission"),
        ]

    def __str__(self) -> str:
        return self.name


class Tec(models.Model):
    """A territorial election commission (district or city level) within a region."""

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="tecs", verbose_name=_("mission"))
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="tecs", verbose_name=_("region"))
    code = models.CharField(max_length=32, verbose_name=_("code"))
    name = models.CharField(max_length=160, verbose_name=_("name"))

    class Meta:
        ordering = ["mission", "code"]
        verbose_name = _("territorial election commission")
        verbose_name_plural = _("territorial election commissions")
        # District commissions repeat across regions (a "Leninsky district" TEC in many of them).
        constraints = [models.UniqueConstraint(fields=["region", "code"], name="tec_code_unique_in_region")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        if self.region_id and self.mission_id and self.region.mission_id != self.mission_id:
            raise ValidationError({"region": _("The region belongs to another mission.")})


class PollingStation(models.Model):
    """A polling station, run by one precinct election commission, under a TEC.

    Official lists number stations per region (or per TEC): a station is identified by its commission chain,
    region + number (+ TEC where the mission's numbers restart per TEC), never by its number alone.
    """

    mission = models.ForeignKey(
        Mission, on_delete=models.CASCADE, related_name="polling_stations", verbose_name=_("mission")
    )
    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="polling_stations", verbose_name=_("region")
    )
    tec = models.ForeignKey(Tec, on_delete=models.CASCADE, related_name="polling_stations", verbose_name=_("TEC"))
    number = models.CharField(max_length=32, verbose_name=_("number"))
    name = models.CharField(max_length=200, blank=True, verbose_name=_("name"))
    address = models.CharField(max_length=300, blank=True, verbose_name=_("address"))
    area_type = models.CharField(
        max_length=8,
        choices=AreaType.choices,
        blank=True,
        default="",
        help_text=_("Blank: not known (reported as unknown)."),
        verbose_name=_("area type"),
    )
    registered_voters = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Blank: not known."), verbose_name=_("registered voters")
    )
    special_type = models.CharField(
        max_length=16, choices=SpecialStationType.choices, blank=True, default="", verbose_name=_("special type")
    )
    latitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        verbose_name=_("latitude"),
    )
    longitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        verbose_name=_("longitude"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("polling station")
        verbose_name_plural = _("polling stations")
        ordering = ["mission", "region", "number"]
        constraints = [
            # The finest identity the database can hold for every numbering; numbers unique in a region are
            # checked by clean() and the import (the region rule depends on the mission's numbering).
            models.UniqueConstraint(
                fields=["tec", "number"],
                name="station_number_unique_in_tec",
                violation_error_message="This TEC already has a polling station with this number.",
            ),
            models.CheckConstraint(
                name="station_latitude_in_range",
                condition=Q(latitude__isnull=True) | (Q(latitude__gte=-90) & Q(latitude__lte=90)),
            ),
            models.CheckConstraint(
                name="station_longitude_in_range",
                condition=Q(longitude__isnull=True) | (Q(longitude__gte=-180) & Q(longitude__lte=180)),
            ),
        ]
        indexes = [
            models.Index(fields=["mission", "region", "area_type"], name="station_region_area_idx"),
            models.Index(fields=["mission", "region", "number"], name="station_region_number_idx"),
        ]

    def __str__(self) -> str:
        return station_label(self.region.name, self.number)

    def clean(self) -> None:
        if self.tec_id and self.region_id and self.tec.region_id != self.region_id:
            raise ValidationError({"tec": _("The TEC lies in another region.")})
        if self.region_id and self.mission_id and self.region.mission_id != self.mission_id:
            raise ValidationError({"region": _("The region belongs to another mission.")})
        numbered_per_region = self.mission_id and self.mission.station_numbering == StationNumbering.REGION
        if numbered_per_region and self.region_id and self.number:
            twins = PollingStation.objects.filter(region_id=self.region_id, number=self.number).exclude(pk=self.pk)
            if twins.exists():
                message = _("%(region)s already has a polling station No. %(number)s.") % {
                    "region": self.region.name,
                    "number": self.number,
                }
                raise ValidationError({"number": message})


def station_label(region_name: str, number: str) -> str:
    """How a station is shown everywhere, in the reader's language: its region and its number, e.g. "Akmola — No. 1".

    Templates use the same words through the `station` filter (missions/templatetags/stations.py).
    """
    return gettext("%(region)s — No. %(number)s") % {"region": region_name, "number": number}


class ImportJob(BackgroundJob):
    """A file to import into a mission, kept on the job's own row so that a worker on any machine sharing the
    database reads it; checked and written in the background (missions/import_jobs.py), all rows or none.

    Each kind of import (polling stations here, the roster in observers, official results in results) is a model of
    its own inheriting this one, with its own lifecycle (jobs/lifecycle.py).
    """

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="+", verbose_name=_("mission"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    filename = models.CharField(max_length=255, blank=True, verbose_name=_("file name"))
    content = models.BinaryField(
        verbose_name=_("file"), help_text=_("The uploaded file as it was received; the worker reads it from here.")
    )
    options = models.JSONField(
        default=dict,
        blank=True,
        help_text=_("What the import form asked besides the file (the column mapping, for instance)."),
        verbose_name=_("options"),
    )
    outcome = models.JSONField(
        null=True,
        blank=True,
        help_text=_("What the import did, or every row that stopped it (notices, written out when read)."),
        verbose_name=_("outcome"),
    )

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"


class StationImport(ImportJob):
    """A polling-station list being imported into a mission (missions/imports.py, in the background)."""

    class Meta(ImportJob.Meta):
        verbose_name = _("station import")
        verbose_name_plural = _("station imports")
