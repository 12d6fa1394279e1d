from django.urls import path

from . import views

app_name = "deployment"
urlpatterns = [
    path("<slug:mission_slug>/", views.planning_page, name="planning"),
    path("<slug:mission_slug>/jobs/<str:kind>/start/", views.job_start, name="job-start"),
    path("<slug:mission_slug>/jobs/<int:job_id>/", views.job_status, name="job-status"),
    path("<slug:mission_slug>/lock/", views.lock_set, name="lock"),
    path("<slug:mission_slug>/move/", views.team_move, name="move"),
    path("<slug:mission_slug>/swap/", views.member_swap, name="swap"),
    path("<slug:mission_slug>/export.<str:file_format>", views.plan_export, name="export"),
]
