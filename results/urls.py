from django.urls import path

from . import views

app_name = "results"
urlpatterns = [
    path("<slug:slug>/", views.mission_results, name="mission"),
    path("<slug:slug>/export/<str:fmt>/", views.results_export, name="export"),
]
