"""Station lists and rosters imported in the background from the admin: the request keeps the file on a queued job,
the worker checks and writes it (all rows or none), the job's page tells how it went; a coordinator of another
mission neither starts an import here nor reads one."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from access import system_actor
from jobs.choices import JobStatus
from jobs.notices import notice_texts
from missions.import_jobs import station_imports, stations_import_start
from missions.models import PollingStation, Region, StationImport
from observers.import_jobs import roster_imports
from observers.models import Membership, Observer, RosterImport
from tests.factories import MissionFactory, PollingStationFactory, RegionFactory, TecFactory, core_team_user

pytestmark = pytest.mark.django_db

STATIONS = "region,tec,number,address\nAkmola,Lenin TEC,1,Abay st. 1\nAkmola,Lenin TEC,2,Abay st. 2\n"
ROSTER = (
    "full_name,gender,nationality,email,role\n"
    "Anna Berg,F,SE,anna.berg@example.org,STO\n"
    "Jan Novak,male,CZ,jan.novak@example.org,STO\n"
)
KINDS = {
    "stations": ("missions_pollingstation", StationImport, station_imports, STATIONS, {"create_geography": "on"}),
    "roster": ("observers_membership", RosterImport, roster_imports, ROSTER, {}),
}


@pytest.fixture
def coordinator(mission):
    return core_team_user(mission, "coordinator", "lto_coordinator")


@pytest.fixture
def other_coordinator():
    other = MissionFactory(slug="ua-2019", name="Ukraine 2019")
    return core_team_user(other, "other_coordinator", "lto_coordinator")


def _post(client, kind: str, mission, text: str):
    prefix, _model, _lifecycle, _good, options = KINDS[kind]
    upload = SimpleUploadedFile(f"{kind}.csv", text.encode())
    return client.post(reverse(f"admin:{prefix}_import"), {"mission": mission.pk, "file": upload, **options})


def _job_url(kind: str, job) -> str:
    return reverse(f"admin:{KINDS[kind][0]}_import_job", args=[job.pk])


def _imported(mission) -> tuple[int, int]:
    return PollingStation.objects.filter(mission=mission).count(), Observer.objects.filter(mission=mission).count()


@pytest.mark.parametrize("kind", KINDS)
def test_the_request_queues_the_kept_file_and_the_worker_imports_it(client, coordinator, mission, kind, monkeypatch):
    _prefix, model, lifecycle, good, _options = KINDS[kind]
    before = _imported(mission)
    client.force_login(coordinator)

    def no_parsing_here(*args, **kwargs):
        raise AssertionError("the request read the file")

    with monkeypatch.context() as patched:
        patched.setattr(f"{'missions' if kind == 'stations' else 'observers'}.imports.read_rows", no_parsing_here)
        response = _post(client, kind, mission, good)  # the commit never comes inside the test: nothing is sent

    job = model.objects.get(mission=mission)
    assert response.status_code == 302 and response.headers["Location"] == _job_url(kind, job)
    assert (job.status, job.outcome, bytes(job.content), job.requested_by) == (
        JobStatus.QUEUED,
        None,
        good.encode(),
        coordinator,
    )
    assert _imported(mission) == before
    page = client.get(_job_url(kind, job)).content.decode()
    assert 'http-equiv="refresh"' in page and '<progress max="100" value="0"' in page

    lifecycle.run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.progress, job.outcome["created"]) == (JobStatus.DONE, 100, 2), job.error
    assert _imported(mission) == ((before[0] + 2, before[1]) if kind == "stations" else (before[0], before[1] + 2))
    page = client.get(_job_url(kind, job)).content.decode()
    assert "2 created, 0 updated, 0 unchanged" in page and 'http-equiv="refresh"' not in page
    listing = client.get(reverse(f"admin:{KINDS[kind][0]}_import")).content.decode()
    assert _job_url(kind, job) in listing


@pytest.mark.parametrize("kind", KINDS)
def test_a_bad_row_fails_the_job_with_every_row_error_and_changes_nothing(
    client, coordinator, mission, kind, django_capture_on_commit_callbacks
):
    _prefix, model, _lifecycle, good, _options = KINDS[kind]
    bad = good.replace(",1,", ",,") if kind == "stations" else good.replace(",SE,", ",XX,").replace(",CZ,", ",YY,")
    before = _imported(mission)
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, kind, mission, bad)

    job = model.objects.get(mission=mission)
    assert job.status == JobStatus.FAILED
    assert job.error_text.startswith("Nothing imported")
    page = client.get(response.headers["Location"]).content.decode()
    for error in notice_texts(job.outcome["errors"]):
        assert error.startswith("row ")
        assert escape(error) in page
    # Each reader reads them in their own language, however long after the import.
    russian = client.get(response.headers["Location"], HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    for error in notice_texts(job.outcome["errors"], "ru"):
        assert error.startswith("строка ")
        assert escape(error) in russian
    assert len(job.outcome["errors"]) == (1 if kind == "stations" else 2)
    assert _imported(mission) == before
    assert not Region.objects.filter(mission=mission).exists()


@pytest.mark.parametrize("kind", KINDS)
def test_a_coordinator_of_another_mission_neither_starts_nor_reads_an_import_here(
    client, mission, other_coordinator, kind, django_capture_on_commit_callbacks
):
    _prefix, model, lifecycle, good, _options = KINDS[kind]
    ours = model.objects.create(mission=mission, filename="ours.csv", content=good.encode())
    before = _imported(mission)
    client.force_login(other_coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        forged = _post(client, kind, mission, good)  # our mission's id in their form
    page = client.get(_job_url(kind, ours))  # our job's id
    listing = client.get(reverse(f"admin:{KINDS[kind][0]}_import")).content.decode()

    assert forged.status_code == 200 and "Select a valid choice" in forged.content.decode()
    assert page.status_code == 404
    assert _job_url(kind, ours) not in listing
    assert list(model.objects.all()) == [ours]
    ours.refresh_from_db()
    assert (ours.status, ours.attempts, ours.outcome) == (JobStatus.QUEUED, 0, None)
    assert _imported(mission) == before


def test_the_station_service_refuses_an_actor_of_another_mission(mission, other_coordinator):
    from django.core.exceptions import PermissionDenied

    from access import actor_for

    other = Membership.objects.get(observer__user=other_coordinator).mission
    with pytest.raises(PermissionDenied):
        stations_import_start(
            actor=actor_for(other_coordinator, other), mission=mission, upload=STATIONS.encode(), filename="s.csv"
        )
    assert not StationImport.objects.exists()


def test_a_station_import_updates_existing_stations_as_the_command_does(mission, monkeypatch):
    region = RegionFactory(mission=mission, name="Akmola")
    tec = TecFactory(mission=mission, region=region, code="Lenin TEC")
    PollingStationFactory(mission=mission, region=region, tec=tec, number="1")
    job = stations_import_start(
        actor=system_actor(mission),
        mission=mission,
        upload=STATIONS.replace("address", "Street").encode(),
        filename="stations.csv",
        columns={"address": "Street"},
    )
    told = []
    record = station_imports.progress
    monkeypatch.setattr(
        station_imports, "progress", lambda job_id, percent: (told.append(percent), record(job_id, percent))
    )

    station_imports.run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error_text
    assert told == [1, 60]  # started, then every row checked; done is 100
    assert (job.outcome["created"], job.outcome["updated"]) == (1, 1)
    assert job.options == {"create_geography": False, "columns": {"address": "Street"}}
    assert job.requested_by is None  # a command's: run as the system Actor
    assert PollingStation.objects.get(region=region, number="1").address == "Abay st. 1"


def test_with_the_broker_down_the_import_waits_queued_with_a_message_and_the_watchdog_sends_it(
    client, coordinator, mission, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError as BrokerError

    from jobs.lifecycle import watchdog_all
    from observers.tasks import roster_import_run

    real = roster_import_run.apply_async

    def down(*args, **kwargs):
        raise BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    client.force_login(coordinator)
    monkeypatch.setattr(roster_import_run, "apply_async", down)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, "roster", mission, ROSTER)

    job = RosterImport.objects.get(mission=mission)
    assert response.status_code == 302 and job.status == JobStatus.QUEUED and job.dispatched_at is None
    page = client.get(response.headers["Location"]).content.decode()
    assert "The task queue is not reachable right now" in page
    assert not Observer.objects.filter(mission=mission, email="anna.berg@example.org").exists()

    monkeypatch.setattr(roster_import_run, "apply_async", real)
    assert watchdog_all()["observers.RosterImport"]["resent"] == [job.pk]
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.outcome["created"] == 2
