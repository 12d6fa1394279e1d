"""Checklists as XLSForm: every standard checklist exported, accepted by pyxform (and ODK Validate where Java is
installed), imported back as the same checklist; a hand-written XLSForm imported with what it cannot keep listed by
row."""

import io
import shutil

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook
from pyxform.xls2xform import convert

from checklists.choices import FormKind, QuestionType, TemplateStatus
from checklists.expressions import parse, render
from checklists.models import FormTemplate
from checklists.services import checklists_load_standard, rule_add, template_new_version, template_publish
from checklists.xlsform import template_export_xlsform, template_import_xlsform

pytestmark = pytest.mark.django_db

QUESTION_FIELDS = (
    "code",
    "type",
    "text",
    "text_ru",
    "help_text",
    "help_text_ru",
    "choices",
    "required",
    "min_value",
    "max_value",
    "shown_if_code",
    "shown_if_values",
    "condition",
    "critical_values",
    "protocol_field",
)


def _structure(template) -> dict:
    """Everything a checklist says, in form order, without ids."""
    return {
        "title": (template.title, template.title_ru),
        "sections": [
            (
                section.title,
                section.title_ru,
                [
                    {
                        **{name: getattr(question, name) for name in QUESTION_FIELDS},
                        "condition": _same(question.condition),
                    }
                    for question in section.questions.order_by("order", "id")
                ],
            )
            for section in template.sections.order_by("order", "id")
        ],
        "rules": [
            (code, _same(expression), message, message_ru)
            for code, expression, message, message_ru in template.rules.order_by("order").values_list(
                "code", "expression", "message", "message_ru"
            )
        ],
    }


def _same(expression: str) -> str:
    """An expression in canonical spelling (spacing, quotes, parentheses), which is what a round trip keeps."""
    return render(parse(expression)) if expression else ""


