"""Phase 7, timeline: forms received per hour, in the mission's local time."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db.models import Count
from django.db.models.functions import TruncHour

from missions.clock import local_zone
from submissions.models import SubmissionRevision

from .base import Scope


def timeline_count(scope: Scope) -> list[dict]:
    """Forms received per hour of the mission's local time, per kind and in all."""
    kinds, zone = scope.kinds, local_zone(scope.mission)
    hours: dict[str, dict[str, int]] = defaultdict(dict)
    for row in (
        SubmissionRevision.objects.filter(scope.base)
        .annotate(hour=TruncHour("received_at", tzinfo=zone))
        .values("hour", "kind")
        .annotate(count=Count("id"))
    ):
        hour: datetime = row["hour"].astimezone(zone)
        hours[hour.strftime("%Y-%m-%d %H:00")][row["kind"]] = row["count"]
    return [
        {"hour": hour, "counts": {kind: counts.get(kind, 0) for kind in kinds}, "total": sum(counts.values())}
        for hour, counts in sorted(hours.items())
    ]
