"""Conditions and data-quality rules of a checklist: checking them against its questions, and evaluating them.

One mechanism for every check of a form's answers: the standard set (the counting protocol's arithmetic, over the
protocol figures) and the rules coordinators write per checklist (over question codes) are expressions of
`checklists.expressions`, evaluated by `form_flags` wherever a form is recorded or corrected. A broken rule is a
flag stored as {"rule": code, "values": {...}} (plus "standard": true for the standard set), never a sentence:
`flag_message` renders it later in the reader's language. A flag never blocks a form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import gettext as _

from .choices import FormKind, QuestionType
from .expressions import CHOICES as CHOICES_KIND
from .expressions import NUMBER, ExpressionError, Variable, check, evaluate, names, parse, single_in
from .expressions import TEXT as TEXT_KIND

IMPLICIT_VALUES = {
    QuestionType.YES_NO: frozenset({"yes", "no"}),
    QuestionType.YES_NO_NA: frozenset({"yes", "no", "na"}),
}
NUMBER_TYPES = (QuestionType.INTEGER, QuestionType.DECIMAL)


@lru_cache(maxsize=4096)
def parsed(text: str) -> list:
    """The tree of an expression text (cached: a checklist's expressions are read on every form). Do not mutate."""
    return parse(text)


def question_variable(question) -> Variable | None:
    """What an expression sees of a question (None for a note, which has no answer)."""
    if question.type == QuestionType.NOTE:
        return None
    if question.type in NUMBER_TYPES:
        return Variable(NUMBER)
    if question.type == QuestionType.MULTIPLE:
        return Variable(CHOICES_KIND, frozenset(question.choice_values))
    if question.type == QuestionType.SINGLE:
        return Variable(TEXT_KIND, frozenset(question.choice_values))
    return Variable(TEXT_KIND, IMPLICIT_VALUES.get(question.type))


def variables_of(questions: Iterable) -> dict[str, Variable]:
    return {question.code: variable for question in questions if (variable := question_variable(question))}


def number_kinds(questions: Iterable) -> dict[str, str]:
    return {question.code: NUMBER for question in questions if question.type in NUMBER_TYPES}


def condition_tree(question) -> list | None:
    """A question's whole condition as one tree: its "shown if one answer is in a list" and its expression."""
    parts = []
    if question.shown_if_code:
        parts.append(["in", ["var", question.shown_if_code], ["list", [str(v) for v in question.shown_if_values]]])
    if question.condition:
        parts.append(parsed(question.condition))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else ["and", *parts]


def normalise_condition(question) -> None:
    """A condition that only says "one answer is in a list" is kept as the shorthand fields, as everywhere else."""
    if not question.condition or question.shown_if_code:
        return
    try:
        simple = single_in(parsed(question.condition))
    except ExpressionError:
        return
    if simple:
        question.shown_if_code, question.shown_if_values = simple
        question.condition = ""


def is_shown(question, answers: dict, shown: set[str], kinds: dict[str, str] | None = None) -> bool:
    """Shown when its condition holds over the answers of the questions shown so far (unknown hides it)."""
    tree = condition_tree(question)
    if tree is None:
        return True
    return evaluate(tree, lambda code: answers.get(code) if code in shown else None, kinds) is True


def expression_errors(text: str, questions: list, *, label: str) -> list[str]:
    """Why an expression does not fit these questions (empty when it does)."""
    try:
        check(parsed(text), variables_of(questions))
    except ExpressionError as error:
        return [f"{label}: {error}"]
    return []


def expression_field_error(text: str, *, template_id: int | None, before) -> str:
    """A form field's message for an expression (syntax, and codes of the checklist when it is saved already)."""
    try:
        tree = parsed(text)
    except ExpressionError as error:
        return str(error)
    if template_id is None:
        return ""
    from .models import Question

    questions = list(Question.objects.filter(template_id=template_id).exclude(pk=getattr(before, "pk", None)))
    try:
        check(tree, variables_of(questions))
    except ExpressionError as error:
        return str(error)
    return ""


def condition_errors(questions: list) -> list[str]:
    """Each condition may read only earlier questions of the form, with answers they can have."""
    errors: list[str] = []
    earlier: list = []
    for question in questions:
        if question.condition:
            try:
                tree = parsed(question.condition)
            except ExpressionError as error:
                errors.append(_("Question %(code)s, condition: %(error)s") % {"code": question.code, "error": error})
            else:
                later = [code for code in names(tree) if code not in {q.code for q in earlier}]
                if later:
                    errors.append(
                        _(
                            "Question %(code)s is shown only if %(codes)s, which is not an earlier question of "
                            "this form."
                        )
                        % {"code": question.code, "codes": ", ".join(later)}
                    )
                else:
                    label = _("Question %(code)s, condition") % {"code": question.code}
                    errors.extend(expression_errors(question.condition, earlier, label=label))
        earlier.append(question)
    return errors


def rule_errors(rules: Iterable, questions: list) -> list[str]:
    errors: list[str] = []
    for rule in rules:
        if rule.code in STANDARD_RULE_CODES:
            errors.append(_("Rule %(code)s: the name is taken by a rule of the standard set.") % {"code": rule.code})
        label = _("Rule %(code)s") % {"code": rule.code}
        errors.extend(expression_errors(rule.expression, questions, label=label))
    return errors


# ------------------------------------------------------------------------------------------------ standard set


@dataclass(frozen=True)
class StandardRule:
    """A rule of the standard set, over the counting protocol's figures (Question.protocol_field)."""

    code: str
    expression: str
    message: str
    message_ru: str


_MOBILE_ISSUED = "coalesce(ballots_issued_mobile, 0)"
_MOBILE_FOUND = "coalesce(ballots_found_mobile, 0)"
STANDARD_RULES = (
    StandardRule(
        "protocol_received_balance",
        f"ballots_received = ballots_issued + {_MOBILE_ISSUED} + ballots_unused + ballots_spoiled",
        "Ballots received ({ballots_received}) do not equal ballots issued ({ballots_issued}) + issued for mobile "
        "voting ({ballots_issued_mobile}) + unused ({ballots_unused}) + spoiled ({ballots_spoiled}) = {accounted}.",
        "Получено бюллетеней ({ballots_received}) не равно выдано ({ballots_issued}) + выдано для голосования вне "
        "помещения ({ballots_issued_mobile}) + неиспользованных ({ballots_unused}) + испорченных ({ballots_spoiled})"
        " = {accounted}.",
    ),
    StandardRule(
        "protocol_found_balance",
        f"ballots_found_stationary + {_MOBILE_FOUND} = ballots_valid + ballots_invalid",
        "Ballots found in the boxes ({ballots_found_stationary} + {ballots_found_mobile} = {found}) do not equal "
        "valid ({ballots_valid}) + invalid ({ballots_invalid}) = {counted}.",
        "Бюллетеней в ящиках ({ballots_found_stationary} + {ballots_found_mobile} = {found}) не равно "
        "действительных ({ballots_valid}) + недействительных ({ballots_invalid}) = {counted}.",
    ),
    StandardRule(
        "protocol_valid_votes",
        "ballots_valid = {candidates}",
        "Valid ballots ({ballots_valid}) do not equal the sum of the candidates' votes ({votes} = {total}).",
        "Действительных бюллетеней ({ballots_valid}) не равно сумме голосов за кандидатов ({votes} = {total}).",
    ),
    StandardRule(
        "protocol_found_within_issued",
        f"ballots_found_stationary + {_MOBILE_FOUND} <= ballots_issued + {_MOBILE_ISSUED}",
        "More ballots were found in the boxes ({found}) than were issued ({ballots_issued} + "
        "{ballots_issued_mobile} = {issued}).",
        "В ящиках найдено больше бюллетеней ({found}), чем выдано ({ballots_issued} + {ballots_issued_mobile} = "
        "{issued}).",
    ),
)
STANDARD_RULE_CODES = frozenset(rule.code for rule in STANDARD_RULES)
_STANDARD = {rule.code: rule for rule in STANDARD_RULES}
_CANDIDATE = re.compile(r"candidate_\d+")


def _candidates(fields: Iterable[str]) -> list[str]:
    return sorted((name for name in fields if _CANDIDATE.fullmatch(str(name))), key=lambda n: int(n.split("_")[1]))


def standard_rule_expressions(protocol_fields: Iterable[str]) -> list[tuple[StandardRule, str]]:
    """The standard rules that apply to a form holding these protocol figures, with their expression texts."""
    candidates = _candidates(protocol_fields)
    result = []
    for rule in STANDARD_RULES:
        if rule.code == "protocol_valid_votes":
            if not candidates:
                continue
            result.append((rule, rule.expression.format(candidates=" + ".join(candidates))))
        else:
            result.append((rule, rule.expression))
    return result


def standard_flags(figures: dict) -> list[dict]:
    """The standard set over protocol figures (protocol field -> integer or None): one flag per broken rule."""
    flags = []
    kinds = dict.fromkeys(figures, NUMBER)
    for rule, text in standard_rule_expressions(figures):
        tree = parsed(text)
        kinds.update(dict.fromkeys(names(tree), NUMBER))
        if evaluate(tree, figures.get, kinds) is False:
            values = {name: figures.get(name) for name in names(tree)}
            flags.append({"rule": rule.code, "standard": True, "values": values})
    return flags


def form_flags(*, template, questions: list, answers: dict, rules=None) -> list[dict]:
    """Every rule a form's answers break: the standard set on counting forms, then the checklist's own rules.

    `answers` are the cleaned answers of the shown questions (hidden ones absent); `rules` are the checklist's
    rules when the caller has them already, else `template.rules` is read (through the selectors' prefetch when
    there is one).
    """
    flags: list[dict] = []
    if template.kind == FormKind.COUNTING:
        figures = {q.protocol_field: answers.get(q.code) for q in questions if q.protocol_field}
        if figures:
            flags.extend(standard_flags(figures))
    kinds = number_kinds(questions)
    for rule in template.rules.all() if rules is None else rules:
        try:
            tree = parsed(rule.expression)
        except ExpressionError:
            continue  # refused when saved and when published; an old row is skipped rather than block a form
        if evaluate(tree, answers.get, kinds) is False:
            flags.append({"rule": rule.code, "values": {code: answers.get(code) for code in names(tree)}})
    return flags


# ------------------------------------------------------------------------------------------------ messages

_PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_-]+)\}")


