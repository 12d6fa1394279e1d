"""Before `make bench`: require PostgreSQL and Redis, and create the benchmark database when it is missing.

    DATABASE_URL=postgres://... REDIS_URL=redis://... python -m bench.prepare

Exits with a message saying what is missing; changes nothing but creating the (empty) database.
"""

from __future__ import annotations

import os
import sys
from urllib.parse import urlparse


def _fail(message: str) -> int:
    print(f"make bench: {message}", file=sys.stderr)
    return 2


def database_ensure(url: str) -> str:
    """Create the database named by a PostgreSQL URL if it does not exist; returns what was done."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(url)
    name = config["NAME"]
    connection = psycopg.connect(
        dbname="postgres",
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        autocommit=True,
        connect_timeout=5,
    )
    with connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            return f"database {name} exists"
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return f"database {name} created"


def redis_check(url: str) -> None:
    import redis

    redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5).ping()


def main() -> int:
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if urlparse(database_url).scheme not in ("postgres", "postgresql", "pgsql"):
        return _fail(f"needs PostgreSQL: DATABASE_URL must be a postgres:// URL (it is {database_url or 'unset'!r}).")
    if urlparse(redis_url).scheme not in ("redis", "rediss"):
        return _fail(f"needs Redis: REDIS_URL must be a redis:// URL (it is {redis_url or 'unset'!r}).")
    try:
        done = database_ensure(database_url)
    except Exception as error:  # any driver error: say what failed and stop before the benchmarks
        return _fail(f"cannot reach PostgreSQL at {urlparse(database_url).hostname}: {error}")
    try:
        redis_check(redis_url)
    except Exception as error:  # any client error: say what failed and stop
        return _fail(f"cannot reach Redis at {urlparse(redis_url).hostname}: {error}")
    print(f"make bench: {done}; Redis answers.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
