"""Ingest through the real HTTP stack: gunicorn with several workers, concurrent observers posting voting forms.

The server is gunicorn serving config.settings.bench on a loopback port against the benchmark database. Two phases
run one after the other on the same server with the same clients and duration:

1. the trivial JSON endpoint /bench/ping/ (the limit of the stack: the same middleware, no work);
2. observers posting voting forms as JSON to /m/<mission>/submissions/ (the page the offline outbox sends to),
   each client logged in as a different STO team, 10 % of posts replaying an earlier form (same UUID, same body).

Reported: requests per second, p50 and p99 latency, errors (anything but 201 for a new form, 200 for a replay),
ingest as a ratio of the trivial endpoint, and whether stored rows equal the number of unique UUIDs sent.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import secrets
import signal
import socket
import string
import subprocess
import sys
import threading
import time
import uuid as uuid_module
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The server runs in the production shape the README documents (`gunicorn config.wsgi --workers 4`: synchronous
# workers, one request at a time each, for two cores); --threads N above 1 measures gunicorn's threaded workers.
SCALES = {
    "tiny": {"clients": 8, "seconds": 3.0, "warmup": 1.0, "workers": 2, "threads": 1, "forms": 200},
    "standard": {"clients": 32, "seconds": 30.0, "warmup": 3.0, "workers": 4, "threads": 1, "forms": 10_000},
    "large": {"clients": 32, "seconds": 30.0, "warmup": 3.0, "workers": 4, "threads": 1, "forms": 10_000},
}
REPLAY_SHARE = 0.10
REQUEST_TIMEOUT = 30.0
MAX_REQUESTS_PER_CLIENT = 200_000  # a hard bound whatever the duration


@dataclass
class Phase:
    """What the clients saw in one phase."""

    name: str
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        ordered = sorted(self.latencies)

        def percentile(share: float) -> float | None:
            if not ordered:
                return None
            return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000, 1)

        return {
            "requests": len(ordered),
            "seconds": round(self.seconds, 2),
            "throughput": round(len(ordered) / self.seconds, 1) if self.seconds else 0.0,
            "p50_ms": percentile(0.50),
            "p99_ms": percentile(0.99),
            "errors": self.errors,
            "statuses": dict(sorted(self.statuses.items())),
            "error_samples": self.error_samples[:5],
        }


def server_shape(workers: int, threads: int) -> str:
    if threads > 1:
        return f"{workers} gthread workers x {threads} threads"
    return f"{workers} sync workers"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    """The URL of the database Django is connected to now (the test database inside the test suite)."""
    from django.db import connection

    from bench.data import shared_database_url

    url = shared_database_url()
    if connection.vendor != "postgresql" or url is None:
        raise RuntimeError("the ingest benchmark needs PostgreSQL (gunicorn's processes share the database)")
    return url


class Server:
    """gunicorn serving the bench settings on a loopback port; stopped by its own process id."""

    def __init__(self, *, workers: int, threads: int):
        self.port = _free_port()
        self.workers = workers
        self.threads = threads
        self.process: subprocess.Popen | None = None
        self.log_path = ROOT / "var" / "bench-gunicorn.log"

    def __enter__(self) -> Server:
        environment = dict(os.environ)
        environment.update(
            {
                "DJANGO_SETTINGS_MODULE": "config.settings.bench",
                "DATABASE_URL": database_url(),
                "DATABASE_CONN_MAX_AGE": "600",
                "PYTHONPATH": str(ROOT),
            }
        )
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("w")
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            # One thread: gunicorn's synchronous workers (no keep-alive: a client connects again for each request,
            # as it does behind the reverse proxy); more: its threaded workers.
            "--threads",
            str(self.threads),
            "--keep-alive",
            "75",
            "--log-level",
            "warning",
            "--timeout",
            "120",
        ]
        self.process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log, stderr=log)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}: {self.log_tail()}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/bench/ping/")
                if connection.getresponse().status == 200:
                    connection.close()
                    return self
            except OSError:
                time.sleep(0.2)
        self.__exit__(None, None, None)
        raise RuntimeError(f"gunicorn did not answer within 60 s: {self.log_tail()}")

    def log_tail(self) -> str:
        try:
            return self.log_path.read_text()[-2000:]
        except OSError:
            return ""

    def __exit__(self, *exc) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


@dataclass
class Client:
    """One observer's phone: a keep-alive connection, a session, and the forms it has sent."""

    name: str
    cookie: str = ""
    csrf: str = ""
    team_id: int | None = None
    station_ids: list[int] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)  # every form sent successfully, for replays
    sent_uuids: list[str] = field(default_factory=list)
    new_accepted: int = 0
    replays_accepted: int = 0