def _shown_value(value, language: str) -> str:
    if value is None or value == [] or value == "":
        return "пусто" if language == "ru" else "blank"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def _fill(text: str, values: dict, language: str) -> str:
    # Our own substitution of {code} only: str.format would let a message reach attributes of the values.
    return _PLACEHOLDER.sub(
        lambda match: _shown_value(values[match.group(1)], language) if match.group(1) in values else match.group(0),
        text,
    )


def _number(value) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _standard_values(code: str, values: dict) -> dict:
    """The sums a standard message shows, worked out from the figures the flag keeps."""
    v = {name: _number(value) for name, value in values.items()}
    shown = {**values}
    shown.setdefault("ballots_issued_mobile", 0)
    shown.setdefault("ballots_found_mobile", 0)
    for name in ("ballots_issued_mobile", "ballots_found_mobile"):
        if shown[name] is None:
            shown[name] = 0
    found = v.get("ballots_found_stationary", 0) + v.get("ballots_found_mobile", 0)
    issued = v.get("ballots_issued", 0) + v.get("ballots_issued_mobile", 0)
    if code == "protocol_received_balance":
        shown["accounted"] = issued + v.get("ballots_unused", 0) + v.get("ballots_spoiled", 0)
    elif code == "protocol_found_balance":
        shown["found"] = found
        shown["counted"] = v.get("ballots_valid", 0) + v.get("ballots_invalid", 0)
    elif code == "protocol_valid_votes":
        votes = [v.get(name, 0) for name in _candidates(values)]
        shown["votes"] = " + ".join(map(str, votes))
        shown["total"] = sum(votes)
    elif code == "protocol_found_within_issued":
        shown["found"] = found
        shown["issued"] = issued
    return shown


