"""What every API viewset shares: permissions and querysets from the access layer, id fields limited to what the
user may write, service errors as 400, documented error responses.

A new endpoint hooks in by naming a selector (built on ``access.visible_to``) and using ``ScopedRelatedField`` /
``ScopedMissionField`` for every id it accepts: a forged id of another mission is then "does not exist", like an
id that was never issued.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.apps import apps
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS, BasePermission

from .actors import actor_in, actors_for
from .rules import can_change, visible_to, writable_by


def request_actors(request, *, followers: bool = False):
    """The requesting user's Actors (one per mission), worked out once per request."""
    return actors_for(request.user, followers=followers)


class MissionScoped(BasePermission):
    """Signed-in users with a role in a mission read what their role shows there; writes follow ``access.rules``.

    Views may set ``followers_may_read = True`` (missions, report runs: ODIHR staff following a mission read them)
    and ``service_decides_writes = True`` (submissions, report runs: their services decide who may write what).
    """

    message = "You have no role in a mission that allows this."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False
        followers = request.method in SAFE_METHODS and getattr(view, "followers_may_read", False)
        actors = request_actors(request, followers=followers)
        if not actors:
            return False
        if request.method in SAFE_METHODS or getattr(view, "service_decides_writes", False):
            return True
        return any(actor.is_coordinator for actor in actors)

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS or getattr(view, "service_decides_writes", False):
            return True
        return can_change(request_actors(request), obj)


def message_dict(error: DjangoValidationError) -> dict:
    """A Django ValidationError as DRF error detail: field messages when it has them, else a list."""
    if hasattr(error, "error_dict"):
        return {("non_field_errors" if key == "__all__" else key): value for key, value in error.message_dict.items()}
    return {"non_field_errors": error.messages}


@contextmanager
def service_errors():
    """Turn a service's ValidationError into a 400 that carries its messages (PermissionDenied is already 403)."""
    try:
        yield
    except DjangoValidationError as error:
        raise ValidationError(message_dict(error)) from error


class CleanModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer that runs the model's full_clean, so constraints and clean() answer 400, never 500.

    Every id field it builds accepts only rows the user may write, and every row named must be of the same mission
    as the row written.
    """

    def validate(self, attrs):
        attrs = super().validate(attrs)
        _same_mission(attrs, self.instance)
        model = self.Meta.model
        instance = self.instance if self.instance is not None else model()
        many_to_many = {field.name for field in model._meta.many_to_many}
        previous = {}
        for name, value in attrs.items():
            if name in many_to_many:
                continue
            previous[name] = getattr(instance, name, None)
            setattr(instance, name, value)
        try:
            instance.full_clean(validate_unique=True, validate_constraints=True)
        except DjangoValidationError as error:
            raise ValidationError(message_dict(error)) from error
        finally:
            if self.instance is not None:
                for name, value in previous.items():
                    setattr(self.instance, name, value)
        return attrs


def _same_mission(attrs: dict, instance) -> None:
    """Every row named in the data belongs to the mission of the row written (a team of mission A never gets a
    region of mission B, even when the user coordinates both)."""
    mission = attrs.get("mission")
    mission_id = getattr(mission, "pk", None) or getattr(instance, "mission_id", None)
    if mission_id is None:
        return
    errors = {}
    for name, value in attrs.items():
        if name == "mission":
            continue
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            other = getattr(item, "mission_id", None)
            if other is not None and other != mission_id:
                errors.setdefault(name, []).append(f"{item.pk} is not in this mission.")
    if errors:
        raise ValidationError(errors)


class ErrorSerializer(serializers.Serializer):
    """An error with a human-readable message."""

    detail = serializers.CharField()


_VALIDATION = OpenApiResponse(
    response=OpenApiTypes.ANY,
    description="Invalid input: an object of messages per field (or non_field_errors), or a list of messages.",
)
_FORBIDDEN = OpenApiResponse(response=ErrorSerializer, description="Not signed in, or your role does not allow this.")
_NOT_FOUND = OpenApiResponse(response=ErrorSerializer, description="No such object in your scope, or no such page.")
_THROTTLED = OpenApiResponse(response=ErrorSerializer, description="Too many requests; retry later.")


class EomAutoSchema(AutoSchema):
    """Documents the error answers every endpoint can give, so the schema lists every status code it returns."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = {"403": _FORBIDDEN, "404": _NOT_FOUND, "429": _THROTTLED}
        if self.method in {"POST", "PUT", "PATCH"} or (self.method == "GET" and self._is_list_view()):
            errors["400"] = _VALIDATION
        for code, response in errors.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return responses


class ScopedViewSetMixin:
    """A viewset whose queryset is a selector call for the requesting user, under MissionScoped permissions."""

    permission_classes = [MissionScoped]
    schema = EomAutoSchema()
    selector = None

    def get_queryset(self):
        return type(self).selector(user=self.request.user)


class WritableViewSet(
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """List, retrieve, create and update; nothing is deleted through the API (rows are referenced by forms)."""


class RequestViewSet(
    mixins.CreateModelMixin, mixins.RetrieveModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    """List, retrieve and create: for runs and jobs, which a request starts and nobody edits."""


def _request(field):
    context = getattr(field, "context", None) or getattr(getattr(field, "parent", None), "context", {}) or {}
    return context.get("request")


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """An id field that accepts only rows the requesting user may write (``access.writable_by``), or with
    ``scope="visible"`` may see (a request a service then decides on, e.g. a compilation's region).

    Any other id, of another mission or never issued, gets the same "does not exist" answer.
    """

    def __init__(self, *, scope: str = "writable", **kwargs):
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self):
        queryset = super().get_queryset()
        request = _request(self)
        if request is None:
            return queryset.none()
        if self.scope == "visible":
            return visible_to(request_actors(request, followers=True), queryset)
        return writable_by(request_actors(request), queryset)


class ScopedMissionField(serializers.SlugRelatedField):
    """A mission given by slug, limited to the missions whose rows the requesting user may write (or, with
    ``scope="visible"``, the missions they hold a role in: the service then says whether their role may)."""

    def __init__(self, *, scope: str = "writable", **kwargs):
        self.scope = scope
        kwargs.setdefault("slug_field", "slug")
        kwargs.setdefault("help_text", "Mission slug; you must be a coordinator of it.")
        kwargs.setdefault("queryset", apps.get_model("missions", "Mission").objects.all())
        super().__init__(**kwargs)

    def get_queryset(self):
        request = _request(self)
        queryset = super().get_queryset()
        if request is None:
            return queryset.none()
        if self.scope == "visible":
            return visible_to(request_actors(request), queryset)
        return writable_by(request_actors(request), queryset)


def actor_of_request(request, mission_id: int):
    """The requesting user's Actor in one mission (None without a role there)."""
    return actor_in(request.user, mission_id)


# Every id field a CleanModelSerializer builds for a relation accepts only what the user may write.
CleanModelSerializer.serializer_related_field = ScopedRelatedField
