"""Coordinators' admin for checklists: drafts edited inline, published versions read-only, versioning actions."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from access import actor_in, can_add
from access.admin import ScopedAdmin, ScopedStackedInline, ScopedTabularInline, admin_actors
from access.rules import writable_by
from missions.models import Mission

from .choices import FormKind
from .forms import QuestionAdminForm
from .models import DataRule, FormTemplate, Question, Section
from .services import template_new_version, template_publish, template_retire
from .xlsform import template_export_xlsform, template_import_xlsform

XLSFORM_MAX_BYTES = 5 * 1024 * 1024


class XlsformImportForm(forms.Form):
    mission = forms.ModelChoiceField(queryset=Mission.objects.none(), label=_("Mission"))
    kind = forms.ChoiceField(
        choices=[("", _("As the workbook says (settings sheet, eom_kind)")), *FormKind.choices],
        required=False,
        label=_("Form kind"),
    )
    file = forms.FileField(
        label=_("File"), help_text=_("An XLSForm workbook (.xlsx) with survey, choices and settings sheets.")
    )

    def __init__(self, *args, missions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mission"].queryset = missions

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > XLSFORM_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is over %(megabytes)s MB.") % {"megabytes": XLSFORM_MAX_BYTES // (1024 * 1024)}
            )
        return upload


def _editable(obj) -> bool:
    return obj is None or obj.is_editable


class DraftOnly:
    """An inline of a checklist version's parts: added, changed and deleted only while the version is a draft."""

    def has_add_permission(self, request, obj=None):
        return _editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return _editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _editable(obj) and super().has_delete_permission(request, obj)


class SectionInline(DraftOnly, ScopedTabularInline):
    model = Section
    extra = 0
    fields = ("order", "title", "title_ru")
    ordering = ("order", "id")


class QuestionInline(DraftOnly, ScopedStackedInline):
    model = Question
    form = QuestionAdminForm
    fk_name = "template"
    extra = 0
    ordering = ("section__order", "order", "id")
    fieldsets = (
        (None, {"fields": (("section", "order", "code", "type", "required"), ("text", "text_ru"))}),
        (_("Help"), {"classes": ("collapse",), "fields": (("help_text", "help_text_ru"),)}),
        (
            _("Choices, bounds, conditions"),
            {
                "fields": (
                    "choices",
                    ("min_value", "max_value"),
                    "condition",
                    ("shown_if_code", "shown_if_values"),
                    ("critical_values", "protocol_field"),
                )
            },
        ),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("section")

    def get_formset(self, request, obj=None, **kwargs):
        request._checklist_template = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "section":
            template = getattr(request, "_checklist_template", None)
            kwargs["queryset"] = Section.objects.filter(template=template) if template else Section.objects.none()
            kwargs.setdefault("help_text", _("Save new sections first; questions then pick their section."))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class DataRuleInline(DraftOnly, ScopedTabularInline):
    """Data-quality rules: an expression over question codes, checked when saved; a broken rule flags a form."""

    model = DataRule
    extra = 0
    fields = ("order", "code", "expression", "message", "message_ru")
    ordering = ("order", "id")
    verbose_name = _("data-quality rule")
    verbose_name_plural = _("data-quality rules")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "expression":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 60})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(FormTemplate)
class FormTemplateAdmin(ScopedAdmin, SimpleHistoryAdmin):
    list_display = (
        "title_shown",
        "mission",
        "kind",
        "version",
        "status",
        "published_at",
        "question_count",
        "preview_link",
        "xlsform_link",
    )
    list_filter = ("mission", "kind", "status")
    search_fields = ("title", "title_ru")
    ordering = ("mission", "kind", "-version")
    fields = ("mission", "kind", "version", "status", "title", "title_ru", "published_at", "preview_link")
    inlines = (SectionInline, QuestionInline, DataRuleInline)
    actions = ("new_draft_version", "publish", "retire")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("mission").annotate(question_total=Count("questions"))

    def get_readonly_fields(self, request, obj=None):
        always = ("status", "published_at", "preview_link")
        if obj is None:
            return always
        if obj.is_editable:
            return (*always, "mission", "kind", "version")
        return self.fields

    def has_delete_permission(self, request, obj=None):
        return _editable(obj) and super().has_delete_permission(request, obj)

    @admin.display(description=_("title"), ordering="title")
    def title_shown(self, obj):
        """The checklist's title in the reader's language (its Russian title when reading Russian)."""
        return obj.title_ru if obj.title_ru and get_language().startswith("ru") else obj.title

    @admin.display(description=_("Questions"), ordering="question_total")
    def question_count(self, obj):
        return getattr(obj, "question_total", None)

    @admin.display(description=_("Preview"))
    def preview_link(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        return format_html('<a href="{}">{}</a>', reverse("checklists:preview", args=[obj.pk]), _("preview"))

    @admin.display(description=_("XLSForm"))
    def xlsform_link(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:checklists_formtemplate_xlsform", args=[obj.pk]), _("download")
        )

    def get_urls(self):
        return [
            path(
                "import-xlsform/",
                self.admin_site.admin_view(self.xlsform_import_view),
                name="checklists_formtemplate_xlsform_import",
            ),
            path(
                "<int:pk>/xlsform/",
                self.admin_site.admin_view(self.xlsform_export_view),
                name="checklists_formtemplate_xlsform",
            ),
            *super().get_urls(),
        ]

    def xlsform_export_view(self, request, pk):
        """The checklist as an XLSForm workbook, for anyone who may see it here."""
        template = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_permission(request, template):
            raise PermissionDenied
        response = HttpResponse(
            template_export_xlsform(template=template),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        name = f"{template.mission.slug}-{template.kind}-v{template.version}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def xlsform_import_view(self, request):
        """A checklist from an XLSForm workbook as the next draft of its kind; what is not kept is listed by row."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        missions = writable_by(admin_actors(request), Mission)
        form = XlsformImportForm(request.POST or None, request.FILES or None, missions=missions)
        errors: list[str] = []
        result = None
        if request.method == "POST" and form.is_valid():
            mission = form.cleaned_data["mission"]
            if not can_add(actor_in(request.user, mission.pk), FormTemplate, mission.pk):
                raise PermissionDenied  # the form offers only missions the user may write; asked again here
            try:
                result = template_import_xlsform(
                    mission=mission, raw=form.cleaned_data["file"].read(), kind=form.cleaned_data["kind"] or None
                )
            except ValidationError as error:
                errors = error.messages
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import a checklist from XLSForm"),
            "opts": self.model._meta,
            "form": form,
            "errors": errors,
            "result": result,
        }
        return TemplateResponse(request, "checklists/xlsform_import.html", context)

    def _each(self, request, queryset, service, done: str):
        for template in writable_by(admin_actors(request), queryset):
            try:
                result = service(template=template)
            except ValidationError as error:
                self.message_user(request, f"{template}: {' '.join(error.messages)}", messages.ERROR)
            else:
                self.message_user(request, f"{result}: {done}", messages.SUCCESS)

    @admin.action(description=_("Create a new draft version"), permissions=["change"])
    def new_draft_version(self, request, queryset):
        self._each(request, queryset, template_new_version, _("draft created; edit it, then publish it."))

    @admin.action(description=_("Publish (retires the published version of the same kind)"), permissions=["change"])
    def publish(self, request, queryset):
        self._each(request, queryset, template_publish, _("published."))

    @admin.action(description=_("Retire"), permissions=["change"])
    def retire(self, request, queryset):
        self._each(request, queryset, template_retire, _("retired."))
