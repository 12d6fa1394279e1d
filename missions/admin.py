"""Coordinators' admin for missions and geography; every list is scoped to the missions the user coordinates."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from access import actor_in, can_import_stations, can_name_head_of_mission
from access.admin import ScopedAdmin, admin_actors
from access.rules import writable_by
from jobs.choices import JobStatus
from jobs.notices import notice_texts, notices_written

from .import_jobs import station_imports, stations_import_start
from .imports import COLUMN_ALIASES, parse_column_mapping
from .models import Mission, PollingStation, Region, Tec

# Every model admin of the product is scoped by the access layer; the old name stays importable.
MissionScopedAdmin = ScopedAdmin


class SpreadsheetImportForm(forms.Form):
    mission = forms.ModelChoiceField(queryset=Mission.objects.none(), label=_("Mission"))
    file = forms.FileField(label=_("File"), help_text=_("CSV (.csv) or Excel (.xlsx)."))

    def __init__(self, *args, missions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mission"].queryset = missions

    def import_options(self) -> dict:
        """Keyword arguments for the import service beyond mission and file."""
        return {}


class StationImportForm(SpreadsheetImportForm):
    create_geography = forms.BooleanField(
        required=False,
        label=_("Create regions and TECs from the file"),
        help_text=_("Otherwise a region or TEC the mission does not have yet is an error on its row."),
    )
    columns = forms.CharField(
        required=False,
        label=_("Column mapping"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=format_lazy(
            "{} {} {}.",
            _("Where the file's headers differ, one field=Header per line, e.g. number=Номер участка."),
            _("Fields:"),
            ", ".join(COLUMN_ALIASES),
        ),
    )

    def clean_columns(self):
        mapping, errors = parse_column_mapping(self.cleaned_data["columns"].splitlines())
        if errors:
            raise forms.ValidationError(notice_texts(errors))
        return mapping

    def import_options(self) -> dict:
        return {"create_geography": self.cleaned_data["create_geography"], "columns": self.cleaned_data["columns"]}


class ImportJobsAdminMixin:
    """The pages of an import run in the background (missions/import_jobs.py): each job's own page, with its status,
    progress and outcome, and the recent imports listed on the import page.

    Who may follow an import is who may start one in its mission (``import_rule``, a named rule of access.verbs):
    another mission's job answers as one that does not exist.
    """

    import_jobs = None  # the kind's Lifecycle (its model is the job's)
    import_rule = None  # staticmethod(access rule), e.g. staticmethod(can_import_stations)
    import_title = ""
    recent_imports_shown = 10

    def import_job_url_name(self) -> str:
        opts = self.model._meta
        return f"{opts.app_label}_{opts.model_name}_import_job"

    def import_url_name(self) -> str:
        opts = self.model._meta
        return f"{opts.app_label}_{opts.model_name}_import"

    def import_job_urls(self) -> list:
        return [
            path(
                "import/<int:job_id>/",
                self.admin_site.admin_view(self.import_job_view),
                name=self.import_job_url_name(),
            )
        ]

    def import_mission_ids(self, request) -> list[int]:
        """The missions the user may import into, and whose imports they may follow."""
        rule = type(self).import_rule
        return [actor.mission_id for actor in admin_actors(request) if rule(actor, actor.mission_id)]

    def import_jobs_of(self, request):
        """The user's missions' imports of this kind, newest first, without the files' bytes."""
        return (
            self.import_jobs.model.objects.filter(mission_id__in=self.import_mission_ids(request))
            .select_related("mission", "requested_by")
            .defer("content")
        )

    def recent_imports(self, request) -> list:
        return [
            (job, reverse(f"admin:{self.import_job_url_name()}", args=[job.pk]))
            for job in self.import_jobs_of(request)[: self.recent_imports_shown]
        ]

    def import_job_redirect(self, request, job):
        messages.info(
            request,
            _("The file is kept and queued: it is checked in the background, and this page shows how it goes."),
        )
        return redirect(f"admin:{self.import_job_url_name()}", job_id=job.pk)

    def import_done_url(self, job) -> str:
        """Where the imported rows are seen, once the job is done."""
        opts = self.model._meta
        return f"{reverse(f'admin:{opts.app_label}_{opts.model_name}_changelist')}?mission__id__exact={job.mission_id}"

    def import_job_view(self, request, job_id):
        job = self.import_jobs_of(request).filter(pk=job_id).first()
        if job is None:
            raise Http404("No such import in your missions.")
        context = {
            **self.admin_site.each_context(request),
            "title": format_lazy("{}: {}", self.import_title, job.filename or job.pk),
            "opts": self.model._meta,
            "job": job,
            "outcome": notices_written(job.outcome or {}),
            "import_url": reverse(f"admin:{self.import_url_name()}"),
            "done_url": self.import_done_url(job) if job.status == JobStatus.DONE else "",
        }
        return TemplateResponse(request, "admin/import_job.html", context)


