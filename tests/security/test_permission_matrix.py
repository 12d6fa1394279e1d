"""Every URL pattern of the project, for every role: who gets in and who is turned away.

A URL pattern that is not in the tables below fails the suite: a new view must say here who may use it, so a page
without a permission check cannot slip in. Denied means a redirect to the login page for anonymous users (or 401/403
for JSON and the API), and 403 or 404 for everyone else. Every page of the other mission is denied to every role
(none of the actors belongs to it), and no answer to anyone carries the other mission's names; observers' personal
data reaches coordinators only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.conftest import OTHER_MARKER, PERSONAL_MARKER, ROLES, Place, World

pytestmark = pytest.mark.django_db

EVERYONE = frozenset(ROLES)
LOGGED_IN = EVERYONE - {"anonymous"}
MEMBERS = frozenset({"sto", "lto", "analyst", "coordinator"})
FIELD = frozenset({"sto", "lto"})
CORE = frozenset({"analyst", "coordinator"})
COORDINATOR = frozenset({"coordinator"})
NOBODY = frozenset()

Build = Callable[[World, Place], tuple[dict, str]]


@dataclass(frozen=True)
class Rule:
    """Who may use one URL pattern in the actors' mission; `scoped` patterns are also tried on the other mission.

    `other` lists who may use it on the other mission too; `lenient` lets the allowed roles get a 404 (a POST action
    sent without its form fields); `any_answer` only checks there is no server error and no leak (login pages, which
    redirect those already signed in).
    """

    allowed: frozenset
    build: Build = lambda world, place: ({}, "")  # noqa: E731 -- a default for patterns without arguments
    method: str = "get"
    scoped: bool = True
    other: frozenset = frozenset()
    lenient: bool = False
    any_answer: bool = False


def _case_of(submission):
    from incidents.models import Case

    return Case.objects.get_or_create(mission_id=submission.mission_id, submission=submission)[0]


def _outline_of(place):
    from cockpit.models import MapOutline

    return MapOutline.objects.get_or_create(mission=place.mission, defaults={"geojson": {}})[0]


def _content_type_kwargs(row) -> dict:
    return {"content_type_id": ContentType.objects.get_for_model(row).pk, "object_id": row.pk}


def slug(world, place):
    return {"mission_slug": place.mission.slug}, ""


def slug_only(world, place):
    return {"slug": place.mission.slug}, ""


def pk(attribute: str) -> Build:
    return lambda world, place: ({"pk": getattr(place, attribute).pk}, "")


def run(attribute: str, query: str = "", **extra) -> Build:
    return lambda world, place: ({"run_id": getattr(place, attribute).pk, **extra}, query)


def results_settings(place):
    """The place's mission's official results settings (made the first time they are asked for)."""
    from results.models import ResultsSettings

    return ResultsSettings.objects.get_or_create(mission=place.mission)[0]


def import_job(label: str) -> Build:
    """An import of the place's mission (kept file and all, never run), for the page that follows it."""

    def build(world, place):
        from django.apps import apps

        model = apps.get_model(label)
        job = model.objects.filter(mission=place.mission).first() or model.objects.create(
            mission=place.mission, filename="list.csv", content=b"number,region\n"
        )
        return {"job_id": job.pk}, ""

    return build


def results_version(place):
    """The place's mission's imported official results (one version, made the first time it is asked for)."""
    from results.models import ResultsVersion

    version, _created = ResultsVersion.objects.get_or_create(
        mission=place.mission, number=1, defaults={"label": f"CEC results {place.mission.name}"}
    )
    return version


