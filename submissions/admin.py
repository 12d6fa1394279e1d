"""Coordinators' admin for submitted forms: searchable lists without N+1, revisions read-only, phase locks."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from access.admin import ScopedAdmin, ScopedRelatedFieldListFilter, ScopedTabularInline, admin_actors
from access.rules import deletable_by, may_read_kind
from checklists.choices import FormKind
from checklists.rules import flag_messages
from missions.models import Mission

from .models import PhaseLock, Submission, SubmissionRevision
from .services import phase_lock, phase_unlock, submissions_delete


class SubmissionRevisionInline(ScopedTabularInline):
    model = SubmissionRevision
    extra = 0
    can_delete = False
    fields = ("revision", "changed_at", "changed_by", "changes")
    readonly_fields = fields
    ordering = ("revision",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CountAbove(int):
    """A count known only to exceed `cap`: it compares and pages as cap + 1 and reads "10,000+" (in the reader's
    number format) wherever the admin prints it (the paginator, "Select all", the search's result count)."""

    def __new__(cls, cap: int):
        count = super().__new__(cls, cap + 1)
        count.cap = cap
        return count

    def __str__(self) -> str:
        return f"{number_format(self.cap, force_grouping=True)}+"


class CappedCountPaginator(Paginator):
    """Counts the listed rows up to `cap` + 1, reading the index in the list's own order, so that the count costs the
    same at 10,000 forms and at a million; past the cap the list pages through its first rows and says "10,000+".
    Filters and the search narrow it to what someone looks for; the dashboard gives the totals."""

    cap = 10_000

    @cached_property
    def count(self) -> int:
        counted = self.object_list[: self.cap + 1].count()
        return CountAbove(self.cap) if counted > self.cap else counted


class SubmissionChangeList(ChangeList):
    """The form list joins only the relations its columns show and leaves each form's body unread.

    The form page needs the mission, checklist, TEC and sender too (SubmissionAdmin.get_queryset); on the list, nine
    joined tables cost PostgreSQL more to plan than to run, and the payload is the largest column of the row.
    """

    related = ("team", "polling_station__region", "region")
    unread = ("payload", "notes", "protocol_issues")

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        return queryset.select_related(None).select_related(*self.related).defer(*self.unread)


@admin.register(Submission)
class SubmissionAdmin(ScopedAdmin):
    list_display = (
        "uuid",
        "kind",
        "team",
        "polling_station",
        "region",
        "received_at",
        "urgent",
        "has_critical",
        "protocol_mismatch",
        "overall_assessment",
        "revision",
        "status",
    )
    # Regions and missions offered from the user's scope, not found by scanning every form.
    list_filter = (
        "kind",
        ("region", ScopedRelatedFieldListFilter),
        "urgent",
        "has_critical",
        "protocol_mismatch",
        "area_type",
        "status",
        ("mission", ScopedRelatedFieldListFilter),
        "received_at",
    )
    search_fields = ("polling_station__number", "polling_station__region__name", "team__code", "=uuid")
    # A date hierarchy scans every row for its distinct days and the full count doubles the paginator's work:
    # on election night the list must stay fast at 100,000 forms.
    show_full_result_count = False
    paginator = CappedCountPaginator
    ordering = ("-received_at", "-id")
    inlines = (SubmissionRevisionInline,)
    actions = ("lock_phase", "unlock_phase")
    readonly_fields = (
        "uuid",
        "mission",
        "template",
        "kind",
        "team",
        "submitted_by",
        "polling_station",
        "tec",
        "region",
        "area_type",
        "arrival_time",
        "departure_time",
        "urgent",
        "has_critical",
        "overall_assessment",
        "protocol_mismatch",
        "protocol_issues",
        "rule_flags",
        "confidential",
        "notes",
        "payload",
        "content_hash",
        "revision",
        "status",
        "received_at",
        "updated_at",
    )
    fields = readonly_fields

    def get_changelist(self, request, **kwargs):
        return SubmissionChangeList

    def action_checkbox(self, obj):
        """The row's checkbox, the markup Django's widget renders, written directly: rendering a form widget's
        template for each of 100 rows was a third of the list's time."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            gettext("Select this object for an action - {}").format(obj),
        )

    @admin.display(description=_("Data-quality flags"))
    def rule_flags(self, obj):
        """The rules the form breaks (the protocol arithmetic included), as sentences."""
        return "; ".join(flag_messages(obj.protocol_issues, template=obj.template)) or "-"

    def get_queryset(self, request):
        # One select_related for list and form pages (the changelist skips list_select_related once one is set).
        return (
            super()
            .get_queryset(request)
            .select_related("mission", "template", "team", "polling_station__region", "tec", "region", "submitted_by")
        )

    def has_add_permission(self, request):
        return False  # forms arrive from observers through submission_record, never typed in here

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        submissions_delete(queryset=Submission.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        """Only rows the user may delete, and through the service, so the running tallies let them go too."""
        submissions_delete(queryset=deletable_by(admin_actors(request), queryset))

    def has_lock_permission(self, request) -> bool:
        """Forms are never edited here, but whoever may lock phases (coordinators) may do it from the form list."""
        return may_read_kind(admin_actors(request), PhaseLock, "add")

    def _phases(self, request, queryset, service, verb: str):
        for mission_id, kind in sorted(set(queryset.values_list("mission_id", "kind"))):
            mission = Mission.objects.get(pk=mission_id)
            try:
                service(mission=mission, kind=kind, user=request.user)
            except PermissionDenied as error:
                self.message_user(request, f"{mission} {kind}: {error}", messages.ERROR)
            else:
                self.message_user(
                    request, verb % {"mission": mission, "kind": str(FormKind(kind).label).lower()}, messages.SUCCESS
                )

    @admin.action(
        description=_("Lock this phase (no more corrections to forms of the selected kinds)"), permissions=["lock"]
    )
    def lock_phase(self, request, queryset):
        self._phases(request, queryset, phase_lock, _("%(mission)s: the %(kind)s phase is locked."))

    @admin.action(description=_("Unlock this phase"), permissions=["lock"])
    def unlock_phase(self, request, queryset):
        self._phases(request, queryset, phase_unlock, _("%(mission)s: the %(kind)s phase is unlocked."))


@admin.register(PhaseLock)
class PhaseLockAdmin(ScopedAdmin):
    list_display = ("mission", "kind", "locked_by", "locked_at")
    list_filter = ("mission", "kind")
    list_select_related = ("mission", "locked_by")
    fields = ("mission", "kind")

    # Locking is a coordinator's step on the forms; the access layer says who may add and remove locks.
    def save_model(self, request, obj, form, change):
        try:
            locked = phase_lock(mission=obj.mission, kind=obj.kind, user=request.user)
        except PermissionDenied as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        obj.pk, obj.locked_by, obj.locked_at = locked.pk, locked.locked_by, locked.locked_at

    def delete_model(self, request, obj):
        phase_unlock(mission=obj.mission, kind=obj.kind, user=request.user)

    def delete_queryset(self, request, queryset):
        for lock in queryset.select_related("mission"):
            self.delete_model(request, lock)
