"""Shared fixtures: the services a test needs are used when configured, skipped (or, in CI, required) otherwise."""

import contextlib
import fcntl
import hashlib
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from django.conf import settings

from tests.once import MODULE_TESTS

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
    modules = config.stash.setdefault(MODULE_TESTS, {})
    for item in items:
        if module := getattr(item, "module", None):
            modules.setdefault(module.__name__, []).append(item)
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(pytest.mark.skipif(not REQUIRE_SERVICES, reason="needs PostgreSQL (set DATABASE_URL)"))
        if "browser" in item.keywords and not shutil.which("chromium"):
            item.add_marker(pytest.mark.skipif(not REQUIRE_SERVICES, reason="needs chromium (make browser)"))


def _on_sqlite() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")


def _migrations_key() -> str:
    """A digest of everything the migrated schema depends on: Django, the installed apps and their migrations.

    (An app without migrations gets its tables from its models, so its models module stands in for them.)
    """
    import importlib.util

    import django
    from django.apps import apps

    digest = hashlib.sha256(f"{django.__version__} {sqlite3.sqlite_version} {settings.AUTH_USER_MODEL}".encode())
    for app in apps.get_app_configs():
        digest.update(f"app {app.label} {app.name}".encode())
        spec = importlib.util.find_spec(f"{app.name}.migrations")
        if spec and spec.submodule_search_locations:
            files = sorted(path for folder in spec.submodule_search_locations for path in Path(folder).glob("*.py"))
        else:
            files = [Path(app.models_module.__file__)] if app.models_module else []
        for path in files:
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _migrated_template(folder: Path, django_db_blocker) -> Path:
    """An SQLite file with every migration applied, built by the first test process that needs it.

    Kept between runs under its digest of the migrations (a changed migration builds a new one); other processes
    wait for the one building it and then copy it.
    """
    from django.db import connection

    folder.mkdir(parents=True, exist_ok=True)
    template = folder / f"migrated-{_migrations_key()}.sqlite3"
    with open(folder / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if template.exists():
            return template
        building = folder / f"building-{os.getpid()}.sqlite3"
        database = settings.DATABASES["default"]
        test_settings = database.setdefault("TEST", {})
        name, test_name = database["NAME"], test_settings.get("NAME")
        test_settings["NAME"] = str(building)
        with django_db_blocker.unblock():
            connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
            connection.creation.destroy_test_db(name, verbosity=0, keepdb=True)  # closes it, keeps the file
        test_settings["NAME"] = test_name
        with contextlib.closing(sqlite3.connect(building)) as built:
            built.execute("PRAGMA journal_mode=DELETE")  # everything in the one file, ready to copy
        for old in [*folder.glob("migrated-*.sqlite3"), *folder.glob("kept-*.sqlite3")]:
            old.unlink()
        building.replace(template)
    return template


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix, django_db_use_migrations, django_db_blocker, request, tmp_path_factory
):
    """On SQLite, each test process's database is a file copied from one migrated template.

    Running every migration costs most of a minute of processor time; the template is built once (and kept between
    runs until a migration changes), and `django_db_keepdb` below then only checks that nothing is left to migrate.
    A file also lets the real workers some tests start (celery_worker marker) open the same database.
    """
    if not _on_sqlite():
        return
    if not django_db_use_migrations:  # --no-migrations: a database in memory, in a file only for real workers
        if any(item.get_closest_marker("celery_worker") for item in request.session.items):
            settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = str(
                tmp_path_factory.mktemp("database") / "test.sqlite3"
            )
        return
    cache = getattr(request.config, "cache", None)
    folder = cache.mkdir("eom-test-database") if cache else tmp_path_factory.getbasetemp().parent / "database"
    template = _migrated_template(Path(folder), django_db_blocker)
    database = tmp_path_factory.mktemp("database") / "test.sqlite3"
    shutil.copyfile(template, database)
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = str(database)
    request.config.stash[MIGRATED_TEMPLATE] = template


MIGRATED_TEMPLATE = pytest.StashKey[Path]()


class SqliteFiles:
    """The test database as a file: replaced by another (the migrated template, or a state kept by a test)."""

    def __init__(self, template: Path):
        self.template = template
        self.folder = template.parent
        self.key = template.stem.removeprefix("migrated-")

    @staticmethod
    def _database() -> Path:
        from django.db import connection

        return Path(connection.settings_dict["NAME"])

    def kept(self, name: str) -> Path:
        """Where a state of the database named `name` is kept, for these migrations (dropped when they change)."""
        return self.folder / f"kept-{self.key}-{name}.sqlite3"

    def save(self, kept: Path) -> None:
        """Keep the database as it is now (no transaction open) under `kept`, for the next runs."""
        from django.db import connection

        connection.close()
        building = kept.with_name(f"building-{os.getpid()}.sqlite3")
        shutil.copyfile(self._database(), building)
        building.replace(kept)

    def load(self, source: Path) -> None:
        """Make the test database a copy of `source` (no transaction open; the connection is opened again on use)."""
        from django.db import connection

        connection.close()
        database = self._database()
        for suffix in ("-wal", "-shm"):
            database.with_name(database.name + suffix).unlink(missing_ok=True)
        shutil.copyfile(source, database)


@pytest.fixture(scope="session")
def sqlite_files(request, django_db_setup) -> SqliteFiles | None:
    """On SQLite with migrations (a file copied from the migrated template), that file's helper; else None."""
    template = request.config.stash.get(MIGRATED_TEMPLATE, None)
    return SqliteFiles(template) if template is not None and _on_sqlite() else None


@pytest.fixture(scope="session")
def django_db_keepdb(request, django_db_use_migrations):
    """On SQLite the copied template is the database: keep it (it is a file in this run's temporary folder)."""
    return (_on_sqlite() and django_db_use_migrations) or request.config.getvalue("reuse_db")


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
    from tests.factories import kazakhstan_2019

    return kazakhstan_2019()


@pytest.fixture(autouse=True)
def site_language_after_each_test():
    """A request in Russian leaves its language active on the thread; every test starts in the site's language."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
