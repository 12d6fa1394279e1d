"""API for report runs: request a compilation (202 with the run's URL), follow its progress, find its downloads."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from missions.api.common import ScopedViewSetMixin, service_errors
from missions.api.views import RequestViewSet
from reports.choices import ExportFormat
from reports.filters import ReportRunFilterSet
from reports.selectors import report_runs_visible_to
from reports.services import report_run_request
from reports.views import CONTENT_TYPES, run_file_response

from .serializers import ReportRunRequestSerializer, ReportRunSerializer


@extend_schema_view(
    create=extend_schema(
        request=ReportRunRequestSerializer,
        responses={202: OpenApiResponse(ReportRunSerializer, description="Queued; follow the run's URL.")},
    )
)
class ReportRunViewSet(ScopedViewSetMixin, RequestViewSet):
    """Statistics compilations: the core team's runs of their missions; ODIHR staff see published runs only."""

    selector = staticmethod(report_runs_visible_to)
    serializer_class = ReportRunSerializer
    filterset_class = ReportRunFilterSet
    ordering_fields = ["created_at", "finished_at"]
    followers_may_read = True
    service_decides_writes = True

    def create(self, request, *args, **kwargs):
        incoming = ReportRunRequestSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        with service_errors():
            run = report_run_request(
                mission=data["mission"],
                user=request.user,
                kinds=data.get("kinds"),
                region=data.get("region"),
                cutoff=data.get("cutoff"),
            )
        body = ReportRunSerializer(run, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})

    @extend_schema(
        parameters=[OpenApiParameter("fmt", str, OpenApiParameter.PATH, enum=ExportFormat.values)],
        responses={
            (200, CONTENT_TYPES[ExportFormat.XLSX]): OpenApiTypes.BINARY,
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, CONTENT_TYPES[ExportFormat.PDF]): OpenApiTypes.BINARY,
        },
    )
    @action(detail=True, methods=["get"], url_path=r"download/(?P<fmt>xlsx|csv|pdf)")
    def download(self, request, pk=None, fmt=None, format=None):
        """A finished run's file (Excel workbook, raw CSV or PDF report); every download is logged.

        The router's format suffix (``.json``) is accepted and ignored: the answer is always the file.
        """
        return run_file_response(run=self.get_object(), user=request.user, fmt=fmt)
