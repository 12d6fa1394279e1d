"""Faults: the broker gone, the database connection dropped mid-request; a clean answer and nothing lost.

The broker outage is simulated by pointing Celery at a closed loopback port (the machine's Redis is shared and is
never stopped). A killed worker during a compilation is covered in tests/reports/test_worker.py.
"""

from __future__ import annotations

import json
import uuid
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection, connections
from django.test import Client
from django.urls import reverse

from reports.choices import RunStatus
from reports.models import ReportRun
from submissions.models import Answer, Submission
from tests.security.conftest import build_world

CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@contextmanager
def broker_unreachable():
    """Celery pointed at a closed port, tasks really sent (not run in-process), as in production."""
    from config.celery import app

    saved = (app.conf.broker_url, app.conf.task_always_eager)

    def use(url, eager):
        app.conf.broker_url = url
        app.conf.task_always_eager = eager
        app._pool = None
        app.amqp._producer_pool = None

    use(CLOSED_PORT_BROKER, False)
    try:
        yield
    finally:
        use(*saved)


@pytest.fixture
def world(mission, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return build_world(mission)


def _form_body(world, **overrides) -> dict:
    from tests.checklists.factories import answers_for

    template = world.own.template
    return {
        "uuid": str(uuid.uuid4()),
        "template": template.pk,
        "polling_station": world.own.station.pk,
        "answers": answers_for(template),
        **overrides,
    }


def _submit(client, world, body):
    url = reverse("observe:submission_collection", args=[world.own.mission.slug])
    return client.post(url, data=json.dumps(body), content_type="application/json")


# ------------------------------------------------------------------------------------------------ broker down


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_observers_still_submit(world):
    client = Client()
    client.force_login(world.users["sto"])
    body = _form_body(world)
    with broker_unreachable():
        response = _submit(client, world, body)
    assert response.status_code == 201, response.content
    stored = Submission.objects.get(uuid=body["uuid"])
    assert stored.answers.exists()


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_coordinators_pages_still_work(world):
    client = Client()
    client.force_login(world.users["coordinator"])
    slug = world.own.mission.slug
    with broker_unreachable():
        for url in (
            reverse("observe:incidents", args=[slug]),
            reverse("observe:submission_collection", args=[slug]),
            reverse("deployment:planning", args=[slug]),
            reverse("reports:mission", args=[slug]),
            reverse("reports:dashboard", args=[slug]),
            reverse("admin:observers_team_changelist"),
        ):
            assert client.get(url).status_code == 200, url


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_a_compilation_request_is_kept_with_a_clear_message(world):
    client = Client()
    client.force_login(world.users["analyst"])
    before = set(ReportRun.objects.values_list("pk", flat=True))
    with broker_unreachable():
        response = client.post(reverse("reports:mission", args=[world.own.mission.slug]), {"kinds": ["voting"]})
    assert response.status_code in (200, 302), response.status_code
    (run,) = ReportRun.objects.exclude(pk__in=before)
    assert run.status == RunStatus.QUEUED
    assert run.dispatched_at is None
    assert "not reachable" in run.dispatch_error_text
    page = client.get(reverse("reports:run", args=[run.pk]))
    assert page.status_code == 200


# ------------------------------------------------------------------------------------------------ database drops


def _writes_after_the_form(sql: str) -> bool:
    """The statement with the last write of a new form: the one writing its tally event. On PostgreSQL that is the
    one statement writing the form, its answers, its revision and the event (data-modifying CTEs, the event last);
    elsewhere the event's own INSERT, after the others in the form's transaction."""
    statement = sql.lstrip().upper()
    return "TALLIES_TALLYEVENT" in statement and statement.startswith(("INSERT", "WITH"))


def _fail_on_answers(execute, sql, params, many, context):
    """Fail the statement with the form's last write: elsewhere the form and its answers are written by then, and the
    transaction that wrote them has not ended; on PostgreSQL the one statement that writes them all fails whole."""
    if _writes_after_the_form(sql):
        raise OperationalError("server closed the connection unexpectedly")
    return execute(sql, params, many, context)


@pytest.mark.django_db(transaction=True)
def test_a_database_error_halfway_through_a_submission_writes_nothing_and_shows_no_traceback(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.users["sto"])
    before = Submission.objects.count()
    body = _form_body(world, notes="Written when the database went away.")
    with connection.execute_wrapper(_fail_on_answers):
        response = _submit(client, world, body)
    assert response.status_code in (500, 503)
    assert b"Traceback" not in response.content and b"OperationalError" not in response.content
    assert Submission.objects.count() == before
    assert not Submission.objects.filter(uuid=body["uuid"]).exists()
    retry = _submit(client, world, body)
    assert retry.status_code == 201  # the observer's outbox resends it and it is stored once, whole
    assert (
        Submission.objects.get(uuid=body["uuid"]).answers.count()
        == Answer.objects.filter(submission__uuid=body["uuid"]).count()
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_connection_killed_mid_request_leaves_no_partial_submission(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.users["sto"])
    before = Submission.objects.count()
    body = _form_body(world)
    killer = connections.create_connection("default")
    killed = []

    def kill_own_backend(execute, sql, params, many, context):
        if not killed and _writes_after_the_form(sql):
            pid = context["connection"].connection.info.backend_pid
            with killer.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            killed.append(pid)
        return execute(sql, params, many, context)

    try:
        with connection.execute_wrapper(kill_own_backend):
            response = _submit(client, world, body)
    finally:
        killer.close()
    assert killed, "the request never reached the end of its writes"
    assert response.status_code in (500, 503)
    assert b"Traceback" not in response.content
    connection.close()
    assert Submission.objects.count() == before
    assert not Submission.objects.filter(uuid=body["uuid"]).exists()
    assert _submit(client, world, body).status_code == 201
    assert Submission.objects.filter(uuid=body["uuid"]).count() == 1
