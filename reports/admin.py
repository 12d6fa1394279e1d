from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from access.admin import ScopedAdmin

from .models import ExportLog, ReportRun


@admin.register(ReportRun)
class ReportRunAdmin(ScopedAdmin):
    list_display = ("id", "mission", "status", "progress", "attempts", "published", "requested_by", "created_at")
    list_filter = ("status", "published", "mission")
    list_select_related = ("mission", "requested_by")
    # Publishing lifts the embargo: it goes through the report page (head of mission or analyst), never the admin.
    readonly_fields = [field.name for field in ReportRun._meta.fields]
    exclude = ("result", "charts")

    def has_add_permission(self, request):
        return False


@admin.register(ExportLog)
class ExportLogAdmin(ScopedAdmin):
    list_display = ("created_at", "user", "mission", "what_shown", "format", "rows")
    list_filter = ("format", "mission")
    list_select_related = ("user", "mission")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("what"), ordering="what")
    def what_shown(self, obj):
        return obj.what_text
