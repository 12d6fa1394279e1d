"""The mission's clock: the one place that works out a mission's local time zone, and moments written in it.

Every page, export, compilation and form that turns a moment into the mission's local time asks here. A zone name
that the time-zone database does not know (a typing mistake in the admin, a zone removed from the database) must
not break a page or a compilation: such a name counts as UTC, and is logged once per name so it can be corrected.
"""

from __future__ import annotations

import datetime
import logging
import threading
import zoneinfo

from django.utils.dateparse import parse_datetime

logger = logging.getLogger(__name__)

UTC = zoneinfo.ZoneInfo("UTC")

_reported: set[str] = set()
_reported_lock = threading.Lock()


def _known_zone(name: str) -> zoneinfo.ZoneInfo | None:
    """The zone of that name, or None (logged the first time) when the time-zone database does not know it."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        with _reported_lock:
            first = name not in _reported
            _reported.add(name)
        if first:
            logger.warning("Unknown time zone %r: times are shown in UTC until it is corrected.", name)
        return None


def local_zone(mission, region=None) -> zoneinfo.ZoneInfo:
    """The mission's local time zone, or the region's where it has one of its own; UTC when neither name is known.

    `mission` and `region` are rows (or anything with a `time_zone` attribute); either may be None.
    """
    for name in (getattr(region, "time_zone", ""), getattr(mission, "time_zone", "")):
        if name and isinstance(name, str):
            zone = _known_zone(name)
            if zone is not None:
                return zone
    return UTC


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
    moment = value.astimezone(local_zone(mission))
    text = moment.strftime("%Y-%m-%d %H:%M")
    if with_zone:
        text = f"{text} {moment.strftime('%Z')}"
    return text
