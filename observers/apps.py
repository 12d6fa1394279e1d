from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _setup_roles(sender, **kwargs) -> None:
    from .roles import roles_setup

    roles_setup()


class ObserversConfig(AppConfig):
    name = "observers"
    verbose_name = "Roster and teams"

    def ready(self) -> None:
        # Groups derive from code (roles.GROUP_PERMISSIONS): keep them in step after every migrate.
        post_migrate.connect(_setup_roles, sender=self)
