"""The project's URLs plus three pages that fail on purpose, for the error-page tests."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path

from config.urls import handler400  # noqa: F401 (handler400 is looked up here)
from config.urls import urlpatterns as project_urlpatterns


def refused(request):
    raise PermissionDenied("Only the mission's coordinators plan the deployment.")


def missing(request):
    raise Http404("No PlanningJob matches the given query.")


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("tests/refused/", refused),
    path("tests/missing/", missing),
    path("tests/broken/", broken),
    *project_urlpatterns,
]
