"""Real Celery workers for tests: a `celery -A config worker` process per test, on Redis or the embedded broker.

With REDIS_URL set (CI) the worker uses Redis and PostgreSQL; without it, the embedded default of `make run`: kombu's
filesystem broker in the test's temporary folder and the SQLite test database, which tests/conftest.py keeps in a file
for sessions that start workers. Each test gets a queue of its own, and every task is routed there while it runs.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]


def database_url() -> str:
    """The URL of the test database pytest-django created, for a worker in another process ("" if it cannot)."""
    from django.db import connection

    database = connection.settings_dict
    if database["ENGINE"].endswith("sqlite3"):
        name = str(database["NAME"])
        if not name or name == ":memory:" or "mode=memory" in name:
            return ""
        return f"sqlite:///{name}"
    if not database["ENGINE"].endswith("postgresql"):
        return ""
    credentials = quote(database.get("USER") or "")
    if database.get("PASSWORD"):
        credentials += ":" + quote(database["PASSWORD"])
    host = database.get("HOST") or "127.0.0.1"
    port = database.get("PORT") or 5432
    return f"postgres://{credentials}@{host}:{port}/{database['NAME']}"


def job_wait(job, timeout: float = 90):
    """The job (any jobs.models.BackgroundJob) once a worker has finished it; fails the test after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            return job
        time.sleep(0.3)
    raise AssertionError(f"{job._meta.verbose_name} {job.pk} stayed {job.status} at {job.progress}%")


class Worker:
    """One real worker process, consuming a single queue; started, and killed, by the test."""

    def __init__(self, *, queue: str, env: dict, log_path: Path):
        self.queue, self.env, self.log_path = queue, env, log_path
        self.process: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        return self.process.pid

    def start(self, timeout: float = 60) -> Worker:
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
                f"test-{uuid.uuid4().hex[:8]}@%h",
                "--pool=prefork",
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.log_path.read_text()[start:]
            if " ready." in text:
                return self
            if self.process.poll() is not None:
                break
            time.sleep(0.3)
        raise RuntimeError(f"celery worker did not start:\n{self.log_path.read_text()[start:][-3000:]}")

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and its pool) at once."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        if not self.log.closed:
            self.log.close()


class Workers:
    """Starts workers for one test and points the test process's Celery app at their broker and queue."""

    def __init__(self, *, tmp_path: Path, media_root: Path):
        self.queue = f"eomtest{uuid.uuid4().hex[:8]}"  # no dots: the filesystem broker parses them out of file names
        self.tmp_path, self.media_root = tmp_path, media_root
        self.redis_url = os.environ.get("REDIS_URL", "")
        self.broker_dir = tmp_path / "broker"
        self.started: list[Worker] = []

    @property
    def embedded(self) -> bool:
        return not self.redis_url

    def transport_options(self, messages: Path | None = None) -> dict:
        messages = messages or self.broker_dir / "messages"
        return {
            "data_folder_in": str(messages),
            "data_folder_out": str(messages),
            "control_folder": str(self.broker_dir / "control"),
            "polling_interval": 0.2,
        }

    def __call__(self, **extra_env) -> Worker:
        """Start one more worker on this test's queue (extra_env: e.g. EOM_REPORTS_COMPILE_DELAY="30")."""
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url(),
            "DJANGO_MEDIA_ROOT": str(self.media_root),
            "EOM_BROKER_DIR": str(self.broker_dir),
            "EOM_TEST_QUEUE": self.queue,
            **extra_env,
        }
        worker = Worker(queue=self.queue, env=env, log_path=self.tmp_path / "worker.log")
        self.started.append(worker)
        return worker.start()

    def attach(self) -> None:
        """Send tasks to this test's queue on the workers' broker, instead of running them in the test process."""
        from config.celery import app

        self._saved = (app.conf.task_always_eager, app.conf.task_routes, app.conf.broker_transport_options)
        if self.embedded:
            for folder in ("messages", "control"):
                (self.broker_dir / folder).mkdir(parents=True, exist_ok=True)
            app.conf.broker_transport_options = self.transport_options()
        app.conf.task_always_eager = False
        app.conf.task_routes = {"*": {"queue": self.queue}}
        self._reset(app)

    def detach(self) -> None:
        from config.celery import app

        for worker in self.started:
            worker.kill()  # the test is over: nothing on the worker is worth a graceful shutdown
        if not self.embedded:
            with app.connection_for_write() as connection:
                connection.default_channel.queue_delete(self.queue)
        app.conf.task_always_eager, app.conf.task_routes, app.conf.broker_transport_options = self._saved
        self._reset(app)

    @contextlib.contextmanager
    def broker_down(self):
        """The broker cannot be reached while inside: nothing listens on Redis's port, or the folder is gone."""
        from config.celery import app

        if self.embedded:
            saved = app.conf.broker_transport_options
            app.conf.broker_transport_options = self.transport_options(self.tmp_path / "no-such-folder")
        else:
            saved = app.conf.broker_url
            app.conf.broker_url = "redis://127.0.0.1:1/0"
        self._reset(app)
        try:
            yield
        finally:
            if self.embedded:
                app.conf.broker_transport_options = saved
            else:
                app.conf.broker_url = saved
            self._reset(app)

    @staticmethod
    def _reset(app) -> None:
        """Forget pooled connections and the cached router, so the next message uses the configuration above."""
        app._pool = None
        app.amqp._producer_pool = None
        app.amqp.flush_routes()
        app.amqp.__dict__.pop("router", None)
