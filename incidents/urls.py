from django.urls import path

from . import views

app_name = "incidents"
urlpatterns = [
    path("<slug:slug>/", views.cases, name="cases"),
    path("<slug:slug>/<int:case_id>/", views.case, name="case"),
]
