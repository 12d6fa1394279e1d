"""What every API viewset shares: mission-scoped permissions, service errors as 400, documented error responses."""

from __future__ import annotations

from contextlib import contextmanager

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS, BasePermission

from observers.access import is_odihr_staff
from observers.api_selectors import actors_for, coordinated_mission_ids


def odihr_staff_only(user) -> bool:
    """ODIHR staff without a mission of their own: they read published report runs and nothing else."""
    return is_odihr_staff(user) and not user.is_superuser


class MissionScoped(BasePermission):
    """Signed-in users with a scope in a mission read what their scope shows; only coordinators write.

    Views may set ``odihr_staff_may_read = True`` (missions, report runs) and ``service_decides_writes = True``
    (submissions, report runs: their services decide who may write what, and say why not).
    """

    message = "You have no role in a mission that allows this."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False
        if odihr_staff_only(user):
            return request.method in SAFE_METHODS and getattr(view, "odihr_staff_may_read", False)
        if not actors_for(user):
            return False
        if request.method in SAFE_METHODS or getattr(view, "service_decides_writes", False):
            return True
        return bool(coordinated_mission_ids(user))

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS or getattr(view, "service_decides_writes", False):
            return True
        mission_ids = view.object_mission_ids(obj) if hasattr(view, "object_mission_ids") else [obj.mission_id]
        coordinated = set(coordinated_mission_ids(request.user))
        return bool(mission_ids) and all(mission_id in coordinated for mission_id in mission_ids)


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
    """A ModelSerializer that runs the model's full_clean, so constraints and clean() answer 400, never 500."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
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
