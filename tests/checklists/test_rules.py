"""Data-quality rules a coordinator writes on a checklist, and conditions written as expressions: checked when
saved and when published, flagging forms (never refusing them) wherever a form is recorded or corrected."""

import copy
import uuid

import pytest
from django.core.exceptions import ValidationError

from checklists.choices import QuestionType, TemplateStatus
from checklists.models import DataRule
from checklists.rules import flag_messages
from checklists.services import question_add, rule_add, template_new_version, template_publish
from submissions.services import submission_correct, submission_validate
from tests.checklists.factories import answers_for, build_world
from tests.factories import kazakhstan_2019
from tests.once import once_per_module

pytestmark = pytest.mark.django_db

TURNOUT_RULE = "voters_voted <= voters_on_list"


@pytest.fixture(scope="module")
def world_once(request):
    return once_per_module(request, "world", lambda: build_world(kazakhstan_2019()))


@pytest.fixture
def world(world_once, mission):
    return copy.deepcopy(world_once) if world_once is not None else build_world(mission)


def _with_rules(world, *rules: tuple[str, str, str]):
    """Publish a new version of the voting checklist carrying these rules (code, expression, message)."""
    draft = template_new_version(template=world.template("voting"))
    for code, expression, message in rules:
        rule_add(
            template=draft,
            code=code,
            expression=expression,
            message=message,
            message_ru=f"RU {message}" if message else "",
        )
    return template_publish(template=draft)


class TestWritingRules:
    def test_a_malformed_rule_is_refused_when_saved_with_the_place_of_the_mistake(self, world):
        draft = template_new_version(template=world.template("voting"))
        with pytest.raises(ValidationError) as error:
            rule_add(template=draft, code="turnout", expression="voters_voted <= ")
        assert error.value.message_dict == {"expression": ["Unexpected the end at position 17."]}
        assert not DataRule.objects.filter(template=draft).exists()

    def test_a_rule_on_a_question_the_checklist_lacks_is_refused(self, world):
        draft = template_new_version(template=world.template("voting"))
        with pytest.raises(ValidationError) as error:
            rule_add(template=draft, code="stolen", expression="ballots_stolen = 0")
        assert error.value.message_dict == {"expression": ["ballots_stolen is not a question this expression can use."]}

    def test_a_rule_cannot_take_the_name_of_a_standard_rule(self, world):
        draft = template_new_version(template=world.template("voting"))
        with pytest.raises(ValidationError) as error:
            rule_add(template=draft, code="protocol_received_balance", expression=TURNOUT_RULE)
        assert "standard set" in error.value.message_dict["code"][0]

    def test_a_rule_is_frozen_with_its_published_version_and_copied_to_the_next(self, world):
        published = _with_rules(world, ("turnout", TURNOUT_RULE, "Voted {voters_voted} of {voters_on_list}."))
        with pytest.raises(ValidationError, match="cannot be changed"):
            rule_add(template=published, code="other", expression="voters_voted >= 0")
        draft = template_new_version(template=published)
        assert list(draft.rules.values_list("code", "expression")) == [("turnout", TURNOUT_RULE)]

    def test_publishing_refuses_a_rule_broken_by_a_later_change_to_the_questions(self, world):
        draft = template_new_version(template=world.template("voting"))
        rule_add(template=draft, code="turnout", expression=TURNOUT_RULE)
        draft.questions.get(code="voters_on_list").delete()
        with pytest.raises(ValidationError) as error:
            template_publish(template=draft)
        assert "Rule turnout: voters_on_list is not a question this expression can use." in error.value.messages


