from django.contrib import admin
from django.urls import include, path

from config.views import language_choose

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/setlang/", language_choose, name="set_language"),
    path("api/", include("config.api")),
    path("cockpit/", include("cockpit.urls")),
    path("incidents/", include("incidents.urls")),
    path("checklists/", include("checklists.urls")),
    path("deployment/", include("deployment.urls")),
    path("reports/", include("reports.urls")),
    path("results/", include("results.urls")),
    path("", include("observe.urls")),
]

# A view that raises django.core.exceptions.BadRequest("...") answers 400 with that message.
handler400 = "config.views.bad_request"
