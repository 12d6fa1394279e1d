"""The REST API router: each app registers its viewsets here; schema and documentation pages alongside."""

from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from checklists.api.views import FormTemplateViewSet
from config.api_token import OwnTokenView
from deployment.api.views import PlanningJobViewSet, TeamAssignmentViewSet
from missions.api.views import MissionViewSet, PollingStationViewSet, RegionViewSet, TecViewSet
from observers.api.views import MembershipViewSet, ObserverViewSet, TeamViewSet
from reports.api.views import ReportRunViewSet
from results.api.views import ResultsVersionViewSet
from submissions.api.views import SubmissionViewSet, UrgentIncidentViewSet

router = DefaultRouter()
router.register("missions", MissionViewSet, basename="mission")
router.register("regions", RegionViewSet, basename="region")
router.register("tecs", TecViewSet, basename="tec")
router.register("polling-stations", PollingStationViewSet, basename="polling-station")
router.register("observers", ObserverViewSet, basename="observer")
router.register("memberships", MembershipViewSet, basename="membership")
router.register("teams", TeamViewSet, basename="team")
router.register("form-templates", FormTemplateViewSet, basename="form-template")
router.register("submissions", SubmissionViewSet, basename="submission")
router.register("urgent-incidents", UrgentIncidentViewSet, basename="urgent-incident")
router.register("assignments", TeamAssignmentViewSet, basename="assignment")
router.register("planning-jobs", PlanningJobViewSet, basename="planning-job")
router.register("report-runs", ReportRunViewSet, basename="report-run")
router.register("results-versions", ResultsVersionViewSet, basename="results-version")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The documentation pages send an anonymous browser to the login page; the schema answers 403 to it.
    path("docs/", login_required(SpectacularSwaggerView.as_view(url_name="api-schema")), name="api-docs"),
    path("redoc/", login_required(SpectacularRedocView.as_view(url_name="api-schema")), name="api-redoc"),
    path("token/", OwnTokenView.as_view(), name="api-token"),
    path("", include(router.urls)),
]
