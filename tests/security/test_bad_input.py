"""Bad input, posts: malformed form posts and ids of the observers' site, the API and the pages get a clear refusal,
change nothing, and never a 5xx (fuzzed as well). Hostile files are in test_bad_uploads.py.
"""

from __future__ import annotations

import copy
import html
import json
import uuid

import django_filters
import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from deployment.models import TeamAssignment
from observers.models import Team, TeamMember
from submissions.models import Answer, Submission
from tests.checklists.factories import answers_for
from tests.factories import kazakhstan_2019
from tests.observe.conftest import build_site
from tests.once import once_per_module

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------------------------------------ form posts


@pytest.fixture(scope="module")
def site_once(request):
    return once_per_module(request, "site", lambda: build_site(kazakhstan_2019()))


@pytest.fixture
def site(site_once, mission):
    return copy.deepcopy(site_once) if site_once is not None else build_site(mission)


def _submit_url(site) -> str:
    return reverse("observe:submission_collection", args=[site.mission.slug])


def _body(site, **overrides) -> dict:
    return {"uuid": str(uuid.uuid4()), "template": site.template("voting").pk, **site.payload("voting"), **overrides}


def _post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_an_unknown_answer_is_refused_with_its_code(client, site):
    client.force_login(site.owner)
    body = _body(site)
    body["answers"]["smuggled_question"] = "yes"
    response = _post(client, _submit_url(site), body)
    assert response.status_code == 400
    assert "smuggled_question" in response.json()["errors"]
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("arrival_time", {"not": "a time"}),
        ("urgent", "perhaps"),
        ("polling_station", "0101; DROP TABLE"),
        ("answers", ["a", "list"]),
        ("notes", 12345),
    ],
)
def test_a_wrong_type_is_a_400_with_a_message_by_field(client, site, field, value):
    client.force_login(site.owner)
    response = _post(client, _submit_url(site), _body(site, **{field: value}))
    assert response.status_code == 400
    assert response.json()["errors"]
    assert not Submission.objects.exists()


def test_a_huge_note_is_refused_and_nothing_is_stored(client, site):
    client.force_login(site.owner)
    response = _post(client, _submit_url(site), _body(site, notes="x" * 100_000))
    assert response.status_code == 400
    assert "notes" in response.json()["errors"]
    assert not Submission.objects.exists()


def test_a_huge_text_answer_is_refused(client, site):
    client.force_login(site.owner)
    template = site.template("voting")
    question = template.questions.filter(type="text").exclude(shown_if_values=[]).first()
    body = {**_body(site), "answers": answers_for(template, **{question.shown_if_code: question.shown_if_values[0]})}
    body["answers"][question.code] = "y" * 100_000
    response = _post(client, _submit_url(site), body)
    assert response.status_code == 400
    assert question.code in response.json()["errors"]
    assert not Submission.objects.exists()


def test_a_body_larger_than_the_upload_limit_is_a_400(client, site):
    client.force_login(site.owner)
    response = _post(client, _submit_url(site), _body(site, notes="z" * (6 * 1024 * 1024)))
    assert response.status_code == 400
    assert not Submission.objects.exists()


def test_an_unknown_top_level_field_is_refused_by_the_api(site):
    client = APIClient()
    client.force_authenticate(site.owner)
    response = client.post("/api/submissions/", _body(site, smuggled_field="x"), format="json")
    assert response.status_code in (201, 400)
    if response.status_code == 201:
        # Unknown top-level keys are dropped, never stored: the payload keeps only the form's own fields.
        assert "smuggled_field" not in Submission.objects.get().payload


def test_the_api_refuses_wrong_types_with_messages(site):
    client = APIClient()
    client.force_authenticate(site.owner)
    for field, value in (("uuid", "not-a-uuid"), ("template", "seven"), ("answers", "yes"), ("notes", "x" * 6000)):
        response = client.post("/api/submissions/", _body(site, **{field: value}), format="json")
        assert response.status_code == 400, (field, response.status_code)
        assert field in response.json(), (field, response.json())
    assert not Submission.objects.exists()


# ------------------------------------------------------------------------------------------------ fuzzing

JSON_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
)
JSON_VALUES = st.recursive(
    JSON_LEAVES, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
)
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _fuzzed_body(site, data) -> dict:
    """A form body where any field may be replaced by arbitrary JSON, and answers get arbitrary values."""
    body = _body(site)
    codes = list(body["answers"])
    for code in data.draw(st.lists(st.sampled_from(codes), max_size=6, unique=True)):
        body["answers"][code] = data.draw(JSON_VALUES)
    for key in data.draw(st.lists(st.sampled_from([*body, "team", "tec", "confidential", "extra"]), max_size=3)):
        body[key] = data.draw(JSON_VALUES)
    return body


