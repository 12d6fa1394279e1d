"""Official results imported in the background: the request keeps the file and queues a job, the worker checks and
writes it, and the job's page tells how it went; only the mission's coordinators start or follow one."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from access import actor_for, system_actor
from jobs.choices import JobStatus
from jobs.notices import notice_texts
from observers.models import Membership
from results.import_jobs import results_import_start, results_imports
from results.models import ResultsImport, ResultsSettings, ResultsVersion, StationResult
from tests.results.builders import MAPPING, as_csv, build_cec_world, file_rows
from tests.results.test_import import build_other_coordinator

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(mission):
    return build_cec_world(mission)


def _post(client, mission, content: bytes, **extra):
    data = {
        "mission": mission.pk,
        "file": SimpleUploadedFile("cec.csv", content, content_type="text/csv"),
        "stage": "preliminary",
        **{f"column_{name}": header for name, header in MAPPING.items()},
        **extra,
    }
    return client.post(reverse("admin:results_resultsversion_import"), data)


def _job_url(job) -> str:
    return reverse("admin:results_resultsversion_import_job", args=[job.pk])


def test_the_request_keeps_the_file_on_a_queued_job_without_reading_it(client, world, monkeypatch):
    def no_parsing_here(*args, **kwargs):
        raise AssertionError("the request read the file")

    monkeypatch.setattr("results.imports.read_rows", no_parsing_here)
    content = as_csv(file_rows(world))
    client.force_login(world.coordinator)

    response = _post(client, world.mission, content)  # the commit never comes inside the test: nothing is sent

    job = ResultsImport.objects.get(mission=world.mission)
    assert response.status_code == 302 and response.headers["Location"] == _job_url(job)
    assert (job.status, job.progress, job.outcome) == (JobStatus.QUEUED, 0, None)
    assert bytes(job.content) == content and job.filename == "cec.csv"
    assert job.requested_by == world.coordinator
    assert job.options["mapping"]["number"] == MAPPING["number"] and job.options["stage"] == "preliminary"
    assert not ResultsVersion.objects.exists()
    page = client.get(_job_url(job)).content.decode()
    assert "Queued" in page and 'http-equiv="refresh"' in page and '<progress max="100" value="0"' in page


def test_the_worker_imports_the_kept_file_and_the_page_shows_the_summary(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, world.mission, as_csv(file_rows(world)), label="CEC, 10 June")

    job = ResultsImport.objects.get(mission=world.mission)
    version = ResultsVersion.objects.get(mission=world.mission)
    assert (job.status, job.progress, job.attempts) == (JobStatus.DONE, 100, 1), job.error
    assert job.outcome["version"] == version.number == 1 and job.outcome["created"] == 36
    assert (version.rows, version.label, version.imported_by) == (36, "CEC, 10 June", world.coordinator)
    page = client.get(response.headers["Location"]).content.decode()
    assert "36 station results imported" in page and 'http-equiv="refresh"' not in page
    # The import page lists it among the recent imports, with a link to its page.
    listing = client.get(reverse("admin:results_resultsversion_import"), {"mission": world.mission.pk}).content
    assert _job_url(job) in listing.decode()


def test_a_file_with_bad_rows_fails_the_job_with_every_row_error_and_changes_nothing(world):
    rows = file_rows(world)
    rows[2][4] = "x"
    rows[9][6] = "y"
    job = results_import_start(
        actor=actor_for(world.coordinator, world.mission),
        mission=world.mission,
        upload=as_csv(rows),
        filename="cec.csv",
        mapping=MAPPING,
        user=world.coordinator,
    )

    results_imports.run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error_text == "Nothing imported: 2 errors."
    assert [error.split(",")[0] for error in notice_texts(job.outcome["errors"])] == ["row 3", "row 10"]
    assert [error.split(",")[0] for error in notice_texts(job.outcome["errors"], "ru")] == ["строка 3", "строка 10"]
    assert not ResultsVersion.objects.exists() and not StationResult.objects.exists()
    assert not ResultsSettings.objects.exists()


def test_the_worker_asks_the_rule_again_for_whoever_queued_the_job(world):
    job = results_import_start(
        actor=actor_for(world.coordinator, world.mission),
        mission=world.mission,
        upload=as_csv(file_rows(world)),
        filename="cec.csv",
        mapping=MAPPING,
        user=world.coordinator,
    )
    # The coordinator left the mission before the worker ran.
    Membership.objects.filter(mission=world.mission, observer__user=world.coordinator).delete()

    results_imports.run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "coordinators" in job.error_text
    assert not ResultsVersion.objects.exists()


def test_a_second_import_waits_for_the_first_and_a_file_over_the_limit_is_not_kept(world, settings):
    actor = system_actor(world.mission)
    content = as_csv(file_rows(world))
    results_import_start(actor=actor, mission=world.mission, upload=content, filename="cec.csv", mapping=MAPPING)
    with pytest.raises(ValidationError, match="still running"):
        results_import_start(actor=actor, mission=world.mission, upload=content, filename="cec.csv")
    ResultsImport.objects.update(status=JobStatus.DONE)
    settings.IMPORT_MAX_BYTES = len(content) - 1
    with pytest.raises(ValidationError, match="the limit is"):
        results_import_start(actor=actor, mission=world.mission, upload=content, filename="cec.csv")
    assert ResultsImport.objects.count() == 1


def test_a_coordinator_of_another_mission_neither_starts_nor_reads_an_import_here(client, world):
    other_coordinator = build_other_coordinator()
    other = Membership.objects.get(observer__user=other_coordinator).mission
    theirs = results_import_start(
        actor=actor_for(other_coordinator, other), mission=other, upload=as_csv(file_rows(world)), filename="ua.csv"
    )
    ours = results_import_start(
        actor=system_actor(world.mission), mission=world.mission, upload=as_csv(file_rows(world)), filename="kz.csv"
    )
    client.force_login(other_coordinator)

    # A forged mission id in the form, and the service asked directly with their Actor.
    response = _post(client, world.mission, as_csv(file_rows(world)))
    with pytest.raises(PermissionDenied):
        results_import_start(
            actor=actor_for(other_coordinator, other), mission=world.mission, upload=b"x", filename="x.csv"
        )
    # A forged job id: our import's page, and the list of recent imports.
    page = client.get(_job_url(ours))
    listing = client.get(reverse("admin:results_resultsversion_import")).content.decode()

    assert response.status_code == 403
    assert page.status_code == 404
    assert _job_url(ours) not in listing and _job_url(theirs) in listing
    assert list(ResultsImport.objects.filter(mission=world.mission)) == [ours]
    ours.refresh_from_db()
    assert (ours.status, ours.filename) == (JobStatus.QUEUED, "kz.csv")
    assert not ResultsVersion.objects.exists()


def test_analysts_neither_start_nor_read_imports(client, world):
    job = results_import_start(
        actor=system_actor(world.mission), mission=world.mission, upload=as_csv(file_rows(world)), filename="kz.csv"
    )
    client.force_login(world.analyst)
    assert client.get(_job_url(job)).status_code in (403, 404)
    with pytest.raises(PermissionDenied):
        results_import_start(
            actor=actor_for(world.analyst, world.mission), mission=world.mission, upload=b"x", filename="x.csv"
        )
    assert ResultsImport.objects.count() == 1


def test_imports_have_their_own_queue():
    routes = settings.CELERY_TASK_ROUTES
    if "*" in routes:
        pytest.skip("a real-worker session routes every task to its own queue")
    for task in ("missions.import_stations", "observers.import_roster", "results.import_results"):
        assert routes[task] == {"queue": "imports"}
    assert "imports" in settings.WORKER_QUEUES
