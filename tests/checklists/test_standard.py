"""The standard checklist set: loaded once per mission, realistic, bilingual, valid."""

import pytest
from django.core.management import call_command

from checklists.choices import OBSERVATION_KINDS, OVERALL_ASSESSMENT_CODE, FormKind, QuestionType, TemplateStatus
from checklists.models import FormTemplate, Question, Section
from checklists.selectors import template_published, template_questions, template_schema
from checklists.services import checklists_load_standard, template_errors

pytestmark = pytest.mark.django_db


def test_it_publishes_version_one_of_every_kind(mission):
    templates = checklists_load_standard(mission=mission)

    assert [t.kind for t in templates] == list(FormKind.values)
    assert all(t.version == 1 and t.status == TemplateStatus.PUBLISHED for t in templates)
    assert all(template_errors(template=t) == [] for t in templates)


def test_loading_twice_changes_nothing(mission):
    checklists_load_standard(mission=mission)
    before = (FormTemplate.objects.count(), Section.objects.count(), Question.objects.count())
    ids = sorted(Question.objects.values_list("id", flat=True))

    again = checklists_load_standard(mission=mission)

    assert len(again) == 7
    assert (FormTemplate.objects.count(), Section.objects.count(), Question.objects.count()) == before
    assert sorted(Question.objects.values_list("id", flat=True)) == ids


def test_every_label_is_in_english_and_russian(mission):
    checklists_load_standard(mission=mission)
    for template in FormTemplate.objects.all():
        assert template.title and template.title_ru
    for section in Section.objects.all():
        assert section.title and section.title_ru, section
    for question in Question.objects.all():
        assert question.text and question.text_ru, question.code
        if question.help_text:
            assert question.help_text_ru, question.code
        for choice in question.choices:
            assert choice["label"] and choice["label_ru"], question.code


def test_every_observation_form_ends_with_a_required_overall_assessment(mission):
    checklists_load_standard(mission=mission)
    for kind in OBSERVATION_KINDS:
        last = template_questions(template_published(mission=mission, kind=kind))[-1]
        assert last.code == OVERALL_ASSESSMENT_CODE
        assert last.type == QuestionType.SINGLE and last.required
        assert [c["value"] for c in last.choices] == ["very_good", "good", "bad", "very_bad"]


def test_counting_has_the_protocol_figures_and_one_field_per_candidate(mission):
    checklists_load_standard(mission=mission)
    counting = template_published(mission=mission, kind=FormKind.COUNTING)
    fields = {q.protocol_field: q for q in counting.questions.all() if q.protocol_field}

    assert set(fields) == {
        "voters_main_list",
        "voters_supplementary",
        "ballots_received",
        "ballots_unused",
        "ballots_spoiled",
        "ballots_issued",
        "ballots_issued_mobile",
        "ballots_found_stationary",
        "ballots_found_mobile",
        "ballots_invalid",
        "ballots_valid",
        "candidate_1",
        "candidate_2",
        "candidate_3",
    }
    assert fields["candidate_2"].text == "Votes for Candidate B"
    assert all(q.type == QuestionType.INTEGER and q.min_value == 0 for q in fields.values())


def test_conditions_and_critical_markers_are_in_place(mission):
    checklists_load_standard(mission=mission)
    voting = {q.code: q for q in template_published(mission=mission, kind=FormKind.VOTING).questions.all()}

    assert voting["unauthorised_who"].shown_if_code == "unauthorised_present"
    assert voting["unauthorised_who"].shown_if_values == ["yes"]
    assert voting["ballot_box_stuffing_signs"].critical_values == ["yes"]
    assert voting["intimidation"].critical_values == ["yes"]
    assert voting["ballots_stamped"].type == QuestionType.YES_NO_NA
    assert {"group_voting", "secrecy_ensured", "ids_checked", "voters_on_list", "voters_voted"} <= set(voting)
    opening = {q.code for q in template_published(mission=mission, kind=FormKind.OPENING).questions.all()}
    assert "opened_on_time" in opening


def test_the_published_template_is_read_in_constant_queries(mission, django_assert_num_queries):
    checklists_load_standard(mission=mission)
    # The template, its sections, their questions, the flat question list and its data-quality rules.
    with django_assert_num_queries(5):
        template = template_published(mission=mission, kind=FormKind.COUNTING)
        schema = template_schema(template, language="ru")
    assert schema["title"] == "Подсчёт голосов"
    assert sum(len(s["questions"]) for s in schema["sections"]) == template.questions.count()


def test_the_schema_speaks_the_chosen_language(mission):
    checklists_load_standard(mission=mission)
    template = template_published(mission=mission, kind=FormKind.VOTING)
    english = template_schema(template)
    russian = template_schema(template, language="ru")
    question_en = next(q for s in english["sections"] for q in s["questions"] if q["code"] == "unauthorised_who")
    question_ru = next(q for s in russian["sections"] for q in s["questions"] if q["code"] == "unauthorised_who")

    assert question_en["text"] == "Who were they?"
    assert question_ru["text"] == "Кто это был?"
    assert question_en["shown_if"] == {"code": "unauthorised_present", "values": ["yes"]}
    assert question_ru["choices"][0]["label"] == "Полиция или сотрудники безопасности"
    group = next(q for s in russian["sections"] for q in s["questions"] if q["code"] == "ballots_stamped")
    assert [c["label"] for c in group["choices"]] == ["Да", "Нет", "Не применимо"]


def test_the_command_loads_the_set_for_a_mission(mission, capsys):
    call_command("load_checklists", "--mission", mission.slug)
    assert FormTemplate.objects.filter(mission=mission, status=TemplateStatus.PUBLISHED).count() == 7
    assert "7" in capsys.readouterr().out


def test_the_command_names_an_unknown_mission():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No mission with the slug 'nowhere'"):
        call_command("load_checklists", "--mission", "nowhere")
    assert not FormTemplate.objects.exists()


def test_a_kind_the_mission_already_has_is_left_alone(mission):
    from checklists.services import template_create_from_specification
    from checklists.standard import standard_specifications

    voting = next(s for s in standard_specifications(candidates=[]) if s["kind"] == FormKind.VOTING)
    draft = template_create_from_specification(mission=mission, specification={**voting, "title": "Our own voting"})

    loaded = checklists_load_standard(mission=mission)

    assert FormKind.VOTING not in {t.kind for t in loaded}
    assert FormTemplate.objects.filter(mission=mission, kind=FormKind.VOTING).get() == draft
