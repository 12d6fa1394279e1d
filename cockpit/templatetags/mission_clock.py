"""The mission's clock in templates: moments in the mission's local time, ISO dates, 24-hour times, zone named.

The zone itself is worked out in one place, missions.clock (with its fallback to UTC for an unknown zone name).
"""

from __future__ import annotations

from django import template

from missions.clock import local_moment, local_zone

register = template.Library()


@register.filter
def mission_time(value, mission):
    """{{ run.finished_at|mission_time:mission }} -> '2019-06-09 14:05' in the mission's zone."""
    return local_moment(value, mission)


@register.filter
def mission_time_zone(value, mission):
    """Like mission_time, followed by the zone, e.g. '2019-06-09 14:05 +05'."""
    return local_moment(value, mission, with_zone=True)


@register.filter
def mission_zone_name(mission) -> str:
    """{{ mission|mission_zone_name }} -> 'Asia/Almaty': the zone times are written in ('UTC' for an unknown one)."""
    return local_zone(mission).key
