from django.db import models


class ElectionType(models.TextChoices):
    PRESIDENTIAL = "presidential", "Presidential"
    EARLY_PRESIDENTIAL = "early_presidential", "Early presidential"
    PARLIAMENTARY = "parliamentary", "Parliamentary"
    LOCAL = "local", "Local"
    REFERENDUM = "referendum", "Referendum"


class MissionStatus(models.TextChoices):
    PLANNING = "planning", "Planning"
    DEPLOYED = "deployed", "Deployed"
    ELECTION_DAY = "election_day", "Election day"
    REPORTING = "reporting", "Reporting"
    CLOSED = "closed", "Closed"


class RegionKind(models.TextChoices):
    REGION = "region", "Region"
    CITY = "city", "City of republican significance"


class AreaType(models.TextChoices):
    """Urban or rural; a station whose list does not say is stored blank and reported as "unknown"."""

    URBAN = "urban", "Urban"
    RURAL = "rural", "Rural"


class StationNumbering(models.TextChoices):
    """Where polling-station numbers restart, and so what identifies a station besides its number."""

    REGION = "region", "Numbers restart in each region (region + number identify a station)"
    TEC = "tec", "Numbers restart in each TEC (region + TEC + number identify a station)"


class SpecialStationType(models.TextChoices):
    NONE = "", "Ordinary"
    HOSPITAL = "hospital", "Hospital"
    PRISON = "prison", "Prison / detention"
    ABROAD = "abroad", "Abroad"
    MILITARY = "military", "Military"
    OTHER = "other", "Other special"
