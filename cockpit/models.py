"""The cockpit's own rows: a mission's region outlines for the map."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class MapOutline(models.Model):
    """A mission's region outlines as GeoJSON, drawn under the stations (the whole map when no tiles are set)."""

    mission = models.OneToOneField(
        "missions.Mission", on_delete=models.CASCADE, related_name="map_outline", verbose_name=_("mission")
    )
    geojson = models.JSONField(
        default=dict, help_text=_("A GeoJSON FeatureCollection of polygons."), verbose_name=_("geojson")
    )
    feature_count = models.PositiveIntegerField(default=0, verbose_name=_("feature count"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(auto_now=True, verbose_name=_("uploaded at"))

    class Meta:
        verbose_name = _("region outlines (map)")
        verbose_name_plural = _("region outlines (map)")

    def __str__(self) -> str:
        return gettext("Region outlines of %(mission)s") % {"mission": self.mission}
