"""Messages written now and read later are stored as notices (a code and its figures) and read in the reader's
language: a job's failure, a plan's warnings, why a team is where it is, why formation left someone out."""

import json

import pytest
from django.urls import reverse
from django.utils import translation

from access import system_actor
from deployment.models import PlanningJob, TeamAssignment
from deployment.services import deployment_plan, planning_job_start, teams_form
from jobs.choices import JobStatus
from jobs.notices import notice, notice_dumps, notice_text, notices_written
from observers.choices import MemberRole
from tests.deployment.builders import geography, roster

pytestmark = pytest.mark.django_db

CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"


def russian(text: str) -> bool:
    return any(letter in text.lower() for letter in CYRILLIC)


def test_a_notice_is_stored_as_its_code_and_figures_and_read_in_either_language():
    stored = notice("jobs.too_long", what="compilation", seconds=600)

    assert stored == {"notice": "jobs.too_long", "params": {"what": "compilation", "seconds": 600}}
    assert notice_text(stored, "en") == "The compilation took longer than 600 seconds and was stopped."
    assert notice_text(stored, "ru") == "«составление сводки» выполнялось дольше 600 с и было остановлено."
    assert notice_text(json.dumps(stored), "ru") == notice_text(stored, "ru")


def test_a_plural_notice_agrees_with_its_number_in_russian():
    once = notice("jobs.stopped_given_up", what="planning job", n=1)
    thrice = notice("jobs.stopped_given_up", what="planning job", n=3)

    assert "stopped responding 1 time;" in notice_text(once, "en")
    assert "3 раза" in notice_text(thrice, "ru") and "1 раз;" in notice_text(once, "ru")


def test_a_sentence_stored_before_notices_is_shown_as_it_is():
    assert notice_text("The worker stopped.", "ru") == "The worker stopped."
    assert notice_text("", "ru") == ""


def test_an_unknown_code_is_refused_when_written():
    with pytest.raises(KeyError):
        notice("jobs.no_such_notice")


def test_notices_inside_a_summary_are_written_out_and_the_rest_kept():
    summary = {
        "teams_formed": 2,
        "left_out": [{"observer": "A", "reason": notice("deployment.no_partner_odd", name="A")}],
    }

    with translation.override("ru"):
        written = notices_written(summary)

    assert written["teams_formed"] == 2 and written["left_out"][0]["observer"] == "A"
    assert (
        written["left_out"][0]["reason"]
        == "A остаётся без пары: для формирования пар осталось нечётное число наблюдателей."
    )


@pytest.fixture
def staffed(mission):
    geography(mission, {"North": [(20, 0.5)], "South": [(20, 0.3)]}, neighbours=[("North", "South")])
    roster(mission, 2, role=MemberRole.LTO)
    roster(mission, 7)
    return mission


def test_a_plan_stores_its_reasons_and_warnings_as_notices_that_read_in_russian(staffed):
    teams_form(actor=system_actor(staffed), mission=staffed, kind="all", seed=1)
    result = deployment_plan(actor=system_actor(staffed), mission=staffed, basis="stations", route_length=5, seed=1)

    assert all(isinstance(warning, dict) and warning["notice"] for warning in result.warnings)
    assignment = TeamAssignment.objects.filter(mission=staffed).first()
    assert json.loads(assignment.reason)["notice"] == "deployment.assignment_planned"
    with translation.override("ru"):
        assert "методу наибольшего остатка" in assignment.reason_text
    assert "largest remainder method" in assignment.reason_text


def test_a_failed_jobs_reason_reads_in_the_language_of_whoever_looks(staffed, client, django_user_model):
    job = PlanningJob.objects.create(mission=staffed, kind="plan_deployment", status=JobStatus.FAILED)
    PlanningJob.objects.filter(pk=job.pk).update(error=notice_dumps("jobs.database_down"))
    from tests.factories import MembershipFactory, ObserverFactory, UserFactory

    user = UserFactory(username="planner")
    MembershipFactory(
        mission=staffed,
        observer=ObserverFactory(mission=staffed, user=user),
        role=MemberRole.CORE_TEAM,
        core_function="lto_coordinator",
    )
    client.force_login(user)
    url = reverse("deployment:job-status", args=[staffed.slug, job.pk])

    assert client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()["error"] == "Database unavailable; retrying."
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="ru").json()["error"] == "База данных недоступна; повторная попытка."
    page = client.get(reverse("deployment:planning", args=[staffed.slug]), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "База данных недоступна" in page and "notice" not in page


def test_a_job_refused_while_the_broker_is_down_says_so_in_russian(
    staffed, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError as BrokerError

    from deployment.tasks import planning_job_run

    def down(*args, **kwargs):
        raise BrokerError("Connection refused.")

    monkeypatch.setattr(planning_job_run, "apply_async", down)
    with django_capture_on_commit_callbacks(execute=True):
        job = planning_job_start(actor=system_actor(staffed), mission=staffed, kind="form_teams", parameters={})
    job.refresh_from_db()

    with translation.override("ru"):
        assert job.dispatch_error_text.startswith("Очередь задач сейчас недоступна.")
    assert russian(notice_text(job.dispatch_error, "ru")) and not russian(job.dispatch_error_text)
