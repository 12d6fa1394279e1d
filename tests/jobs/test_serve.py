"""`manage.py serve` (what `make run` serves): web server, worker and beat start together and stop together."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _descendants(pid: int) -> set[int]:
    """Every process below `pid`, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry.name))
    found, stack = set(), [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.add(child)
            stack.append(child)
    return found


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(pid)
    return alive


def _wait_until(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def serve(tmp_path):
    """Start `manage.py serve` on a free port with its own var/ folder; yields (process, port, log path)."""
    if not sys.platform.startswith("linux"):
        pytest.skip("reads /proc")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "DATABASE_URL")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.local", EOM_VAR_DIR=str(tmp_path / "var"))
    log_path = tmp_path / "serve.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "serve", f"127.0.0.1:{port}", "--concurrency", "1"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process, port, log_path
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _started(process, port, log_path) -> set[int]:
    """Wait until the web server answers and the worker and beat report ready; the processes below serve."""

    def web_answers():
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/no-such-page/", timeout=2)
        except urllib.error.HTTPError:
            return True
        except OSError:
            return False
        return True

    _wait_until(web_answers, 60, "the web server")
    _wait_until(lambda: " ready." in log_path.read_text() and "beat: Starting" in log_path.read_text(), 60, "celery")
    below = _alive(_descendants(process.pid))
    commands = {Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode() for pid in below}
    assert any("runserver" in command for command in commands), commands
    assert any(" worker " in command for command in commands), commands
    assert any(" beat " in command for command in commands), commands
    return below


def test_ctrl_c_stops_the_web_server_the_worker_and_beat_and_leaves_no_process(serve):
    process, port, log_path = serve
    below = _started(process, port, log_path)
    process.send_signal(signal.SIGINT)  # what Ctrl-C in the terminal sends
    assert process.wait(timeout=40) == 0
    _wait_until(lambda: not _alive(below), 20, "every process to stop")


def test_when_serve_itself_is_killed_its_processes_stop_with_it(serve):
    process, port, log_path = serve
    below = _started(process, port, log_path)
    process.kill()
    process.wait()
    _wait_until(lambda: not _alive(below), 40, "the orphans to stop")