class TestFlagging:
    def test_a_broken_rule_flags_the_form_with_its_answers_and_the_form_is_kept(self, world):
        _with_rules(world, ("turnout", TURNOUT_RULE, "Voted {voters_voted} of {voters_on_list}."))
        on_list, voted = 1200, 1300

        submission, created = world.record("voting", voters_on_list=on_list, voters_voted=voted)

        assert created and submission.pk
        assert submission.protocol_mismatch
        assert submission.protocol_issues == [
            {"rule": "turnout", "values": {"voters_voted": voted, "voters_on_list": on_list}}
        ]
        assert flag_messages(submission.protocol_issues, template=submission.template) == [
            f"Voted {voted} of {on_list}."
        ]
        assert flag_messages(submission.protocol_issues, template=submission.template, language="ru") == [
            f"RU Voted {voted} of {on_list}."
        ]

    def test_a_form_that_keeps_the_rule_is_not_flagged(self, world):
        _with_rules(world, ("turnout", TURNOUT_RULE, ""))
        submission, _ = world.record("voting", voters_on_list=1200, voters_voted=640)
        assert not submission.protocol_mismatch and submission.protocol_issues == []

    def test_each_broken_rule_is_one_flag_in_the_order_of_the_rules(self, world):
        _with_rules(
            world,
            ("turnout", TURNOUT_RULE, ""),
            ("turnout_pct", "voters_voted * 100 / voters_on_list <= 100", ""),
            ("some_voted", "voters_voted > 0", ""),
        )
        submission, _ = world.record("voting", voters_on_list=100, voters_voted=101)
        assert [flag["rule"] for flag in submission.protocol_issues] == ["turnout", "turnout_pct"]
        assert flag_messages(submission.protocol_issues, template=submission.template)[0] == (
            "Rule turnout: voters_voted <= voters_on_list (voters_voted = 101; voters_on_list = 100)"
        )

    def test_a_correction_recomputes_the_flags(self, world):
        _with_rules(world, ("turnout", TURNOUT_RULE, ""))
        form_uuid = uuid.uuid4()
        submission, _ = world.record("voting", form_uuid=form_uuid, voters_on_list=100, voters_voted=150)
        assert submission.protocol_mismatch

        corrected = submission_correct(
            user=world.owner,
            submission=submission,
            payload=world.payload("voting", voters_on_list=200, voters_voted=150),
        )

        assert not corrected.protocol_mismatch and corrected.protocol_issues == []

    def test_the_standard_protocol_rules_flag_a_counting_form_alongside_the_checklists_own(self, world):
        from tests.checklists.factories import consistent_protocol

        submission, _ = world.record("counting", **{**consistent_protocol(), "ballots_received": 1005})
        assert [flag["rule"] for flag in submission.protocol_issues] == ["protocol_received_balance"]
        assert submission.protocol_issues[0]["standard"] is True


class TestConditions:
    @pytest.fixture
    def voting(self, world):
        draft = template_new_version(template=world.template("voting"))
        section = draft.questions.get(code="group_voting").section  # added at its end, after the questions it reads
        question_add(
            section=section,
            code="why_so_many",
            text="Why had so many voted, or group voting seen?",
            type=QuestionType.TEXT,
            condition="voters_voted * 2 > voters_on_list or group_voting = 'yes'",
        )
        return draft

    def test_a_condition_with_arithmetic_and_or_shows_the_question(self, voting):
        payload = {"polling_station": 1, "answers": answers_for(voting)}
        answers = payload["answers"]
        answers.update(voters_on_list=100, voters_voted=60, group_voting="no", why_so_many="Buses.")
        assert submission_validate(template=voting, payload=payload)["why_so_many"] == "Buses."

        answers.update(voters_voted=40)
        assert "why_so_many" not in submission_validate(template=voting, payload=payload)

        answers.update(group_voting="yes")
        assert submission_validate(template=voting, payload=payload)["why_so_many"] == "Buses."

    def test_a_malformed_condition_is_refused_when_saved(self, voting):
        section = voting.sections.first()
        with pytest.raises(ValidationError) as error:
            question_add(section=section, code="odd", text="Odd?", type=QuestionType.TEXT, condition="group_voting =")
        assert error.value.message_dict == {"condition": ["Unexpected the end at position 15."]}

    def test_a_condition_on_a_later_question_cannot_be_published(self, world):
        draft = template_new_version(template=world.template("voting"))
        first = draft.sections.order_by("order").first()
        question_add(
            section=first, code="early", text="Early?", type=QuestionType.TEXT, condition="voters_voted > 1", order=0
        )
        with pytest.raises(ValidationError) as error:
            template_publish(template=draft)
        assert "Question early is shown only if voters_voted, which is not an earlier question of this form." in (
            error.value.messages
        )
        draft.refresh_from_db()
        assert draft.status == TemplateStatus.DRAFT

    def test_the_schema_gives_the_browser_the_condition_tree(self, voting):
        from checklists.selectors import template_schema, template_with_structure

        schema = template_schema(template_with_structure(template_id=voting.pk))
        question = next(q for s in schema["sections"] for q in s["questions"] if q["code"] == "why_so_many")
        assert question["condition_tree"] == [
            "or",
            ["cmp", ">", ["arith", "*", ["var", "voters_voted"], ["num", "2"]], ["var", "voters_on_list"]],
            ["cmp", "=", ["var", "group_voting"], ["str", "yes"]],
        ]


