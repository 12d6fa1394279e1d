"""Planning on a real Celery worker: Redis and PostgreSQL in CI, the embedded broker and SQLite elsewhere."""

import pytest

from access import system_actor
from deployment.choices import JobStatus
from deployment.models import PlanningJob, TeamAssignment
from deployment.services import planning_job_start
from observers.choices import MemberRole
from observers.models import Team
from tests.deployment.builders import geography, roster
from tests.workers import job_wait

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_formation_and_planning_run_on_a_real_worker(celery_worker_factory, mission):
    celery_worker_factory()
    geography(mission, {"North": [(40, 0.5), (30, 0.2)], "South": [(50, 0.3)]}, neighbours=[("North", "South")])
    roster(mission, 4, role=MemberRole.LTO)
    roster(mission, 12)
    formation = job_wait(
        planning_job_start(actor=system_actor(mission), mission=mission, kind="form_teams", parameters={"kind": "all"})
    )
    assert formation.status == JobStatus.DONE, formation.error
    assert formation.summary["teams_formed"] == 8
    plan = job_wait(planning_job_start(actor=system_actor(mission), mission=mission, kind="plan_deployment"))
    assert plan.status == JobStatus.DONE, plan.error
    assert plan.progress == 100 and plan.started_at and plan.finished_at
    assert TeamAssignment.objects.count() == Team.objects.filter(kind="sto").count() == 6
    assert PlanningJob.objects.filter(status=JobStatus.DONE).count() == 2