def flag_message(flag, *, rules: dict | None = None, language: str = "en") -> str:
    """A flag as a sentence in the reader's language; `rules` maps a checklist's rule codes to its DataRule rows.

    Flags stored before rules were data (plain sentences) are returned as they are.
    """
    if not isinstance(flag, dict):
        return str(flag)
    code = str(flag.get("rule") or flag.get("code") or "")
    values = flag.get("values") if isinstance(flag.get("values"), dict) else {}
    if flag.get("standard") and code in _STANDARD:
        rule = _STANDARD[code]
        text = rule.message_ru if language == "ru" else rule.message
        return _fill(text, _standard_values(code, values), language)
    if flag.get("message"):
        return str(flag["message"])
    rule = (rules or {}).get(code)
    text = ((rule.message_ru if language == "ru" else "") or rule.message) if rule is not None else ""
    if text:
        return _fill(text, values, language)
    answers = "; ".join(f"{name} = {_shown_value(value, language)}" for name, value in values.items())
    label = "Правило" if language == "ru" else "Rule"
    what = f": {rule.expression}" if rule is not None else ""
    return f"{label} {code}{what}" + (f" ({answers})" if answers else "")


def flag_messages(flags, *, template=None, language: str | None = "en") -> list[str]:
    """A form's flags as sentences; the checklist's own rules are read only when a flag names one."""
    language = "ru" if (language or "").startswith("ru") else "en"
    flags = list(flags or [])
    rules: dict = {}
    if template is not None and any(isinstance(flag, dict) and not flag.get("standard") for flag in flags):
        rules = {rule.code: rule for rule in template.rules.all()}
    return [flag_message(flag, rules=rules, language=language) for flag in flags]
