"""A property-based run driven by the OpenAPI schema: every operation, as a coordinator with a token.

Hypothesis generates requests from the schema (filters, bodies, ids) against the WSGI application on a small mission;
every response must be free of server errors and match the schema (status code, content type, body).
"""

import json
import uuid

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

from deployment.choices import VisitPurpose
from deployment.models import PlannedVisit, PlanningJob
from reports.models import ReportRun
from submissions.services import submission_record
from tests.checklists.factories import answers_for

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


POSITIVE_EXAMPLES = 12
NEGATIVE_EXAMPLES = 8


def _load_schema(mode: str, examples: int):
    """The schema as served at /api/schema/, generated in-process; requests then go to the WSGI application."""
    from drf_spectacular.generators import SchemaGenerator

    document = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(json.dumps(document, cls=DjangoJSONEncoder)))
    loaded.app = get_wsgi_application()
    loaded.config.generation.update(modes=[mode], max_examples=examples, deterministic=True)
    loaded.config.phases.update(phases=["examples", "fuzzing"])
    return loaded


# Revoking the coordinator's own token would sign the rest of the run out: tried in test_schema_and_access.py.
schema = _load_schema("positive", POSITIVE_EXAMPLES).exclude(method="DELETE", path="/api/token/")
# A GET whose only parameter is a free string in the path has no malformed form to generate.
negative_schema = (
    _load_schema("negative", NEGATIVE_EXAMPLES)
    .exclude(method="GET", path=["/api/missions/{slug}/", "/api/submissions/{uuid}/"])
    .exclude(method="DELETE", path="/api/token/")
)


@pytest.fixture
def coordinator_token(world, forms, wsgi_app):
    """The coordinator's token, on a mission with forms, an urgent incident, a route, a job and a finished run."""
    for user, station, urgent in (("sto", world.north_station, True), ("other_sto", world.south_station, False)):
        submission_record(
            user=world.users[user],
            mission=world.mission,
            uuid=uuid.uuid4(),
            template=forms["voting"],
            payload={
                "polling_station": station.pk,
                "urgent": urgent,
                "notes": "Observed.",
                "answers": answers_for(forms["voting"]),
            },
        )
    PlannedVisit.objects.create(
        assignment=world.sto_team.assignment, polling_station=world.north_station, purpose=VisitPurpose.VOTING
    )
    PlanningJob.objects.create(mission=world.mission, kind="plan_deployment", status="done", progress=100)
    ReportRun.objects.create(mission=world.mission, kinds=["voting"], status="done", progress=100, published=True)
    return Token.objects.get_or_create(user=world.users["coordinator"])[0].key


@schema.parametrize()
@settings(
    max_examples=POSITIVE_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_the_api_answers_every_generated_request_without_a_server_error_and_as_documented(case, coordinator_token):
    case.call_and_validate(headers={"Authorization": f"Token {coordinator_token}"}, checks=CHECKS)


@negative_schema.parametrize()
@settings(
    max_examples=NEGATIVE_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_the_api_refuses_malformed_requests_without_a_server_error(case, coordinator_token):
    response = case.call(headers={"Authorization": f"Token {coordinator_token}"})
    assert response.status_code < 500, response.text[:2000]


def test_every_detail_of_a_real_object_matches_the_schema(world, coordinator_token):
    """Random ids rarely hit a row, so read one real object of every kind and validate it against the schema too."""
    from submissions.models import Submission

    keys = {
        "/api/missions/{slug}/": {"slug": world.mission.slug},
        "/api/regions/{id}/": {"id": world.north.pk},
        "/api/tecs/{id}/": {"id": world.north_tec.pk},
        "/api/polling-stations/{id}/": {"id": world.north_station.pk},
        "/api/observers/{id}/": {"id": world.sto_team.members.first().membership.observer_id},
        "/api/memberships/{id}/": {"id": world.sto_team.members.first().membership_id},
        "/api/teams/{id}/": {"id": world.sto_team.pk},
        "/api/form-templates/{id}/": {"id": Submission.objects.first().template_id},
        "/api/submissions/{uuid}/": {"uuid": str(Submission.objects.first().uuid)},
        "/api/assignments/{id}/": {"id": world.sto_team.assignment.pk},
        "/api/planning-jobs/{id}/": {"id": PlanningJob.objects.get().pk},
        "/api/report-runs/{id}/": {"id": ReportRun.objects.get().pk},
    }
    for path, parameters in keys.items():
        case = schema[path]["GET"].Case(path_parameters=parameters)
        response = case.call_and_validate(headers={"Authorization": f"Token {coordinator_token}"}, checks=CHECKS)
        assert response.status_code == 200, path