# ------------------------------------------------------------------------------------------------ the table
# Pages and endpoints by app. API list endpoints answer every signed-in user with the rows of their own scope
# (the leak check below makes sure that scope is right); their detail endpoints are tried on both missions.
PAGES: dict[str, Rule] = {
    # django.contrib.auth: the login and password pages
    "login": Rule(EVERYONE, scoped=False, any_answer=True),
    "logout": Rule(EVERYONE, method="post", scoped=False, any_answer=True),
    "password_change": Rule(LOGGED_IN, scoped=False),
    "password_change_done": Rule(LOGGED_IN, scoped=False),
    "password_reset": Rule(EVERYONE, scoped=False),
    "password_reset_done": Rule(EVERYONE, scoped=False),
    "password_reset_confirm": Rule(
        EVERYONE, lambda w, p: ({"uidb64": "MQ", "token": "set-password"}, ""), scoped=False
    ),
    "password_reset_complete": Rule(EVERYONE, scoped=False),
    "set_language": Rule(EVERYONE, method="post", scoped=False),
    # API: schema and documentation
    # the schema describes the endpoints, never data, but maps every one of them: for signed-in users only
    "api-schema": Rule(LOGGED_IN, scoped=False),
    "api-docs": Rule(LOGGED_IN, scoped=False),
    "api-redoc": Rule(LOGGED_IN, scoped=False),
    # the user's own API token: its expiry, and revoking it (DELETE, tried in tests/api/test_schema_and_access.py)
    "api-token": Rule(LOGGED_IN, scoped=False),
    "api-root": Rule(LOGGED_IN, scoped=False),
    # API: missions and geography
    # ODIHR staff see the missions they follow (names and dates), nothing inside them
    "mission-list": Rule(MEMBERS | {"odihr"}, scoped=False),
    "mission-detail": Rule(MEMBERS | {"odihr"}, slug_only),
    "region-list": Rule(MEMBERS, scoped=False),
    "region-detail": Rule(MEMBERS, pk("region")),
    "tec-list": Rule(MEMBERS, scoped=False),
    "tec-detail": Rule(MEMBERS, pk("tec")),
    "polling-station-list": Rule(MEMBERS, scoped=False),
    "polling-station-detail": Rule(MEMBERS, pk("station")),
    # API: roster and teams
    "observer-list": Rule(MEMBERS, scoped=False),
    "observer-detail": Rule(MEMBERS, pk("observer")),
    "membership-list": Rule(MEMBERS, scoped=False),
    "membership-detail": Rule(MEMBERS, pk("membership")),
    "team-list": Rule(MEMBERS, scoped=False),
    "team-detail": Rule(MEMBERS, pk("team")),
    # API: checklists and submissions
    "form-template-list": Rule(MEMBERS, scoped=False),
    "form-template-detail": Rule(MEMBERS, pk("template")),
    "submission-list": Rule(MEMBERS, scoped=False),
    "submission-detail": Rule(MEMBERS, lambda w, p: ({"uuid": str(p.submission.uuid)}, "")),
    "urgent-incident-list": Rule(MEMBERS, scoped=False),
    # API: deployment plan and planning jobs
    "assignment-list": Rule(MEMBERS, scoped=False),
    "assignment-detail": Rule(MEMBERS, pk("assignment")),
    "planning-job-list": Rule(MEMBERS, scoped=False),
    "planning-job-detail": Rule(COORDINATOR, pk("job")),
    # API: report runs (embargoed until published)
    "report-run-list": Rule(MEMBERS | {"odihr"}, scoped=False),
    "report-run-detail": Rule(CORE, pk("run")),
    "report-run-download": Rule(CORE, lambda w, p: ({"pk": p.run.pk, "fmt": "csv"}, "")),
    # API: official results (the core team's, like the findings of report runs)
    "results-version-list": Rule(MEMBERS, scoped=False),
    "results-version-detail": Rule(CORE, lambda w, p: ({"pk": results_version(p).pk}, "")),
    "results-version-findings": Rule(CORE, lambda w, p: ({"pk": results_version(p).pk}, "")),
    "results-version-summary": Rule(CORE, lambda w, p: ({"pk": results_version(p).pk}, "")),
    # checklists: the preview of a template as observers will see it
    "checklists:preview": Rule(COORDINATOR, lambda w, p: ({"template_id": p.template.pk}, "")),
    # cockpit: everyone lands on the home of their role; the mission's cockpit is for its core team
    "cockpit:landing": Rule(LOGGED_IN, scoped=False),
    "cockpit:mission": Rule(CORE, slug_only),
    "cockpit:guide": Rule(LOGGED_IN, scoped=False),
    "cockpit:map": Rule(MEMBERS, slug_only),
    "cockpit:map_data": Rule(MEMBERS, slug_only),
    "cockpit:guide_image": Rule(LOGGED_IN, lambda w, p: ({"name": "cockpit.png"}, ""), scoped=False),
    # incidents: the core team follows up every case; an observer team sees the cases of its own forms
    "incidents:cases": Rule(MEMBERS, slug_only),
    "incidents:case": Rule(
        frozenset({"sto", "analyst", "coordinator"}),
        lambda w, p: ({"slug": p.mission.slug, "case_id": _case_of(p.submission).pk}, ""),
    ),
    # deployment: coordinators plan, lock and export the deployment
    "deployment:planning": Rule(COORDINATOR, slug),
    "deployment:job-start": Rule(
        COORDINATOR, lambda w, p: ({"mission_slug": p.mission.slug, "kind": "x"}, ""), "post", lenient=True
    ),
    "deployment:job-status": Rule(COORDINATOR, lambda w, p: ({"mission_slug": p.mission.slug, "job_id": p.job.pk}, "")),
    "deployment:lock": Rule(COORDINATOR, slug, method="post", lenient=True),
    "deployment:move": Rule(COORDINATOR, slug, method="post", lenient=True),
    "deployment:swap": Rule(COORDINATOR, slug, method="post", lenient=True),
    "deployment:export": Rule(COORDINATOR, lambda w, p: ({"mission_slug": p.mission.slug, "file_format": "csv"}, "")),
    # reports: the core team compiles; ODIHR staff see published runs only
    "reports:index": Rule(LOGGED_IN, scoped=False),
    "reports:mission": Rule(CORE | {"odihr"}, slug_only),
    "reports:run": Rule(CORE, run("run")),
    "reports:run_status": Rule(CORE, run("run")),
    "reports:run_compare": Rule(CORE, lambda w, p: ({"run_id": p.run.pk}, f"with={p.published_run.pk}")),
    "reports:run_publish": Rule(frozenset({"analyst"}), run("published_run"), method="post"),
    "reports:run_conflict_resolve": Rule(COORDINATOR, run("run"), method="post", lenient=True),
    "reports:run_export": Rule(CORE, run("run", fmt="csv")),
    "reports:dashboard": Rule(CORE, slug_only),
    "reports:dashboard_data": Rule(CORE, slug_only),
    # official results: the core team's checks and cross-check, and their exports
    "results:mission": Rule(CORE, slug_only),
    "results:export": Rule(CORE, lambda w, p: ({"slug": results_version(p).mission.slug, "fmt": "csv"}, "")),
    # the observers' site
    "observe:home": Rule(LOGGED_IN, scoped=False),
    "observe:service_worker": Rule(EVERYONE, scoped=False),
    "observe:offline": Rule(EVERYONE, scoped=False),
    "observe:station_search": Rule(MEMBERS, slug),
    "observe:form_new": Rule(
        FIELD, lambda w, p: ({"mission_slug": p.mission.slug, "kind": "voting"}, f"station={p.station.pk}")
    ),
    "observe:submission_collection": Rule(MEMBERS, slug),
    "observe:submission_detail": Rule(
        MEMBERS, lambda w, p: ({"mission_slug": p.mission.slug, "uuid": p.submission.uuid}, "")
    ),
    "observe:submission_edit": Rule(
        frozenset({"sto"}), lambda w, p: ({"mission_slug": p.mission.slug, "uuid": p.submission.uuid}, "")
    ),
    "observe:lto_area": Rule(frozenset({"lto"}) | CORE, slug),
    "observe:team_detail": Rule(MEMBERS, lambda w, p: ({"mission_slug": p.mission.slug, "team_id": p.team.pk}, "")),
    "observe:incidents": Rule(CORE, slug),
    "observe:incidents_feed": Rule(CORE, slug),
}

