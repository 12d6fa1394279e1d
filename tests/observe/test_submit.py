"""The submit endpoint the browser posts to, and the correction page: exactly once, clear refusals."""

import json
import uuid

import pytest
from django.urls import reverse

from submissions.models import PhaseLock, Submission

pytestmark = pytest.mark.django_db


def _post(client, site, body, *, url=None):
    url = url or reverse("observe:submission_collection", args=[site.mission.slug])
    return client.post(url, data=json.dumps(body), content_type="application/json")


def _body(site, kind="voting", **overrides):
    body = {"uuid": str(uuid.uuid4()), "template": site.template(kind).pk, **site.payload(kind)}
    body.update(overrides)
    return body


def test_a_new_form_is_recorded_with_201(as_user, site):
    body = _body(site, arrival_time="09:15", departure_time="09:50", notes="Calm.")
    response = _post(as_user(site.owner), site, body)
    assert response.status_code == 201, response.content
    submission = Submission.objects.get(uuid=body["uuid"])
    assert submission.team == site.team
    assert submission.polling_station == site.opening_station
    assert response.json()["uuid"] == body["uuid"]
    assert response.json()["url"] == reverse("observe:submission_detail", args=[site.mission.slug, body["uuid"]])


def test_submitting_works_out_who_the_observer_is_only_once(as_user, site, monkeypatch):
    from observe.views import forms as views
    from observers import access
    from submissions.services import recording

    calls = []

    def counting_actor_for(user, mission):
        calls.append(user.pk)
        return access.actor_for(user, mission)

    monkeypatch.setattr(views, "actor_for", counting_actor_for)
    monkeypatch.setattr(recording, "actor_for", counting_actor_for)
    response = _post(as_user(site.owner), site, _body(site))
    assert response.status_code == 201, response.content
    assert calls == [site.owner.pk]


def test_a_replay_of_the_same_form_answers_200_and_stores_nothing_new(as_user, site):
    client = as_user(site.owner)
    body = _body(site)
    assert _post(client, site, body).status_code == 201
    again = _post(client, site, body)
    assert again.status_code == 200
    assert again.json()["uuid"] == body["uuid"]
    assert Submission.objects.filter(uuid=body["uuid"]).count() == 1


def test_the_same_uuid_with_other_content_is_a_409_and_nothing_is_overwritten(as_user, site):
    client = as_user(site.owner)
    body = _body(site, notes="first")
    assert _post(client, site, body).status_code == 201
    response = _post(client, site, {**body, "notes": "second"})
    assert response.status_code == 409
    assert Submission.objects.get(uuid=body["uuid"]).notes == "first"


def test_invalid_answers_come_back_as_400_with_messages_by_question(as_user, site):
    body = _body(site)
    required = site.template("voting").questions.filter(required=True, shown_if_code="").first()
    del body["answers"][required.code]
    response = _post(as_user(site.owner), site, body)
    assert response.status_code == 400
    assert required.code in response.json()["errors"]
    assert not Submission.objects.filter(uuid=body["uuid"]).exists()


def test_a_number_out_of_bounds_is_refused_with_its_message(as_user, site):
    question = site.template("voting").questions.filter(type="integer", min_value__isnull=False).first()
    body = _body(site)
    body["answers"][question.code] = question.min_value - 1
    response = _post(as_user(site.owner), site, body)
    assert response.status_code == 400
    assert "at least" in " ".join(response.json()["errors"][question.code])


def test_an_unreadable_body_or_bad_uuid_is_a_400(as_user, site):
    client = as_user(site.owner)
    url = reverse("observe:submission_collection", args=[site.mission.slug])
    assert client.post(url, data="{not json", content_type="application/json").status_code == 400
    assert _post(client, site, _body(site, uuid="not-a-uuid")).json()["errors"]["uuid"]
    assert _post(client, site, _body(site, template=999999)).status_code == 400
    assert Submission.objects.count() == 0


