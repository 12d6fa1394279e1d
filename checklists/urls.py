from django.urls import path

from . import views

app_name = "checklists"
urlpatterns = [
    path("<int:template_id>/preview/", views.template_preview, name="preview"),
]