# The coordinators' admin: the site's own pages, then every registered model by who may view and who may edit.
ADMIN_PAGES: dict[str, Rule] = {
    "admin:index": Rule(CORE, scoped=False),
    "admin:login": Rule(EVERYONE, scoped=False, any_answer=True),
    "admin:logout": Rule(CORE, method="post", scoped=False, any_answer=True),
    "admin:password_change": Rule(CORE, scoped=False),
    "admin:password_change_done": Rule(CORE, scoped=False),
    "admin:jsi18n": Rule(CORE, scoped=False),
    "admin:autocomplete": Rule(NOBODY, scoped=False),  # answers only with a known field to complete
    "admin:app_list": Rule(CORE, lambda w, p: ({"app_label": "missions"}, ""), scoped=False),
    "admin:auth_user_password_change": Rule(NOBODY, lambda w, p: ({"id": w.users["sto"].pk}, ""), scoped=False),
    "admin:view_on_site": Rule(NOBODY, lambda w, p: (_content_type_kwargs(p.station), "")),
    "admin:missions_mission_figures": Rule(CORE, lambda w, p: ({"pk": p.mission.pk}, "")),
    "admin:missions_pollingstation_import": Rule(COORDINATOR, scoped=False),
    "admin:missions_pollingstation_import_job": Rule(COORDINATOR, import_job("missions.stationimport")),
    "admin:observers_membership_import": Rule(COORDINATOR, scoped=False),
    "admin:observers_membership_import_job": Rule(COORDINATOR, import_job("observers.rosterimport")),
    "admin:checklists_formtemplate_xlsform_import": Rule(COORDINATOR, scoped=False),
    "admin:checklists_formtemplate_xlsform": Rule(CORE, lambda w, p: ({"pk": p.template.pk}, "")),
    "admin:results_resultsversion_import": Rule(COORDINATOR, scoped=False),
    "admin:results_resultsversion_import_job": Rule(COORDINATOR, import_job("results.resultsimport")),
}


