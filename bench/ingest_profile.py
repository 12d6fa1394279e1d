"""The CPU one form costs to record, in process: the ingest benchmark's request, without HTTP and without clients.

    DJANGO_SETTINGS_MODULE=config.settings.bench DATABASE_URL=postgres://postgres@127.0.0.1:5432/eom_bench \
        .venv/bin/python -m bench.ingest_profile [--forms 300] [--clients 16] [--profile out.prof]

It posts new voting forms as JSON to /m/<mission>/submissions/ straight through Django's WSGI handler (the same
middleware, session, CSRF check and view as a gunicorn worker), logged in as the benchmark mission's STO teams, on
the ingest benchmark's mission (`make bench BENCH_ARGS="--only ingest"` makes it). Printed per form: the Python CPU
of this process, the CPU of its PostgreSQL backend (from /proc, so on the same machine only), the wall time and the
statements Django ran. CPU is what bounds the benchmark's throughput on a busy machine; wall time is not. With
--profile, cProfile counts CPU time (not wall time) and the top of both orders is printed.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import sys
import time

WARM_UP_FORMS = 40


def _backend_cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _poster(path: str):
    from django.core.handlers.wsgi import WSGIHandler

    application = WSGIHandler()

    def post(client, body: bytes) -> tuple[str, bytes]:
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": path,
            "SCRIPT_NAME": "",
            "QUERY_STRING": "",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_ACCEPT": "application/json",
            "HTTP_COOKIE": client.cookie,
            "HTTP_X_CSRFTOKEN": client.csrf,
            "HTTP_HOST": "127.0.0.1",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "wsgi.version": (1, 0),
        }
        statuses = []
        result = application(environ, lambda status, headers, exc_info=None: statuses.append(status))
        content = b"".join(result)
        result.close()
        return statuses[0], content

    return post


def run(*, forms: int, clients: int, slug: str, profile: str | None) -> dict:
    from django.db import connection

    from bench.bench_ingest import _payload_factory, _session_clients
    from bench.data import dataset_describe
    from missions.models import Mission

    dataset = dataset_describe(Mission.objects.get(slug=slug))
    logins = _session_clients(dataset, clients)
    make = _payload_factory(dataset, 77)
    rng = random.Random(time.time_ns())
    post = _poster(f"/m/{slug}/submissions/")
    for number in range(WARM_UP_FORMS):  # imports, per-process caches and the connection
        status, content = post(logins[number % clients], make(rng, logins[number % clients])[1])
        if not status.startswith("201"):
            raise RuntimeError(f"warm-up form refused: {status} {content[:300]!r}")
    bodies = [(logins[number % clients], make(rng, logins[number % clients])[1]) for number in range(forms)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend_pid = cursor.fetchone()[0]
    statements = [0]

    def count(execute, sql, params, many, context):
        statements[0] += 1
        return execute(sql, params, many, context)

    profiler = cProfile.Profile(time.process_time) if profile else None
    backend_before = _backend_cpu_seconds(backend_pid)
    cpu_before, wall_before = time.process_time(), time.perf_counter()
    with connection.execute_wrapper(count):
        if profiler:
            profiler.enable()
        for client, body in bodies:
            status, content = post(client, body)
            if not status.startswith("201"):
                raise RuntimeError(f"form refused: {status} {content[:300]!r}")
        if profiler:
            profiler.disable()
    cpu, wall = time.process_time() - cpu_before, time.perf_counter() - wall_before
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        if cursor.fetchone()[0] != backend_pid:
            raise RuntimeError("the database connection changed during the run: its backend's CPU is unknown")
    backend = _backend_cpu_seconds(backend_pid) - backend_before
    if profiler:
        profiler.dump_stats(profile)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
    return {
        "forms": forms,
        "python_cpu_ms": round(cpu / forms * 1000, 2),
        "backend_cpu_ms": round(backend / forms * 1000, 2),
        "wall_ms": round(wall / forms * 1000, 2),
        "statements": round(statements[0] / forms, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--forms", type=int, default=300)
    parser.add_argument("--clients", type=int, default=16, help="STO teams posting in turn (their own sessions)")
    parser.add_argument("--slug", default="bench-ingest-10000", help="the ingest benchmark's mission")
    parser.add_argument("--profile", help="write cProfile statistics (CPU time) here and print their top")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")
    os.environ.setdefault("DATABASE_CONN_MAX_AGE", "600")  # one connection throughout, as in a gunicorn worker
    import django

    django.setup()
    figures = run(forms=args.forms, clients=args.clients, slug=args.slug, profile=args.profile)
    print(
        f"{figures['forms']} forms: Python CPU {figures['python_cpu_ms']} ms/form, PostgreSQL backend CPU "
        f"{figures['backend_cpu_ms']} ms/form, wall {figures['wall_ms']} ms/form, "
        f"{figures['statements']} statements/form (BEGIN, COMMIT and health checks not counted)"
    )


if __name__ == "__main__":
    main()