def _session_clients(dataset, count: int) -> list[Client]:
    """Log the first `count` STO teams in (a real session each) with a CSRF cookie, as a browser would hold."""
    from django.contrib.auth import get_user_model
    from django.test import Client as DjangoClient

    user_model = get_user_model()
    clients = []
    for username, team_id, station_ids in dataset.team_logins[:count]:
        browser = DjangoClient()
        browser.force_login(user_model.objects.get(username=username))
        csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
        cookie = f"sessionid={browser.cookies['sessionid'].value}; csrftoken={csrf}"
        clients.append(Client(name=username, cookie=cookie, csrf=csrf, team_id=team_id, station_ids=station_ids))
    if len(clients) < count:
        raise RuntimeError(f"the dataset has {len(clients)} STO logins, {count} clients were asked for")
    return clients


def _payload_factory(dataset, seed: int):
    """A function (rng, client) -> JSON body of a new, valid voting form for that client's team."""
    from missions.models import PollingStation
    from synthetic.answers import AnswerMaker

    maker = AnswerMaker(dataset.template, list(dataset.mission.candidates or []))
    voters = dict(PollingStation.objects.filter(mission=dataset.mission).values_list("id", "registered_voters"))
    template_id = dataset.template.pk

    def make(rng: random.Random, client: Client) -> tuple[str, bytes]:
        station = rng.choice(client.station_ids)
        hour = rng.uniform(7.5, 19.5)
        answers = maker.answers(rng, voters=voters[station], hour=hour)
        form_uuid = str(uuid_module.UUID(int=rng.getrandbits(128), version=4))
        body = {
            "uuid": form_uuid,
            "template": template_id,
            "polling_station": station,
            "arrival_time": f"{int(hour):02d}:{int(hour % 1 * 60):02d}",
            "departure_time": f"{int(hour):02d}:{min(59, int(hour % 1 * 60) + rng.randint(0, 10)):02d}",
            "urgent": rng.random() < 0.015,
            "notes": "",
            "answers": answers,
        }
        return form_uuid, json.dumps(body).encode()

    return make


def _drive(phase: Phase, port: int, clients: list, work, seconds: float, lock: threading.Lock) -> None:
    """Run `work(client, connection, stamp) -> (status, ok, detail)` in one thread per client for `seconds`.

    `work` prepares its request, then sets stamp[0] just before sending it: latency covers the request only.
    """
    start_barrier = threading.Barrier(len(clients) + 1)
    deadline_holder: list[float] = []

    def loop(client) -> None:
        latencies: list[float] = []
        statuses: dict[str, int] = {}
        errors = 0
        samples: list[str] = []
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
        start_barrier.wait()
        deadline = deadline_holder[0]
        for _ in range(MAX_REQUESTS_PER_CLIENT):
            if time.perf_counter() >= deadline:
                break
            stamp = [time.perf_counter()]
            try:
                status, ok, detail = work(client, connection, stamp)
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
                status, ok, detail = "connection", False, f"{type(error).__name__}: {error}"
            latencies.append(time.perf_counter() - stamp[0])
            statuses[str(status)] = statuses.get(str(status), 0) + 1
            if not ok:
                errors += 1
                if len(samples) < 3:
                    samples.append(f"{status} {detail}"[:300])
        connection.close()
        with lock:
            phase.latencies.extend(latencies)
            phase.errors += errors
            phase.error_samples.extend(samples)
            for key, value in statuses.items():
                phase.statuses[key] = phase.statuses.get(key, 0) + value

    threads = [threading.Thread(target=loop, args=(client,), daemon=True) for client in clients]
    for thread in threads:
        thread.start()
    deadline_holder.append(time.perf_counter() + seconds)
    began = time.perf_counter()
    start_barrier.wait()
    for thread in threads:
        thread.join(timeout=seconds + REQUEST_TIMEOUT + 30)
    phase.seconds = time.perf_counter() - began


def _ping(client, connection, stamp: list) -> tuple[int, bool, str]:
    stamp[0] = time.perf_counter()
    connection.request("GET", "/bench/ping/", headers={"Accept": "application/json"})
    response = connection.getresponse()
    body = response.read()
    return response.status, response.status == 200, body[:200].decode(errors="replace")