@dataclass(frozen=True)
class AdminModel:
    """Who may list a model's rows in the admin, add one, open one (change, history), delete one; and which row."""

    listing: frozenset
    adding: frozenset
    opening: frozenset
    deleting: frozenset
    row: Callable[[Place], object] | None = None
    history: frozenset | None = None  # who reads a row's history, when not the same as who opens it


def superusers_only() -> AdminModel:
    return AdminModel(NOBODY, NOBODY, NOBODY, NOBODY)


ADMIN_MODELS: dict[str, AdminModel] = {
    "auth.group": superusers_only(),
    "auth.user": superusers_only(),
    "authtoken.tokenproxy": superusers_only(),
    "axes.accessattempt": superusers_only(),
    "axes.accessfailurelog": superusers_only(),
    "axes.accesslog": superusers_only(),
    # geography: the core team reads, coordinators edit their own mission's rows; missions are created and
    # deleted by superusers (a new mission has nobody with a role in it)
    "missions.mission": AdminModel(CORE, NOBODY, CORE, NOBODY, lambda p: p.mission),
    "missions.region": AdminModel(CORE, COORDINATOR, CORE, COORDINATOR, lambda p: p.region),
    "missions.tec": AdminModel(CORE, COORDINATOR, CORE, COORDINATOR, lambda p: p.tec),
    "missions.pollingstation": AdminModel(CORE, COORDINATOR, CORE, COORDINATOR, lambda p: p.station),
    # roster and teams: personal data, coordinators only
    "observers.observer": AdminModel(COORDINATOR, COORDINATOR, COORDINATOR, COORDINATOR, lambda p: p.observer),
    "observers.membership": AdminModel(COORDINATOR, COORDINATOR, COORDINATOR, COORDINATOR, lambda p: p.membership),
    "observers.team": AdminModel(COORDINATOR, COORDINATOR, COORDINATOR, COORDINATOR, lambda p: p.team),
    # ODIHR staff following missions: granted by superusers
    "observers.follower": superusers_only(),
    # checklists: published versions are never deleted
    "checklists.formtemplate": AdminModel(CORE, COORDINATOR, CORE, NOBODY, lambda p: p.template),
    # submissions: read in the admin, recorded only through the observers' site and the API
    "submissions.submission": AdminModel(CORE, NOBODY, CORE, NOBODY, lambda p: p.submission),
    "submissions.phaselock": AdminModel(CORE, COORDINATOR, NOBODY, NOBODY),
    # deployment
    "deployment.teamassignment": AdminModel(COORDINATOR, COORDINATOR, COORDINATOR, COORDINATOR, lambda p: p.assignment),
    "deployment.planningjob": AdminModel(COORDINATOR, NOBODY, COORDINATOR, COORDINATOR, lambda p: p.job),
    # reports: the export log is read by the core team; ODIHR staff see published runs
    "reports.exportlog": AdminModel(CORE, NOBODY, CORE, NOBODY, lambda p: p.export_log),
    "reports.reportrun": AdminModel(CORE, NOBODY, CORE, NOBODY, lambda p: p.run),
    # the map's region outlines: coordinators of the mission upload them
    "cockpit.mapoutline": AdminModel(COORDINATOR, COORDINATOR, COORDINATOR, COORDINATOR, lambda p: _outline_of(p)),
    # official results: imported by coordinators (the add page leads to the import), never edited or deleted
    "results.resultsversion": AdminModel(CORE, COORDINATOR, CORE, NOBODY, lambda p: results_version(p)),
    # the turnout threshold: coordinators change it, the core team reads it; made by the first import
    "results.resultssettings": AdminModel(CORE, NOBODY, CORE, NOBODY, lambda p: results_settings(p)),
}


