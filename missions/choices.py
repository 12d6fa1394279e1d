from django.db import models
from django.utils.translation import gettext_lazy as _


class ElectionType(models.TextChoices):
    PRESIDENTIAL = "presidential", _("Presidential")
    EARLY_PRESIDENTIAL = "early_presidential", _("Early presidential")
    PARLIAMENTARY = "parliamentary", _("Parliamentary")
    LOCAL = "local", _("Local")
    REFERENDUM = "referendum", _("Referendum")


class MissionStatus(models.TextChoices):
    PLANNING = "planning", _("Planning")
    DEPLOYED = "deployed", _("Deployed")
    ELECTION_DAY = "election_day", _("Election day")
    REPORTING = "reporting", _("Reporting")
    CLOSED = "closed", _("Closed")


class RegionKind(models.TextChoices):
    REGION = "region", _("Region")
    CITY = "city", _("City of republican significance")


class AreaType(models.TextChoices):
    """Urban or rural; a station whose list does not say is stored blank and reported as "unknown"."""

    URBAN = "urban", _("Urban")
    RURAL = "rural", _("Rural")


class StationNumbering(models.TextChoices):
    """Where polling-station numbers restart, and so what identifies a station besides its number."""

    REGION = "region", _("Numbers restart in each region (region + number identify a station)")
    TEC = "tec", _("Numbers restart in each TEC (region + TEC + number identify a station)")


class SpecialStationType(models.TextChoices):
    NONE = "", _("Ordinary")
    HOSPITAL = "hospital", _("Hospital")
    PRISON = "prison", _("Prison / detention")
    ABROAD = "abroad", _("Abroad")
    MILITARY = "military", _("Military")
    OTHER = "other", _("Other special")
