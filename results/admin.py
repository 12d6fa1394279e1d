"""Coordinators' admin for official results: the versions imported, and the import page with its column mapping."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from access import actor_in, can_import_results
from access.admin import ScopedAdmin, admin_actors
from access.rules import writable_by
from missions.admin import ImportJobsAdminMixin
from missions.models import Mission

from .choices import ResultsLevel
from .forms import ResultsImportForm
from .import_jobs import results_import_start, results_imports
from .imports import mapping_saved
from .models import ResultsSettings, ResultsVersion


@admin.register(ResultsVersion)
class ResultsVersionAdmin(ImportJobsAdminMixin, ScopedAdmin):
    """Versions are imported, never typed in or edited: every version of the CEC's figures is kept as it was."""

    list_display = (
        "__str__",
        "mission",
        "level",
        "stage",
        "published_on",
        "rows",
        "imported_at",
        "imported_by",
        "page_link",
    )
    list_filter = ("mission", "level", "stage")
    list_select_related = ("mission", "imported_by")
    readonly_fields = (
        "mission", "number", "level", "stage", "label", "published_on", "filename", "column_mapping", "candidates",
        "rows", "imported_by", "imported_at",
    )  # fmt: skip
    change_list_template = "admin/results/resultsversion/change_list.html"
    import_jobs = results_imports
    import_rule = staticmethod(can_import_results)
    import_title = _("Import official results")

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("Checks and cross-check"))
    def page_link(self, obj):
        url = reverse("results:mission", args=[obj.mission.slug])
        return format_html('<a href="{}?version={}">Open</a>', url, obj.number)

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="results_resultsversion_import"),
            *self.import_job_urls(),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        """Adding a version means importing a file: the add page is the import page."""
        return self.import_view(request)

    def _importable_missions(self, request):
        return list(writable_by(admin_actors(request), Mission).order_by("name"))

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        missions = self._importable_missions(request)
        if not missions:
            raise PermissionDenied(_("You coordinate no mission."))
        chosen = request.POST.get("mission") or request.GET.get("mission") or ""
        if chosen:
            mission = next((m for m in missions if str(m.pk) == chosen), None)
            if mission is None:
                raise PermissionDenied(_("You do not coordinate that mission."))
        else:
            mission = missions[0] if len(missions) == 1 else None
        context = {
            **self.admin_site.each_context(request),
            "title": self.import_title,
            "opts": self.model._meta,
            "missions": missions,
            "mission": mission,
            "imports": self.recent_imports(request),
        }
        if mission is None:
            return TemplateResponse(request, "admin/results/import.html", context)
        level = request.POST.get("level") or request.GET.get("level") or ResultsLevel.STATION
        if level not in ResultsLevel.values:
            raise Http404("No such level of results.")
        context.update({"level": level, "levels": ResultsLevel.choices})
        form = ResultsImportForm(
            request.POST or None,
            request.FILES or None,
            mission=mission,
            saved_mapping=mapping_saved(mission=mission, level=level),
            level=level,
        )
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = results_import_start(
                    actor=actor_in(request.user, mission.pk),
                    mission=mission,
                    upload=upload,
                    filename=upload.name,
                    mapping=form.mapping(),
                    stage=form.cleaned_data["stage"],
                    label=form.cleaned_data["label"],
                    published_on=form.cleaned_data["published_on"],
                    level=level,
                    user=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return self.import_job_redirect(request, job)
        context["form"] = form
        return TemplateResponse(request, "admin/results/import.html", context)

    def import_done_url(self, job) -> str:
        """The checks and cross-check of the version the import made."""
        version = (job.outcome or {}).get("version")
        url = reverse("results:mission", args=[job.mission.slug])
        return f"{url}?version={version}" if version else url


@admin.register(ResultsSettings)
class ResultsSettingsAdmin(ScopedAdmin):
    """A mission's turnout threshold, and the column mappings its imports saved (changed by importing a file)."""

    list_display = ("mission", "turnout_threshold", "updated_at")
    list_select_related = ("mission",)
    fields = ("mission", "turnout_threshold", "column_mapping", "tec_column_mapping", "updated_at")
    readonly_fields = ("mission", "column_mapping", "tec_column_mapping", "updated_at")
