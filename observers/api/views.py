"""API viewsets for the roster and teams: scoped reads; coordinators write, teams through the team rules."""

from django.db import transaction
from drf_spectacular.utils import extend_schema, extend_schema_view

from access import actor_in
from missions.api.common import ScopedViewSetMixin, service_errors
from missions.api.views import WritableViewSet
from observers.choices import MemberRole
from observers.filters import MembershipFilterSet, ObserverFilterSet, TeamFilterSet
from observers.models import Membership
from observers.selectors import (
    memberships_visible_to,
    observers_visible_to,
    sees_personal_data_everywhere,
    teams_visible_to,
)
from observers.services import membership_save, observer_join, team_create, team_set_members

from .serializers import (
    MembershipSerializer,
    ObserverPersonalSerializer,
    ObserverReadSerializer,
    ObserverSerializer,
    TeamSerializer,
)


@extend_schema_view(
    list=extend_schema(responses=ObserverReadSerializer(many=True)),
    retrieve=extend_schema(responses=ObserverReadSerializer),
    create=extend_schema(request=ObserverPersonalSerializer, responses=ObserverPersonalSerializer),
    update=extend_schema(request=ObserverPersonalSerializer, responses=ObserverPersonalSerializer),
    partial_update=extend_schema(request=ObserverPersonalSerializer, responses=ObserverPersonalSerializer),
)
class ObserverViewSet(ScopedViewSetMixin, WritableViewSet):
    """Observers in your scope; email, phone, date of birth and passport number for coordinators only."""

    selector = staticmethod(observers_visible_to)
    filterset_class = ObserverFilterSet
    ordering_fields = ["full_name", "nationality"]
    search_fields = ["full_name"]

    def get_serializer_class(self):
        if getattr(self, "swagger_fake_view", False):
            return ObserverPersonalSerializer
        if self.request.method not in ("GET", "HEAD", "OPTIONS"):
            return ObserverPersonalSerializer
        if sees_personal_data_everywhere(self.request.user):
            return ObserverPersonalSerializer
        return ObserverSerializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        joining = data.pop("joining")
        with service_errors():
            serializer.instance = observer_join(
                actor=actor_in(self.request.user, joining["mission"].pk),
                mission=joining["mission"],
                role=joining.get("role", MemberRole.STO),
                core_function=joining.get("core_function", ""),
                fields=data,
            )


class MembershipViewSet(ScopedViewSetMixin, WritableViewSet):
    """Who serves on which mission, in which role and status."""

    selector = staticmethod(memberships_visible_to)
    serializer_class = MembershipSerializer
    filterset_class = MembershipFilterSet
    ordering_fields = ["role", "status", "observer__full_name"]
    search_fields = ["observer__full_name"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        with service_errors():
            serializer.instance = membership_save(
                actor=actor_in(self.request.user, data["mission"].pk), membership=Membership(), fields=data
            )

    def perform_update(self, serializer):
        membership = serializer.instance
        with service_errors():
            serializer.instance = membership_save(
                actor=actor_in(self.request.user, membership.mission_id),
                membership=membership,
                fields=serializer.validated_data,
            )


class TeamViewSet(ScopedViewSetMixin, WritableViewSet):
    """Teams of two; creating a team or changing its members applies the team rules (messages come back as 400)."""

    selector = staticmethod(teams_visible_to)
    serializer_class = TeamSerializer
    filterset_class = TeamFilterSet
    ordering_fields = ["code", "kind"]
    search_fields = ["code", "base_city"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        with service_errors():
            serializer.instance = team_create(
                mission=data["mission"],
                kind=data["kind"],
                code=data["code"],
                members=data["new_members"],
                base_city=data.get("base_city", ""),
                locked=data.get("locked", False),
                lto_team=data.get("lto_team"),
                area_regions=data.get("area_regions", ()),
                needs_interpreter=data.get("needs_interpreter", False),
            )

    @transaction.atomic
    def perform_update(self, serializer):
        team = serializer.instance
        data = dict(serializer.validated_data)
        members = data.pop("new_members", None)
        area_regions = data.pop("area_regions", None)
        with service_errors():
            if members is not None:
                team_set_members(team=team, members=members)
        for name, value in data.items():
            setattr(team, name, value)
        team.save()
        if area_regions is not None:
            team.area_regions.set(area_regions)
