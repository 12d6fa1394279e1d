"""The coordinators' admin site: open to superusers and to those holding a core team role in some mission."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class MissionAdminSite(admin.AdminSite):
    site_header = _("Election observation mission — coordinators")
    site_title = _("Mission admin")
    index_title = _("Mission administration")

    def has_permission(self, request) -> bool:
        """Roles are held per mission: observers (LTO, STO) and ODIHR staff never enter, whatever their flags."""
        from access.admin import may_use_admin

        return may_use_admin(request)
