"""Test settings: fast hashing, no throttling surprises; database and broker still come from the environment."""

from .base import *  # noqa: F401,F403
from .base import REST_FRAMEWORK

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AXES_ENABLED = False
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute", "user": "100000/minute"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests run tasks in-process unless a test starts a real worker (tests/workers.py, celery_worker marker): that worker
# is started with EOM_TEST_QUEUE, and whatever it sends itself (the watchdog at start) goes to its own queue too.
_TEST_QUEUE = __import__("os").environ.get("EOM_TEST_QUEUE", "")
CELERY_TASK_ALWAYS_EAGER = not _TEST_QUEUE
CELERY_TASK_DEFAULT_QUEUE = _TEST_QUEUE or "eom-test"
if _TEST_QUEUE:
    CELERY_TASK_ROUTES = {"*": {"queue": _TEST_QUEUE}}
# Report compilation: a test may slow the first attempt (seconds) to kill its worker mid-compilation.
# Declared in base.py (0 there); a worker started by a test reads its delay from the environment.
REPORTS_COMPILE_DELAY = float(__import__("os").environ.get("EOM_REPORTS_COMPILE_DELAY", "0"))
# Mail stays in django.core.mail.outbox, also for the browser tests' live server.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
