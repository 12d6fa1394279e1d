"""Benchmarks: production-like (no debug, real password hashing) over plain HTTP on loopback, with a trivial endpoint.

`make bench` serves this with gunicorn; ROOT_URLCONF adds /bench/ping/ (the limit of the stack) to the real URLs.
"""

import os

from .base import *  # noqa: F401,F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = os.environ.get("EOM_BENCH_URLCONF", "config.urls_bench")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
