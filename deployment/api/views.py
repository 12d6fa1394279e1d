"""API for the deployment plan (scoped reads) and planning jobs (coordinators start them; 202 with the job's URL)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.response import Response

from access import actor_in
from deployment.filters import PlanningJobFilterSet, TeamAssignmentFilterSet
from deployment.selectors import assignments_visible_to, planning_jobs_visible_to
from deployment.services.jobs import planning_job_start
from missions.api.common import ScopedViewSetMixin, service_errors
from missions.api.views import RequestViewSet

from .serializers import PlanningJobRequestSerializer, PlanningJobSerializer, TeamAssignmentSerializer


class TeamAssignmentViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The deployment plan: each STO team's region, TECs and planned route (teams in your scope only)."""

    selector = staticmethod(assignments_visible_to)
    serializer_class = TeamAssignmentSerializer
    filterset_class = TeamAssignmentFilterSet
    ordering_fields = ["team__code", "region__name"]
    search_fields = ["team__code", "reason"]


@extend_schema_view(
    create=extend_schema(
        request=PlanningJobRequestSerializer,
        responses={202: OpenApiResponse(PlanningJobSerializer, description="Queued; follow the job's URL.")},
    )
)
class PlanningJobViewSet(ScopedViewSetMixin, RequestViewSet):
    """Team formation and deployment planning runs of the missions you coordinate."""

    selector = staticmethod(planning_jobs_visible_to)
    serializer_class = PlanningJobSerializer
    filterset_class = PlanningJobFilterSet
    ordering_fields = ["created_at"]

    def create(self, request, *args, **kwargs):
        incoming = PlanningJobRequestSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        with service_errors():
            job = planning_job_start(
                mission=data["mission"],
                kind=data["kind"],
                parameters=data.get("parameters"),
                requested_by=request.user,
                actor=actor_in(request.user, data["mission"].pk),
            )
        body = PlanningJobSerializer(job, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})
