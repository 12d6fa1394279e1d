from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("runs/<int:run_id>/", views.run_detail, name="run"),
    path("runs/<int:run_id>/status/", views.run_status, name="run_status"),
    path("runs/<int:run_id>/compare/", views.run_compare, name="run_compare"),
    path("runs/<int:run_id>/publish/", views.run_publish, name="run_publish"),
    path("runs/<int:run_id>/conflicts/resolve/", views.run_conflict_resolve, name="run_conflict_resolve"),
    path("runs/<int:run_id>/export/<str:fmt>/", views.run_export, name="run_export"),
    path("<slug:slug>/", views.mission, name="mission"),
    path("<slug:slug>/dashboard/", views.dashboard, name="dashboard"),
    path("<slug:slug>/dashboard/data/", views.dashboard_data, name="dashboard_data"),
]
