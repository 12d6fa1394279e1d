"""Writes of the cockpit: reading and storing a mission's region outlines (GeoJSON)."""

from __future__ import annotations

import json
import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from missions.models import Mission

from .models import MapOutline

AREA_TYPES = {"Polygon", "MultiPolygon"}
# Properties kept from each feature: what the map shows on hover. Everything else is dropped.
KEPT_PROPERTIES = ("name", "code", "NAME", "name_en", "name_ru")


def _check_position(position) -> None:
    if not (isinstance(position, list) and len(position) >= 2):
        raise ValidationError(_("A position must be [longitude, latitude]."))
    longitude, latitude = position[0], position[1]
    for value in (longitude, latitude):
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise ValidationError(_("Coordinates must be numbers."))
    if not (-180 <= longitude <= 180 and -90 <= latitude <= 90):
        raise ValidationError(_("Coordinates must be longitude -180..180 and latitude -90..90 (WGS 84)."))


def _check_geometry(geometry) -> None:
    if not isinstance(geometry, dict) or geometry.get("type") not in AREA_TYPES:
        raise ValidationError(_("Each outline must be a Polygon or a MultiPolygon."))
    polygons = geometry.get("coordinates")
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    if not isinstance(polygons, list) or not polygons:
        raise ValidationError(_("An outline has no coordinates."))
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            raise ValidationError(_("An outline has no coordinates."))
        for ring in polygon:
            if not isinstance(ring, list) or len(ring) < 4:
                raise ValidationError(_("Each ring of an outline needs at least four positions."))
            for position in ring:
                _check_position(position)


def outline_parse(raw: bytes) -> dict:
    """A FeatureCollection of region polygons from uploaded GeoJSON, with only the names kept; ValidationError else."""
    limit = settings.IMPORT_MAX_BYTES
    if len(raw) > limit:
        raise ValidationError(
            _("The file is larger than %(megabytes)s MB; simplify the outlines first.")
            % {"megabytes": limit // (1024 * 1024)}
        )
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise ValidationError(_("The file is not GeoJSON (JSON in UTF-8).")) from error
    if not isinstance(data, dict):
        raise ValidationError(_("The file is not GeoJSON."))
    if data.get("type") == "FeatureCollection":
        features = data.get("features")
    elif data.get("type") == "Feature":
        features = [data]
    else:
        features = [{"type": "Feature", "geometry": data, "properties": {}}]
    if not isinstance(features, list) or not features:
        raise ValidationError(_("The file has no outlines."))
    kept = []
    for index, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            raise ValidationError(_("Outline %(index)s is not a GeoJSON feature.") % {"index": index})
        try:
            _check_geometry(feature.get("geometry"))
        except ValidationError as error:
            raise ValidationError(
                _("Outline %(index)s: %(error)s") % {"index": index, "error": error.messages[0]}
            ) from error
        properties = feature.get("properties") if isinstance(feature.get("properties"), dict) else {}
        names = {key: str(properties[key])[:200] for key in KEPT_PROPERTIES if properties.get(key) not in (None, "")}
        kept.append({"type": "Feature", "geometry": feature["geometry"], "properties": names})
    return {"type": "FeatureCollection", "features": kept}


def map_outline_store(*, mission: Mission, raw: bytes, user=None) -> MapOutline:
    """Replace the mission's region outlines with the uploaded GeoJSON (checked first; nothing stored if bad)."""
    collection = outline_parse(raw)
    outline, _created = MapOutline.objects.update_or_create(
        mission=mission,
        defaults={"geojson": collection, "feature_count": len(collection["features"]), "uploaded_by": user},
    )
    return outline