class TestStatistics:
    def test_forms_flagged_by_each_rule_are_counted_and_listed_with_the_rules_message(self, world):
        from reports.compile import statistics_compile
        from reports.result import ReportLabels

        _with_rules(
            world,
            ("turnout", TURNOUT_RULE, "Voted {voters_voted} of {voters_on_list}."),
            ("some_voted", "voters_voted > 0", ""),
        )
        figures = [(100, 150), (100, 50), (200, 0), (80, 90)]  # (on list, voted)
        for on_list, voted in figures:
            world.record("voting", voters_on_list=on_list, voters_voted=voted)
        turnout_broken = [(on_list, voted) for on_list, voted in figures if voted > on_list]
        none_voted = [(on_list, voted) for on_list, voted in figures if voted <= 0]

        compiled = statistics_compile(mission=world.mission)
        result = compiled.to_json()

        assert result["protocol"]["by_rule"] == {"some_voted": len(none_voted), "turnout": len(turnout_broken)}
        assert result["protocol"]["mismatches"] == len(turnout_broken) + len(none_voted)
        labels = ReportLabels.for_result(compiled, mission=world.mission)
        listed = [issue for row in compiled.protocol.list for issue in labels.issues(row)]
        assert sorted(listed) == sorted(
            [f"Voted {voted} of {on_list}." for on_list, voted in turnout_broken]
            + ["Rule some_voted: voters_voted > 0 (voters_voted = 0)" for _ in none_voted]
        )


def test_the_api_gives_a_checklists_rules_and_conditions(world, client):
    published = _with_rules(world, ("turnout", TURNOUT_RULE, "Voted {voters_voted} of {voters_on_list}."))
    client.force_login(world.owner)

    body = client.get(f"/api/form-templates/{published.pk}/").json()

    assert body["rules"] == [
        {
            "order": 1,
            "code": "turnout",
            "expression": TURNOUT_RULE,
            "message": "Voted {voters_voted} of {voters_on_list}.",
            "message_ru": "RU Voted {voters_voted} of {voters_on_list}.",
        }
    ]
    questions = {q["code"]: q for section in body["sections"] for q in section["questions"]}
    assert questions["unauthorised_who"]["shown_if_code"] == "unauthorised_present"
    assert questions["unauthorised_who"]["condition"] == ""


def test_the_preview_shows_the_rules_and_expression_conditions(world, client):
    from django.urls import reverse

    published = _with_rules(world, ("turnout", TURNOUT_RULE, "Voted {voters_voted} of {voters_on_list}."))
    client.force_login(world.coordinator)
    page = client.get(reverse("checklists:preview", args=[published.pk])).content.decode()
    assert "<code>turnout</code>: <code>voters_voted &lt;= voters_on_list</code>" in page


def test_the_submissions_admin_shows_a_forms_flags_as_sentences(world, client):
    from django.urls import reverse

    _with_rules(world, ("turnout", TURNOUT_RULE, "Voted {voters_voted} of {voters_on_list}."))
    submission, _ = world.record("voting", voters_on_list=100, voters_voted=130)
    world.coordinator.is_staff = True
    world.coordinator.save()
    client.force_login(world.coordinator)
    page = client.get(reverse("admin:submissions_submission_change", args=[submission.pk])).content.decode()
    assert "Voted 130 of 100." in page
