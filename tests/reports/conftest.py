"""Fixtures for the reports tests: named actors around one mission with generated election-day data."""

import pytest

from observers.choices import CoreFunction, MemberRole
from tests.factories import MembershipFactory, ObserverFactory, UserFactory, odihr_staff, team_with_members

from .data import build_election_day


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    yield


@pytest.fixture
def election_day(mission):
    return build_election_day(mission, forms=80, seed=5)


def member(mission, username, role, core_function=""):
    user = UserFactory(username=username)
    observer = ObserverFactory(user=user, full_name=f"{username.title()} Person")
    MembershipFactory(mission=mission, observer=observer, role=role, core_function=core_function)
    return user


@pytest.fixture
def actors(mission):
    """Named actors: who may and who may not see the mission's statistics."""
    sto_user, lto_user = (
        UserFactory(username="sto"),
        UserFactory(username="lto"),
    )
    team_with_members(mission=mission, code="STO-500", users=(sto_user, None))
    from observers.choices import TeamKind

    team_with_members(mission=mission, kind=TeamKind.LTO, code="LTO-50", users=(lto_user, None))
    return {
        "analyst": member(mission, "analyst", MemberRole.CORE_TEAM, CoreFunction.STATISTICAL_ANALYST),
        "coordinator": member(mission, "coordinator", MemberRole.CORE_TEAM, CoreFunction.LTO_COORDINATOR),
        "head": member(mission, "head", MemberRole.HEAD_OF_MISSION),
        "sto": sto_user,
        "lto": lto_user,
        "outsider": UserFactory(username="outsider"),
        "odihr": odihr_staff("odihr", mission),
    }


def _database_url() -> str:
    """The URL of the test database pytest-django created, for a worker in another process."""
    from urllib.parse import quote

    from django.conf import settings

    database = settings.DATABASES["default"]
    if not database["ENGINE"].endswith("postgresql"):
        return ""
    credentials = quote(database.get("USER") or "")
    if database.get("PASSWORD"):
        credentials += ":" + quote(database["PASSWORD"])
    host = database.get("HOST") or "127.0.0.1"
    port = database.get("PORT") or 5432
    return f"postgres://{credentials}@{host}:{port}/{database['NAME']}"


class Worker:
    """A real `celery -A config worker` process on a dedicated queue, started (and killed) by a test."""

    def __init__(self, *, queue: str, media_root, extra_env: dict, log_path):
        self.queue, self.media_root, self.extra_env, self.log_path = queue, media_root, extra_env, log_path
        self.process = None

    def start(self, timeout: float = 60) -> "Worker":
        import os
        import subprocess
        import sys
        import time
        import uuid
        from pathlib import Path

        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": _database_url(),
            "REDIS_URL": os.environ["REDIS_URL"],
            "DJANGO_MEDIA_ROOT": str(self.media_root),
            **self.extra_env,
        }
        celery = Path(sys.executable).with_name("celery")
        self.log = open(self.log_path, "a")  # noqa: SIM115 (kept open for the worker's life)
        start = self.log.tell()
        self.process = subprocess.Popen(
            [
                str(celery),
                "-A",
                "config",
                "worker",
                "-Q",
                self.queue,
                "-n",
                f"reports-{uuid.uuid4().hex[:8]}@%h",
                "--pool=prefork",
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
            ],
            cwd=Path(__file__).resolve().parents[2],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = Path(self.log_path).read_text()[start:]
            if " ready." in text:
                return self
            if self.process.poll() is not None:
                break
            time.sleep(0.3)
        raise RuntimeError(f"celery worker did not start:\n{Path(self.log_path).read_text()[start:][-3000:]}")

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and its pool) at once."""
        import os
        import signal

        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        import os
        import signal

        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except Exception:  # noqa: BLE001 (a worker that will not stop is killed)
                self.kill()
        self.log.close()


@pytest.fixture
def celery_worker_factory(transactional_db, settings, tmp_path):
    """Start real workers on a dedicated queue; the Celery app sends there (not eagerly) for the test's duration."""
    import os
    import uuid

    from django.conf import settings as django_settings

    from config.celery import app
    from tests.conftest import REQUIRE_SERVICES

    if not os.environ.get("REDIS_URL"):
        pytest.skip("needs Redis (set REDIS_URL)")
    if not _database_url():
        if REQUIRE_SERVICES:
            pytest.fail("real-worker tests need PostgreSQL (set DATABASE_URL)")
        pytest.skip("real-worker tests need PostgreSQL: a worker cannot open the in-memory SQLite test database")
    queue = f"eom-reports-test-{uuid.uuid4().hex[:8]}"
    settings.REPORTS_TASK_QUEUE = queue
    settings.MEDIA_ROOT = tmp_path / "media"
    was_eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    workers = []

    def start(**extra_env) -> Worker:
        worker = Worker(
            queue=queue, media_root=django_settings.MEDIA_ROOT, extra_env=extra_env, log_path=tmp_path / "worker.log"
        )
        workers.append(worker)
        return worker.start()

    yield start
    for worker in workers:
        worker.stop()
    app.conf.task_always_eager = was_eager
    with app.connection_for_write() as connection:
        connection.default_channel.queue_delete(queue)
