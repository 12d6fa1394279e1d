"""What the checklists tell a coordinator (a malformed expression, a checklist that cannot be published, an XLSForm
that cannot make a checklist) reads in the coordinator's language: the same refusal in English and in Russian."""

import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from checklists.choices import FormKind, QuestionType
from checklists.expressions import ExpressionError, Variable, check, parse
from checklists.expressions.evaluation import CHOICES, NUMBER, TEXT
from checklists.models import DataRule, FormTemplate, Question
from checklists.services import rule_add, template_new_version, template_publish
from checklists.xlsform import template_import_xlsform
from tests.checklists.factories import build_world
from tests.checklists.test_admin_rules import _change_form
from tests.checklists.test_xlsform import _workbook

pytestmark = pytest.mark.django_db

CYRILLIC = re.compile(r"[А-Яа-яЁё]")
VARIABLES = {
    "voters_voted": Variable(NUMBER),
    "count_suspended": Variable(TEXT, frozenset({"yes", "no"})),
    "who": Variable(CHOICES, frozenset({"police", "officials"})),
}


def _parse_error(text: str, language: str) -> str:
    with translation.override(language), pytest.raises(ExpressionError) as error:
        parse(text)
    return str(error.value)


def _check_error(text: str, language: str) -> str:
    with translation.override(language), pytest.raises(ExpressionError) as error:
        check(parse(text), VARIABLES)
    return str(error.value)


@pytest.mark.parametrize(
    ("text", "english", "russian"),
    [
        ("voters_voted ; 1", "Unexpected character ';' at position 14.", "Неожиданный символ ';' в позиции 14."),
        ("voters_voted <=", "Unexpected the end at position 16.", "Не ожидалось в позиции 16: конец выражения."),
        ("(voters_voted > 1", "Expected ')' at position 18, found the end.", "В позиции 18 ожидалось ')'"),
        ("eval(1) > 0", "Unknown function 'eval' at position 1", "Неизвестная функция 'eval' в позиции 1"),
        ("2 ** 3 > 1", "There is no power operator (** at position 3).", "Возведения в степень нет"),
        ("who in []", "The list at position 8 is empty.", "Список в позиции 8 пуст."),
        ("  ", "The expression is empty.", "Выражение пустое."),
    ],
)
def test_a_malformed_expression_is_refused_in_the_readers_language(text, english, russian):
    in_english = _parse_error(text, "en")
    in_russian = _parse_error(text, "ru")
    assert in_english.startswith(english)
    assert in_russian.startswith(russian) and CYRILLIC.search(in_russian)
    assert english not in in_russian


@pytest.mark.parametrize(
    ("text", "english", "russian"),
    [
        ("voters_voted = 'many'", "'=' compares a number with a text.", "'=' сравнивает число с текстом."),
        ("who in ['army']", "who cannot have the answer(s) army.", "У вопроса who не может быть таких ответов: army."),
        (
            "ballots_stolen > 0",
            "ballots_stolen is not a question this expression can use.",
            "ballots_stolen — не вопрос, который может использовать это выражение.",
        ),
        ("count_suspended + 1 > 0", "Arithmetic works on numbers only.", "Арифметические действия возможны только"),
        ("voters_voted + 1", "The expression must be a condition", "Выражение должно быть условием"),
    ],
)
def test_an_expression_that_does_not_fit_the_checklist_is_refused_in_the_readers_language(text, english, russian):
    in_english = _check_error(text, "en")
    in_russian = _check_error(text, "ru")
    assert in_english.startswith(english)
    assert in_russian.startswith(russian)
    assert english not in in_russian


@pytest.fixture
def world(mission):
    world = build_world(mission)
    world.coordinator.is_staff = True
    world.coordinator.save()
    return world


def _broken_draft(world):
    """A draft of the voting checklist with a choice question without choices, a condition on a later question,
    a rule over a question that is gone and no overall assessment at the end."""
    draft = template_new_version(template=world.template(FormKind.VOTING))
    section = draft.sections.order_by("order").first()
    Question.objects.create(
        template=draft, section=section, order=0, code="who_else", text="Who?", type=QuestionType.SINGLE
    )
    rule_add(template=draft, code="turnout", expression="voters_voted <= voters_on_list")
    draft.questions.get(code="voters_on_list").delete()
    draft.questions.get(code="overall_assessment").delete()
    return draft


def _publish_errors(draft, language: str) -> list[str]:
    with translation.override(language), pytest.raises(ValidationError) as error:
        template_publish(template=draft)
    return error.value.messages


def test_a_checklist_that_cannot_be_published_says_why_in_the_readers_language(world):
    draft = _broken_draft(world)

    english = _publish_errors(draft, "en")
    russian = _publish_errors(draft, "ru")

    assert "Question who_else is a choice question without choices." in english
    assert "Rule turnout: voters_on_list is not a question this expression can use." in english
    assert "An observation form must end with the question overall_assessment." in english
    assert "Вопрос who_else — вопрос с вариантами ответа, но вариантов у него нет." in russian
    assert "Правило turnout: voters_on_list — не вопрос, который может использовать это выражение." in russian
    assert "Форма наблюдения должна заканчиваться вопросом overall_assessment." in russian
    assert len(russian) == len(english)
    for message in russian:
        assert CYRILLIC.search(message), message
        assert not any(sentence in message for sentence in english), message


def test_a_rule_named_like_one_of_the_standard_set_is_refused_in_the_readers_language(world):
    draft = template_new_version(template=world.template(FormKind.COUNTING))
    rule = DataRule(template=draft, code="protocol_valid_votes", expression="ballots_valid >= 0")
    with translation.override("ru"), pytest.raises(ValidationError) as error:
        rule.full_clean()
    assert error.value.message_dict["code"] == ["protocol_valid_votes — имя правила стандартного набора."]
    with translation.override("en"), pytest.raises(ValidationError) as error:
        rule.full_clean()
    assert error.value.message_dict["code"] == ["protocol_valid_votes is the name of a rule of the standard set."]


