"""Submitting and reading forms over the API: exactly once, the same rules as the pages, scoped per actor."""

import uuid

import pytest

from checklists.choices import TemplateStatus
from submissions.models import Submission
from tests.checklists.factories import answers_for

pytestmark = pytest.mark.django_db


def voting_form(world, forms, *, station=None, form_uuid=None, **answers):
    return {
        "uuid": str(form_uuid or uuid.uuid4()),
        "template": forms["voting"].pk,
        "polling_station": (station or world.north_station).pk,
        "answers": answers_for(forms["voting"], **answers),
    }


@pytest.fixture
def filed(world, forms):
    """One voting form by each STO team: the north team's flagged urgent."""
    sto = world.client("sto").post(
        "/api/submissions/", {**voting_form(world, forms), "urgent": True, "notes": "Police inside."}, format="json"
    )
    other = world.client("other_sto").post(
        "/api/submissions/", voting_form(world, forms, station=world.south_station), format="json"
    )
    assert sto.status_code == 201, sto.json()
    assert other.status_code == 201, other.json()
    return {"sto": sto.json(), "other_sto": other.json()}


def uuids(response):
    return {row["uuid"] for row in response.json()["results"]}


def test_an_sto_submits_a_form_and_gets_201_with_its_url(world, forms):
    body = voting_form(world, forms)
    response = world.client("sto").post("/api/submissions/", body, format="json")

    assert response.status_code == 201, response.json()
    assert response["Location"] == response.json()["url"]
    stored = Submission.objects.get(uuid=body["uuid"])
    assert stored.team == world.sto_team and stored.region == world.north


