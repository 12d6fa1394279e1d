"""The coordinators' admin site: observers' accounts are refused even if someone marks them staff."""

from django.contrib import admin


class MissionAdminSite(admin.AdminSite):
    site_header = "Election observation mission — coordinators"
    site_title = "Mission admin"
    index_title = "Mission administration"

    def has_permission(self, request) -> bool:
        from observers.roles import OBSERVER_GROUPS

        if not super().has_permission(request):
            return False
        if request.user.is_superuser:
            return True
        return not request.user.groups.filter(name__in=OBSERVER_GROUPS).exists()
