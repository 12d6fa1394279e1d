"""Observers (people), their membership in a mission, and teams of two."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from .choices import CoreFunction, Gender, LanguageLevel, MemberRole, MemberStatus, TeamKind

# Fields that only coordinators may see; every serializer, export and page leaves them out otherwise.
PERSONAL_FIELDS = ("email", "phone", "date_of_birth", "passport_number")


class Observer(models.Model):
    """A person as one mission recorded them; someone serving on several missions has a record in each.

    The record belongs to the mission that recorded it: only that mission reads or changes it, and its e-mail
    address is unique within that mission alone, so another mission recording the same address learns nothing.
    One login may be linked to a person's records in several missions (one record per mission).
    """

    mission = models.ForeignKey(
        "missions.Mission",
        on_delete=models.CASCADE,
        related_name="people",
        help_text="The mission whose roster recorded this person; the record never moves to another mission.",
    )
    full_name = models.CharField(max_length=200)
    gender = models.CharField(max_length=8, choices=Gender.choices)
    nationality = CountryField(help_text="The seconding state (ISO 3166-1 alpha-2).")
    email = models.EmailField(help_text="Unique within the mission's roster (compared without regard to case).")
    phone = models.CharField(max_length=40, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    passport_number = models.CharField(max_length=40, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="observer_records",
        help_text="The person's login. Linked by a superuser only; one login may hold one record in each mission.",
    )
    language = models.CharField(
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text="The language of the e-mails sent to this person; blank: the mission's working language. "
        "Choosing a language on the site sets it.",
    )
    history = HistoricalRecords(excluded_fields=["passport_number", "date_of_birth"])

    class Meta:
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(
                "mission",
                Lower("email"),
                name="observer_email_once_per_mission",
                violation_error_message=_("This mission's roster already has a person with this e-mail address."),
            ),
            models.UniqueConstraint(
                fields=["user", "mission"],
                condition=Q(user__isnull=False),
                name="observer_one_record_per_login_and_mission",
                violation_error_message=_("This login already belongs to another person of this mission."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def clean(self) -> None:
        # The constraint says the same; this names the field, so forms and the API show it next to the address.
        if self.mission_id and self.email:
            same = Observer.objects.filter(mission_id=self.mission_id, email__iexact=self.email).exclude(pk=self.pk)
            if same.exists():
                raise ValidationError(
                    {"email": _("This mission's roster already has a person with this e-mail address.")}
                )

    def language_in(self, mission) -> str:
        """The language to write to this person in about a mission: their own choice, else the mission's."""
        return self.language or mission.language

    def speaks(self, languages) -> bool:
        return any(language.language in languages for language in self.languages.all())


class ObserverLanguage(models.Model):
    """A language an observer speaks, with the level."""

    observer = models.ForeignKey(Observer, on_delete=models.CASCADE, related_name="languages")
    language = models.CharField(max_length=8, help_text="ISO 639-1 code, e.g. en, ru, kk.")
    level = models.CharField(max_length=8, choices=LanguageLevel.choices, default=LanguageLevel.WORKING)

    class Meta:
        ordering = ["observer", "language"]
        constraints = [models.UniqueConstraint(fields=["observer", "language"], name="observer_language_once")]

    def __str__(self) -> str:
        return f"{self.language} ({self.level})"