def test_mission_and_kind_resolve_to_the_published_template(world, forms):
    body = voting_form(world, forms)
    del body["template"]
    response = world.client("sto").post(
        "/api/submissions/", {**body, "mission": "kz-2019", "kind": "voting"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["template"] == forms["voting"].pk


def test_a_kind_without_a_published_checklist_is_named_by_its_label_in_the_readers_language(world, forms):
    type(forms["counting"]).objects.filter(pk=forms["counting"].pk).update(status=TemplateStatus.RETIRED)
    body = voting_form(world, forms)
    del body["template"]
    body = {**body, "mission": "kz-2019", "kind": "counting"}
    client = world.client("sto")
    english = client.post("/api/submissions/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    russian = client.post("/api/submissions/", body, format="json", HTTP_ACCEPT_LANGUAGE="ru")
    assert (english.status_code, russian.status_code) == (400, 400)
    assert english.json()["kind"] == [f"{world.mission.name} has no published Counting checklist."]
    assert russian.json()["kind"] == [
        f"У миссии {world.mission.name} нет опубликованного опросного листа вида «Подсчёт»."
    ]
    assert not Submission.objects.filter(uuid=body["uuid"]).exists()


def test_an_identical_replay_answers_200_and_stores_nothing_new(world, forms):
    body = voting_form(world, forms)
    client = world.client("sto")
    assert client.post("/api/submissions/", body, format="json").status_code == 201
    replay = client.post("/api/submissions/", body, format="json")
    assert replay.status_code == 200
    assert Submission.objects.count() == 1


def test_reusing_a_uuid_for_different_content_is_a_409_conflict(world, forms):
    form_uuid = uuid.uuid4()
    client = world.client("sto")
    assert (
        client.post("/api/submissions/", voting_form(world, forms, form_uuid=form_uuid), format="json").status_code
        == 201
    )
    changed = voting_form(world, forms, form_uuid=form_uuid, overall_assessment="very_bad")
    response = client.post("/api/submissions/", changed, format="json")
    assert response.status_code == 409
    assert "different content" in response.json()["detail"]
    assert Submission.objects.get().overall_assessment == "good"


def test_an_invalid_form_is_a_400_with_messages_by_question_code(world, forms):
    body = voting_form(world, forms)
    body["answers"]["overall_assessment"] = "splendid"
    response = world.client("sto").post("/api/submissions/", body, format="json")
    assert response.status_code == 400
    assert "overall_assessment" in response.json()
    assert not Submission.objects.exists()


def test_a_form_without_a_checklist_is_a_400(world, forms):
    response = world.client("sto").post("/api/submissions/", {"uuid": str(uuid.uuid4())}, format="json")
    assert response.status_code == 400
    assert "template" in response.json()


def test_an_sto_cannot_file_for_another_team(world, forms):
    body = {**voting_form(world, forms), "team": world.other_sto_team.pk}
    response = world.client("sto").post("/api/submissions/", body, format="json")
    assert response.status_code == 403
    assert not Submission.objects.exists()


@pytest.mark.parametrize("actor", ["stranger", "odihr"])
def test_people_outside_the_mission_cannot_submit(world, forms, actor):
    response = world.client(actor).post("/api/submissions/", voting_form(world, forms), format="json")
    assert response.status_code == 403
    assert not Submission.objects.exists()


def test_another_missions_template_id_answers_like_one_that_does_not_exist(world, forms):
    """The outsider belongs to another mission: this mission's template id is unknown to them, not forbidden."""
    client = world.client("outsider")
    forged = client.post("/api/submissions/", voting_form(world, forms), format="json")
    unknown = client.post("/api/submissions/", {**voting_form(world, forms), "template": 10**9}, format="json")
    assert forged.status_code == unknown.status_code == 400
    assert forged.json()["template"][0].split(" id ")[0] == unknown.json()["template"][0].split(" id ")[0]
    assert not Submission.objects.exists()


def test_an_sto_lists_only_its_own_teams_forms(world, filed):
    response = world.client("sto").get("/api/submissions/")
    assert response.status_code == 200
    assert uuids(response) == {filed["sto"]["uuid"]}
    assert world.client("sto").get(f"/api/submissions/{filed['other_sto']['uuid']}/").status_code == 404


def test_an_lto_sees_the_forms_of_its_area(world, filed):
    assert uuids(world.client("lto").get("/api/submissions/")) == {filed["sto"]["uuid"]}


@pytest.mark.parametrize("actor", ["coordinator", "analyst"])
def test_the_core_team_sees_every_form_of_the_mission(world, filed, actor):
    assert uuids(world.client(actor).get("/api/submissions/")) == {filed["sto"]["uuid"], filed["other_sto"]["uuid"]}


def test_outsiders_see_no_forms_and_get_404_on_one(world, filed):
    assert uuids(world.client("outsider").get("/api/submissions/")) == set()
    assert world.client("outsider").get(f"/api/submissions/{filed['sto']['uuid']}/").status_code == 404
    assert world.client("stranger").get("/api/submissions/").status_code == 403
    assert world.client("odihr").get("/api/submissions/").status_code == 403


def test_the_team_corrects_its_form_with_patch_and_a_new_revision_is_kept(world, filed):
    url = f"/api/submissions/{filed['sto']['uuid']}/"
    response = world.client("sto").patch(url, {"answers": {"overall_assessment": "bad"}}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["revision"] == 2
    assert response.json()["answers"]["overall_assessment"] == "bad"
    assert response.json()["status"] == "corrected"


def test_another_team_cannot_correct_a_form(world, filed):
    url = f"/api/submissions/{filed['sto']['uuid']}/"
    assert world.client("other_sto").patch(url, {"notes": "Mine now"}, format="json").status_code == 404
    assert world.client("lto").patch(url, {"notes": "Seen by LTO"}, format="json").status_code == 403
    assert world.client("outsider").patch(url, {"notes": "x"}, format="json").status_code == 404
    assert Submission.objects.get(uuid=filed["sto"]["uuid"]).revision == 1


def test_a_correction_with_a_bad_answer_is_a_400_and_changes_nothing(world, filed):
    url = f"/api/submissions/{filed['sto']['uuid']}/"
    response = world.client("coordinator").patch(url, {"answers": {"overall_assessment": "meh"}}, format="json")
    assert response.status_code == 400
    assert Submission.objects.get(uuid=filed["sto"]["uuid"]).revision == 1


def test_submissions_filter_by_region_kind_team_urgent_and_time(world, filed):
    client = world.client("coordinator")
    sto, other = filed["sto"]["uuid"], filed["other_sto"]["uuid"]
    assert uuids(
        client.get("/api/submissions/", {"mission": "kz-2019", "region": world.north.pk, "kind": "voting"})
    ) == {sto}
    assert uuids(client.get("/api/submissions/", {"region_code": "TUR"})) == {other}
    assert uuids(client.get("/api/submissions/", {"tec": world.south_tec.pk})) == {other}
    assert uuids(client.get("/api/submissions/", {"area_type": "rural"})) == {other}
    assert uuids(client.get("/api/submissions/", {"team": world.sto_team.pk})) == {sto}
    assert uuids(client.get("/api/submissions/", {"team_code": "STO-002"})) == {other}
    assert uuids(client.get("/api/submissions/", {"urgent": "true"})) == {sto}
    assert uuids(client.get("/api/submissions/", {"protocol_mismatch": "true"})) == set()
    assert uuids(client.get("/api/submissions/", {"status": "submitted"})) == {sto, other}
    assert uuids(client.get("/api/submissions/", {"kind": "counting"})) == set()
    received = Submission.objects.get(uuid=other).received_at
    assert uuids(client.get("/api/submissions/", {"received_after": received.isoformat()})) == {other}
    assert uuids(client.get("/api/submissions/", {"received_before": received.isoformat()})) == {sto}
    assert client.get("/api/submissions/", {"kind": "party"}).status_code == 400


def test_submissions_page_with_a_stable_cursor_oldest_first(world, filed, forms):
    client = world.client("coordinator")
    first = client.get("/api/submissions/", {"page_size": 1})
    assert [row["uuid"] for row in first.json()["results"]] == [filed["sto"]["uuid"]]
    # A form arriving while the export runs lands after the cursor and does not shift the pages.
    world.client("sto").post("/api/submissions/", voting_form(world, forms), format="json")
    second = client.get(first.json()["next"])
    assert [row["uuid"] for row in second.json()["results"]] == [filed["other_sto"]["uuid"]]
    assert second.json()["next"] is not None


def test_urgent_incidents_list_the_flagged_forms_in_scope(world, filed):
    response = world.client("coordinator").get("/api/urgent-incidents/", {"mission": "kz-2019"})
    assert response.status_code == 200
    assert [row["uuid"] for row in response.json()["results"]] == [filed["sto"]["uuid"]]
    assert response.json()["results"][0]["notes"] == "Police inside."
    assert world.client("other_sto").get("/api/urgent-incidents/").json()["results"] == []
    assert world.client("outsider").get("/api/urgent-incidents/").json()["results"] == []
    assert world.client("odihr").get("/api/urgent-incidents/").status_code == 403


@pytest.mark.parametrize("endpoint, small_size", [("/api/submissions/", 2), ("/api/urgent-incidents/", 1)])
def test_the_submission_lists_make_the_same_number_of_queries_as_forms_arrive(
    world, forms, filed, endpoint, small_size, django_assert_max_num_queries
):
    client = world.client("coordinator")
    with django_assert_max_num_queries(12) as small:
        assert len(client.get(endpoint).json()["results"]) == small_size
    baseline = len(small)
    for _ in range(20):
        world.client("sto").post("/api/submissions/", {**voting_form(world, forms), "urgent": True}, format="json")
    with django_assert_max_num_queries(baseline):
        assert len(client.get(endpoint).json()["results"]) == small_size + 20


def test_the_curl_example_in_the_docs_fetches_one_regions_voting_forms(world, filed):
    """docs/api.md shows a curl call with a token; run its URL against a mission whose region has the code it names."""
    import re
    from pathlib import Path
    from urllib.parse import urlsplit

    from django.conf import settings
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    docs = (Path(settings.BASE_DIR) / "docs" / "api.md").read_text()
    url = re.search(r'curl -H "Authorization: Token \$TOKEN" \\\n\s+"([^"]+)"', docs).group(1)
    parts = urlsplit(url)
    region_code = re.search(r"region_code=([A-Z]+)", parts.query).group(1)
    world.north.code = region_code
    world.north.save()

    token = Token.objects.create(user=world.users["analyst"])
    response = APIClient().get(f"{parts.path}?{parts.query}", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert uuids(response) == {filed["sto"]["uuid"]}


def test_a_confidential_meeting_record_is_seen_by_the_core_team_and_its_authors_only(world, forms):
    body = {
        "uuid": str(uuid.uuid4()),
        "mission": "kz-2019",
        "kind": "meeting",
        "confidential": True,
        "answers": answers_for(forms["meeting"]),
    }
    response = world.client("lto").post("/api/submissions/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["confidential"] is True

    for actor in ("coordinator", "analyst", "lto"):
        assert body["uuid"] in uuids(world.client(actor).get("/api/submissions/", {"kind": "meeting"})), actor
    for actor in ("sto", "outsider"):
        assert body["uuid"] not in uuids(world.client(actor).get("/api/submissions/", {"kind": "meeting"})), actor
    assert world.client("odihr").get(f"/api/submissions/{body['uuid']}/").status_code == 403


@pytest.mark.parametrize(
    "moment, status",
    [("2019-06-09T10:35:56+22:49", 200), ("0001-01-01T00:10:00+23:00", 400), ("9999-12-31T23:59:00-23:00", 400)],
)
def test_received_between_takes_any_offset_and_refuses_moments_outside_the_calendar(world, filed, moment, status):
    for endpoint in ("/api/submissions/", "/api/report-runs/"):
        name = "received_after" if endpoint == "/api/submissions/" else "created_after"
        assert world.client("coordinator").get(endpoint, {name: moment}).status_code == status


def test_an_arrival_time_outside_the_calendar_is_a_400(world, forms):
    body = {**voting_form(world, forms), "arrival_time": "0001-01-01T00:10:00+23:00"}
    response = world.client("sto").post("/api/submissions/", body, format="json")
    assert response.status_code == 400
    assert "arrival_time" in response.json()
    assert not Submission.objects.exists()
