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


def test_every_page_and_api_answer_to_a_signed_in_user_says_no_store(logged_in):
    from django.urls import reverse

    for path in (reverse("observe:home"), reverse("reports:index"), "/api/teams/", reverse("admin:index")):
        response = logged_in.get(path)
        assert "no-store" in response.headers.get("Cache-Control", ""), path


def test_api_answers_to_a_token_say_no_store(client):
    from rest_framework.authtoken.models import Token

    from tests.factories import UserFactory

    token = Token.objects.create(user=UserFactory(username="script"))
    response = client.get("/api/teams/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 403  # a role in no mission; the refusal is not kept either
    assert "no-store" in response.headers["Cache-Control"]


def test_static_files_keep_their_caching_for_visitors_and_signed_in_users(settings):
    from django.test import Client

    from tests.factories import UserFactory

    settings.WHITENOISE_USE_FINDERS = True  # serve from the source folders, as collectstatic would
    settings.WHITENOISE_AUTOREFRESH = True
    signed_in = Client()
    signed_in.force_login(UserFactory(username="reader"))
    for visitor in (Client(), signed_in):
        response = visitor.get("/static/css/site.css")
        assert response.status_code == 200
        assert "max-age" in response.headers["Cache-Control"]
        assert "no-store" not in response.headers["Cache-Control"]
