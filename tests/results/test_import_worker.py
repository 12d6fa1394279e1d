"""An import of official results on a real Celery worker: Redis and PostgreSQL in CI, the embedded broker and SQLite
elsewhere. The worker reads the file from the job's row, as a worker on another machine sharing the database would."""

import pytest

from access import system_actor
from jobs.choices import JobStatus
from results.import_jobs import results_import_start
from results.models import ResultsVersion, StationResult
from tests.results.builders import MAPPING, as_xlsx, build_cec_world, file_rows
from tests.workers import job_wait

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_a_results_file_is_imported_by_a_real_worker(celery_worker_factory, mission):
    celery_worker_factory()
    world = build_cec_world(mission)
    job = results_import_start(
        actor=system_actor(mission),
        mission=mission,
        upload=as_xlsx(file_rows(world)),
        filename="cec.xlsx",
        mapping=MAPPING,
    )
    job = job_wait(job)
    assert job.status == JobStatus.DONE, job.error_text
    assert job.progress == 100 and job.attempts == 1 and job.worker
    assert job.outcome["version"] == 1 and job.outcome["created"] == 36
    assert ResultsVersion.objects.get(mission=mission).rows == StationResult.objects.count() == 36