ADMIN_VIEWS = ("changelist", "add", "change", "history", "delete", "simple_history")
VIEWING = ("changelist", "change", "history", "simple_history")
ON_A_ROW = ("change", "history", "delete", "simple_history")


# ------------------------------------------------------------------------------------------------ the walk


def url_patterns() -> list[tuple[str, str]]:
    """(name with namespace, route) of every URL pattern of the project, admin and API included."""

    def walk(patterns, prefix: str, namespace: str):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                name = f"{namespace}{pattern.name}" if pattern.name else f"{namespace}<unnamed>"
                yield name, prefix + str(pattern.pattern)

    return list(walk(get_resolver().url_patterns, "", ""))


def _admin_model(name: str) -> tuple[str, str] | None:
    """('app.model', view) for an admin model URL name like admin:missions_pollingstation_change."""
    if not name.startswith("admin:"):
        return None
    for label in ADMIN_MODELS:
        prefix = "admin:" + label.replace(".", "_") + "_"
        if name.startswith(prefix) and name[len(prefix) :] in ADMIN_VIEWS:
            return label, name[len(prefix) :]
    return None


def _admin_row_redirect(route: str) -> bool:
    """admin/<app>/<model>/<path:object_id>/ of a registered model: a redirect to the row's change page."""
    parts = route.split("/")
    return len(parts) == 5 and parts[3] == "<path:object_id>" and f"{parts[1]}.{parts[2]}" in ADMIN_MODELS


def test_every_url_pattern_is_in_the_permission_table():
    missing = []
    for name, route in url_patterns():
        if name in PAGES or name in ADMIN_PAGES or _admin_model(name):
            continue
        if name == "admin:<unnamed>" and (route.endswith("(?P<url>.*)$") or _admin_row_redirect(route)):
            continue  # the admin's catch-all and its old-style row links only redirect, to the index or change page
        missing.append(f"{name}  ({route})")
    assert not missing, (
        "URL patterns with no entry in tests/security/test_permission_matrix.py: add each to PAGES, ADMIN_PAGES or "
        "ADMIN_MODELS with the roles allowed to use it (and check that the view enforces it):\n  "
        + "\n  ".join(missing)
    )


@dataclass(frozen=True)
class Case:
    """One request to make as one role, and whether it should get in."""

    name: str
    role: str
    mission: str  # "own" or "other"
    method: str
    url: str
    allowed: bool
    admin: bool
    rule: Rule | None


def _reverse(name: str, kwargs: dict, query: str) -> str:
    url = reverse(name.removeprefix("api:"), kwargs=kwargs or None)
    return f"{url}?{query}" if query else url


