"""The mission's clock: moments shown in the mission's local time, ISO dates, 24-hour times, zone named."""

from __future__ import annotations

import datetime
import zoneinfo

from django import template
from django.utils.dateparse import parse_datetime

register = template.Library()


def mission_zone(mission) -> zoneinfo.ZoneInfo:
    """The mission's main time zone (UTC when the name is unknown)."""
    try:
        return zoneinfo.ZoneInfo(getattr(mission, "time_zone", "") or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def local_moment(value: datetime.datetime | str | None, mission, *, with_zone: bool = False) -> str:
    """'2019-06-09 14:05' in the mission's zone; with_zone adds the zone's abbreviation or offset.

    An ISO string (as stored in a report's JSON, e.g. its cut-off) is read first; a naive one is taken as UTC.
    """
    if isinstance(value, str):
        value = parse_datetime(value) if value else None
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=datetime.UTC)
    if not value:
        return ""
    zone = mission_zone(mission)
    moment = value.astimezone(zone)
    text = moment.strftime("%Y-%m-%d %H:%M")
    if with_zone:
        text = f"{text} {moment.strftime('%Z')}"
    return text


@register.filter
def mission_time(value, mission):
    """{{ run.finished_at|mission_time:mission }} -> '2019-06-09 14:05' in the mission's zone."""
    return local_moment(value, mission)


@register.filter
def mission_time_zone(value, mission):
    """Like mission_time, followed by the zone, e.g. '2019-06-09 14:05 +05'."""
    return local_moment(value, mission, with_zone=True)
