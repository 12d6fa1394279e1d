from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CockpitConfig(AppConfig):
    """The mission cockpit: the head of mission's, coordinators' and analysts' home, the map and the guide."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "cockpit"
    verbose_name = _("Mission cockpit")
