"""Planning on a real Celery worker over Redis and PostgreSQL (run in CI; skipped without them)."""

import time

import pytest

from access import system_actor
from deployment.choices import JobStatus
from deployment.models import PlanningJob, TeamAssignment
from deployment.services import planning_job_start
from observers.choices import MemberRole
from observers.models import Team
from tests.deployment.builders import geography, roster

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def planning_worker(transactional_db, settings, tmp_path):
    """A real worker on a queue of its own; the app sends planning jobs there (not eagerly) during the test."""
    import os
    import uuid

    from config.celery import app
    from tests.conftest import REQUIRE_SERVICES
    from tests.reports.conftest import Worker, _database_url

    if not os.environ.get("REDIS_URL"):
        pytest.skip("needs Redis (set REDIS_URL)")
    if not _database_url():
        if REQUIRE_SERVICES:
            pytest.fail("real-worker tests need PostgreSQL (set DATABASE_URL)")
        pytest.skip("real-worker tests need PostgreSQL: a worker cannot open the in-memory SQLite test database")
    queue = f"eom-deployment-test-{uuid.uuid4().hex[:8]}"
    settings.DEPLOYMENT_TASK_QUEUE = queue
    was_eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    worker = Worker(queue=queue, media_root=tmp_path / "media", extra_env={}, log_path=tmp_path / "worker.log")
    worker.start()
    yield worker
    worker.stop()
    app.conf.task_always_eager = was_eager
    with app.connection_for_write() as connection:
        connection.default_channel.queue_delete(queue)


def _wait(job, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            return job
        time.sleep(0.3)
    raise AssertionError(f"job {job.pk} stayed {job.status} at {job.progress}%")


def test_formation_and_planning_run_on_a_real_worker(planning_worker, mission):
    geography(mission, {"North": [(40, 0.5), (30, 0.2)], "South": [(50, 0.3)]}, neighbours=[("North", "South")])
    roster(mission, 4, role=MemberRole.LTO)
    roster(mission, 12)
    formation = _wait(
        planning_job_start(actor=system_actor(mission), mission=mission, kind="form_teams", parameters={"kind": "all"})
    )
    assert formation.status == JobStatus.DONE, formation.error
    assert formation.summary["teams_formed"] == 8
    plan = _wait(planning_job_start(actor=system_actor(mission), mission=mission, kind="plan_deployment"))
    assert plan.status == JobStatus.DONE, plan.error
    assert plan.progress == 100 and plan.started_at and plan.finished_at
    assert TeamAssignment.objects.count() == Team.objects.filter(kind="sto").count() == 6
    assert PlanningJob.objects.filter(status=JobStatus.DONE).count() == 2
