"""Published versions are immutable; editing means a new draft version, and publishing it retires the old one."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from checklists.choices import FormKind, QuestionType, TemplateStatus
from checklists.models import FormTemplate, PublishedTemplateError, Question, Section
from checklists.selectors import template_published
from checklists.services import (
    checklists_load_standard,
    question_add,
    question_delete,
    question_update,
    section_add,
    template_new_version,
    template_publish,
    template_retire,
    template_update,
)
from tests.checklists.factories import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def voting(mission):
    checklists_load_standard(mission=mission)
    return template_published(mission=mission, kind=FormKind.VOTING)


class TestPublishedVersionsAreImmutable:
    def test_the_model_refuses_to_save_or_delete_its_questions_and_sections(self, voting):
        question = voting.questions.get(code="group_voting")
        question.text = "Changed"
        with pytest.raises(PublishedTemplateError, match="Voting checklist version 1 is published"):
            question.save()
        with pytest.raises(PublishedTemplateError):
            question.delete()
        with pytest.raises(PublishedTemplateError):
            Section(template=voting, title="Extra", order=99).save()
        with pytest.raises(PublishedTemplateError):
            voting.sections.first().delete()
        assert Question.objects.get(pk=question.pk).text != "Changed"

    def test_the_model_refuses_to_rename_or_delete_the_template(self, voting):
        voting.title = "Renamed"
        with pytest.raises(PublishedTemplateError):
            voting.save()
        with pytest.raises(PublishedTemplateError):
            FormTemplate.objects.get(pk=voting.pk).delete()
        assert FormTemplate.objects.get(pk=voting.pk).title == "Voting"

    def test_a_retired_version_cannot_be_published_again_by_a_save(self, voting):
        template_retire(template=voting)
        voting.refresh_from_db()
        voting.status = TemplateStatus.PUBLISHED
        with pytest.raises(PublishedTemplateError, match="retired"):
            voting.save()

    def test_services_refuse_edits_with_a_clear_message(self, voting):
        question = voting.questions.get(code="group_voting")
        attempts = [
            lambda: template_update(template=voting, title="Renamed"),
            lambda: section_add(template=voting, title="Extra"),
            lambda: question_add(section=question.section, code="new_one", text="New?", type=QuestionType.YES_NO),
            lambda: question_update(question=question, text="Changed"),
            lambda: question_delete(question=question),
        ]
        for attempt in attempts:
            with pytest.raises(PublishedTemplateError) as error:
                attempt()
            assert "create a new draft version" in error.value.messages[0]
        assert voting.questions.filter(code="group_voting", text__startswith="Did you observe").exists()


class TestNewVersions:
    def test_a_new_version_is_a_full_draft_copy(self, voting):
        draft = template_new_version(template=voting)

        assert (draft.version, draft.status) == (2, TemplateStatus.DRAFT)
        old = list(voting.questions.order_by("section__order", "order").values_list("code", "section__title", "text"))
        new = list(draft.questions.order_by("section__order", "order").values_list("code", "section__title", "text"))
        assert new == old
        assert draft.sections.count() == voting.sections.count()
        assert not draft.questions.exclude(section__template=draft).exists()

    def test_a_draft_can_be_edited_and_publishing_it_retires_the_old_version(self, voting):
        draft = template_new_version(template=voting)
        section = draft.sections.order_by("order").first()
        question_add(section=section, code="queue_outside", text="Was there a queue outside?", type=QuestionType.YES_NO)
        question_update(question=draft.questions.get(code="group_voting"), text="Group voting?")

        template_publish(template=draft)

        voting.refresh_from_db()
        assert voting.status == TemplateStatus.RETIRED
        published = template_published(mission=voting.mission, kind=FormKind.VOTING)
        assert published.pk == draft.pk and published.version == 2
        assert voting.questions.get(code="group_voting").text.startswith("Did you observe")

    def test_only_one_draft_per_kind(self, voting):
        template_new_version(template=voting)
        with pytest.raises(ValidationError, match="already exists"):
            template_new_version(template=voting)

    def test_publishing_checks_the_whole_form(self, voting):
        draft = template_new_version(template=voting)
        section = draft.sections.order_by("order").first()
        Question.objects.create(
            template=draft, section=section, order=0, code="who_else", text="Who?", type=QuestionType.SINGLE
        )
        Question.objects.create(
            template=draft,
            section=section,
            order=0,
            code="early",
            text="Shown early?",
            type=QuestionType.TEXT,
            shown_if_code="group_voting",
            shown_if_values=["yes"],
        )
        bounded = draft.questions.get(code="group_voting")
        bounded.min_value = 1
        bounded.save()
        draft.questions.get(code="overall_assessment").delete()

        with pytest.raises(ValidationError) as error:
            template_publish(template=draft)

        messages = error.value.messages
        assert "Question who_else is a choice question without choices." in messages
        assert any("early is shown only if group_voting, which is not an earlier question" in m for m in messages)
        assert "An observation form must end with the question overall_assessment." in messages
        assert "Question group_voting has bounds but is not an integer question." in messages
        draft.refresh_from_db()
        voting.refresh_from_db()
        assert draft.status == TemplateStatus.DRAFT and voting.status == TemplateStatus.PUBLISHED

    def test_a_published_version_cannot_be_published_again(self, voting):
        with pytest.raises(ValidationError, match="Only a draft can be published"):
            template_publish(template=voting)


class TestAdmin:
    @pytest.fixture
    def world(self, mission):
        world = build_world(mission)
        world.coordinator.is_staff = True
        world.coordinator.save()
        return world

    def test_a_published_version_is_shown_read_only(self, world, client):
        client.force_login(world.coordinator)
        voting = world.template(FormKind.VOTING)
        response = client.get(reverse("admin:checklists_formtemplate_change", args=[voting.pk]))

        assert response.status_code == 200
        assert b'name="title"' not in response.content
        assert b'name="questions-0-text"' not in response.content
        assert b"group_voting" in response.content

    def test_a_draft_is_editable_inline(self, world, client):
        client.force_login(world.coordinator)
        draft = template_new_version(template=world.template(FormKind.VOTING))
        response = client.get(reverse("admin:checklists_formtemplate_change", args=[draft.pk]))

        assert b'name="title"' in response.content
        assert b'name="questions-0-text"' in response.content
        assert b'name="sections-0-title"' in response.content

    def test_the_actions_create_a_draft_and_publish_it(self, world, client):
        client.force_login(world.coordinator)
        voting = world.template(FormKind.VOTING)
        url = reverse("admin:checklists_formtemplate_changelist")

        client.post(url, {"action": "new_draft_version", "_selected_action": [voting.pk]})
        draft = FormTemplate.objects.get(mission=world.mission, kind=FormKind.VOTING, version=2)
        client.post(url, {"action": "publish", "_selected_action": [draft.pk]})

        draft.refresh_from_db()
        voting.refresh_from_db()
        assert (draft.status, voting.status) == (TemplateStatus.PUBLISHED, TemplateStatus.RETIRED)

    def test_the_preview_is_for_the_missions_coordinators_only(self, world, client):
        url = reverse("checklists:preview", args=[world.template(FormKind.COUNTING).pk])
        client.force_login(world.coordinator)
        response = client.get(url, {"language": "ru"})
        assert response.status_code == 200
        assert "Подсчёт голосов" in response.content.decode()
        assert "Голосов за: Candidate A" in response.content.decode()

        for user in (world.owner, world.lto, world.analyst, world.outsider):
            client.force_login(user)
            assert client.get(url).status_code == 404, user
        client.logout()
        assert client.get(url).status_code == 404
