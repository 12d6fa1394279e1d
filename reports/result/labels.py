"""Words for a compiled result's keys, in the language active when the report is read.

A result stores question codes with the checklist version their wording comes from, and answer values. The words
come from that version of the checklist (its Russian text and labels when the reader reads Russian), so a report
reads in each reader's language and a published checklist, being frozen, gives every reader the same wording.
A question no checklist of the mission knows any more keeps the text stored with it (runs of schema 1), else its code.
"""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from checklists.choices import FormKind, TemplateStatus
from checklists.models import DataRule, Question
from checklists.rules import flag_message
from checklists.selectors import question_choices
from missions.choices import AreaType

from .model import ProtocolForm, ReportResult

# Yes/no answers are stored as codes; a question without its own label for one shows the word.
ANSWER_WORDS = {"yes": _("Yes"), "no": _("No"), "na": _("Not applicable")}
AREA_WORDS = {**dict(AreaType.choices), "": _("Unknown")}
KIND_WORDS = dict(FormKind.choices)
UNKNOWN_REGION_WORD = _("Unknown region")


def interval_text(share) -> str:
    """A share's 95 % interval as its reader writes numbers ("12.5–30.1"; "12,5–30,1" in Russian), "" without one."""
    ci = getattr(share, "ci", None) if share is not None else None
    if not ci:
        return ""
    return "–".join(number_format(bound, decimal_pos=1) for bound in ci)


def reader_language() -> str:
    """The checklist language for the active language: Russian, else English."""
    return "ru" if (get_language() or "").startswith("ru") else "en"


class ReportLabels:
    """Question texts, section titles, answer labels, area, kind and region names of one result, in the reader's
    language (read on each call, so one object serves a page and a PDF in different languages)."""

    def __init__(self, result: ReportResult, questions: list[Question]):
        self.result = result
        self._by_version: dict[tuple[str, str, int], Question] = {}
        self._best: dict[tuple[str, str], Question] = {}
        for question in questions:
            kind, version = question.template.kind, question.template.version
            self._by_version[(kind, question.code, version)] = question
            rank = (question.template.status == TemplateStatus.PUBLISHED, version)
            best = self._best.get((kind, question.code))
            if best is None or rank > (best.template.status == TemplateStatus.PUBLISHED, best.template.version):
                self._best[(kind, question.code)] = question
        self._stored = {
            (kind, question.code): question for kind, data in result.kinds.items() for question in data.questions
        }
        self._choices: dict[tuple[int, str], dict[str, str]] = {}
        self._rules: dict[int, dict[str, DataRule]] | None = None

    @classmethod
    def for_result(cls, result: ReportResult, *, mission) -> ReportLabels:
        """The labels of a result, with the checklist questions it names read in one query."""
        keys = result.question_keys()
        questions = []
        if keys:
            questions = list(
                Question.objects.filter(
                    template__mission=mission,
                    template__kind__in=sorted({kind for kind, _code in keys}),
                    code__in=sorted({code for _kind, code in keys}),
                )
                .select_related("template", "section")
                .only(
                    "code",
                    "text",
                    "text_ru",
                    "type",
                    "choices",
                    "template__kind",
                    "template__version",
                    "template__status",
                    "section__title",
                    "section__title_ru",
                )
            )
        return cls(result, questions)

    def _question(self, kind: str, code: str) -> Question | None:
        stored = self._stored.get((kind, code))
        version = stored.version if stored is not None else None
        if version is not None and (kind, code, version) in self._by_version:
            return self._by_version[(kind, code, version)]
        return self._best.get((kind, code))

    def question(self, kind: str, code: str) -> str:
        """A question's text in the reader's language."""
        found = self._question(kind, code)
        if found is not None:
            return (found.text_ru if reader_language() == "ru" else "") or found.text
        stored = self._stored.get((kind, code))
        return (stored.text if stored is not None else None) or code

    def section(self, kind: str, code: str) -> str:
        found = self._question(kind, code)
        if found is not None and found.section is not None:
            return (found.section.title_ru if reader_language() == "ru" else "") or found.section.title
        stored = self._stored.get((kind, code))
        return (stored.section if stored is not None else None) or ""

    def answer(self, kind: str, code: str, value: str, stored_label: str | None = None) -> str:
        """An answer value's label: the question's own label in the reader's language, else the word for a yes/no
        code, else the label stored with the result (schema 1), else the value as given."""
        language = reader_language()
        found = self._question(kind, code)
        if found is not None:
            key = (found.pk, language)
            if key not in self._choices:
                self._choices[key] = {
                    choice["value"]: choice["label"] for choice in question_choices(found, language) if choice["label"]
                }
            label = self._choices[key].get(value)
            if label and label != value:
                return label
        if value in ANSWER_WORDS:
            return str(ANSWER_WORDS[value])
        return stored_label or value

    def area(self, code: str) -> str:
        return str(AREA_WORDS.get(code, code))

    def kind(self, kind: str) -> str:
        return str(KIND_WORDS.get(kind, kind))

    def region_names(self) -> dict[str, str]:
        """Region code -> name (the mission's own names), the unknown region named in the reader's language."""
        return self.result.region_names(unknown=UNKNOWN_REGION_WORD)

    def issues(self, row: ProtocolForm) -> list[str]:
        """A flagged form's data-quality flags as sentences in the reader's language."""
        if not row.flags and row.issues:
            return list(row.issues)  # schema 1: the sentences as stored
        rules = self._checklist_rules(row) if row.template is not None else None
        return [flag_message(flag, rules=rules, language=reader_language()) for flag in row.flags]

    def _checklist_rules(self, row: ProtocolForm) -> dict[str, DataRule] | None:
        """The checklist's own rules a form's flags name, by code: read once per checklist (one query), and only when
        a flag needs its rule's words (a list is read a page at a time, so its checklists are not known ahead)."""
        needed = any(
            isinstance(flag, dict) and not flag.get("standard") and not flag.get("message") for flag in row.flags
        )
        if self._rules is None:
            self._rules = {}
        if needed and row.template not in self._rules:
            self._rules[row.template] = {rule.code: rule for rule in DataRule.objects.filter(template_id=row.template)}
        return self._rules.get(row.template)
