"""The schema and its documentation pages, throttling, and a matrix of every endpoint against every named actor."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from deployment.models import PlanningJob
from reports.choices import RunStatus
from reports.models import ReportRun

pytestmark = pytest.mark.django_db


def test_the_openapi_schema_lists_every_endpoint_with_its_error_answers(world, client):
    client.force_login(world.users["analyst"])
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in (
        "/api/missions/",
        "/api/regions/",
        "/api/tecs/",
        "/api/polling-stations/",
        "/api/observers/",
        "/api/memberships/",
        "/api/teams/",
        "/api/form-templates/",
        "/api/submissions/",
        "/api/urgent-incidents/",
        "/api/assignments/",
        "/api/planning-jobs/",
        "/api/report-runs/",
    ):
        assert path in paths, path
    create = paths["/api/submissions/"]["post"]["responses"]
    assert {"200", "201", "400", "403", "409"} <= set(create)
    assert "202" in paths["/api/report-runs/"]["post"]["responses"]
    assert "404" in paths["/api/submissions/{uuid}/"]["get"]["responses"]
    assert "cursor" in {parameter["name"] for parameter in paths["/api/submissions/"]["get"]["parameters"]}


@pytest.mark.parametrize("page", ["/api/docs/", "/api/redoc/"])
def test_the_documentation_pages_load_their_scripts_from_our_own_static_files(world, client, page):
    client.force_login(world.users["analyst"])
    response = client.get(page)
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css|png))"', html)
    assert any(asset.endswith(".js") for asset in assets)
    for asset in assets:
        assert asset.startswith("/static/drf_spectacular_sidecar/"), asset
        assert finders.find(asset.removeprefix("/static/")), asset
    assert "cdn.jsdelivr.net" not in html and "unpkg.com" not in html


def test_the_schema_and_its_documentation_are_for_signed_in_users_only(world, client):
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 403
    assert b"/api/" not in schema.content
    for page in ("/api/docs/", "/api/redoc/"):
        response = client.get(page)
        assert response.status_code == 302
        assert response.headers["Location"].startswith(reverse("login"))
    assert world.client("stranger").get("/api/schema/?format=json").status_code == 200  # any signed-in user


def test_a_token_past_its_lifetime_is_refused_with_401(world, settings):
    client = world.client("coordinator")
    assert client.get("/api/regions/").status_code == 200
    token = Token.objects.get(user=world.users["coordinator"])
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - settings.API_TOKEN_LIFETIME)
    response = client.get("/api/regions/")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Token"
    assert "expired" in response.json()["detail"]


def test_a_token_within_its_lifetime_reports_when_it_expires(world, settings):
    token, _ = Token.objects.get_or_create(user=world.users["analyst"])
    response = world.client("analyst").get("/api/token/")
    assert response.status_code == 200
    body = response.json()
    assert body["has_token"] is True
    assert body["expires"] == (token.created + settings.API_TOKEN_LIFETIME).isoformat().replace("+00:00", "Z")
    assert token.key not in response.content.decode()


def test_an_unknown_token_is_refused_with_401_and_no_token_with_403(world):
    forged = APIClient()
    forged.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    assert forged.get("/api/regions/").status_code == 401
    assert APIClient().get("/api/regions/").status_code == 403


def test_the_holder_revokes_their_token_and_a_colleagues_keeps_working(world):
    owner, colleague = world.client("coordinator"), world.client("analyst")
    assert owner.get("/api/regions/").status_code == 200
    assert colleague.get("/api/regions/").status_code == 200
    assert owner.delete("/api/token/").status_code == 204
    assert not Token.objects.filter(user=world.users["coordinator"]).exists()
    assert owner.get("/api/regions/").status_code == 401
    assert colleague.get("/api/regions/").status_code == 200
    assert Token.objects.filter(user=world.users["analyst"]).count() == 1


def test_a_signed_in_browser_revokes_the_users_token_without_knowing_it(world, client):
    Token.objects.get_or_create(user=world.users["lto"])
    client.force_login(world.users["lto"])
    response = client.delete("/api/token/")
    assert response.status_code == 204
    assert not Token.objects.filter(user=world.users["lto"]).exists()
    assert client.get("/api/token/").json() == {"has_token": False, "created": None, "expires": None}


def test_requests_beyond_the_users_rate_are_throttled(world, monkeypatch):
    from django.core.cache import cache
    from rest_framework.throttling import UserRateThrottle

    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {**UserRateThrottle.THROTTLE_RATES, "user": "2/minute"})
    cache.clear()
    client = world.client("coordinator")
    statuses = [client.get("/api/regions/").status_code for _ in range(3)]
    cache.clear()
    assert statuses == [200, 200, 429]


def _objects(world):
    run = ReportRun.objects.create(mission=world.mission, kinds=["voting"], status=RunStatus.DONE, progress=100)
    job = PlanningJob.objects.create(mission=world.mission, kind="plan_deployment")
    observer = world.sto_team.members.first().membership.observer
    return {
        "/api/missions/": world.mission.slug,
        "/api/regions/": world.north.pk,
        "/api/tecs/": world.north_tec.pk,
        "/api/polling-stations/": world.north_station.pk,
        "/api/observers/": observer.pk,
        "/api/memberships/": world.sto_team.members.first().membership.pk,
        "/api/teams/": world.sto_team.pk,
        "/api/assignments/": world.sto_team.assignment.pk,
        "/api/planning-jobs/": job.pk,
        "/api/report-runs/": run.pk,
    }


WRITABLE = {
    "/api/regions/": {"name": "Changed"},
    "/api/tecs/": {"name": "Changed"},
    "/api/polling-stations/": {"name": "Changed"},
    "/api/observers/": {"full_name": "Changed"},
    "/api/memberships/": {"status": "withdrawn"},
    "/api/teams/": {"notes": "Changed"},
}


@pytest.mark.parametrize("actor", ["outsider", "stranger"])
def test_outsiders_get_403_or_404_on_every_endpoint_for_list_detail_and_write(world, actor):
    client = world.client(actor)
    for endpoint, key in _objects(world).items():
        listed = client.get(endpoint)
        if listed.status_code == 200:
            seen = {row.get("id") for row in listed.json()["results"]} | {
                row.get("slug") for row in listed.json()["results"]
            }
            assert key not in seen, endpoint
        else:
            assert listed.status_code == 403, endpoint
        assert client.get(f"{endpoint}{key}/").status_code in (403, 404), endpoint
        if endpoint in WRITABLE:
            assert client.patch(f"{endpoint}{key}/", WRITABLE[endpoint], format="json").status_code in (403, 404)


def test_odihr_staff_are_read_only_and_see_neither_roster_nor_forms(world):
    client = world.client("odihr")
    objects = _objects(world)
    for endpoint, key in objects.items():
        allowed = endpoint in ("/api/missions/", "/api/report-runs/")
        assert client.get(endpoint).status_code == (200 if allowed else 403), endpoint
        if endpoint in WRITABLE:
            assert client.patch(f"{endpoint}{key}/", WRITABLE[endpoint], format="json").status_code == 403
            assert client.post(endpoint, {}, format="json").status_code == 403
    # The run is embargoed (not published): it does not exist for ODIHR staff.
    assert client.get(f"/api/report-runs/{objects['/api/report-runs/']}/").status_code == 404


@pytest.mark.parametrize("endpoint", sorted(WRITABLE))
def test_a_coordinator_reads_and_changes_every_writable_resource(world, endpoint):
    key = _objects(world)[endpoint]
    client = world.client("coordinator")
    assert client.get(f"{endpoint}{key}/").status_code == 200
    response = client.patch(f"{endpoint}{key}/", WRITABLE[endpoint], format="json")
    assert response.status_code == 200, response.json()


@pytest.mark.parametrize("endpoint", sorted(WRITABLE))
@pytest.mark.parametrize("actor", ["analyst", "lto", "sto"])
def test_members_who_are_not_coordinators_cannot_change_anything(world, endpoint, actor):
    key = _objects(world)[endpoint]
    response = world.client(actor).patch(f"{endpoint}{key}/", WRITABLE[endpoint], format="json")
    assert response.status_code in (403, 404)


def test_anonymous_visitors_are_refused_everywhere(world):
    client = APIClient()
    for endpoint in _objects(world):
        assert client.get(endpoint).status_code == 403, endpoint
