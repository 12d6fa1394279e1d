"""The map's settings for templates that include it (the cockpit, the dashboard, the planning page)."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def map_tile_url() -> str:
    return settings.MAP_TILE_URL


@register.simple_tag
def map_tile_attribution() -> str:
    return settings.MAP_TILE_ATTRIBUTION
