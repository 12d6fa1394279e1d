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
    broker = "redis" if os.environ.get("REDIS_URL") else "none (tasks in-process)"
    browser = shutil.which("chromium") or "absent (browser tests skipped)"
    return [f"eom: database={engine} broker={broker} chromium={browser}"]


def pytest_collection_modifyitems(config, items):
    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(pytest.mark.skipif(not REQUIRE_SERVICES, reason="needs PostgreSQL (set DATABASE_URL)"))
        if "celery_worker" in item.keywords and not os.environ.get("REDIS_URL"):
            item.add_marker(pytest.mark.skipif(not REQUIRE_SERVICES, reason="needs Redis (set REDIS_URL)"))
        if "browser" in item.keywords and not shutil.which("chromium"):
            item.add_marker(pytest.mark.skipif(not REQUIRE_SERVICES, reason="needs chromium (make browser)"))


@pytest.fixture
def mission(db):
    from tests.factories import MissionFactory

    return MissionFactory(slug="kz-2019", name="Kazakhstan 2019")