@FUZZ
@given(data=st.data())
def test_fuzzed_posts_to_the_observers_site_never_get_a_server_error(client, site, data):
    client.force_login(site.owner)
    body = _fuzzed_body(site, data)
    response = _post(client, _submit_url(site), body)
    assert response.status_code in (200, 201, 400, 403, 409), response.content[:300]
    if response.status_code == 400:
        assert response.json().get("errors") or response.json().get("detail")
    for submission in Submission.objects.all():
        assert submission.answers.exists()  # never a form without its answers


@FUZZ
@given(data=st.data())
def test_fuzzed_posts_to_the_api_never_get_a_server_error(site, data):
    client = APIClient()
    client.force_authenticate(site.owner)
    body = _fuzzed_body(site, data)
    response = client.post("/api/submissions/", body, format="json")
    assert response.status_code in (200, 201, 400, 403, 404, 409), response.content[:300]
    assert Answer.objects.filter(submission__isnull=True).count() == 0


@pytest.mark.parametrize("template", [[None], {"id": 1}, True, "1e3", -1], ids=["list", "object", "bool", "exp", "neg"])
def test_a_template_id_that_is_not_a_number_is_a_400(client, site, template):
    client.force_login(site.owner)
    response = _post(client, _submit_url(site), _body(site, template=template))
    assert response.status_code == 400


# ------------------------------------------------------------------------------------------------ answers that were 500
# str.isdigit() accepts "²" (and int() then refuses it); Python's JSON decoder accepts lone surrogates and recurses
# once per level; the csv module refuses long fields and (before 3.13) NUL bytes. Each was a server error.

SUPERSCRIPT = "²"
BEYOND_64_BITS = "99999999999999999999"


def _message(response) -> str:
    return html.unescape(response.content.decode())


def test_a_superscript_digit_as_the_region_of_the_station_search_is_a_400(client, site):
    client.force_login(site.owner)
    url = reverse("observe:station_search", args=[site.mission.slug])
    response = client.get(url, {"number": "101", "region": SUPERSCRIPT})
    assert response.status_code == 400
    assert "'region' must be the id of one" in _message(response)


def test_a_superscript_digit_as_the_station_of_a_new_form_is_a_400(client, site):
    client.force_login(site.owner)
    url = reverse("observe:form_new", args=[site.mission.slug, "voting"])
    for value in (SUPERSCRIPT, BEYOND_64_BITS):
        response = client.get(url, {"station": value})
        assert response.status_code == 400
        assert "'station' must be the id of one" in _message(response)


@pytest.mark.parametrize("field", ["template", "polling_station"])
@pytest.mark.parametrize("value", [SUPERSCRIPT, BEYOND_64_BITS], ids=["superscript", "beyond-64-bits"])
def test_a_malformed_id_in_a_submitted_form_is_a_400_and_nothing_is_stored(client, site, field, value):
    client.force_login(site.owner)
    response = _post(client, _submit_url(site), _body(site, **{field: value}))
    assert response.status_code == 400
    assert response.json()["errors"]
    assert not Submission.objects.exists()


