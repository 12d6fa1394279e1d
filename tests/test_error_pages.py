"""403, 404 and 500 pages as production serves them (DEBUG off): styled, translated, with a way home."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def production_errors(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.error_urls"


@pytest.fixture
def visitor(client):
    client.raise_request_exception = False  # a 500 is answered by its page, as in production
    return client


def _way_home(body: str) -> None:
    assert f'href="{reverse("cockpit:landing")}"' in body
    assert "/static/css/site.css" in body


def test_an_unknown_address_answers_404_with_the_styled_page_and_a_way_home(visitor):
    response = visitor.get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "This page does not exist" in body and "Go to your start page" in body
    _way_home(body)


def test_the_404_page_does_not_repeat_the_internal_reason(visitor):
    body = visitor.get("/tests/missing/").content.decode()
    assert "This page does not exist" in body and "PlanningJob" not in body


def test_a_refusal_answers_403_with_its_reason_and_a_way_home(visitor):
    visitor.force_login(UserFactory(username="outsider"))
    response = visitor.get("/tests/refused/")
    body = response.content.decode()
    assert response.status_code == 403
    assert "You are not allowed to open this page" in body
    assert "Only the mission&#x27;s coordinators plan the deployment." in body
    assert f'href="{reverse("login")}"' in body
    _way_home(body)


def test_a_crash_answers_500_with_the_styled_page_and_a_way_home(visitor):
    response = visitor.get("/tests/broken/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in body and "a bug" not in body
    _way_home(body)


@pytest.mark.parametrize(
    ("path", "status", "heading"),
    [
        ("/no-such-page/", 404, "Такой страницы нет"),
        ("/tests/refused/", 403, "У вас нет доступа к этой странице"),
        ("/tests/broken/", 500, "Что-то пошло не так на нашей стороне"),
    ],
)
def test_each_error_page_speaks_russian_to_a_russian_browser(visitor, path, status, heading):
    visitor.force_login(UserFactory(username="observer"))
    response = visitor.get(path, HTTP_ACCEPT_LANGUAGE="ru")
    body = response.content.decode()
    assert response.status_code == status
    assert heading in body and "На вашу начальную страницу" in body and '<html lang="ru">' in body


def test_the_500_page_renders_without_the_database(django_assert_num_queries):
    from django.utils import translation

    with django_assert_num_queries(0), translation.override("en"):
        body = render_to_string("500.html")
    assert "Something went wrong on our side" in body


def test_the_way_home_leads_a_logged_in_observer_to_their_start_page(visitor):
    visitor.force_login(UserFactory(username="observer"))
    response = visitor.get(reverse("cockpit:landing"))
    assert response.status_code == 302 and response["Location"] == reverse("observe:home")
