"""API for official results (read-only): versions, and each version's findings and cross-check summary."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from missions.api.common import ScopedViewSetMixin
from missions.models import Region
from results.analysis import findings_written
from results.choices import FindingKind
from results.filters import ResultsVersionFilterSet
from results.selectors import findings_filter, results_crosscheck, results_versions_visible_to

from .serializers import FindingSerializer, ResultsVersionSerializer, SummarySerializer


class ResultsVersionViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Versions of the official results of the missions where you are on the core team."""

    selector = staticmethod(results_versions_visible_to)
    serializer_class = ResultsVersionSerializer
    filterset_class = ResultsVersionFilterSet
    ordering_fields = ["number", "imported_at"]

    @extend_schema(
        parameters=[
            OpenApiParameter("region", str, description="Region code: only this region's findings."),
            OpenApiParameter("kind", str, enum=FindingKind.values, description="Only findings of this kind."),
        ],
        responses=FindingSerializer(many=True),
        filters=False,
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def findings(self, request, pk=None, format=None):
        """The version's findings: checks on the official figures and differences from the observers' copies."""
        version = self.get_object()
        region_code = request.query_params.get("region", "")
        region = None
        if region_code:
            region = Region.objects.filter(mission_id=version.mission_id, code=region_code).first()
            if region is None:
                raise Http404("No such region in this mission.")
        kind = request.query_params.get("kind", "")
        if kind and kind not in FindingKind.values:
            raise Http404("No such kind of finding.")
        check = results_crosscheck(version=version)
        findings = findings_filter(check.findings, region_id=region.pk if region else None, kind=kind)
        page = self.paginate_queryset(findings)
        return self.get_paginated_response(FindingSerializer(findings_written(page), many=True).data)

    @extend_schema(responses=SummarySerializer, filters=False)
    @action(detail=True, methods=["get"], filter_backends=[])
    def summary(self, request, pk=None, format=None):
        """Stations observed with a protocol copy, matching, differing and not yet published, overall and by region."""
        version = self.get_object()
        check = results_crosscheck(version=version)
        body = {"version": version, "overall": check.summary, "regions": check.regions, "findings": check.kinds}
        return Response(SummarySerializer(body).data)
