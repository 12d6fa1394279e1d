"""The product's admin reads in Russian: model and field names, help texts, fieldsets, filters and actions."""

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils.functional import Promise

from tests.language.english import CYRILLIC, english_left, site_data

PRODUCT_APPS = {
    "checklists",
    "cockpit",
    "deployment",
    "incidents",
    "missions",
    "observers",
    "reports",
    "results",
    "submissions",
}


def product_models():
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in PRODUCT_APPS and not model.__name__.startswith("Historical")
    ]


def test_every_product_model_and_field_names_itself_through_the_catalogue():
    untranslated = []
    for model in product_models():
        meta = model._meta
        for name in ("verbose_name", "verbose_name_plural"):
            if not isinstance(getattr(meta, name), Promise):
                untranslated.append(f"{meta.label}.Meta.{name}")
        for field in meta.get_fields(include_hidden=False):
            if field.auto_created or not field.concrete and not field.many_to_many:
                continue
            if not isinstance(field.verbose_name, Promise):
                untranslated.append(f"{meta.label}.{field.name}")
            if field.help_text and not isinstance(field.help_text, Promise):
                untranslated.append(f"{meta.label}.{field.name} (help text)")
    assert not untranslated, "\n".join(untranslated)


@pytest.fixture
def admin_pages(site):
    from observers.models import Observer, Team

    mission = site.mission
    team = Team.objects.filter(mission=mission).first()
    observer = Observer.objects.get(user=site.coordinator)
    return [
        reverse("admin:missions_mission_changelist"),
        reverse("admin:missions_mission_change", args=[mission.pk]),
        reverse("admin:missions_pollingstation_changelist"),
        reverse("admin:missions_region_changelist"),
        reverse("admin:observers_membership_changelist"),
        reverse("admin:observers_observer_change", args=[observer.pk]),
        reverse("admin:observers_team_changelist"),
        reverse("admin:observers_team_change", args=[team.pk]),
        reverse("admin:checklists_formtemplate_changelist"),
        reverse("admin:submissions_submission_changelist"),
        reverse("admin:deployment_teamassignment_changelist"),
    ]


def test_the_product_admin_pages_read_in_russian(client, site, admin_pages, product_strings):
    client.force_login(site.coordinator)
    data = site_data(site)
    problems = []
    for url in admin_pages:
        english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        russian = client.get(url, HTTP_ACCEPT_LANGUAGE="ru")
        assert english.status_code == russian.status_code == 200, (url, russian.status_code)
        page = russian.content.decode()
        assert CYRILLIC.search(page), url
        problems += [
            f"{url}: {problem}" for problem in english_left(english.content.decode(), page, product_strings, data)
        ]
    assert not problems, "\n".join(problems)


def test_the_mission_form_names_its_fields_and_sections_in_russian(client, site):
    client.force_login(site.coordinator)
    page = client.get(
        reverse("admin:missions_mission_change", args=[site.mission.pk]), HTTP_ACCEPT_LANGUAGE="ru"
    ).content.decode()
    for russian in ("Ключевые даты", "Часовой пояс", "Принимающая страна", "Рабочий язык миссии", "Изменить миссия"):
        assert russian in page, russian
    for english in ("Key dates", "Host country", "Time zones", "working language"):
        assert english not in page, english
