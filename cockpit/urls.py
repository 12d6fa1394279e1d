from django.urls import path

from . import views

app_name = "cockpit"
urlpatterns = [
    path("", views.landing, name="landing"),
    path("guide/", views.guide, name="guide"),
    path("guide/img/<str:name>", views.guide_image, name="guide_image"),
    path("<slug:slug>/", views.mission, name="mission"),
    path("<slug:slug>/map/", views.map_page, name="map"),
    path("<slug:slug>/map/data/", views.map_json, name="map_data"),
]
