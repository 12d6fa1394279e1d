"""Observers (people), their membership in a mission, and teams of two."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from missions.models import ImportJob

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
        help_text=_("The mission whose roster recorded this person; the record never moves to another mission."),
        verbose_name=_("mission"),
    )
    full_name = models.CharField(max_length=200, verbose_name=_("full name"))
    gender = models.CharField(max_length=8, choices=Gender.choices, verbose_name=_("gender"))
    nationality = CountryField(help_text=_("The seconding state (ISO 3166-1 alpha-2)."), verbose_name=_("nationality"))
    email = models.EmailField(
        help_text=_("Unique within the mission's roster (compared without regard to case)."), verbose_name=_("email")
    )
    phone = models.CharField(max_length=40, blank=True, verbose_name=_("phone"))
    date_of_birth = models.DateField(null=True, blank=True, verbose_name=_("date of birth"))
    passport_number = models.CharField(max_length=40, blank=True, verbose_name=_("passport number"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="observer_records",
        help_text=_("The person's login. Linked by a superuser only; one login may hold one record in each mission."),
        verbose_name=_("user"),
    )
    language = models.CharField(
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_(
            "The language of the e-mails sent to this person; blank: the mission's working language. "
            "Choosing a language on the site sets it."
        ),
        verbose_name=_("language"),
    )
    history = HistoricalRecords(excluded_fields=["passport_number", "date_of_birth"])

    class Meta:
        verbose_name = _("observer")
        verbose_name_plural = _("observers")
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

    observer = models.ForeignKey(
        Observer, on_delete=models.CASCADE, related_name="languages", verbose_name=_("observer")
    )
    language = models.CharField(
        max_length=8, help_text=_("ISO 639-1 code, e.g. en, ru, kk."), verbose_name=_("language")
    )
    level = models.CharField(
        max_length=8, choices=LanguageLevel.choices, default=LanguageLevel.WORKING, verbose_name=_("level")
    )

    class Meta:
        verbose_name = _("observer language")
        verbose_name_plural = _("observer languages")
        ordering = ["observer", "language"]
        constraints = [models.UniqueConstraint(fields=["observer", "language"], name="observer_language_once")]

    def __str__(self) -> str:
        return f"{self.language} ({self.level})"


class Membership(models.Model):
    """An observer's place in one mission: role, status and dates."""

    mission = models.ForeignKey(
        "missions.Mission", on_delete=models.CASCADE, related_name="memberships", verbose_name=_("mission")
    )
    observer = models.ForeignKey(
        Observer, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("observer")
    )
    role = models.CharField(max_length=16, choices=MemberRole.choices, verbose_name=_("role"))
    core_function = models.CharField(
        max_length=24,
        choices=CoreFunction.choices,
        blank=True,
        default="",
        help_text=_(
            "Core team only. Deputy head and LTO coordinator make a coordinator in this mission, the analyst "
            "functions an analyst; the role is held in this mission alone."
        ),
        verbose_name=_("core function"),
    )
    status = models.CharField(
        max_length=12, choices=MemberStatus.choices, default=MemberStatus.NOMINATED, verbose_name=_("status")
    )
    arrival_date = models.DateField(null=True, blank=True, verbose_name=_("arrival date"))
    departure_date = models.DateField(null=True, blank=True, verbose_name=_("departure date"))
    first_mission = models.BooleanField(
        default=False,
        help_text=_("First observation mission (otherwise experienced)."),
        verbose_name=_("first mission"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
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
            errors["core_function"] = _("Only core team members have a core team function.")
        if self.arrival_date and self.departure_date and self.departure_date < self.arrival_date:
            errors["departure_date"] = _("The departure date cannot be before the arrival date.")
        if self.observer_id and self.mission_id and self.observer.mission_id != self.mission_id:
            errors["observer"] = _(
                "This person's record belongs to another mission's roster; add them to this mission as a new person."
            )
        elif self.observer_id and self.mission_id and self.observer.nationality == self.mission.host_country:
            errors["observer"] = _(
                "%(name)s is a national of the host country (%(country)s) and cannot serve on this mission."
            ) % {"name": self.observer, "country": self.mission.host_country.name}
        if errors:
            raise ValidationError(errors)


class Team(models.Model):
    """A team of two observers of one kind (LTO or STO) within a mission."""

    mission = models.ForeignKey(
        "missions.Mission", on_delete=models.CASCADE, related_name="teams", verbose_name=_("mission")
    )
    kind = models.CharField(max_length=3, choices=TeamKind.choices, verbose_name=_("kind"))
    code = models.CharField(max_length=16, help_text=_("For example LTO-03 or STO-117."), verbose_name=_("code"))
    base_city = models.CharField(
        max_length=120, blank=True, help_text=_("LTO teams: where the team is based."), verbose_name=_("base city")
    )
    area_regions = models.ManyToManyField(
        "missions.Region",
        blank=True,
        related_name="lto_teams",
        help_text=_("LTO teams: the area of responsibility."),
        verbose_name=_("area regions"),
    )
    lto_team = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sto_teams",
        help_text=_("STO teams: the LTO team whose area the team deploys in."),
        limit_choices_to={"kind": TeamKind.LTO},
        verbose_name=_("LTO team"),
    )
    locked = models.BooleanField(
        default=False,
        help_text=_("Locked teams are kept as they are by team formation and planning."),
        verbose_name=_("locked"),
    )
    needs_interpreter = models.BooleanField(default=False, verbose_name=_("needs interpreter"))
    notes = models.TextField(blank=True, verbose_name=_("notes"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
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
            # The area straight from the link table, without loading the LTO team first (one query, not two).
            return list(
                Team.area_regions.through.objects.filter(team_id=self.lto_team_id).values_list("region_id", flat=True)
            )
        return []


class TeamMember(models.Model):
    """One observer's seat in a team; a membership sits in at most one team."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members", verbose_name=_("team"))
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="team_seats", verbose_name=_("membership")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["team", "membership__observer__full_name"]
        constraints = [
            # A membership belongs to one mission, so this is "nobody in two teams of the same mission".
            models.UniqueConstraint(fields=["membership"], name="team_member_in_one_team_only"),
        ]

    def __str__(self) -> str:
        return _("%(observer)s in %(team)s") % {"observer": self.membership.observer, "team": self.team}


class Follower(models.Model):
    """ODIHR staff following one mission: they read its published report runs and nothing else there."""

    mission = models.ForeignKey(
        "missions.Mission", on_delete=models.CASCADE, related_name="followers", verbose_name=_("mission")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followed_missions", verbose_name=_("user")
    )
    granted_at = models.DateTimeField(auto_now_add=True, verbose_name=_("granted at"))

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        ordering = ["mission", "user"]
        constraints = [models.UniqueConstraint(fields=["mission", "user"], name="follower_once_per_mission")]

    def __str__(self) -> str:
        return _("%(user)s follows %(mission)s") % {"user": self.user, "mission": self.mission}


class RosterImport(ImportJob):
    """An observer roster being imported into a mission (observers/imports.py, in the background)."""

    class Meta(ImportJob.Meta):
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")
