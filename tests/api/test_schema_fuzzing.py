"""A property-based run driven by the OpenAPI schema: every operation, as a coordinator with a token.

Hypothesis generates requests from the schema (filters, bodies, ids) against the WSGI application on a small mission;
every response must be free of server errors and match the schema (status code, content type, body).
"""

import json

import pytest
import schemathesis
from django.core import signals
from django.core.serializers.json import DjangoJSONEncoder
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error  # noqa: I001
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def wsgi_app():
    # The request cycle would close the test's database connection (and its transaction) after each request,
    # as Django's own test client also prevents.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schema.app
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _load_schema(mode: str):
    """The schema as served at /api/schema/, generated in-process; requests then go to the WSGI application."""
    from drf_spectacular.generators import SchemaGenerator

    document = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(json.dumps(document, cls=DjangoJSONEncoder)))
    loaded.app = get_wsgi_application()
    loaded.config.generation.update(modes=[mode], max_examples=12, deterministic=True)
    loaded.config.phases.update(phases=["examples", "fuzzing"])
    return loaded


schema = _load_schema("positive")
# A GET whose only parameter is a free string in the path has no malformed form to generate.
negative_schema = _load_schema("negative").exclude(
    method="GET", path=["/api/missions/{slug}/", "/api/submissions/{uuid}/"]
)


@pytest.fixture
def coordinator_token(world, wsgi_app):
    return Token.objects.get_or_create(user=world.users["coordinator"])[0].key


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_the_api_answers_every_generated_request_without_a_server_error_and_as_documented(case, coordinator_token):
    case.call_and_validate(headers={"Authorization": f"Token {coordinator_token}"}, checks=CHECKS)


@negative_schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_the_api_refuses_malformed_requests_without_a_server_error(case, coordinator_token):
    response = case.call(headers={"Authorization": f"Token {coordinator_token}"})
    assert response.status_code < 500, response.text[:2000]
