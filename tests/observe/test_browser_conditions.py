"""A condition written as an expression (arithmetic, and/or) shows and hides its question in the browser exactly as
the server decides it, in a real headless Chromium."""

import pytest

from checklists.choices import QuestionType
from checklists.selectors import template_published
from checklists.services import question_add, template_new_version, template_publish
from tests.observe.conftest import build_site
from tests.observe.test_browser import browser_context  # noqa: F401
from tests.observe.test_browser_forms import _form_path, _log_in, _open

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONDITION = "voters_voted * 2 > voters_on_list or group_voting = 'yes'"


def test_an_expression_condition_shows_its_question_as_the_answers_change(mission, browser_context):  # noqa: F811
    site = build_site(mission)
    draft = template_new_version(template=template_published(mission=mission, kind="voting"))
    question_add(
        section=draft.questions.get(code="group_voting").section,
        code="why_so_many",
        text="Why had so many voted, or was group voting seen?",
        type=QuestionType.TEXT,
        condition=CONDITION,
    )
    template_publish(template=draft)
    page = browser_context.new_page()
    _log_in(page)
    _open(page, _form_path(site, "voting", site.voting_station))
    question = page.locator("[data-question=why_so_many]")

    page.fill("#f-voters_on_list", "100")
    page.fill("#f-voters_voted", "40")
    page.check("input[name=group_voting][value=no]")
    assert question.is_hidden()  # 80 > 100 is false, group voting no

    page.fill("#f-voters_voted", "60")
    page.locator("#f-voters_voted").dispatch_event("change")
    assert question.is_visible()  # 120 > 100

    page.fill("#f-voters_voted", "40")
    page.check("input[name=group_voting][value=yes]")
    assert question.is_visible()  # group voting yes

    page.fill("#f-voters_on_list", "")
    page.check("input[name=group_voting][value=no]")
    assert question.is_hidden()  # a blank figure is unknown, so the question stays hidden
