"""The cockpit's own rows: a mission's region outlines for the map."""

from django.conf import settings
from django.db import models


class MapOutline(models.Model):
    """A mission's region outlines as GeoJSON, drawn under the stations (the whole map when no tiles are set)."""

    mission = models.OneToOneField("missions.Mission", on_delete=models.CASCADE, related_name="map_outline")
    geojson = models.JSONField(default=dict, help_text="A GeoJSON FeatureCollection of polygons.")
    feature_count = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "region outlines (map)"
        verbose_name_plural = "region outlines (map)"

    def __str__(self) -> str:
        return f"Region outlines of {self.mission}"
