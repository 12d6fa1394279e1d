"""Phase 7, timeline: forms received per hour, in the mission's local time."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db.models import Count
from django.db.models.functions import TruncHour

from missions.clock import local_zone
from submissions.models import SubmissionRevision

from .base import Scope


def timeline_count(scope: Scope, tallied: dict[tuple[datetime, str], int] | None = None) -> list[dict]:
    """Forms received per hour of the mission's local time, per kind and in all.

    `tallied`, when given, holds the forms received per quarter-hour and kind from the running tallies
    (reports.compile.tallied), and the forms are not read.
    """
    kinds, zone = scope.kinds, local_zone(scope.mission)
    hours: dict[str, dict[str, int]] = defaultdict(dict)
    if tallied is not None:
        for (start, kind), count in sorted(tallied.items()):
            if count:
                hour = start.astimezone(zone).strftime("%Y-%m-%d %H:00")
                hours[hour][kind] = hours[hour].get(kind, 0) + count
        return _timeline(hours, kinds)
    for row in (
        SubmissionRevision.objects.filter(scope.base)
        .annotate(hour=TruncHour("received_at", tzinfo=zone))
        .values("hour", "kind")
        .annotate(count=Count("id"))
    ):
        hour: datetime = row["hour"].astimezone(zone)
        hours[hour.strftime("%Y-%m-%d %H:00")][row["kind"]] = row["count"]
    return _timeline(hours, kinds)


def _timeline(hours: dict[str, dict[str, int]], kinds) -> list[dict]:
    return [
        {"hour": hour, "counts": {kind: counts.get(kind, 0) for kind in kinds}, "total": sum(counts.values())}
        for hour, counts in sorted(hours.items())
    ]
