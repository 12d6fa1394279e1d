"""API for submitted forms: list (cursor-paginated), read, submit exactly once, correct; and the urgent list.

Submitting and correcting call the same services as the observers' pages: 201 for a new form, 200 for a replay of
the same content, 409 when the UUID was used for different content, 400 with messages, 403 when refused.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from access import actor_for, actors_for, visible_to
from checklists.choices import FormKind
from checklists.models import FormTemplate
from checklists.selectors import template_published
from missions.api.common import ErrorSerializer, ScopedViewSetMixin, service_errors
from missions.models import Mission
from submissions.filters import SubmissionFilterSet
from submissions.selectors import api_submissions_visible_to, api_urgent_incidents_visible_to
from submissions.services import PAYLOAD_KEYS, SubmissionConflict, submission_correct, submission_record

from .serializers import SubmissionCreateSerializer, SubmissionPayloadSerializer, SubmissionSerializer


class SubmissionCursorPagination(CursorPagination):
    """Oldest first by arrival: a long export stays stable while new forms keep arriving."""

    ordering = ("received_at", "id")
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


def _template_for(data: dict, user) -> FormTemplate:
    """The checklist a new form answers: by id, or the published version of a mission's form kind.

    Only templates and missions the user may see are found: another mission's id or slug is "no such" like one
    that does not exist.
    """
    actors = actors_for(user)
    if data.get("template") is not None:
        template = visible_to(actors, FormTemplate).select_related("mission").filter(pk=data["template"]).first()
        if template is None:
            raise ValidationError({"template": [_("No form template with id %(id)s.") % {"id": data["template"]}]})
        if data.get("mission") and data["mission"] != template.mission.slug:
            raise ValidationError({"template": [_("This form template belongs to another mission.")]})
        return template
    mission = visible_to(actors, Mission).filter(slug=data["mission"]).first()
    if mission is None:
        raise ValidationError({"mission": [_("No mission '%(mission)s'.") % {"mission": data["mission"]}]})
    template = template_published(mission=mission, kind=data["kind"])
    if template is None:
        raise ValidationError(
            {
                "kind": [
                    _("%(mission)s has no published %(kind)s checklist.")
                    % {"mission": mission.name, "kind": dict(FormKind.choices).get(data["kind"], data["kind"])}
                ]
            }
        )
    return template


@extend_schema_view(
    create=extend_schema(
        request=SubmissionCreateSerializer,
        responses={
            201: OpenApiResponse(SubmissionSerializer, description="The form was recorded."),
            200: OpenApiResponse(SubmissionSerializer, description="A replay of a form already recorded."),
            409: OpenApiResponse(ErrorSerializer, description="The UUID was already used for different content."),
        },
    ),
    update=extend_schema(request=SubmissionPayloadSerializer, responses=SubmissionSerializer),
    partial_update=extend_schema(request=SubmissionPayloadSerializer, responses=SubmissionSerializer),
)
class SubmissionViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Forms in your scope: the whole mission for the core team, the area for LTOs, the own team for STOs."""

    selector = staticmethod(api_submissions_visible_to)
    serializer_class = SubmissionSerializer
    filterset_class = SubmissionFilterSet
    filter_backends = [DjangoFilterBackend]
    pagination_class = SubmissionCursorPagination
    lookup_field = "uuid"
    lookup_value_regex = "[^/]+"
    service_decides_writes = True

    def create(self, request, *args, **kwargs):
        incoming = SubmissionCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        template = _template_for(incoming.validated_data, request.user)
        actor = actor_for(request.user, template.mission)
        if actor is None:
            raise PermissionDenied(_("You are not a member of this mission."))
        try:
            with service_errors():
                submission, created = submission_record(
                    user=request.user,
                    mission=template.mission,
                    uuid=incoming.validated_data["uuid"],
                    template=template,
                    payload=incoming.payload(),
                    actor=actor,
                )
        except SubmissionConflict as conflict:
            return Response({"detail": str(conflict)}, status=status.HTTP_409_CONFLICT)
        data = self.get_serializer(submission).data
        return Response(
            data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK, headers={"Location": data["url"]}
        )

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        submission = self.get_object()
        incoming = SubmissionPayloadSerializer(data=request.data, partial=partial)
        incoming.is_valid(raise_exception=True)
        payload = incoming.payload()
        if partial:
            current = {key: value for key, value in (submission.payload or {}).items() if key in PAYLOAD_KEYS}
            answers = {**current.get("answers", {}), **payload.pop("answers", {})}
            payload = {**current, **payload, "answers": answers}
        with service_errors():
            corrected = submission_correct(user=request.user, submission=submission, payload=payload)
        return Response(self.get_serializer(corrected).data)


class UrgentIncidentViewSet(ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Forms flagged urgent or carrying a critical answer, newest first, within your scope."""

    selector = staticmethod(api_urgent_incidents_visible_to)
    serializer_class = SubmissionSerializer
    filterset_class = SubmissionFilterSet
    filter_backends = [DjangoFilterBackend]
