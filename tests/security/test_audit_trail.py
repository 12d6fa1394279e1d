"""The audit trail: who changed what and when, for the roster, teams, the deployment plan and form templates."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from simple_history.middleware import HistoryRequestMiddleware

from checklists.models import FormTemplate
from deployment.models import TeamAssignment
from missions.models import PollingStation
from observers.models import Membership, Observer, Team, TeamMember
from reports.models import ExportLog

# No module-wide database mark: the checks of the models read no rows, and the tests that do use the database have it
# through `world` (tests/security/conftest.py, built once for the module).

AUDITED = [PollingStation, Observer, Membership, Team, TeamMember, TeamAssignment, FormTemplate]


@pytest.mark.parametrize("model", AUDITED, ids=lambda model: model.__name__)
def test_every_audited_model_keeps_its_history(model):
    assert hasattr(model, "history"), f"{model.__name__} has no HistoricalRecords"


def test_observers_history_leaves_out_passport_and_birth_date():
    fields = {field.name for field in Observer.history.model._meta.get_fields()}
    assert "passport_number" not in fields and "date_of_birth" not in fields
    assert "phone" in fields


def test_a_change_to_a_team_shows_in_its_admin_history_with_who_made_it(client, world):
    coordinator = world.users["coordinator"]
    team = world.own.team

    def change(request):
        team.notes = "Moved to the northern districts after the briefing."
        team.save()
        return HttpResponse()

    # The same middleware that wraps every admin request records the signed-in user with the change.
    request = RequestFactory().post("/admin/observers/team/")
    request.user = coordinator
    HistoryRequestMiddleware(change)(request)
    latest = team.history.latest()
    assert latest.history_user == coordinator
    assert latest.notes == "Moved to the northern districts after the briefing."
    client.force_login(coordinator)
    history_page = client.get(reverse("admin:observers_team_history", args=[team.pk]))
    assert history_page.status_code == 200
    assert coordinator.username in history_page.content.decode()
    version = client.get(reverse("admin:observers_team_simple_history", args=[team.pk, latest.history_id]))
    assert version.status_code == 200
    assert "northern districts" in version.content.decode()


def test_the_deployment_plan_export_writes_the_export_log(client, world):
    client.force_login(world.users["coordinator"])
    before = ExportLog.objects.count()
    response = client.get(reverse("deployment:export", args=[world.own.mission.slug, "csv"]))
    assert response.status_code == 200
    entry = ExportLog.objects.order_by("-id").first()
    assert ExportLog.objects.count() == before + 1
    assert (entry.user, entry.mission, entry.format) == (world.users["coordinator"], world.own.mission, "csv")


def test_a_report_run_export_writes_the_export_log(client, world):
    client.force_login(world.users["analyst"])
    before = ExportLog.objects.count()
    response = client.get(reverse("reports:run_export", args=[world.own.run.pk, "csv"]))
    assert response.status_code == 200
    entry = ExportLog.objects.order_by("-id").first()
    assert ExportLog.objects.count() == before + 1
    assert (entry.user, entry.mission, entry.what_text) == (
        world.users["analyst"],
        world.own.mission,
        f"report run {world.own.run.pk}",
    )


def test_a_refused_export_writes_nothing(client, world):
    client.force_login(world.users["sto"])
    before = ExportLog.objects.count()
    assert client.get(reverse("reports:run_export", args=[world.own.run.pk, "csv"])).status_code in (403, 404)
    assert client.get(reverse("deployment:export", args=[world.own.mission.slug, "csv"])).status_code in (403, 404)
    assert ExportLog.objects.count() == before


def test_an_api_download_of_a_report_run_writes_the_export_log(world):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(world.users["analyst"])
    before = ExportLog.objects.count()
    response = client.get(reverse("report-run-download", kwargs={"pk": world.own.run.pk, "fmt": "csv"}))
    assert response.status_code == 200
    assert ExportLog.objects.count() == before + 1
    entry = ExportLog.objects.order_by("-id").first()
    assert (entry.user, entry.mission, entry.format) == (world.users["analyst"], world.own.mission, "csv")