def _cases(world: World) -> list[Case]:
    cases = []
    for name, route in url_patterns():
        with_format = "(?P<format>" in route or "<drf_format_suffix:format>" in route
        places = [("own", world.own)]
        rule = PAGES.get(name) or ADMIN_PAGES.get(name)
        admin_model = _admin_model(name)
        if rule is None and admin_model is None:
            continue
        if rule is not None:
            if rule.scoped:
                places.append(("other", world.other))
            for mission, place in places:
                kwargs, query = rule.build(world, place)
                if with_format:
                    kwargs = {**kwargs, "format": "json"}
                url = _reverse(name, kwargs, query)
                key = f"{name}.json" if with_format else name
                for role in ROLES:
                    allowed = role in (rule.allowed if mission == "own" else rule.other)
                    cases.append(Case(key, role, mission, rule.method, url, allowed, name.startswith("admin:"), rule))
            continue
        label, view = admin_model
        model = ADMIN_MODELS[label]
        roles = {"changelist": model.listing, "add": model.adding, "delete": model.deleting}.get(view, model.opening)
        if view in ("history", "simple_history") and model.history is not None:
            roles = model.history
        if view in ON_A_ROW:
            if model.row is None:
                places, roles = [("own", None)], NOBODY  # no such row: every role is turned away
            else:
                places.append(("other", world.other))
        for mission, place in places:
            args = []
            if view in ON_A_ROW:
                row = model.row(place) if place is not None and model.row else None
                args = [row.pk if row is not None else 1]
                if view == "simple_history":
                    history = getattr(row, "history", None)
                    args.append(history.latest().history_id if history is not None and history.exists() else 1)
            url = reverse(name, args=args)
            for role in ROLES:
                allowed = role in roles and (mission == "own" or view in ("changelist", "add"))
                cases.append(Case(name, role, mission, "get", url, allowed, True, None))
    return cases


def _denied(case: Case, response) -> bool:
    status = response.status_code
    if status in (401, 403, 404):
        return True
    if status == 302:
        location = response.headers.get("Location", "")
        if case.admin:
            return location.startswith((reverse("admin:login"), reverse("admin:index")))
        return case.role == "anonymous" and location.startswith(reverse("login"))
    return False


def _client_for(world: World, role: str) -> Client:
    client = Client(raise_request_exception=False)
    if world.users[role] is not None:
        client.force_login(world.users[role])
    return client


def _answer(world: World, clients: dict, case: Case):
    if case.name in ("logout", "admin:logout"):
        client = _client_for(world, case.role)  # a session of its own: logging out must not end the shared one
    else:
        client = clients.setdefault(case.role, _client_for(world, case.role))
    if case.method == "post":
        return client.post(case.url)
    return client.get(case.url)


def _outcome(case: Case, response) -> str | None:
    """What is wrong with one answer, or None."""
    if response.status_code >= 500:
        return f"{response.status_code} (server error)"
    denied = _denied(case, response)
    if case.rule is not None and case.rule.any_answer:
        denied = not case.allowed
    if case.allowed and denied and case.rule is not None and case.rule.lenient and response.status_code == 404:
        denied = False
    if case.allowed and denied:
        return f"turned away with {response.status_code} but should get in"
    if not case.allowed and not denied:
        return f"got {response.status_code} but should be turned away"
    body = response.content if not getattr(response, "streaming", False) else b""
    if OTHER_MARKER.encode() in body:
        return "the answer shows the other mission's data"
    if case.role != "coordinator" and PERSONAL_MARKER.encode() in body:
        return "the answer shows observers' personal data"
    return None


def test_every_role_gets_the_expected_answer_on_every_url(world):
    clients: dict = {}
    problems = []
    checked = 0
    for case in _cases(world):
        problem = _outcome(case, _answer(world, clients, case))
        checked += 1
        if problem:
            problems.append(
                f"{case.role:>11} {case.method.upper():4} {case.url}  [{case.name}, {case.mission}]: {problem}"
            )
    assert checked > 500
    assert not problems, f"{len(problems)} of {checked} answers are wrong:\n" + "\n".join(problems)
