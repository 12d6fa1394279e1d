"""Shared fixtures: the services a test needs are used when configured, skipped (or, in CI, required) otherwise."""

import os
import shutil

import pytest
from django.conf import settings

REQUIRE_SERVICES = os.environ.get("EOM_REQUIRE_SERVICES") == "1"


def _skip_or_fail(reason: str):
    if REQUIRE_SERVICES:
        pytest.fail(f"required in CI but unavailable: {reason}")
    pytest.skip(reason)


def pytest_report_header(config):
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    broker = "redis" if os.environ.get("REDIS_URL") else "embedded filesystem broker (real-worker tests)"
    browser = shutil.which("chromium") or "absent (browser tests skipped)"
    return [f"eom: database={engine} broker={broker} chromium={browser}"]


def pytest_collection_modifyitems(config, items):
    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(pytest.mark.skipif(not REQUIRE_SERVICES, reason="needs PostgreSQL (set DATABASE_URL)"))
        if "browser" in item.keywords and not shutil.which("chromium"):
            item.add_marker(pytest.mark.skipif(not REQUIRE_SERVICES, reason="needs chromium (make browser)"))


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, request, tmp_path_factory):
    """On SQLite, a session that starts real workers keeps its test database in a file they can open too.

    (Otherwise the test database is in memory, which only this process can see.)
    """
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3") and any(
        item.get_closest_marker("celery_worker") for item in request.session.items
    ):
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("database") / "test.sqlite3")


@pytest.fixture
def celery_worker_factory(transactional_db, settings, tmp_path):
    """Start real Celery workers (tests/workers.py); while the test runs, tasks go to them instead of running here."""
    from tests.workers import Workers, database_url

    if not database_url():
        _skip_or_fail("a real worker cannot open this test database (in-memory SQLite)")
    settings.MEDIA_ROOT = tmp_path / "media"
    workers = Workers(tmp_path=tmp_path, media_root=settings.MEDIA_ROOT)
    workers.attach()
    yield workers
    workers.detach()


@pytest.fixture(scope="module")
def module_transaction(django_db_setup, django_db_blocker):
    """One transaction around a whole test module, rolled back at its end, for data its fixtures build only once.

    Each test still runs in its own savepoint inside it (pytest-django's `db`), so what a test writes is undone
    after it, and the module's data after the module. Only for modules with no transactional test (a transactional
    test's flush would empty the tables under the open transaction).
    """
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture
def mission(db):
    from tests.factories import MissionFactory

    return MissionFactory(slug="kz-2019", name="Kazakhstan 2019")


@pytest.fixture(autouse=True)
def site_language_after_each_test():
    """A request in Russian leaves its language active on the thread; every test starts in the site's language."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
