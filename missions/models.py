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

from .choices import AreaType, ElectionType, MissionStatus, RegionKind, SpecialStationType, StationNumbering


class Mission(models.Model):
    """An election observation mission to one election in one host country."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    host_country = CountryField(help_text="ISO 3166-1 alpha-2 code of the country observed.")
    election_type = models.CharField(max_length=32, choices=ElectionType.choices)
    election_day = models.DateField()
    opening_date = models.DateField(null=True, blank=True)
    lto_deployment_date = models.DateField(null=True, blank=True)
    sto_arrival_date = models.DateField(null=True, blank=True)
    closing_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=MissionStatus.choices, default=MissionStatus.PLANNING)
    head_of_mission = models.ForeignKey(
        "observers.Observer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    time_zone = models.CharField(max_length=64, default="UTC", help_text="Main time zone, e.g. Asia/Almaty.")
    other_time_zones = models.JSONField(
        default=list, blank=True, help_text="Further zones in use, e.g. ['Asia/Aqtobe']."
    )
    local_languages = models.JSONField(
        default=list,
        blank=True,
        help_text="ISO 639-1 codes of the languages observers should speak, e.g. ['ru', 'kk'].",
    )
    language = models.CharField(
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text="The mission's working language: e-mails go out in it to people who have chosen none.",
    )
    candidates = models.JSONField(default=list, blank=True, help_text="Candidate names in ballot order.")
    station_numbering = models.CharField(
        max_length=8,
        choices=StationNumbering.choices,
        default=StationNumbering.REGION,
        help_text="How the official station list numbers polling stations: PEC No. 1 may exist in every region.",
    )
    ltos_requested = models.PositiveIntegerField(default=0, help_text="LTOs requested from participating States.")
    stos_requested = models.PositiveIntegerField(
        default=0, help_text="STOs requested; one seconding state supplies at most 15 % of this number."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
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
            raise ValidationError({"closing_date": "The mission cannot close before it opens."})
        if self.opening_date and self.election_day and self.election_day < self.opening_date:
            raise ValidationError({"election_day": "Election day must fall after the mission opens."})
        if self.head_of_mission_id and self.head_of_mission.mission_id != self.pk:
            raise ValidationError({"head_of_mission": _("The head of mission is a person on this mission's roster.")})


class Region(models.Model):
    """A top-level administrative unit (region or city of republican significance) of a mission's host country."""

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="regions")
    code = models.CharField(max_length=32)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=RegionKind.choices, default=RegionKind.REGION)
    time_zone = models.CharField(max_length=64, blank=True, help_text="Leave blank to use the mission's.")
    neighbours = models.ManyToManyField("self", blank=True, symmetrical=True)

    class Meta:
        ordering = ["mission", "name"]
        constraints = [
            models.UniqueConstraint(fields=["mission", "code"], name="region_code_unique_in_mission"),
            models.UniqueConstraint(fields=["mission", "name"], name="region_name_unique_in_mission"),
        ]

    def __str__(self) -> str:
        return self.name


class Tec(models.Model):
    """A territorial election commission (district or city level) within a region."""

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="tecs")
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="tecs")
    code = models.CharField(max_length=32)
    name = models.CharField(max_length=160)

    class Meta:
        ordering = ["mission", "code"]
        verbose_name = "territorial election commission"
        verbose_name_plural = "territorial election commissions"
        # District commissions repeat across regions (a "Leninsky district" TEC in many of them).
        constraints = [models.UniqueConstraint(fields=["region", "code"], name="tec_code_unique_in_region")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        if self.region_id and self.mission_id and self.region.mission_id != self.mission_id:
            raise ValidationError({"region": "The region belongs to another mission."})


class PollingStation(models.Model):
    """A polling station, run by one precinct election commission, under a TEC.

    Official lists number stations per region (or per TEC): a station is identified by its commission chain,
    region + number (+ TEC where the mission's numbers restart per TEC), never by its number alone.
    """

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="polling_stations")
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="polling_stations")
    tec = models.ForeignKey(Tec, on_delete=models.CASCADE, related_name="polling_stations")
    number = models.CharField(max_length=32)
    name = models.CharField(max_length=200, blank=True)
    address = models.CharField(max_length=300, blank=True)
    area_type = models.CharField(
        max_length=8,
        choices=AreaType.choices,
        blank=True,
        default="",
        help_text="Blank: not known (reported as unknown).",
    )
    registered_voters = models.PositiveIntegerField(null=True, blank=True, help_text="Blank: not known.")
    special_type = models.CharField(max_length=16, choices=SpecialStationType.choices, blank=True, default="")
    latitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    history = HistoricalRecords()

    class Meta:
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
            raise ValidationError({"tec": "The TEC lies in another region."})
        if self.region_id and self.mission_id and self.region.mission_id != self.mission_id:
            raise ValidationError({"region": "The region belongs to another mission."})
        numbered_per_region = self.mission_id and self.mission.station_numbering == StationNumbering.REGION
        if numbered_per_region and self.region_id and self.number:
            twins = PollingStation.objects.filter(region_id=self.region_id, number=self.number).exclude(pk=self.pk)
            if twins.exists():
                message = f"{self.region.name} already has a polling station No. {self.number}."
                raise ValidationError({"number": message})


def station_label(region_name: str, number: str) -> str:
    """How a station is shown everywhere, in the reader's language: its region and its number, e.g. "Akmola — No. 1".

    Templates use the same words through the `station` filter (missions/templatetags/stations.py).
    """
    return gettext("%(region)s — No. %(number)s") % {"region": region_name, "number": number}
