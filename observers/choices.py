from django.db import models


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other / not stated"


class LanguageLevel(models.TextChoices):
    NATIVE = "native", "Native"
    FLUENT = "fluent", "Fluent"
    WORKING = "working", "Working knowledge"
    BASIC = "basic", "Basic"


class MemberRole(models.TextChoices):
    HEAD_OF_MISSION = "head_of_mission", "Head of mission"
    CORE_TEAM = "core_team", "Core team"
    LTO = "lto", "Long-term observer"
    STO = "sto", "Short-term observer"
    PARLIAMENTARIAN = "parliamentarian", "Parliamentarian"


class CoreFunction(models.TextChoices):
    NONE = "", "—"
    DEPUTY_HEAD = "deputy_head", "Deputy head of mission"
    ELECTION_ANALYST = "election_analyst", "Election analyst"
    POLITICAL_ANALYST = "political_analyst", "Political analyst"
    LEGAL_ANALYST = "legal_analyst", "Legal analyst"
    MEDIA_ANALYST = "media_analyst", "Media analyst"
    STATISTICAL_ANALYST = "statistical_analyst", "Statistical analyst"
    LTO_COORDINATOR = "lto_coordinator", "LTO coordinator"
    SECURITY_EXPERT = "security_expert", "Security expert"
    OPERATIONS = "operations", "Operations"
    OTHER = "other", "Other"


class MemberStatus(models.TextChoices):
    NOMINATED = "nominated", "Nominated"
    ACCREDITED = "accredited", "Accredited"
    DEPLOYED = "deployed", "Deployed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class TeamKind(models.TextChoices):
    LTO = "lto", "LTO team"
    STO = "sto", "STO team"


# A team of this kind takes members with these roles (parliamentarians deploy like STOs).
ROLES_FOR_TEAM_KIND = {
    TeamKind.LTO: {MemberRole.LTO},
    TeamKind.STO: {MemberRole.STO, MemberRole.PARLIAMENTARIAN},
}
