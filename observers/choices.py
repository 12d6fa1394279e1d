from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other / not stated")


class LanguageLevel(models.TextChoices):
    NATIVE = "native", _("Native")
    FLUENT = "fluent", _("Fluent")
    WORKING = "working", _("Working knowledge")
    BASIC = "basic", _("Basic")


class MemberRole(models.TextChoices):
    HEAD_OF_MISSION = "head_of_mission", _("Head of mission")
    CORE_TEAM = "core_team", _("Core team")
    LTO = "lto", _("Long-term observer")
    STO = "sto", _("Short-term observer")
    PARLIAMENTARIAN = "parliamentarian", _("Parliamentarian")


class CoreFunction(models.TextChoices):
    NONE = "", "—"
    DEPUTY_HEAD = "deputy_head", _("Deputy head of mission")
    ELECTION_ANALYST = "election_analyst", _("Election analyst")
    POLITICAL_ANALYST = "political_analyst", _("Political analyst")
    LEGAL_ANALYST = "legal_analyst", _("Legal analyst")
    MEDIA_ANALYST = "media_analyst", _("Media analyst")
    STATISTICAL_ANALYST = "statistical_analyst", _("Statistical analyst")
    LTO_COORDINATOR = "lto_coordinator", _("LTO coordinator")
    SECURITY_EXPERT = "security_expert", _("Security expert")
    OPERATIONS = "operations", _("Operations")
    OTHER = "other", _("Other")


class MemberStatus(models.TextChoices):
    NOMINATED = "nominated", _("Nominated")
    ACCREDITED = "accredited", _("Accredited")
    DEPLOYED = "deployed", _("Deployed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class TeamKind(models.TextChoices):
    LTO = "lto", _("LTO team")
    STO = "sto", _("STO team")


# A team of this kind takes members with these roles (parliamentarians deploy like STOs).
ROLES_FOR_TEAM_KIND = {
    TeamKind.LTO: {MemberRole.LTO},
    TeamKind.STO: {MemberRole.STO, MemberRole.PARLIAMENTARIAN},
}
