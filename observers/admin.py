"""Coordinators' admin for the roster and teams; team edits go through the same rules as the services."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from access import actor_in, can_add, can_import_roster, can_set_membership
from access.admin import ScopedAdmin, ScopedTabularInline, admin_actors
from access.rules import writable_by
from missions.admin import SpreadsheetImportAdminMixin

from .import_jobs import roster_import_start, roster_imports
from .models import Follower, Membership, Observer, ObserverLanguage, Team, TeamMember
from .services import team_rule_errors


class MembershipForm(forms.ModelForm):
    """A membership may be given a role only by someone who may grant it, in their own mission, never to themselves.

    The admin sets ``user`` on the form class for the request (``MembershipFormMixin``). In the person's inline the
    mission is not asked: it is the person's own (``PersonMembershipFormSet`` sets it).
    """

    user = None

    def clean(self):
        cleaned = super().clean()
        mission = cleaned.get("mission") or getattr(self.instance, "mission", None)
        role = cleaned.get("role", self.instance.role)
        if mission is None or not role:
            return cleaned
        membership = self.instance
        membership.mission_id = mission.pk
        actor = actor_in(self.user, mission.pk)
        if not can_set_membership(
            actor, membership=membership, member_role=role, core_function=cleaned.get("core_function") or ""
        ):
            raise ValidationError(_("You may not give this role in this mission (above your own, or your own)."))
        return cleaned


class PersonMembershipFormSet(forms.BaseInlineFormSet):
    """A person's membership is in the mission that recorded them: each row takes the person's mission."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if self.instance.mission_id:
            form.instance.mission_id = self.instance.mission_id
        return form


class NationalityFilter(admin.SimpleListFilter):
    """The nationalities of the people in the list the user may see, never those of other missions' people.

    (Django's AllValuesFieldListFilter reads every observer in the database for a field across a relation.)
    """

    title = _("nationality")
    parameter_name = "observer__nationality"

    def lookups(self, request, model_admin):
        codes = (
            model_admin.get_queryset(request)
            .order_by("observer__nationality")
            .values_list("observer__nationality", flat=True)
            .distinct()
        )
        return [(code, code) for code in codes]

    def queryset(self, request, queryset):
        return queryset.filter(observer__nationality=self.value()) if self.value() else queryset


class MembershipFormMixin:
    """Binds the requesting user to the membership form, so its clean() asks the access layer."""

    def _bound_form(self, request, form):
        return type(form.__name__, (form,), {"user": request.user})


class ObserverLanguageInline(ScopedTabularInline):
    model = ObserverLanguage
    extra = 0


class MembershipInline(MembershipFormMixin, ScopedTabularInline):
    """The person's one membership, in the mission that recorded them (the mission is the person's, not asked)."""

    model = Membership
    form = MembershipForm
    formset = PersonMembershipFormSet
    extra = 0
    max_num = 1
    fields = ("role", "core_function", "status", "arrival_date", "departure_date", "first_mission")
    show_change_link = True

    def get_formset(self, request, obj=None, **kwargs):
        if obj is None and not request.user.is_superuser:
            # A new person joins the mission that records them with a role, as through the API.
            kwargs.update(min_num=1, validate_min=True)
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = self._bound_form(request, formset.form)
        return formset


@admin.register(Observer)
class ObserverAdmin(ScopedAdmin, SimpleHistoryAdmin):
    """A mission's own record of a person: its coordinators see and change it, no other mission's do.

    The mission is chosen when the person is recorded and never changes; the login is linked by a superuser only
    (a coordinator typing an address never links anyone's login).
    """

    list_display = ("full_name", "gender", "nationality", "email", "phone", "mission")
    list_filter = ("mission", "gender", "nationality")
    search_fields = ("full_name", "email", "passport_number")
    inlines = (ObserverLanguageInline, MembershipInline)
    autocomplete_fields = ("user",)
    list_select_related = ("mission",)

    def get_changeform_initial_data(self, request):
        """Someone who may record people in one mission only records them there: it is chosen for them."""
        initial = super().get_changeform_initial_data(request)
        recording = {actor.mission_id for actor in admin_actors(request) if can_add(actor, Observer, actor.mission_id)}
        if len(recording) == 1 and "mission" not in initial:
            initial["mission"] = recording.pop()
        return initial

    def get_readonly_fields(self, request, obj=None):
        fixed = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fixed.append("mission")
        if not request.user.is_superuser:
            fixed.append("user")
        return fixed