def _workbook(sheets: dict[str, list[list]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def standard(mission):
    mission.candidates = ["Candidate A", "Candidate B", "Candidate C"]
    mission.save()
    return {template.kind: template for template in checklists_load_standard(mission=mission)}


@pytest.mark.parametrize("kind", FormKind.values)
def test_a_standard_checklist_goes_out_to_xlsform_and_comes_back_the_same(mission, standard, kind):
    original = standard[kind]
    raw = template_export_xlsform(template=original)

    warnings: list[str] = []
    xform = convert(xlsform=raw, warnings=warnings, file_type=".xlsx").xform
    assert "<h:html" in xform and warnings == []

    imported = template_import_xlsform(mission=mission, raw=raw)

    assert imported.not_kept == []
    assert (imported.template.kind, imported.template.version, imported.template.status) == (kind, 2, "draft")
    assert _structure(imported.template) == _structure(original)
    template_publish(template=imported.template)  # the copy passes every check a checklist must pass


def test_rules_and_expression_conditions_survive_the_round_trip(mission, standard):
    draft = template_new_version(template=standard[FormKind.VOTING])
    rule_add(
        template=draft,
        code="turnout",
        expression="voters_voted * 100 / voters_on_list <= 100",
        message="Turnout above 100 %: {voters_voted} of {voters_on_list}.",
        message_ru="Явка выше 100 %: {voters_voted} из {voters_on_list}.",
    )
    question = draft.questions.get(code="voters_voted")
    question.condition = "voters_on_list > 0 and not (voters_on_list > 5000)"
    question.save()
    complaints = draft.questions.get(code="complaints_filed")  # a question after a multiple choice and the figures
    complaints.condition = "unauthorised_who in ['police', 'local_officials'] or voters_voted is not answered"
    complaints.save()
    published = template_publish(template=draft)

    raw = template_export_xlsform(template=published)
    assert convert(xlsform=raw, file_type=".xlsx").xform
    imported = template_import_xlsform(mission=mission, raw=raw).template

    assert _structure(imported) == _structure(published)


@pytest.mark.skipif(shutil.which("java") is None, reason="ODK Validate needs Java")
def test_odk_validate_accepts_the_exported_counting_checklist(standard):
    raw = template_export_xlsform(template=standard[FormKind.COUNTING])
    assert "<h:html" in convert(xlsform=raw, file_type=".xlsx", validate=True).xform


HAND_WRITTEN = {
    "survey": [
        [
            "type",
            "name",
            "label::English (en)",
            "label::Russian (ru)",
            "label::Kazakh (kk)",
            "hint::English (en)",
            "required",
            "relevant",
            "constraint",
            "constraint_message::English (en)",
            "constraint_message::Russian (ru)",
            "appearance",
        ],
        ["begin_group", "arrival", "Arrival", "Прибытие", "", "", "", "", "", "", "", ""],
        [
            "select_one yn",
            "pec_present",
            "Were PEC members present?",
            "Присутствовали ли члены УИК?",
            "",
            "",
            "yes",
            "",
            "",
            "",
            "",
            "",
        ],
        [
            "integer",
            "members",
            "How many?",
            "Сколько?",
            "Қанша?",
            "Count them.",
            "yes",
            "${pec_present} = 'yes'",
            ". >= 0 and . <= 40",
            "",
            "",
            "",
        ],
        [
            "integer",
            "women",
            "Women among them",
            "Из них женщин",
            "",
            "",
            "",
            "${members} > 0",
            ". <= ${members}",
            "More women than members",
            "Женщин больше, чем членов",
            "",
        ],
        ["end_group", "", "", "", "", "", "", "", "", "", "", ""],
        ["begin_group", "process", "Process", "Процесс", "", "", "", "", "", "", "", ""],
        [
            "select_multiple who",
            "unauthorised",
            "Who else was present?",
            "Кто ещё присутствовал?",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "minimal",
        ],
        [
            "text",
            "unauthorised_detail",
            "Describe",
            "Опишите",
            "",
            "",
            "",
            "selected(${unauthorised}, 'police') or ${members} >= 10 and ${pec_present} != ''",
            "",
            "",
            "",
            "",
        ],
        ["geopoint", "location", "Where are you?", "Где вы?", "", "", "", "", "", "", "", ""],
        ["decimal", "hours", "Hours spent", "Часов", "", "", "", "", "", "", "", ""],
        ["date", "visit_date", "Date", "Дата", "", "", "", "", "", "", "", ""],
        ["time", "arrived_at", "Arrived at", "Время прибытия", "", "", "", "", "", "", "", ""],
        ["note", "thanks", "Thank the PEC.", "Поблагодарите УИК.", "", "", "", "", "", "", "", ""],
        ["select_one rating", "overall_assessment", "Overall", "Общая оценка", "", "", "yes", "", "", "", "", ""],
        ["end_group", "", "", "", "", "", "", "", "", "", "", ""],
    ],
    "choices": [
        ["list_name", "name", "label::English (en)", "label::Russian (ru)"],
        ["yn", "yes", "Yes", "Да"],
        ["yn", "no", "No", "Нет"],
        ["who", "police", "Police", "Полиция"],
        ["who", "officials", "Officials", "Чиновники"],
        ["rating", "very_good", "Very good", "Очень хорошо"],
        ["rating", "good", "Good", "Хорошо"],
        ["rating", "bad", "Bad", "Плохо"],
        ["rating", "very_bad", "Very bad", "Очень плохо"],
    ],
    "settings": [["form_title", "form_id", "default_language"], ["Opening (network form)", "opening", "English (en)"]],
}


def test_a_hand_written_xlsform_is_imported_with_what_it_cannot_keep_listed_by_row(mission):
    result = template_import_xlsform(mission=mission, raw=_workbook(HAND_WRITTEN), kind=FormKind.OPENING)
    template = result.template

    assert [s.title for s in template.sections.order_by("order")] == ["Arrival", "Process"]
    assert [s.title_ru for s in template.sections.order_by("order")] == ["Прибытие", "Процесс"]
    questions = {q.code: q for q in template.questions.all()}
    assert list(questions) == [
        "pec_present", "members", "women", "unauthorised", "unauthorised_detail", "hours", "visit_date",
        "arrived_at", "thanks", "overall_assessment",
    ]  # fmt: skip
    assert questions["pec_present"].type == QuestionType.YES_NO and questions["pec_present"].required
    assert (questions["members"].text_ru, questions["members"].help_text) == ("Сколько?", "Count them.")
    assert (questions["members"].min_value, questions["members"].max_value) == (0, 40)
    assert (questions["members"].shown_if_code, questions["members"].shown_if_values) == ("pec_present", ["yes"])
    assert questions["women"].condition == "members > 0"
    assert questions["unauthorised"].choices == [
        {"value": "police", "label": "Police", "label_ru": "Полиция"},
        {"value": "officials", "label": "Officials", "label_ru": "Чиновники"},
    ]
    assert questions["unauthorised_detail"].condition == (
        "unauthorised in ['police'] or members >= 10 and pec_present is answered"
    )
    assert [questions[c].type for c in ("hours", "visit_date", "arrived_at", "thanks")] == [
        QuestionType.DECIMAL, QuestionType.DATE, QuestionType.TIME, QuestionType.NOTE,
    ]  # fmt: skip
    assert list(template.rules.values_list("code", "expression", "message", "message_ru")) == [
        ("women_check", "women <= members", "More women than members", "Женщин больше, чем членов")
    ]
    assert result.not_kept == [
        "survey row 4: the text in Kazakh (kk) (the product keeps English and Russian).",
        "survey row 5: the constraint of women is kept as the data-quality rule women_check: a form that breaks it "
        "is flagged, not refused.",
        "survey row 8: the column appearance (how ODK shows a question; first used here).",
        "survey row 10: the question location of type geopoint (the product has no such question).",
    ]
    template_publish(template=template)
    assert FormTemplate.objects.get(pk=template.pk).status == TemplateStatus.PUBLISHED


def test_an_xlsform_that_cannot_make_a_checklist_writes_nothing_and_lists_every_error(mission):
    sheets = {
        "survey": [
            ["type", "name", "label", "relevant"],
            ["select_one missing_list", "q1", "Q1", ""],
            ["integer", "q2", "Q2", "string-length(${q1}) > 3"],
            ["integer", "q2", "Q2 again", ""],
        ],
        "choices": [["list_name", "name", "label"]],
    }
    with pytest.raises(ValidationError) as error:
        template_import_xlsform(mission=mission, raw=_workbook(sheets), kind=FormKind.VOTING)
    assert error.value.messages == [
        "survey row 2: q1 uses the choice list missing_list, which the choices sheet lacks.",
        "survey row 3: the relevant of q2: string-length is not an operator or function the product has.",
        "survey row 4: the name q2 is used twice.",
    ]
    assert not FormTemplate.objects.filter(mission=mission).exists()


def test_a_file_that_is_not_a_workbook_is_refused_with_a_message(mission):
    with pytest.raises(ValidationError, match="not a valid XLSX"):
        template_import_xlsform(mission=mission, raw=b"type,name\ninteger,x\n", kind=FormKind.VOTING)


def test_an_exported_workbook_reads_as_an_xlsform(standard):
    workbook = load_workbook(io.BytesIO(template_export_xlsform(template=standard[FormKind.OPENING])))
    assert workbook.sheetnames == ["survey", "choices", "settings"]
    header = [cell.value for cell in next(workbook["survey"].iter_rows(max_row=1))]
    assert header[:4] == ["type", "name", "label::English (en)", "label::Russian (ru)"]


class TestAdminAndCommands:
    @pytest.fixture
    def world(self, mission):
        from tests.checklists.factories import build_world

        world = build_world(mission)
        world.coordinator.is_staff = True
        world.coordinator.save()
        return world

    def test_a_coordinator_downloads_a_checklist_as_xlsform_and_others_cannot(self, world, client):
        from django.urls import reverse

        from tests.factories import MissionFactory

        counting = world.template(FormKind.COUNTING)
        url = reverse("admin:checklists_formtemplate_xlsform", args=[counting.pk])
        client.force_login(world.coordinator)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="kz-2019-counting-v1.xlsx"'
        assert load_workbook(io.BytesIO(response.content)).sheetnames == ["survey", "choices", "settings"]

        other = MissionFactory(slug="elsewhere")
        other_counting = next(t for t in checklists_load_standard(mission=other) if t.kind == FormKind.COUNTING)
        other_url = reverse("admin:checklists_formtemplate_xlsform", args=[other_counting.pk])
        assert client.get(other_url).status_code in (403, 404)
        client.force_login(world.outsider)
        assert client.get(url).status_code in (302, 403, 404)

    def test_a_coordinator_imports_an_xlsform_and_sees_what_was_not_kept(self, world, client):
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.urls import reverse

        client.force_login(world.coordinator)
        upload = SimpleUploadedFile("network.xlsx", _workbook(HAND_WRITTEN))
        response = client.post(
            reverse("admin:checklists_formtemplate_xlsform_import"),
            {"mission": world.mission.pk, "kind": FormKind.OPENING, "file": upload},
        )

        assert response.status_code == 200
        page = response.content.decode()
        assert "survey row 10: the question location of type geopoint" in page
        draft = FormTemplate.objects.get(mission=world.mission, kind=FormKind.OPENING, status=TemplateStatus.DRAFT)
        assert draft.questions.count() == 10

    def test_an_observer_cannot_import(self, world, client):
        from django.urls import reverse

        client.force_login(world.owner)
        response = client.get(reverse("admin:checklists_formtemplate_xlsform_import"))
        assert response.status_code in (302, 403)

    def test_the_commands_export_and_import_a_checklist(self, world, tmp_path):
        from django.core.management import call_command

        path = tmp_path / "voting.xlsx"
        call_command("export_xlsform", "--mission", "kz-2019", "--kind", "voting", str(path))
        out = io.StringIO()
        call_command("import_xlsform", "--mission", "kz-2019", str(path), stdout=out)

        draft = FormTemplate.objects.get(mission=world.mission, kind=FormKind.VOTING, version=2)
        assert _structure(draft) == _structure(world.template(FormKind.VOTING))
        assert "Voting v2 (Draft)" in out.getvalue()


def test_a_groups_relevant_becomes_a_condition_of_each_of_its_questions(mission):
    sheets = {
        "survey": [
            ["type", "name", "label", "relevant"],
            ["select_one yn", "count_observed", "Did you observe the count?", ""],
            ["begin_group", "count", "Count", "${count_observed} = 'yes'"],
            ["integer", "ballots_valid", "Valid ballots", ""],
            ["integer", "ballots_invalid", "Invalid ballots", "${ballots_valid} > 0"],
            ["end_group", "", "", ""],
        ],
        "choices": [
            ["list_name", "name", "label", "media::image"],
            ["yn", "yes", "Yes", "yes.png"],
            ["yn", "no", "No", ""],
        ],
    }
    result = template_import_xlsform(mission=mission, raw=_workbook(sheets), kind=FormKind.COUNTING)
    questions = {q.code: q for q in result.template.questions.all()}

    assert (questions["ballots_valid"].shown_if_code, questions["ballots_valid"].shown_if_values) == (
        "count_observed",
        ["yes"],
    )
    assert questions["ballots_invalid"].condition == "count_observed = 'yes' and ballots_valid > 0"
    assert result.not_kept == [
        "choices row 2: the column media::image (only list_name, name and label).",
        "survey row 3: the relevant of group count is kept as a condition of each of its questions.",
    ]


def test_observers_fill_in_an_imported_checklist_once_it_is_published(mission):
    from submissions.services import submission_validate

    template = template_import_xlsform(mission=mission, raw=_workbook(HAND_WRITTEN), kind=FormKind.OPENING).template
    template_publish(template=template)
    answers = {
        "pec_present": "yes",
        "members": 12,
        "women": 14,
        "unauthorised": ["officials"],
        "unauthorised_detail": "Two officials from the akimat.",
        "hours": "1.5",
        "visit_date": "2019-06-09",
        "arrived_at": "07:40",
        "overall_assessment": "good",
    }
    cleaned = submission_validate(template=template, payload={"polling_station": 1, "answers": answers})

    assert cleaned["unauthorised_detail"] == "Two officials from the akimat."  # shown: 12 members >= 10
    assert (cleaned["hours"], cleaned["visit_date"], cleaned["thanks"]) == ("1.5", "2019-06-09", None)
    from checklists.rules import form_flags
    from checklists.selectors import template_questions

    flags = form_flags(template=template, questions=template_questions(template), answers=cleaned)
    assert flags == [{"rule": "women_check", "values": {"women": 14, "members": 12}}]
