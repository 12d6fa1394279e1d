"""Admin upload of a mission's region outlines: coordinators of the mission only."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from missions.admin import MissionScopedAdmin
from observers.access import actor_for

from .models import MapOutline
from .services import map_outline_store, outline_parse


def _coordinates(user, mission_id: int) -> bool:
    actor = actor_for(user, mission_id)
    return actor is not None and actor.is_coordinator


class MapOutlineForm(forms.ModelForm):
    upload = forms.FileField(
        label="GeoJSON file",
        help_text="Region outlines as GeoJSON (WGS 84): a FeatureCollection of Polygons or MultiPolygons. "
        "A feature's 'name' or 'code' is shown on the map. Uploading replaces the mission's outlines.",
    )

    class Meta:
        model = MapOutline
        fields = ("mission",)

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        raw = upload.read()
        try:
            outline_parse(raw)
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error
        return raw


@admin.register(MapOutline)
class MapOutlineAdmin(MissionScopedAdmin):
    form = MapOutlineForm
    list_display = ("mission", "feature_count", "uploaded_at", "uploaded_by")
    readonly_fields = ("feature_count", "uploaded_at", "uploaded_by")

    def coordinated(self, request):
        """The missions whose outlines the user manages: where they are a coordinator (None: a superuser, all)."""
        if not hasattr(request, "_outline_missions"):
            ids = super().coordinated(request)
            if ids is not None:
                ids = [mission_id for mission_id in ids if _coordinates(request.user, mission_id)]
            request._outline_missions = ids
        return request._outline_missions

    def _coordinates_any(self, request) -> bool:
        ids = self.coordinated(request)
        return ids is None or bool(ids)

    # Outlines are public geography of the mission's own making: its coordinators manage them (no group permission).
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff and self._coordinates_any(request)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def save_model(self, request, obj, form, change):
        stored = map_outline_store(
            mission=form.cleaned_data["mission"], raw=form.cleaned_data["upload"], user=request.user
        )
        obj.pk = stored.pk
        obj.refresh_from_db()
