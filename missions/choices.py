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
    URBAN = "urban", "Urban"
    RURAL = "rural", "Rural"


class SpecialStationType(models.TextChoices):
    NONE = "", "Ordinary"
    HOSPITAL = "hospital", "Hospital"
    PRISON = "prison", "Prison / detention"
    ABROAD = "abroad", "Abroad"
    MILITARY = "military", "Military"
    OTHER = "other", "Other special"
