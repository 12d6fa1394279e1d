"""The write matrix's completeness: every URL pattern that accepts a write, and every admin model, has a row in the
tables of tests/security/test_write_matrix.py.

Its own module: it probes the URLs as a superuser in a database with one empty mission, while the matrix's tests
share two furnished missions built once for their module.
"""

from __future__ import annotations

import re
import uuid

import pytest
from django.contrib import admin
from django.db import transaction
from django.test import Client

from tests.security.test_permission_matrix import url_patterns
from tests.security.test_write_matrix import ADMIN_WRITES, API_WRITES, NOT_MISSION_DATA, PAGE_WRITES

pytestmark = pytest.mark.django_db


def test_every_write_surface_has_rows_in_the_tables():
    """A pattern that accepts a write (answers anything but 405 to POST, PUT, PATCH or DELETE from a superuser)
    and every admin model must be in the matrix's tables, so a new write surface cannot slip in unchecked."""
    from django.contrib.auth import get_user_model

    from tests.factories import MissionFactory

    MissionFactory()  # a superuser holds a role in every mission: with none, the API would refuse before the method
    root = get_user_model().objects.create_superuser("root", "root@example.org", "correct horse battery")
    client = Client(raise_request_exception=False)
    client.force_login(root)
    missing = []
    for name, route in url_patterns():
        if name.startswith("admin:") or name in API_WRITES or name in PAGE_WRITES or name in NOT_MISSION_DATA:
            continue
        url = _sample_url(route)
        if url is None:
            continue
        for method in ("post", "put", "patch", "delete"):
            with transaction.atomic():
                status = getattr(client, method)(url).status_code
                transaction.set_rollback(True)
            if status != 405:
                missing.append(f"{name} ({route}): {method.upper()} answers {status}")
                break
    registered = {model._meta.label_lower for model in admin.site._registry}
    missing += [f"admin {label}" for label in sorted(registered - set(ADMIN_WRITES))]
    assert not missing, "Write surfaces without rows in tests/security/test_write_matrix.py:\n  " + "\n  ".join(missing)


def _sample_url(route: str) -> str | None:
    """A concrete URL for a route, with harmless values for its parameters (enough to reach the view)."""
    if "(?P<format>" in route or "<drf_format_suffix:format>" in route:
        return None  # the same view as the pattern without the suffix
    url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: "1" if m.group(1) != "fmt" else "csv", route)
    url = re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: _sample_value(m.group(1), m.group(2)), url)
    url = url.replace("^", "").replace("$", "").replace("\\", "")
    return "/" + url


def _sample_value(converter: str | None, name: str) -> str:
    if converter == "uuid":
        return str(uuid.UUID(int=1))
    if converter == "int":
        return "1"
    return {"fmt": "csv", "file_format": "csv", "kind": "voting"}.get(name, "x")