def _submitter(mission_slug: str, make, seed: int):
    path = f"/m/{mission_slug}/submissions/"
    generators: dict[str, random.Random] = {}

    def submit(client: Client, connection, stamp: list) -> tuple[int, bool, str]:
        rng = generators.setdefault(client.name, random.Random(f"{seed}-{client.name}"))
        replay = bool(client.bodies) and rng.random() < REPLAY_SHARE
        if replay:
            form_uuid, body = rng.choice(client.bodies)
        else:
            form_uuid, body = make(rng, client)
            client.sent_uuids.append(form_uuid)
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Cookie": client.cookie,
            "X-CSRFToken": client.csrf,
        }
        stamp[0] = time.perf_counter()
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read()
        expected = 200 if replay else 201
        ok = response.status == expected
        if ok and replay:
            client.replays_accepted += 1
        elif ok:
            client.new_accepted += 1
            client.bodies.append((form_uuid, body))
        return response.status, ok, text[:200].decode(errors="replace")

    return submit


def _forget_ingested(mission) -> int:
    """Remove forms posted by earlier ingest runs (generated forms have no submitter), so runs stay comparable."""
    from submissions.models import Submission
    from submissions.services import submissions_delete

    return submissions_delete(queryset=Submission.objects.filter(mission=mission, submitted_by__isnull=False))


def run(
    scale: str = "standard",
    *,
    seconds: float | None = None,
    clients: int | None = None,
    workers: int | None = None,
    threads: int | None = None,
    seed: int = 2019,
) -> dict:
    """Start gunicorn, measure the trivial endpoint and the form ingest, check exactly-once storage."""
    from django.db import connection

    from bench.data import dataset_ensure
    from bench.settle import database_settle
    from submissions.models import Submission

    size = dict(SCALES[scale])
    if seconds is not None:
        size["seconds"] = seconds
    if clients is not None:
        size["clients"] = clients
    if workers is not None:
        size["workers"] = workers
    if threads is not None:
        size["threads"] = threads
    if connection.vendor != "postgresql":
        return {"skipped": "needs PostgreSQL: gunicorn's worker processes must share the database"}
    dataset = dataset_ensure(forms=size["forms"], slug=f"bench-ingest-{size['forms']}")
    _forget_ingested(dataset.mission)
    database_settle()
    before = Submission.objects.filter(mission=dataset.mission).count()
    lock = threading.Lock()
    make = _payload_factory(dataset, seed)
    submit_clients = _session_clients(dataset, size["clients"])
    ping_clients = [Client(name=f"ping-{n}") for n in range(size["clients"])]
    with Server(workers=size["workers"], threads=size["threads"]) as server:
        # Warm-up: every worker imports and connects before anything is timed.
        _drive(Phase("warm-up"), server.port, ping_clients, _ping, size["warmup"], lock)
        _drive(
            Phase("warm-up"),
            server.port,
            submit_clients,
            _submitter(dataset.mission.slug, make, seed),
            size["warmup"],
            lock,
        )
        ping = Phase("trivial endpoint")
        _drive(ping, server.port, ping_clients, _ping, size["seconds"], lock)
        ingest = Phase("ingest")
        _drive(
            ingest, server.port, submit_clients, _submitter(dataset.mission.slug, make, seed + 1), size["seconds"], lock
        )
        server_log = server.log_tail()
    unique_sent = {form_uuid for client in submit_clients for form_uuid in client.sent_uuids}
    accepted_new = sum(client.new_accepted for client in submit_clients)
    stored_rows = 0
    sent = list(unique_sent)
    for start in range(0, len(sent), 5000):
        stored_rows += Submission.objects.filter(uuid__in=sent[start : start + 5000]).count()
    after = Submission.objects.filter(mission=dataset.mission).count()
    ping_summary, ingest_summary = ping.summary(), ingest.summary()
    ratio = ingest_summary["throughput"] / ping_summary["throughput"] if ping_summary["throughput"] else None
    return {
        "scale": scale,
        "server": f"gunicorn, {server_shape(size['workers'], size['threads'])}, loopback",
        "clients": size["clients"],
        "seconds": size["seconds"],
        "existing_forms": before,
        "trivial": ping_summary,
        "ingest": ingest_summary,
        "ratio_to_trivial": round(ratio, 4) if ratio is not None else None,
        "replays_accepted": sum(client.replays_accepted for client in submit_clients),
        "unique_uuids_sent": len(unique_sent),
        "new_forms_accepted": accepted_new,
        "stored_rows": stored_rows,
        "rows_added": after - before,
        "exactly_once": stored_rows == len(unique_sent) == after - before,
        "server_log": server_log[-500:] if (ingest_summary["errors"] or ping_summary["errors"]) else "",
    }


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="standard")
    parser.add_argument("--seconds", type=float)
    parser.add_argument("--clients", type=int)
    parser.add_argument("--workers", type=int, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, help="threads per gunicorn worker")
    arguments = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")
    import django

    django.setup()
    figures = run(
        arguments.scale,
        seconds=arguments.seconds,
        clients=arguments.clients,
        workers=arguments.workers,
        threads=arguments.threads,
    )
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
