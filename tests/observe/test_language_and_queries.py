"""Russian pages, and query counts that stay constant as submissions grow."""

import json

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _switch_to_russian(client):
    response = client.post(reverse("set_language"), {"language": "ru", "next": reverse("observe:home")})
    assert response.status_code == 302


def test_the_home_page_renders_in_russian_after_switching_language(as_user, site):
    client = as_user(site.owner)
    _switch_to_russian(client)
    page = client.get(reverse("observe:home")).content.decode()
    assert '<html lang="ru">' in page
    assert "План на день выборов" in page
    assert "Начать форму голосования" in page
    assert "Plan for election day" not in page


def test_question_texts_follow_the_chosen_language(as_user, site):
    client = as_user(site.owner)
    url = reverse("observe:form_new", args=[site.mission.slug, "voting"]) + f"?station={site.opening_station.pk}"
    question = site.template("voting").questions.exclude(text_ru="").first()
    english = client.get(url).content.decode()
    assert question.text in english
    _switch_to_russian(client)
    russian = client.get(url).content.decode()
    assert question.text_ru in russian
    assert "Отправить форму" in russian
    assert "<h1>Голосование</h1>" in russian
    assert "Да" in russian


def test_the_queue_messages_reach_the_browser_in_russian_with_plural_forms(as_user, site):
    client = as_user(site.owner)
    _switch_to_russian(client)
    page = client.get(reverse("observe:home")).content.decode()
    start = page.index('<script id="eom-messages" type="application/json">') + len(
        '<script id="eom-messages" type="application/json">'
    )
    messages = json.loads(page[start : page.index("</script>", start)])
    assert messages["language"] == "ru"
    assert messages["waiting"]["one"] == "%(n)s форма ожидает отправки"
    assert messages["waiting"]["few"] == "%(n)s формы ожидают отправки"
    assert messages["waiting"]["many"] == "%(n)s форм ожидают отправки"


def test_the_login_page_is_translated(client):
    client.post(reverse("set_language"), {"language": "ru", "next": "/"})
    page = client.get(reverse("login")).content.decode()
    assert "Имя пользователя" in page and "Пароль" in page


def _grow(site, count):
    for index in range(count):
        site.record("voting", station=site.opening_station if index % 2 else site.voting_station)


def _queries_for(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    ("actor", "url_name", "limit"),
    [
        ("owner", "home", 14),
        ("owner", "submission_collection", 10),
        ("lto", "lto_area", 10),
        ("coordinator", "incidents", 6),
    ],
)
def test_pages_use_a_constant_number_of_queries_as_submissions_grow(
    as_user, site, django_assert_max_num_queries, actor, url_name, limit
):
    client = as_user(getattr(site, actor))
    args = [] if url_name == "home" else [site.mission.slug]
    url = reverse(f"observe:{url_name}", args=args)
    _grow(site, 2)
    site.record("voting", payload={**site.payload("voting"), "urgent": True})
    few = _queries_for(client, url, django_assert_max_num_queries, limit)
    _grow(site, 12)
    site.record("voting", payload={**site.payload("voting"), "urgent": True})
    many = _queries_for(client, url, django_assert_max_num_queries, limit)
    assert many == few