class SpreadsheetImportAdminMixin(ImportJobsAdminMixin):
    """An "Import" page on a changelist: the file is kept on a job and checked in the background, all written or
    none, every error listed on the job's page."""

    # A function (*, actor, mission, upload, filename, user, **form.import_options()) -> the queued job: it asks the
    # access layer itself whether the importer may import into the mission (the worker asks again).
    import_start = None
    import_form_class = SpreadsheetImportForm
    import_columns = ""

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name=self.import_url_name()),
            *self.import_job_urls(),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        missions = writable_by(admin_actors(request), Mission)
        form = self.import_form_class(request.POST or None, request.FILES or None, missions=missions)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            mission = form.cleaned_data["mission"]
            # The form offers only missions the user may write; the service asks the rule again and refuses.
            try:
                job = type(self).import_start(
                    actor=actor_in(request.user, mission.pk),
                    mission=mission,
                    upload=upload,
                    filename=upload.name,
                    user=request.user,
                    **form.import_options(),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return self.import_job_redirect(request, job)
        context = {
            **self.admin_site.each_context(request),
            "title": self.import_title,
            "opts": self.model._meta,
            "form": form,
            "columns": self.import_columns,
            "imports": self.recent_imports(request),
        }
        return TemplateResponse(request, "admin/import.html", context)


@admin.register(Mission)
class MissionAdmin(ScopedAdmin, SimpleHistoryAdmin):
    list_display = ("name", "host_country", "election_type", "election_day", "status", "figures_link")
    list_filter = ("status", "election_type", "host_country")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("head_of_mission",)
    fieldsets = (
        (None, {"fields": ("name", "slug", "host_country", "status", "head_of_mission")}),
        (_("Election"), {"fields": ("election_type", "election_day", "candidates", "station_numbering")}),
        (_("Key dates"), {"fields": ("opening_date", "lto_deployment_date", "sto_arrival_date", "closing_date")}),
        (_("Observers requested"), {"fields": ("ltos_requested", "stos_requested", "local_languages")}),
        (_("Time zones"), {"fields": ("time_zone", "other_time_zones")}),
        (_("Language"), {"fields": ("language",)}),
    )

    def get_readonly_fields(self, request, obj=None):
        """The "Head of mission" field is named by the head of mission themself or a superuser (the access layer's
        ``can_name_head_of_mission``); to everyone else it is shown, not offered."""
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and not can_name_head_of_mission(actor_in(request.user, obj.pk), obj):
            readonly.append("head_of_mission")
        return readonly

    @admin.display(description=_("Figures"))
    def figures_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:missions_mission_figures", args=[obj.pk]),
            _("STOs per state, teams per region"),
        )

    def get_urls(self):
        return [
            path("<int:pk>/figures/", self.admin_site.admin_view(self.figures_view), name="missions_mission_figures"),
            *super().get_urls(),
        ]

    @staticmethod
    def figures(mission) -> dict:
        """The figures page's tables. The apps above missions fill it in (deployment's admin sets it), so that
        missions imports none of them."""
        return {}

    def figures_view(self, request, pk):
        mission = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_permission(request, mission):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("%(mission)s: coordinators' figures") % {"mission": mission.name},
            "mission": mission,
            "opts": self.model._meta,
            **self.figures(mission),
        }
        return TemplateResponse(request, "admin/missions/mission/figures.html", context)


@admin.register(Region)
class RegionAdmin(ScopedAdmin):
    list_display = ("name", "code", "kind", "mission", "time_zone")
    list_filter = ("mission", "kind")
    list_select_related = ("mission",)
    search_fields = ("name", "code")
    filter_horizontal = ("neighbours",)


@admin.register(Tec)
class TecAdmin(ScopedAdmin):
    list_display = ("code", "name", "region", "mission")
    list_filter = ("mission", "region")
    list_select_related = ("mission", "region")
    search_fields = ("code", "name", "region__name")  # TEC codes and names repeat across regions
    autocomplete_fields = ("region",)


@admin.register(PollingStation)
class PollingStationAdmin(SpreadsheetImportAdminMixin, ScopedAdmin, SimpleHistoryAdmin):
    import_start = stations_import_start
    import_jobs = station_imports
    import_rule = staticmethod(can_import_stations)
    import_form_class = StationImportForm
    import_title = _("Import polling stations")
    import_columns = _(
        "number, region, tec_code and/or tec_name (required); name, address, area_type (urban/rural, blank if not "
        "known), registered_voters, special_type, latitude, longitude (optional). A station is identified by its "
        "region and number (and TEC where the mission's numbers restart per TEC)"
    )
    list_display = ("station", "name", "tec", "area_type", "registered_voters", "special_type")
    list_filter = ("mission", "region", "area_type", "special_type")
    list_select_related = ("region", "tec")
    search_fields = ("number", "region__name", "region__code", "name", "address")
    autocomplete_fields = ("region", "tec")
    show_full_result_count = False
    change_list_template = "admin/missions/pollingstation/change_list.html"

    @admin.display(description=_("Polling station"), ordering="region__name")
    def station(self, obj):
        return str(obj)

    def get_queryset(self, request):
        # Every station is shown as "Region — No. N", in the list and in autocomplete answers alike.
        return super().get_queryset(request).select_related("region", "tec")

    def get_search_results(self, request, queryset, search_term):
        """ "Akmola 1" finds PEC No. 1 of Akmola: a trailing number is matched exactly within the named region."""
        words = search_term.split()
        if len(words) > 1 and words[-1].lstrip("№").isdigit():
            region_words, number = " ".join(words[:-1]), words[-1].lstrip("№")
            matched = queryset.filter(number=number).filter(
                Q(region__name__icontains=region_words) | Q(region__code__iexact=region_words)
            )
            if matched.exists():
                return matched, False
        return super().get_search_results(request, queryset, search_term)
