"""Admin upload of a mission's region outlines: coordinators of the mission only."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from missions.models import Mission
from observers.access import actors_for

from .models import MapOutline
from .services import map_outline_store, outline_parse


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
class MapOutlineAdmin(admin.ModelAdmin):
    """Region outlines are the mission's own geography: its coordinators (and the head of mission) manage them."""

    form = MapOutlineForm
    list_display = ("mission", "feature_count", "uploaded_at", "uploaded_by")
    readonly_fields = ("feature_count", "uploaded_at", "uploaded_by")

    def coordinated(self, request) -> list[int] | None:
        """Missions the user coordinates (None: a superuser, every mission), once per request."""
        if request.user.is_superuser:
            return None
        if not hasattr(request, "_outline_missions"):
            request._outline_missions = [actor.mission_id for actor in actors_for(request.user) if actor.is_coordinator]
        return request._outline_missions

    def _allowed(self, request, obj=None) -> bool:
        missions = self.coordinated(request)
        if missions is None:
            return True
        return bool(missions) if obj is None else obj.mission_id in missions

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("mission", "uploaded_by")
        missions = self.coordinated(request)
        return queryset if missions is None else queryset.filter(mission_id__in=missions)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        missions = self.coordinated(request)
        if db_field.name == "mission" and missions is not None:
            kwargs["queryset"] = Mission.objects.filter(pk__in=missions)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_module_permission(self, request):
        return request.user.is_active and self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and self._allowed(request, obj)

    def has_add_permission(self, request):
        return request.user.is_active and self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and self._allowed(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and self._allowed(request, obj)

    def save_model(self, request, obj, form, change):
        stored = map_outline_store(
            mission=form.cleaned_data["mission"], raw=form.cleaned_data["upload"], user=request.user
        )
        obj.pk = stored.pk
        obj.refresh_from_db()
