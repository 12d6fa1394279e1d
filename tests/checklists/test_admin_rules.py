"""The coordinators' admin edits rules, conditions and choices as validated text, never raw JSON."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from checklists.choices import FormKind
from checklists.models import DataRule
from checklists.services import template_new_version
from tests.checklists.factories import build_world

pytestmark = pytest.mark.django_db


class _FormFields(HTMLParser):
    """The values a browser would send for the admin's change form (inputs, textareas, selected options)."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, str] = {}
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") == "checkbox":
                if "checked" in attrs:
                    self.data[name] = attrs.get("value", "on")
            else:
                self.data[name] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


@pytest.fixture
def world(mission):
    world = build_world(mission)
    world.coordinator.is_staff = True
    world.coordinator.save()
    return world


def _change_form(client, template) -> tuple[str, dict]:
    url = reverse("admin:checklists_formtemplate_change", args=[template.pk])
    parser = _FormFields()
    parser.feed(client.get(url).content.decode())
    data = {key: value.lstrip("\n") for key, value in parser.data.items()}
    return url, data


def _add_rule(data: dict, **fields) -> dict:
    index = int(data["rules-TOTAL_FORMS"])
    data["rules-TOTAL_FORMS"] = str(index + 1)
    data.update({f"rules-{index}-{name}": value for name, value in fields.items()})
    return data


def test_a_coordinator_adds_a_rule_and_a_malformed_one_is_refused_with_its_message(world, client):
    client.force_login(world.coordinator)
    draft = template_new_version(template=world.template(FormKind.VOTING))
    url, data = _change_form(client, draft)

    refused = client.post(url, _add_rule(dict(data), order="1", code="turnout", expression="voters_voted <="))
    assert refused.status_code == 200
    assert "Unexpected the end at position 16." in refused.content.decode()
    assert not DataRule.objects.filter(template=draft).exists()

    saved = client.post(
        url, _add_rule(dict(data), order="1", code="turnout", expression="voters_voted <= voters_on_list")
    )
    assert saved.status_code == 302
    assert list(DataRule.objects.filter(template=draft).values_list("code", "expression")) == [
        ("turnout", "voters_voted <= voters_on_list")
    ]


def test_choices_are_edited_as_lines_and_conditions_as_checked_expressions(world, client):
    client.force_login(world.coordinator)
    draft = template_new_version(template=world.template(FormKind.VOTING))
    url, data = _change_form(client, draft)
    index = next(key.split("-")[1] for key, value in data.items() if key.endswith("-code") and value == "ids_checked")

    assert data[f"questions-{index}-choices"].splitlines()[0] == "always | Always | Всегда"

    data[f"questions-{index}-choices"] = "always | Always | Всегда\nnever | Never"
    data[f"questions-{index}-condition"] = "voters_voted > 0 and"
    refused = client.post(url, data)
    assert "Unexpected the end at position 21." in refused.content.decode()

    data[f"questions-{index}-condition"] = "voters_voted > 0 and voters_on_list is answered"
    assert client.post(url, data).status_code == 302
    question = draft.questions.get(code="ids_checked")
    assert question.choices == [
        {"value": "always", "label": "Always", "label_ru": "Всегда"},
        {"value": "never", "label": "Never"},
    ]
    assert question.condition == "voters_voted > 0 and voters_on_list is answered"