class Membership(models.Model):
    """An observer's place in one mission: role, status and dates."""

    mission = models.ForeignKey("missions.Mission", on_delete=models.CASCADE, related_name="memberships")
    observer = models.ForeignKey(Observer, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=MemberRole.choices)
    core_function = models.CharField(
        max_length=24,
        choices=CoreFunction.choices,
        blank=True,
        default="",
        help_text="Core team only. Deputy head and LTO coordinator make a coordinator in this mission, the analyst "
        "functions an analyst; the role is held in this mission alone.",
    )
    status = models.CharField(max_length=12, choices=MemberStatus.choices, default=MemberStatus.NOMINATED)
    arrival_date = models.DateField(null=True, blank=True)
    departure_date = models.DateField(null=True, blank=True)
    first_mission = models.BooleanField(default=False, help_text="First observation mission (otherwise experienced).")
    history = HistoricalRecords()

    class Meta:
        ordering = ["mission", "role", "observer__full_name"]
        constraints = [
            # A person's record belongs to one mission, so it holds one membership, in that mission.
            models.UniqueConstraint(fields=["observer"], name="membership_one_per_record"),
            models.CheckConstraint(
                name="membership_core_function_only_for_core_team",
                condition=Q(role="core_team") | Q(core_function=""),
            ),
            models.CheckConstraint(
                name="membership_departs_after_arrival",
                condition=Q(departure_date__isnull=True)
                | Q(arrival_date__isnull=True)
                | Q(departure_date__gte=F("arrival_date")),
            ),
        ]
        indexes = [models.Index(fields=["mission", "role", "status"], name="membership_role_idx")]

    def __str__(self) -> str:
        return f"{self.observer} ({self.get_role_display()}, {self.mission.slug})"

    def clean(self) -> None:
        errors = {}
        if self.role != MemberRole.CORE_TEAM and self.core_function:
            errors["core_function"] = "Only core team members have a core team function."
        if self.arrival_date and self.departure_date and self.departure_date < self.arrival_date:
            errors["departure_date"] = "Departure cannot be before arrival."
        if self.observer_id and self.mission_id and self.observer.mission_id != self.mission_id:
            errors["observer"] = _(
                "This person's record belongs to another mission's roster; add them to this mission as a new person."
            )
        elif self.observer_id and self.mission_id and self.observer.nationality == self.mission.host_country:
            errors["observer"] = (
                f"{self.observer} is a national of the host country ({self.mission.host_country.name}) "
                "and cannot serve on this mission."
            )
        if errors:
            raise ValidationError(errors)


class Team(models.Model):
    """A team of two observers of one kind (LTO or STO) within a mission."""

    mission = models.ForeignKey("missions.Mission", on_delete=models.CASCADE, related_name="teams")
    kind = models.CharField(max_length=3, choices=TeamKind.choices)
    code = models.CharField(max_length=16, help_text="For example LTO-03 or STO-117.")
    base_city = models.CharField(max_length=120, blank=True, help_text="LTO teams: where the team is based.")
    area_regions = models.ManyToManyField(
        "missions.Region", blank=True, related_name="lto_teams", help_text="LTO teams: the area of responsibility."
    )
    lto_team = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sto_teams",
        help_text="STO teams: the LTO team whose area the team deploys in.",
        limit_choices_to={"kind": TeamKind.LTO},
    )
    locked = models.BooleanField(
        default=False, help_text="Locked teams are kept as they are by team formation and planning."
    )
    needs_interpreter = models.BooleanField(default=False)
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["mission", "kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["mission", "code"], name="team_code_unique_in_mission"),
            models.CheckConstraint(
                name="team_only_sto_has_lto_team", condition=Q(kind="sto") | Q(lto_team__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def assignment_region_ids(self) -> list[int]:
        """Regions an STO team may observe in: its planned region, else its LTO team's area."""
        assignment = getattr(self, "assignment", None)
        if assignment is not None:
            return [assignment.region_id]
        if self.lto_team_id:
            return list(self.lto_team.area_regions.values_list("id", flat=True))
        return []


class TeamMember(models.Model):
    """One observer's seat in a team; a membership sits in at most one team."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="team_seats")
    history = HistoricalRecords()

    class Meta:
        ordering = ["team", "membership__observer__full_name"]
        constraints = [
            # A membership belongs to one mission, so this is "nobody in two teams of the same mission".
            models.UniqueConstraint(fields=["membership"], name="team_member_in_one_team_only"),
        ]

    def __str__(self) -> str:
        return f"{self.membership.observer} in {self.team}"


class Follower(models.Model):
    """ODIHR staff following one mission: they read its published report runs and nothing else there."""

    mission = models.ForeignKey("missions.Mission", on_delete=models.CASCADE, related_name="followers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followed_missions")
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["mission", "user"]
        constraints = [models.UniqueConstraint(fields=["mission", "user"], name="follower_once_per_mission")]

    def __str__(self) -> str:
        return f"{self.user} follows {self.mission}"
