"""Fixtures built once per test module: the data a module's tests all start from, written once, copied per test."""

import pytest

MODULE_TESTS = pytest.StashKey[dict]()  # module name: its collected tests (tests/conftest.py fills it)


def _uses_database(item) -> bool:
    return bool(item.get_closest_marker("django_db")) or bool({"db", "transactional_db"} & set(item.fixturenames))


def _transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    by_marker = marker is not None and bool(marker.kwargs.get("transaction", marker.args[0] if marker.args else False))
    return by_marker or bool({"transactional_db", "live_server"} & set(item.fixturenames))


def once_per_module(request, fixture: str, build):
    """What `build()` returns, built once for the test module, or None where that would change what a test sees.

    For the module-scoped twin of a function-scoped fixture (`fixture`): the rows are written inside
    `module_transaction`, each test's own writes are undone after it, and the fixture hands each test a deep copy of
    the objects (as Django's setUpTestData does), so no test sees another's changes. None (build per test, as
    before) when a test of the module is transactional, or uses the database without this fixture: it would
    otherwise see rows it did not ask for.
    """
    tests = request.config.stash.get(MODULE_TESTS, {}).get(request.module.__name__)
    if not tests or any(
        _transactional(item) or (_uses_database(item) and fixture not in item.fixturenames) for item in tests
    ):
        return None
    request.getfixturevalue("module_transaction")
    return build()