def test_a_station_outside_the_area_is_refused_with_403(as_user, site):
    body = _body(site, polling_station=site.other_station.pk)
    response = _post(as_user(site.owner), site, body)
    assert response.status_code == 403
    assert not Submission.objects.exists()


def test_others_cannot_submit(as_user, site):
    for user in (site.outsider, site.coordinator, site.analyst):
        response = _post(as_user(user), site, _body(site))
        assert response.status_code == 403, user
    assert _post(as_user(site.other_sto), site, _body(site)).status_code == 403
    assert not Submission.objects.exists()


def test_an_anonymous_post_is_refused_and_never_redirected(client, site):
    response = _post(client, site, _body(site))
    assert response.status_code in (401, 403)
    assert not Submission.objects.exists()


def test_the_submit_endpoint_is_csrf_protected(site):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(site.owner)
    response = _post(client, site, _body(site))
    assert response.status_code == 403
    assert not Submission.objects.exists()
    client.get(reverse("observe:home"))
    token = client.cookies["csrftoken"].value
    url = reverse("observe:submission_collection", args=[site.mission.slug])
    response = client.post(url, data=json.dumps(_body(site)), content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201


def test_a_counting_form_with_a_protocol_mismatch_is_accepted_and_flagged(as_user, site):
    from tests.checklists.factories import consistent_protocol

    figures = {**consistent_protocol(3), "ballots_valid": 599}
    body = {
        "uuid": str(uuid.uuid4()),
        "template": site.template("counting").pk,
        **site.payload("counting", station=site.voting_station, **figures),
    }
    response = _post(as_user(site.owner), site, body)
    assert response.status_code == 201, response.content
    assert response.json()["protocol_mismatch"] is True
    assert response.json()["protocol_issues"]


def test_the_lto_files_a_confidential_meeting_record_without_a_station(as_user, site):
    body = {"uuid": str(uuid.uuid4()), "template": site.template("meeting").pk, "confidential": True}
    body["answers"] = site.payload("meeting")["answers"]
    response = _post(as_user(site.lto), site, body)
    assert response.status_code == 201, response.content
    assert Submission.objects.get(uuid=body["uuid"]).confidential is True


def test_the_team_corrects_its_own_form_and_every_version_is_kept(as_user, site):
    submission = site.record("voting")
    url = reverse("observe:submission_edit", args=[site.mission.slug, submission.uuid])
    client = as_user(site.teammate)
    page = client.get(url)
    assert page.status_code == 200
    assert 'id="eom-existing"' in page.content.decode()
    body = {**submission.payload, "notes": "Corrected after the visit."}
    body.pop("template", None)
    body.pop("team", None)
    response = client.post(url, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content
    submission.refresh_from_db()
    assert submission.notes == "Corrected after the visit."
    assert submission.revision == 2
    detail = client.get(reverse("observe:submission_detail", args=[site.mission.slug, submission.uuid]))
    assert "Corrected" in detail.content.decode()


def test_corrections_are_refused_to_other_teams_and_after_the_phase_lock(as_user, site):
    submission = site.record("voting")
    url = reverse("observe:submission_edit", args=[site.mission.slug, submission.uuid])
    assert as_user(site.other_sto).get(url).status_code == 404
    assert as_user(site.lto).get(url).status_code == 403
    assert as_user(site.outsider).get(url).status_code == 404
    PhaseLock.objects.create(mission=site.mission, kind="voting", locked_by=site.coordinator)
    client = as_user(site.owner)
    assert client.get(url).status_code == 403
    body = {**submission.payload, "notes": "too late"}
    body.pop("template", None)
    response = client.post(url, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 403
    submission.refresh_from_db()
    assert submission.notes != "too late"
    page = client.get(reverse("observe:home")).content.decode()
    assert "Locked" in page


def test_the_service_worker_is_served_at_the_root_scope(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    body = response.content.decode()
    assert "/static/css/site.css" in body and "/static/js/form.js" in body
    assert 'addEventListener("fetch"' in body


def test_the_offline_page_is_public(client):
    assert client.get(reverse("observe:offline")).status_code == 200
