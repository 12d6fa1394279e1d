import json

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="someone"))
    return client


def test_a_json_post_with_a_nul_character_gets_a_clear_400(logged_in):
    response = logged_in.post("/api/teams/", data=json.dumps({"code": "STO\u0000"}), content_type="application/json")
    assert response.status_code == 400
    assert "NUL character" in response.json()["detail"]


def test_a_form_post_with_a_nul_character_gets_a_clear_400(logged_in):
    response = logged_in.post("/api/teams/", data={"code": "STO\x00"})
    assert response.status_code == 400


def test_a_query_string_with_a_nul_character_gets_a_clear_400(logged_in):
    assert logged_in.get("/api/teams/", {"search": "a\x00b"}).status_code == 400


def test_ordinary_requests_pass_through(logged_in):
    response = logged_in.get("/api/teams/", {"search": "ab"})
    assert response.status_code != 400 and b"NUL character" not in response.content


def test_pages_name_the_session_with_a_tag_that_changes_with_the_session_and_reveals_nothing(client):
    from django.urls import reverse

    from tests.factories import UserFactory

    owner, colleague = UserFactory(username="owner"), UserFactory(username="colleague")
    assert "EOM-Session" not in client.get(reverse("login")).headers
    client.force_login(owner)
    first = client.get(reverse("observe:home")).headers["EOM-Session"]
    assert first == client.get(reverse("observe:home")).headers["EOM-Session"]
    assert client.session.session_key not in first
    client.force_login(colleague)
    assert client.get(reverse("observe:home")).headers["EOM-Session"] != first
