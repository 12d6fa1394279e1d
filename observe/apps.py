from django.apps import AppConfig


class ObserveConfig(AppConfig):
    """The observers' site: home, forms, submissions, LTO area, team pages, urgent incidents, service worker."""

    name = "observe"
