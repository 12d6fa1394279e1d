"""Admin upload of a mission's region outlines: coordinators of the mission only."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from access.admin import ScopedAdmin

from .models import MapOutline
from .services import map_outline_store, outline_parse


class MapOutlineForm(forms.ModelForm):
    upload = forms.FileField(
        label=_("GeoJSON file"),
        help_text=_(
            "Region outlines as GeoJSON (WGS 84): a FeatureCollection of Polygons or MultiPolygons. "
            "A feature's 'name' or 'code' is shown on the map. Uploading replaces the mission's outlines."
        ),
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
class MapOutlineAdmin(ScopedAdmin):
    """Region outlines are the mission's own geography: its coordinators (and the head of mission) manage them
    (the access layer's rule for cockpit.mapoutline)."""

    form = MapOutlineForm
    list_display = ("mission", "feature_count", "uploaded_at", "uploaded_by")
    readonly_fields = ("feature_count", "uploaded_at", "uploaded_by")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("mission", "uploaded_by")

    def save_model(self, request, obj, form, change):
        stored = map_outline_store(
            mission=form.cleaned_data["mission"], raw=form.cleaned_data["upload"], user=request.user
        )
        obj.pk = stored.pk
        obj.refresh_from_db()
