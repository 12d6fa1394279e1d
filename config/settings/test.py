"""Test settings: fast hashing, no throttling surprises; database and broker still come from the environment."""

import os

from .base import *  # noqa: F401,F403
from .base import BROKER_DIR, CELERY_BROKER_TRANSPORT_OPTIONS, REDIS_URL, REST_FRAMEWORK

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AXES_ENABLED = False
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute", "user": "100000/minute"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests run tasks in-process unless a test starts a real worker (tests/workers.py, celery_worker marker): that worker
# is started with EOM_TEST_QUEUE, and whatever it sends itself (the watchdog at start) goes to its own queue too.
_TEST_QUEUE = os.environ.get("EOM_TEST_QUEUE", "")
CELERY_TASK_ALWAYS_EAGER = not _TEST_QUEUE
CELERY_TASK_DEFAULT_QUEUE = _TEST_QUEUE or "eom-test"
if _TEST_QUEUE:
    CELERY_TASK_ROUTES = {"*": {"queue": _TEST_QUEUE}}
# Report compilation: a test may slow the first attempt (seconds) to kill its worker mid-compilation.
# Declared in base.py (0 there); a worker started by a test reads its delay from the environment.
REPORTS_COMPILE_DELAY = float(os.environ.get("EOM_REPORTS_COMPILE_DELAY", "0"))
# Mail stays in django.core.mail.outbox, also for the browser tests' live server.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# A parallel run (pytest-xdist, `make test`): each worker process has its own test database (pytest-django adds the
# worker's name to it), and here its own broker, so no worker reads another's messages: on Redis every key carries
# the worker's name; on the embedded broker each worker has its own folders. Real Celery workers started by a test
# inherit PYTEST_XDIST_WORKER, and are given the test's own broker folder (EOM_BROKER_DIR), so they agree.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _XDIST_WORKER and REDIS_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS = {**CELERY_BROKER_TRANSPORT_OPTIONS, "global_keyprefix": f"{_XDIST_WORKER}:"}
elif _XDIST_WORKER and "EOM_BROKER_DIR" not in os.environ:
    BROKER_DIR = BROKER_DIR / _XDIST_WORKER
    for _folder in ("messages", "control"):
        (BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,
        "data_folder_in": str(BROKER_DIR / "messages"),
        "data_folder_out": str(BROKER_DIR / "messages"),
        "control_folder": str(BROKER_DIR / "control"),
    }