def test_a_lone_surrogate_in_a_submitted_note_is_a_400_on_the_site_and_the_api(client, site):
    body = json.dumps(_body(site, notes="Queue outside \ud800 the station"))  # escaped as \\ud800: valid JSON
    client.force_login(site.owner)
    response = client.post(_submit_url(site), data=body, content_type="application/json")
    assert response.status_code == 400
    assert "surrogate" in " ".join(response.json()["errors"]["__all__"])
    api = APIClient()
    api.force_authenticate(site.owner)
    response = api.post("/api/submissions/", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "surrogate" in response.json()["detail"]
    assert not Submission.objects.exists()


def test_a_lone_surrogate_in_a_key_is_a_400_on_the_api(site):
    api = APIClient()
    api.force_authenticate(site.coordinator)
    response = api.patch(
        f"/api/regions/{site.region.pk}/", data='{"name\\udfff": "x"}', content_type="application/json"
    )
    assert response.status_code == 400
    assert "surrogate" in response.json()["detail"]


def test_json_nested_thousands_deep_is_a_400_on_the_site_and_the_api(client, site):
    deep = '{"notes": ' + "[" * 5000 + "]" * 5000 + "}"
    client.force_login(site.owner)
    response = client.post(_submit_url(site), data=deep, content_type="application/json")
    assert response.status_code == 400
    assert "nested more than" in " ".join(response.json()["errors"]["__all__"])
    api = APIClient()
    api.force_authenticate(site.owner)
    response = api.post("/api/submissions/", data=deep, content_type="application/json")
    assert response.status_code == 400
    assert "nested more than" in response.json()["detail"]
    assert not Submission.objects.exists()


def test_no_api_list_filter_answers_a_superscript_or_a_huge_id_with_a_server_error(site):
    from config.api import router

    api = APIClient()
    api.force_authenticate(site.coordinator)
    api.raise_request_exception = False
    tried = 0
    for prefix, viewset, _basename in router.registry:
        filterset = getattr(viewset, "filterset_class", None)
        for name, declared in filterset.base_filters.items() if filterset else ():
            expects_id = isinstance(declared, django_filters.ModelChoiceFilter)
            for value in (SUPERSCRIPT, BEYOND_64_BITS, "1e400"):
                response = api.get(f"/api/{prefix}/", {name: value})
                tried += 1
                assert response.status_code < 500, (prefix, name, value)
                if expects_id and getattr(declared, "field_name", "") != "mission":
                    assert response.status_code == 400, (prefix, name, value)
                    assert name in response.json(), (prefix, name, value)
    assert tried > 100  # every endpoint's filters were tried, not an empty sweep


@pytest.fixture
def world_for_reports(site, settings, tmp_path):
    """A compiled run of the site's mission and its analyst, who may compare it."""
    from reports.services import report_run_compile, report_run_create

    settings.MEDIA_ROOT = tmp_path / "media"
    run = report_run_create(mission=site.mission, kinds=["voting"])
    report_run_compile(run_id=run.pk)
    return run, site.analyst


def test_a_superscript_digit_as_the_run_to_compare_with_is_a_400(client, world_for_reports):
    run, analyst = world_for_reports
    client.force_login(analyst)
    response = client.get(reverse("reports:run_compare", args=[run.pk]), {"with": SUPERSCRIPT})
    assert response.status_code == 400
    assert "'with' must be the id of one" in _message(response)


def test_a_superscript_digit_as_the_results_version_is_a_400(client, site):
    client.force_login(site.coordinator)
    response = client.get(reverse("results:mission", args=[site.mission.slug]), {"version": SUPERSCRIPT})
    assert response.status_code == 400
    assert "'version' must be its number" in _message(response)


def test_a_superscript_digit_as_the_cockpit_silence_hours_falls_back_to_the_default(client, site):
    client.force_login(site.coordinator)
    response = client.get(reverse("cockpit:mission", args=[site.mission.slug]), {"hours": SUPERSCRIPT})
    assert response.status_code == 200


def _plan_state(mission) -> list:
    return (
        sorted(
            TeamAssignment.objects.filter(mission=mission).values_list(
                "team_id", "region_id", "locked", "tabulation_tec_id"
            )
        )
        + sorted(Team.objects.filter(mission=mission).values_list("pk", "locked"))
        + sorted(TeamMember.objects.filter(team__mission=mission).values_list("team_id", "membership_id"))
    )


@pytest.mark.parametrize(
    ("action", "fields", "message"),
    [
        ("lock", {"team": "abc", "locked": "1"}, "'team' must be the id of one"),
        ("lock", {"assignment": SUPERSCRIPT, "locked": "1"}, "'assignment' must be the id of one"),
        ("move", {"team": "abc", "region": "1"}, "'team' must be the id of one"),
        ("move", {"team": "TEAM", "region": SUPERSCRIPT}, "'region' must be the id of one"),
        ("move", {"team": "TEAM", "region": "REGION", "tecs": ["abc"]}, "every 'tecs' must be the id of one"),
        ("swap", {"team": "abc", "remove": "1", "add": "2"}, "'team' must be the id of one"),
        ("swap", {"team": "TEAM", "remove": SUPERSCRIPT, "add": "2"}, "'remove' must be the id of one"),
    ],
)
def test_a_planning_post_with_a_malformed_id_is_a_400_and_changes_nothing(client, site, action, fields, message):
    client.force_login(site.coordinator)
    placeholders = {"TEAM": str(site.team.pk), "REGION": str(site.region.pk)}
    fields = {key: placeholders.get(value, value) if isinstance(value, str) else value for key, value in fields.items()}
    before = _plan_state(site.mission)
    response = client.post(reverse(f"deployment:{action}", args=[site.mission.slug]), fields)
    assert response.status_code == 400
    assert message in _message(response)
    assert _plan_state(site.mission) == before


def test_a_superscript_digit_as_the_assignee_of_a_case_is_a_400_and_changes_nothing(client, site):
    from incidents.models import Case, CaseNote

    submission = site.record("voting", payload={**site.payload("voting"), "urgent": True, "notes": "Stuffing."})
    case = Case.objects.create(mission=site.mission, submission=submission)
    before = (case.status, case.assignee_id)
    client.force_login(site.coordinator)
    url = reverse("incidents:case", args=[site.mission.slug, case.pk])
    response = client.post(url, {"assignee": SUPERSCRIPT, "status": "closed", "text": "Called the TEC."})
    assert response.status_code == 400
    assert "'assignee' must be the id of a member of the core team" in _message(response)
    case.refresh_from_db()
    assert (case.status, case.assignee_id) == before
    assert not CaseNote.objects.filter(case=case).exists()
