"""How a polling station is named on every page and in every e-mail: its region and its number."""

from django import template

from missions.models import station_label

register = template.Library()


@register.filter
def station(polling_station) -> str:
    """{{ submission.polling_station|station }} -> "Akmola — No. 12" (load the station with its region)."""
    if polling_station is None:
        return ""
    return station_label(polling_station.region.name, polling_station.number)
