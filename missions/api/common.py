"""The API plumbing lives in the access layer (``access.api``); kept importable from here."""

from access.api import (
    CleanModelSerializer,
    EomAutoSchema,
    ErrorSerializer,
    MissionScoped,
    RequestViewSet,
    ScopedMissionField,
    ScopedRelatedField,
    ScopedViewSetMixin,
    WritableViewSet,
    message_dict,
    service_errors,
)

__all__ = [
    "CleanModelSerializer",
    "EomAutoSchema",
    "ErrorSerializer",
    "MissionScoped",
    "RequestViewSet",
    "ScopedMissionField",
    "ScopedRelatedField",
    "ScopedViewSetMixin",
    "WritableViewSet",
    "message_dict",
    "service_errors",
]
