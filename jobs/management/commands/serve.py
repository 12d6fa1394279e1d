"""Serve the product in its production shape on one machine: the web server, a Celery worker and beat, together."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

# How long the processes get to stop on their own before they are killed. A running compilation is not awaited: the
# worker's cold shutdown gives its message back to the broker, and the next worker compiles the run again.
STOP_GRACE_SECONDS = 15


def _die_with_parent() -> None:
    """In the child before exec: ask Linux to send SIGTERM when this command dies, even by SIGKILL (no orphans)."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _signal(pid: int, signum: int) -> None:
    """Send a signal to a process (a negative pid: its whole process group), if it is still there."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signum)


class Command(BaseCommand):
    help = (
        "Serve the web site with a real Celery worker and beat on the configured broker (the embedded filesystem "
        "broker under var/ unless REDIS_URL is set). Ctrl-C stops all three; if one stops, the others are stopped."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000", help="Where the web server listens.")
        parser.add_argument("--concurrency", type=int, default=2, help="Worker processes (default 2).")

    def handle(self, *args, addrport: str, concurrency: int, **options):
        if settings.CELERY_TASK_ALWAYS_EAGER:
            self.stderr.write("EOM_TASKS_IN_PROCESS is set: tasks run inside the web requests, not on the worker.")
        celery = str(Path(sys.executable).with_name("celery"))
        queues = ",".join(settings.WORKER_QUEUES)
        commands = {
            # No reloading on code changes: the worker would go on running the old code.
            "web": [sys.executable, "manage.py", "runserver", "--noreload", addrport],
            "worker": [celery, "-A", "config", "worker", "--queues", queues, "--concurrency", str(concurrency)]
            + ["--hostname", "worker@%h", "--loglevel", "INFO"],
            "beat": [celery, "-A", "config", "beat", "--loglevel", "INFO"],
        }
        stopping = False

        def stop_requested(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop_requested)
        signal.signal(signal.SIGTERM, stop_requested)
        processes: dict[str, subprocess.Popen] = {}
        exit_code = 0
        try:
            for name, command in commands.items():
                # A session of its own: the terminal's Ctrl-C reaches this command only, which stops each in turn.
                processes[name] = subprocess.Popen(  # noqa: S603 (this interpreter and its celery, fixed arguments)
                    command, cwd=settings.BASE_DIR, start_new_session=True, preexec_fn=_die_with_parent
                )
            broker = settings.CELERY_BROKER_URL.split("@")[-1]
            self.stdout.write(
                f"Web server on http://{addrport}/, worker on queues {queues}, beat; broker {broker}. "
                "Ctrl-C stops all three."
            )
            while not stopping:
                exited = [(name, process) for name, process in processes.items() if process.poll() is not None]
                if exited:
                    name, exit_code = exited[0][0], exited[0][1].returncode
                    self.stderr.write(f"The {name} process stopped (exit code {exit_code}): stopping the others.")
                    break
                time.sleep(0.3)
        finally:
            self._stop(processes)
        if exit_code:
            sys.exit(exit_code)

    def _stop(self, processes: dict[str, subprocess.Popen]) -> None:
        """Stop each process (the worker without waiting for its task), then SIGKILL the group of any straggler."""
        running = {name: process for name, process in processes.items() if process.poll() is None}
        for name, process in running.items():
            if name == "worker":
                # Celery's cold shutdown: it stops its own pool at once.
                _signal(process.pid, signal.SIGQUIT)
            else:
                _signal(-process.pid, signal.SIGTERM)
        if running:
            with contextlib.suppress(OSError):  # the terminal may be gone: stop the processes all the same
                self.stdout.write(f"Stopping {', '.join(running)} (the worker takes a few seconds)...")
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for process in running.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal(-process.pid, signal.SIGKILL)
                process.wait()
        for process in processes.values():
            # Pool processes left behind by a worker that died first.
            _signal(-process.pid, signal.SIGKILL)
