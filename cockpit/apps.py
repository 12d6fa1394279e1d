from django.apps import AppConfig


class CockpitConfig(AppConfig):
    """The mission cockpit: the head of mission's, coordinators' and analysts' home, the map and the guide."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "cockpit"
    verbose_name = "Mission cockpit"
