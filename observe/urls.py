"""The observers' site: home, forms, submissions, LTO pages, urgent incidents and the service worker."""

from django.urls import path

from . import views

app_name = "observe"
urlpatterns = [
    path("", views.home, name="home"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("offline/", views.offline, name="offline"),
    path("m/<slug:mission_slug>/stations/", views.station_search, name="station_search"),
    path("m/<slug:mission_slug>/forms/<slug:kind>/new/", views.form_new, name="form_new"),
    path("m/<slug:mission_slug>/submissions/", views.submission_collection, name="submission_collection"),
    path("m/<slug:mission_slug>/submissions/<uuid:uuid>/", views.submission_detail, name="submission_detail"),
    path("m/<slug:mission_slug>/submissions/<uuid:uuid>/edit/", views.submission_edit, name="submission_edit"),
    path("m/<slug:mission_slug>/area/", views.lto_area, name="lto_area"),
    path("m/<slug:mission_slug>/teams/<int:team_id>/", views.team_detail, name="team_detail"),
    path("m/<slug:mission_slug>/incidents/", views.incidents, name="incidents"),
    path("m/<slug:mission_slug>/incidents/feed/", views.incidents_feed, name="incidents_feed"),
]
