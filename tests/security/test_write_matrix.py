"""Every way of changing data, for every role of both missions: its own mission's rows, forged ids of the other
mission in every id field, and raising a role.

The tables below say, per surface, which roles may change their own mission's rows. Every other cell must be
turned away, and the database is compared before and after each request (``fingerprint``): a refused request
changes nothing anywhere, an allowed one changes nothing in the other mission. A forged id of the other mission
must get exactly the answer an id that was never issued gets. A URL pattern that accepts a write, an admin model
with an add or change form, or an inline, without a row here fails the suite (test_write_surfaces.py; the inlines:
test_write_matrix_admin.py), as the read matrix does.

Roles: ``a_hom``, ``a_coordinator``, ``a_analyst``, ``a_core``, ``a_lto``, ``a_sto`` hold their role in mission A,
the ``b_`` ones in mission B; ``a_odihr`` and ``b_odihr`` are ODIHR staff following only their mission (forged ids of
the other mission are tried on them like on everyone); ``odihr`` follows both missions; ``outsider`` holds no role.
Every admin inline is also posted with its first row's id fields pointing at the other mission.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.checklists.factories import answers_for
from tests.security.two_missions import ROLES, WATCH, Side, TwoMissions, fingerprint, home, role_name

pytestmark = pytest.mark.django_db

NOBODY: frozenset = frozenset()
COORDINATING = frozenset({"hom", "coordinator"})
CORE = frozenset({"hom", "coordinator", "analyst", "core"})
PUBLISHING = frozenset({"hom", "analyst"})
UNKNOWN_ID = 10**8
UNKNOWN_SLUG = "no-such-mission"


@dataclass(frozen=True)
class Attempt:
    """One request: method, URL, body (JSON for the API, form data for pages and the admin)."""

    method: str
    url: str
    data: dict
    json: bool = False


# A builder returns the attempt on `own` (the acting role's mission); `forge` names the id fields it can forge.
Build = Callable[[TwoMissions, Side, dict], Attempt]


@dataclass(frozen=True)
class Write:
    """Who may use one write surface on their own mission, and how to build it; forged fields are tried too."""

    allowed: frozenset
    build: Build
    forge: tuple[str, ...] = ()  # names of the id fields (or "url") to replace with the other mission's
    raise_role: bool = False  # the body also tries to give a role above the actor's


def api(name: str, **kwargs) -> str:
    return reverse(name, kwargs=kwargs or None)


# Values each forgeable field takes on a side: own rows, the other mission's rows, or an id never issued.
def field_values(side: Side) -> dict:
    return {
        "mission": side.mission.slug,
        "region": side.region.pk,
        "tec": side.tec.pk,
        "station": side.station.pk,
        "template": side.template.pk,
        "team": side.sto_team.pk,
        "lto_team": side.lto_team.pk,
        "membership": side.spares[0].pk,
        "members": [side.spares[0].pk, side.spares[1].pk],
        "observer": side.spares[0].observer_id,
        "run": side.run.pk,
        "submission": str(side.submission.uuid),
        "case": side.case.pk,
        "area": [side.region.pk],
    }


UNKNOWN = {
    "mission": UNKNOWN_SLUG,
    "region": UNKNOWN_ID,
    "tec": UNKNOWN_ID,
    "station": UNKNOWN_ID,
    "template": UNKNOWN_ID,
    "team": UNKNOWN_ID,
    "lto_team": UNKNOWN_ID,
    "membership": UNKNOWN_ID,
    "members": [UNKNOWN_ID, UNKNOWN_ID + 1],
    "observer": UNKNOWN_ID,
    "run": UNKNOWN_ID,
    "submission": str(uuid.UUID(int=UNKNOWN_ID)),
    "case": UNKNOWN_ID,
    "area": [UNKNOWN_ID],
}


# ------------------------------------------------------------------------------------------------ the table
# Each builder takes `v`, the values of the id fields (own rows, forged or unknown), and the own side for the rest.
API_WRITES: dict[str, Write] = {
    "region-list": Write(
        COORDINATING,
        lambda w, s, v: Attempt(
            "post", api("region-list"), {"mission": v["mission"], "code": "NEW", "name": "New"}, True
        ),
        forge=("mission",),
    ),
    "region-detail": Write(
        COORDINATING,
        lambda w, s, v: Attempt("patch", api("region-detail", pk=v["region"]), {"name": "Renamed"}, True),
        forge=("region",),
    ),
    "tec-list": Write(
        COORDINATING,
        lambda w, s, v: Attempt(
            "post",
            api("tec-list"),
            {"mission": s.mission.slug, "region": v["region"], "code": "T-NEW", "name": "N"},
            True,
        ),
        forge=("region",),
    ),
    "tec-detail": Write(
        COORDINATING,
        lambda w, s, v: Attempt("patch", api("tec-detail", pk=v["tec"]), {"name": "Renamed"}, True),
        forge=("tec",),
    ),
    "polling-station-list": Write(
        COORDINATING,
        lambda w, s, v: Attempt(
            "post",
            api("polling-station-list"),
            {
                "mission": s.mission.slug,
                "region": s.region.pk,
                "tec": v["tec"],
                "number": "77",
                "name": "New school",
                "address": "1 New Street",
                "registered_voters": 100,
            },
            True,
        ),
        forge=("tec",),
    ),
    "polling-station-detail": Write(
        COORDINATING,
        lambda w, s, v: Attempt("patch", api("polling-station-detail", pk=v["station"]), {"name": "Renamed"}, True),
        forge=("station",),
    ),
    "observer-list": Write(
        COORDINATING,
        lambda w, s, v: Attempt(
            "post",
            api("observer-list"),
            {
                "full_name": "New Person",
                "gender": "female",
                "nationality": "ES",
                "email": f"new.{s.key}@example.org",
                "mission": v["mission"],
                "role": "sto",
            },
            True,
        ),
        forge=("mission",),
    ),
    "observer-detail": Write(
        COORDINATING,
        lambda w, s, v: Attempt("patch", api("observer-detail", pk=v["observer"]), {"phone": "+1 555 0100"}, True),
        forge=("observer",),
    ),
    # People join a mission with /api/observers/ or the roster import; a membership for someone already on a
    # roster is added by an administrator, so nobody's POST here creates one (own spares are in the mission).
    "membership-list": Write(
        NOBODY,
        lambda w, s, v: Attempt(
            "post", api("membership-list"), {"mission": s.mission.slug, "observer": v["observer"], "role": "sto"}, True
        ),
        forge=("observer",),
    ),
    "membership-detail": Write(
        COORDINATING,
        lambda w, s, v: Attempt("patch", api("membership-detail", pk=v["membership"]), {"status": "deployed"}, True),
        forge=("membership",),
    ),
    "team-list": Write(
        COORDINATING,
        lambda w, s, v: Attempt(
            "post",
            api("team-list"),
            {"mission": s.mission.slug, "kind": "sto", "code": "NEW-STO", "member_ids": v["members"]},
            True,
        ),
        forge=("members",),
    ),
    "team-detail": Write(
        COORDINATING,
        lambda w, s, v: Attempt(
            "patch", api("team-detail", pk=v["team"]), {"notes": "Moved", "lto_team": v["lto_team"]}, True
        ),
        forge=("team", "lto_team"),
    ),
    "planning-job-list": Write(
        COORDINATING,
        lambda w, s, v: Attempt(
            "post", api("planning-job-list"), {"mission": v["mission"], "kind": "form_teams"}, True
        ),
        forge=("mission",),
    ),
    "report-run-list": Write(
        CORE,
        lambda w, s, v: Attempt(
            "post",
            api("report-run-list"),
            {"mission": s.mission.slug, "kinds": ["voting"], "region": v["region"]},
            True,
        ),
        forge=("region",),
    ),
    "submission-list": Write(
        frozenset({"hom", "coordinator", "lto", "sto"}),
        lambda w, s, v: Attempt(
            "post",
            api("submission-list"),
            {
                "uuid": str(uuid.uuid4()),
                "template": v["template"],
                "polling_station": v["station"],
                "answers": answers_for(s.template),
            },
            True,
        ),
        forge=("template", "station"),
    ),
    "submission-detail": Write(
        frozenset({"hom", "coordinator", "sto"}),
        lambda w, s, v: Attempt("patch", api("submission-detail", uuid=v["submission"]), {"notes": "Corrected"}, True),
        forge=("submission",),
    ),
}

PAGE_WRITES: dict[str, Write] = {
    "reports:mission": Write(
        CORE,
        lambda w, s, v: Attempt("post", reverse("reports:mission", args=[v["mission"]]), {"kinds": "voting"}),
        forge=("mission",),
    ),
    "reports:run_publish": Write(
        PUBLISHING, lambda w, s, v: Attempt("post", reverse("reports:run_publish", args=[v["run"]]), {}), forge=("run",)
    ),
    # The service refuses the decision (there is no conflict in these missions): allowed roles get the run page back.
    "reports:run_conflict_resolve": Write(
        COORDINATING,
        lambda w, s, v: Attempt(
            "post",
            reverse("reports:run_conflict_resolve", args=[v["run"]]),
            {"kind": "voting", "station": s.station.pk, "forms": [s.submission.pk], "choice": "both"},
        ),
        forge=("run",),
    ),
    "deployment:job-start": Write(
        COORDINATING,
        lambda w, s, v: Attempt("post", reverse("deployment:job-start", args=[v["mission"], "form_teams"]), {}),
        forge=("mission",),
    ),
    "deployment:lock": Write(
        COORDINATING,
        lambda w, s, v: Attempt(
            "post", reverse("deployment:lock", args=[s.mission.slug]), {"team": v["team"], "locked": "1"}
        ),
        forge=("team",),
    ),
    "deployment:move": Write(
        COORDINATING,
        lambda w, s, v: Attempt(
            "post", reverse("deployment:move", args=[s.mission.slug]), {"team": s.sto_team.pk, "region": v["region"]}
        ),
        forge=("region",),
    ),
    "deployment:swap": Write(
        COORDINATING,
        lambda w, s, v: Attempt(
            "post",
            reverse("deployment:swap", args=[s.mission.slug]),
            {"team": s.sto_team.pk, "remove": s.memberships["sto"].pk, "add": v["membership"]},
        ),
        forge=("membership",),
    ),
    # The observers' site takes forms from observers; the core team files through the API.
    "observe:submission_collection": Write(
        frozenset({"lto", "sto"}),
        lambda w, s, v: Attempt(
            "post",
            reverse("observe:submission_collection", args=[s.mission.slug]),
            {
                "uuid": str(uuid.uuid4()),
                "template": v["template"],
                "polling_station": v["station"],
                "answers": answers_for(s.template),
            },
            True,
        ),
        forge=("template", "station"),
    ),
    "observe:submission_edit": Write(
        frozenset({"sto"}),
        lambda w, s, v: Attempt(
            "post",
            reverse("observe:submission_edit", args=[s.mission.slug, v["submission"]]),
            {"polling_station": s.station.pk, "answers": answers_for(s.template), "notes": "Corrected"},
            True,
        ),
        forge=("submission",),
    ),
    "incidents:case": Write(
        CORE,
        lambda w, s, v: Attempt(
            "post", reverse("incidents:case", args=[s.mission.slug, v["case"]]), {"text": "Called"}
        ),
        forge=("case",),
    ),
}

# Patterns that accept a POST but change no mission data: signing in and out, passwords, language, own API token.
NOT_MISSION_DATA = {
    "login": "signs in",
    "logout": "ends the session",
    "password_change": "the user's own password",
    "password_reset": "sends a reset e-mail",
    "password_reset_confirm": "the user's own password",
    "set_language": "the session's language and the person's own e-mail language",
    "api-token": "the user's own API token",
    "admin:login": "signs in",
    "admin:logout": "ends the session",
    "admin:password_change": "the user's own password",
    "admin:auth_user_password_change": "superusers only",
}


# The admin: for each registered model, who may use its add form and its change form on their own mission's row
# (inlines are part of the change form, and their id fields are forged like the form's own).
@dataclass(frozen=True)
class AdminWrite:
    adding: frozenset
    changing: frozenset
    row: Callable[[Side], object] | None


ADMIN_WRITES: dict[str, AdminWrite] = {
    "auth.group": AdminWrite(NOBODY, NOBODY, None),
    "auth.user": AdminWrite(NOBODY, NOBODY, None),
    "authtoken.tokenproxy": AdminWrite(NOBODY, NOBODY, None),
    "axes.accessattempt": AdminWrite(NOBODY, NOBODY, None),
    "axes.accessfailurelog": AdminWrite(NOBODY, NOBODY, None),
    "axes.accesslog": AdminWrite(NOBODY, NOBODY, None),
    "missions.mission": AdminWrite(NOBODY, COORDINATING, lambda s: s.mission),
    "missions.region": AdminWrite(COORDINATING, COORDINATING, lambda s: s.region),
    "missions.tec": AdminWrite(COORDINATING, COORDINATING, lambda s: s.tec),
    "missions.pollingstation": AdminWrite(COORDINATING, COORDINATING, lambda s: s.station),
    "observers.observer": AdminWrite(COORDINATING, COORDINATING, lambda s: s.spares[0].observer),
    "observers.membership": AdminWrite(COORDINATING, COORDINATING, lambda s: s.spares[0]),
    "observers.team": AdminWrite(COORDINATING, COORDINATING, lambda s: s.sto_team),
    "observers.follower": AdminWrite(NOBODY, NOBODY, None),
    # a published version's fields are all read-only: its change form saves nothing (the database is compared)
    "checklists.formtemplate": AdminWrite(COORDINATING, COORDINATING, lambda s: s.template),
    "submissions.submission": AdminWrite(NOBODY, NOBODY, lambda s: s.submission),
    "submissions.phaselock": AdminWrite(COORDINATING, NOBODY, None),
    "deployment.teamassignment": AdminWrite(COORDINATING, COORDINATING, lambda s: s.sto_team.assignment),
    "deployment.planningjob": AdminWrite(NOBODY, NOBODY, lambda s: s.job),
    "reports.reportrun": AdminWrite(NOBODY, NOBODY, lambda s: s.run),
    "reports.exportlog": AdminWrite(NOBODY, NOBODY, None),
    "results.resultsversion": AdminWrite(COORDINATING, NOBODY, None),
    "results.resultssettings": AdminWrite(NOBODY, COORDINATING, None),  # created by the first import
    "cockpit.mapoutline": AdminWrite(COORDINATING, COORDINATING, None),
}


# ------------------------------------------------------------------------------------------------ the walk


def _client(two: TwoMissions, role: str) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(two.users[role])
    return client


def _send(client: Client, attempt: Attempt):
    if attempt.json:
        return getattr(client, attempt.method)(attempt.url, json.dumps(attempt.data), content_type="application/json")
    return getattr(client, attempt.method)(attempt.url, attempt.data)


def _refused(response) -> bool:
    if response.status_code in (400, 401, 403, 404, 409):
        return True
    if response.status_code == 302:
        location = response.headers.get("Location", "")
        return "/login/" in location
    return False


def _tried(client: Client, attempt: Attempt):
    """Send one attempt inside a transaction that is rolled back: (status, body, changed missions).

    The database's fingerprints come from WATCH (installed by the `two` fixture): taken again only after a statement
    that may write, so reading requests and the rolled-back ones cost no full read of the database.
    """
    with transaction.atomic():
        before = WATCH.fingerprint()
        response = _send(client, attempt)
        after = WATCH.fingerprint()
        transaction.set_rollback(True)
    WATCH.restored(before)
    changed = {mission for mission in set(before) | set(after) if before.get(mission) != after.get(mission)}
    body = response.content.decode(errors="replace") if not getattr(response, "streaming", False) else ""
    return response, body, changed


def _normalised(body: str, *values) -> str:
    for value in values:
        for item in value if isinstance(value, list) else [value]:
            body = body.replace(str(item), "?")
    return re.sub(r"csrfmiddlewaretoken\" value=\"[^\"]+\"", "", body)


def _walk(two: TwoMissions, table: dict[str, Write], role: str) -> tuple[int, list[str]]:
    problems, checked = [], 0
    client = _client(two, role)
    own, other = two.side(home(role)), two.other(home(role))
    mine, theirs = field_values(own), field_values(other)
    for name, write in table.items():
        allowed = role_name(role) in write.allowed
        response, body, changed = _tried(client, write.build(two, own, mine))
        checked += 1
        where = f"{role:>13} {name} (own)"
        if response.status_code >= 500:
            problems.append(f"{where}: server error {response.status_code}")
        elif allowed and _refused(response):
            problems.append(f"{where}: refused with {response.status_code} but should get in: {body[:200]}")
        elif not allowed and not _refused(response):
            problems.append(f"{where}: got {response.status_code} but should be refused")
        if other.mission.pk in changed:
            problems.append(f"{where}: changed the other mission")
        if not allowed and changed:
            problems.append(f"{where}: refused, yet changed the database")
        for field_name in write.forge:
            forged_values = {**mine, field_name: theirs[field_name]}
            unknown_values = {**mine, field_name: UNKNOWN[field_name]}
            forged, forged_body, forged_changed = _tried(client, write.build(two, own, forged_values))
            unknown, unknown_body, _ = _tried(client, write.build(two, own, unknown_values))
            checked += 1
            where = f"{role:>13} {name} (forged {field_name})"
            if forged_changed:
                problems.append(f"{where}: changed the database ({forged.status_code})")
            if role == "odihr":
                continue  # follows both missions: the other one is not foreign to them (checked: no change)
            if forged.status_code != unknown.status_code:
                problems.append(f"{where}: {forged.status_code} where an unknown id gets {unknown.status_code}")
            elif forged.status_code == 400 and _normalised(forged_body, theirs[field_name]) != _normalised(
                unknown_body, UNKNOWN[field_name]
            ):
                problems.append(f"{where}: says something else than for an unknown id: {forged_body[:300]}")
    return checked, problems


# Each role is its own test: a role's walk is a few hundred requests, and the roles then run side by side.
@pytest.mark.parametrize("role", ROLES)
def test_every_role_writes_only_where_the_api_table_allows(two, role):
    checked, problems = _walk(two, API_WRITES, role)
    assert checked > 300 / len(ROLES)
    assert not problems, f"{len(problems)} of {checked} writes are wrong:\n" + "\n".join(problems)


@pytest.mark.parametrize("role", ROLES)
def test_every_role_writes_only_where_the_page_table_allows(two, role):
    checked, problems = _walk(two, PAGE_WRITES, role)
    assert checked > 150 / len(ROLES)
    assert not problems, f"{len(problems)} of {checked} writes are wrong:\n" + "\n".join(problems)


def test_the_fingerprints_see_a_write_and_its_rollback(two):
    """The walk's fingerprints are reused while nothing writes: a write is still seen, in its own mission only."""
    from missions.models import Region

    start = WATCH.fingerprint()
    assert start == fingerprint()
    with transaction.atomic():
        assert WATCH.fingerprint() is start  # nothing written since: not read again
        Region.objects.filter(pk=two.a.region.pk).update(name="Renamed")
        changed = WATCH.fingerprint()
        assert changed == fingerprint()
        assert {mission for mission in start if start[mission] != changed.get(mission)} == {two.a.mission.pk}
        transaction.set_rollback(True)
    WATCH.restored(start)
    assert WATCH.fingerprint() == fingerprint() == start