@admin.register(Membership)
class MembershipAdmin(MembershipFormMixin, SpreadsheetImportAdminMixin, ScopedAdmin, SimpleHistoryAdmin):
    form = MembershipForm
    import_start = roster_import_start
    import_jobs = roster_imports
    import_rule = staticmethod(can_import_roster)
    import_title = _("Import the observer roster")
    import_columns = _(
        "full_name (or first_name + last_name), gender, nationality (ISO code or country name), email, phone, "
        "date_of_birth, passport_number, languages (e.g. 'en:fluent; ru:working'), role, core_function, status, "
        "arrival_date, departure_date, first_mission (yes/no)"
    )
    list_display = ("observer", "nationality", "role", "core_function", "status", "first_mission", "team", "mission")
    list_filter = (
        "mission",
        "role",
        "status",
        "first_mission",
        NationalityFilter,
    )
    search_fields = ("observer__full_name", "observer__email")
    autocomplete_fields = ("observer",)
    list_select_related = ("observer", "mission")
    change_list_template = "admin/observers/membership/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("team_seats__team")

    def get_form(self, request, obj=None, change=False, **kwargs):
        return self._bound_form(request, super().get_form(request, obj, change=change, **kwargs))

    @admin.display(description=_("Nationality"), ordering="observer__nationality")
    def nationality(self, obj):
        return obj.observer.nationality.code

    @admin.display(description=_("Team"))
    def team(self, obj):
        seats = obj.team_seats.all()
        return seats[0].team.code if seats else "—"


class TeamMemberFormSet(forms.BaseInlineFormSet):
    """Applies the team rules (observers.services.team_rule_errors) to the members being saved."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        memberships = [
            form.cleaned_data["membership"]
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("membership")
        ]
        team = self.instance
        if not team.mission_id or not team.kind:
            return
        errors = team_rule_errors(mission=team.mission, kind=team.kind, memberships=memberships, team=team)
        if errors:
            raise ValidationError(errors)


class TeamMemberInline(ScopedTabularInline):
    model = TeamMember
    formset = TeamMemberFormSet
    extra = 2
    max_num = 2
    autocomplete_fields = ("membership",)


@admin.register(Team)
class TeamAdmin(ScopedAdmin, SimpleHistoryAdmin):
    list_display = ("code", "kind", "member_names", "area", "lto_team", "locked", "needs_interpreter", "mission")
    list_filter = ("mission", "kind", "locked", "needs_interpreter", "area_regions")
    search_fields = ("code", "members__membership__observer__full_name")
    filter_horizontal = ("area_regions",)
    autocomplete_fields = ("lto_team",)
    inlines = (TeamMemberInline,)
    actions = ("lock", "unlock")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("mission", "lto_team")
            .prefetch_related("members__membership__observer", "area_regions")
        )

    @admin.display(description=_("Members"))
    def member_names(self, obj):
        return ", ".join(
            f"{seat.membership.observer.full_name} ({seat.membership.observer.nationality.code})"
            for seat in obj.members.all()
        )

    @admin.display(description=_("Area"))
    def area(self, obj):
        return ", ".join(region.name for region in obj.area_regions.all()) or "—"

    @admin.action(
        description=_("Lock the selected teams (kept as they are by formation and planning)"), permissions=["change"]
    )
    def lock(self, request, queryset):
        count = writable_by(admin_actors(request), queryset).update(locked=True)
        self.message_user(request, ngettext("%(n)s team locked.", "%(n)s teams locked.", count) % {"n": count})

    @admin.action(description=_("Unlock the selected teams"), permissions=["change"])
    def unlock(self, request, queryset):
        count = writable_by(admin_actors(request), queryset).update(locked=False)
        self.message_user(request, ngettext("%(n)s team unlocked.", "%(n)s teams unlocked.", count) % {"n": count})


@admin.register(Follower)
class FollowerAdmin(ScopedAdmin):
    """ODIHR staff following missions: granted by superusers, who see every mission."""

    list_display = ("user", "mission", "granted_at")
    list_filter = ("mission",)
    autocomplete_fields = ("user",)