def test_a_coordinator_in_russian_saving_a_bad_condition_in_the_admin_reads_why_in_russian(world, client):
    client.force_login(world.coordinator)
    draft = template_new_version(template=world.template(FormKind.VOTING))
    url, data = _change_form(client, draft)
    index = next(key.split("-")[1] for key, value in data.items() if key.endswith("-code") and value == "ids_checked")

    data[f"questions-{index}-condition"] = "voters_voted > 0 and"
    russian = client.post(url, data, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    english = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Не ожидалось в позиции 21: конец выражения." in russian
    assert "Unexpected the end at position 21." not in russian
    assert "Unexpected the end at position 21." in english
    assert draft.questions.get(code="ids_checked").condition == ""


BAD_XLSFORM = {
    "survey": [
        ["type", "name", "label", "relevant"],
        ["select_one missing_list", "q1", "Q1", ""],
        ["integer", "q2", "Q2", "string-length(${q1}) > 3"],
        ["integer", "q2", "Q2 again", ""],
        ["integer", "q3", "Q3", "${q2} >"],
    ],
    "choices": [["list_name", "name", "label"]],
}


def _import_errors(mission, language: str) -> list[str]:
    with translation.override(language), pytest.raises(ValidationError) as error:
        template_import_xlsform(mission=mission, raw=_workbook(BAD_XLSFORM), kind=FormKind.VOTING)
    return error.value.messages


def test_an_xlsform_that_cannot_make_a_checklist_lists_its_errors_in_the_readers_language(mission):
    english = _import_errors(mission, "en")
    russian = _import_errors(mission, "ru")

    assert english == [
        "survey row 2: q1 uses the choice list missing_list, which the choices sheet lacks.",
        "survey row 3: the relevant of q2: string-length is not an operator or function the product has.",
        "survey row 4: the name q2 is used twice.",
        "survey row 5: the relevant of q3: Unexpected the end at position 5.",
    ]
    assert russian == [
        "лист survey, строка 2: q1 использует список вариантов missing_list, которого нет на листе choices.",
        "лист survey, строка 3: relevant вопроса q2: в продукте нет оператора или функции string-length.",
        "лист survey, строка 4: имя q2 использовано дважды.",
        "лист survey, строка 5: relevant вопроса q3: Не ожидалось в позиции 5: конец выражения.",
    ]
    assert not FormTemplate.objects.filter(mission=mission).exists()


def test_what_an_xlsform_import_does_not_keep_is_listed_in_the_readers_language(mission):
    sheets = {
        "survey": [
            ["type", "name", "label", "appearance"],
            ["integer", "q1", "Q1", "numbers"],
            ["calculate", "total", "", ""],
        ],
    }
    with translation.override("ru"):
        result = template_import_xlsform(mission=mission, raw=_workbook(sheets), kind=FormKind.VOTING)
        russian = [*result.not_kept, result.summary()]
    with translation.override("en"):
        english = [*result.not_kept, result.summary()]

    assert russian[0] == (
        "лист survey, строка 2: столбец appearance (то, как ODK показывает вопрос; впервые использован здесь)."
    )
    assert russian[1] == "лист survey, строка 3: вычисление total (продукт не вычисляет поля)."
    assert "вопросов — 1, разделов — 1, правил качества данных — 0; не сохранено конструкций: 2." in russian[2]
    assert english[2].endswith(": 1 questions in 1 sections, 0 data-quality rules; 2 construct(s) not kept.")


def test_a_coordinator_in_russian_importing_a_bad_xlsform_in_the_admin_reads_its_errors_in_russian(world, client):
    client.force_login(world.coordinator)
    url = reverse("admin:checklists_formtemplate_xlsform_import")

    def post(language: str) -> str:
        upload = SimpleUploadedFile("bad.xlsx", _workbook(BAD_XLSFORM))
        data = {"mission": world.mission.pk, "kind": FormKind.OPENING, "file": upload}
        response = client.post(url, data, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        return html.unescape(response.content.decode())

    russian = post("ru")
    english = post("en")

    assert "лист survey, строка 4: имя q2 использовано дважды." in russian
    assert "лист survey, строка 2: q1 использует список вариантов missing_list" in russian
    assert "survey row 4: the name q2 is used twice." not in russian
    assert "survey row 4: the name q2 is used twice." in english
    assert not FormTemplate.objects.filter(mission=world.mission, kind=FormKind.OPENING, version__gt=1).exists()


def test_a_coordinator_in_russian_publishing_a_broken_checklist_in_the_admin_reads_why_in_russian(world, client):
    client.force_login(world.coordinator)
    draft = _broken_draft(world)
    url = reverse("admin:checklists_formtemplate_changelist")
    action = {"action": "publish", "_selected_action": [draft.pk]}

    russian = html.unescape(client.post(url, action, follow=True, HTTP_ACCEPT_LANGUAGE="ru").content.decode())
    english = html.unescape(client.post(url, action, follow=True, HTTP_ACCEPT_LANGUAGE="en").content.decode())

    assert "Вопрос who_else — вопрос с вариантами ответа, но вариантов у него нет." in russian
    assert "Форма наблюдения должна заканчиваться вопросом overall_assessment." in russian
    assert "is a choice question without choices" not in russian
    assert "Question who_else is a choice question without choices." in english
    draft.refresh_from_db()
    assert draft.status == "draft"
