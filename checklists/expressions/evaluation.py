"""Expressions checked against a checklist (names and kinds) and evaluated over answers, blanks unknown."""

from __future__ import annotations

import decimal
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .parsing import ExpressionError

# Decimal arithmetic with a bounded exponent: a product of many large literals overflows to "unknown", never hangs.
_CONTEXT = decimal.Context(prec=34, Emax=999, Emin=-999, traps=[decimal.Overflow, decimal.InvalidOperation])

NUMBER, TEXT, CHOICES, BOOLEAN = "number", "text", "choices", "boolean"


@dataclass(frozen=True)
class Variable:
    """What an expression may know of a question: the kind of its value and, for closed questions, its values."""

    kind: str  # NUMBER, TEXT or CHOICES (several values)
    values: frozenset[str] | None = None


def check(tree: list, variables: Mapping[str, Variable], *, want: str = BOOLEAN) -> None:
    """Refuse an expression that names unknown questions or mixes kinds (a number compared with a text, ...)."""
    kind = _kind(tree, variables)
    if kind != want:
        raise ExpressionError(
            _("The expression must be a condition (a comparison, 'is answered', 'in [...]', joined by and/or).")
            if want == BOOLEAN
            else _("The expression must give a number.")
            if want == NUMBER
            else _("The expression must give a text.")
        )


def _kind(node: list, variables: Mapping[str, Variable]) -> str:
    tag = node[0]
    if tag == "num":
        return NUMBER
    if tag == "str":
        return TEXT
    if tag == "var":
        variable = variables.get(node[1])
        if variable is None:
            raise ExpressionError(_("%(code)s is not a question this expression can use.") % {"code": node[1]})
        return variable.kind
    if tag in ("and", "or"):
        for operand in node[1:]:
            if _kind(operand, variables) != BOOLEAN:
                raise ExpressionError(_("Each side of '%(operator)s' must be a condition.") % {"operator": tag})
        return BOOLEAN
    if tag == "not":
        if _kind(node[1], variables) != BOOLEAN:
            raise ExpressionError(_("'not' applies to a condition."))
        return BOOLEAN
    if tag == "answered":
        if node[1][0] != "var":
            raise ExpressionError(_("'is answered' applies to a question code."))
        _kind(node[1], variables)
        return BOOLEAN
    if tag == "in":
        left = node[1]
        kind = _kind(left, variables)
        if kind not in (TEXT, CHOICES):
            raise ExpressionError(_("'in [...]' tests the answer of a choice or text question."))
        if left[0] == "var":
            allowed = variables[left[1]].values
            unknown = [value for value in node[2][1] if allowed is not None and value not in allowed]
            if unknown:
                raise ExpressionError(
                    _("%(code)s cannot have the answer(s) %(answers)s.")
                    % {"code": left[1], "answers": ", ".join(unknown)}
                )
        return BOOLEAN
    if tag == "cmp":
        operator, left, right = node[1], node[2], node[3]
        kinds = (_kind(left, variables), _kind(right, variables))
        if CHOICES in kinds:
            raise ExpressionError(_("A multiple-choice question is tested with 'in [...]', not compared."))
        if BOOLEAN in kinds:
            raise ExpressionError(_("A condition cannot be compared; join conditions with and/or."))
        if kinds[0] != kinds[1]:
            raise ExpressionError(_("'%(operator)s' compares a number with a text.") % {"operator": operator})
        for side, other in ((left, right), (right, left)):
            if side[0] == "var" and other[0] == "str":
                allowed = variables[side[1]].values
                if allowed is not None and other[1] not in allowed:
                    raise ExpressionError(
                        _("%(code)s cannot have the answer %(answer)s.") % {"code": side[1], "answer": repr(other[1])}
                    )
        return BOOLEAN
    if tag in ("arith", "neg", "call"):
        operands = node[2:] if tag != "neg" else node[1:]
        for operand in operands:
            if _kind(operand, variables) != NUMBER:
                if tag == "call":
                    raise ExpressionError(_("%(function)s() works on numbers only.") % {"function": node[1]})
                raise ExpressionError(_("Arithmetic works on numbers only."))
        return NUMBER
    raise ExpressionError(_("Not an expression."))


# ------------------------------------------------------------------------------------------------ evaluation


def to_number(value) -> decimal.Decimal | None:
    """An answer as a decimal (None when blank or not a number)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return decimal.Decimal(value)
    if isinstance(value, (str, float)):
        try:
            return _CONTEXT.create_decimal(str(value).strip())
        except (decimal.InvalidOperation, ValueError):
            return None
    return None


def evaluate(tree: list, lookup: Callable[[str], object], kinds: Mapping[str, str] | None = None):
    """The value of a tree: True/False/None (unknown) for conditions, a decimal or text or None for values.

    `lookup(code)` gives an answer (None when blank or hidden); `kinds` says which codes hold numbers.
    """
    kinds = kinds or {}
    try:
        return _evaluate(tree, lookup, kinds)
    except (decimal.Overflow, decimal.InvalidOperation, decimal.DivisionByZero, ZeroDivisionError):
        return None


def _evaluate(node: list, lookup, kinds):
    tag = node[0]
    if tag == "num":
        return _CONTEXT.create_decimal(node[1])
    if tag == "str":
        return node[1]
    if tag == "var":
        value = lookup(node[1])
        if value is None or value == "" or value == []:
            return None
        if kinds.get(node[1]) == NUMBER or (isinstance(value, (int, float)) and not isinstance(value, bool)):
            return to_number(value)
        return value
    if tag == "and":
        results = [_evaluate(operand, lookup, kinds) for operand in node[1:]]
        if any(result is False for result in results):
            return False
        return None if any(result is None for result in results) else True
    if tag == "or":
        results = [_evaluate(operand, lookup, kinds) for operand in node[1:]]
        if any(result is True for result in results):
            return True
        return None if any(result is None for result in results) else False
    if tag == "not":
        result = _evaluate(node[1], lookup, kinds)
        return None if result is None else not result
    if tag == "answered":
        value = lookup(node[1][1])
        return not (value is None or value == "" or value == [])
    if tag == "in":
        value = _evaluate(node[1], lookup, kinds)
        if value is None:
            return None
        wanted = {str(item) for item in node[2][1]}
        chosen = value if isinstance(value, list) else [value]
        return any(_text(item) in wanted for item in chosen)
    if tag == "cmp":
        left = _evaluate(node[2], lookup, kinds)
        right = _evaluate(node[3], lookup, kinds)
        if left is None or right is None:
            return None
        if isinstance(left, decimal.Decimal) != isinstance(right, decimal.Decimal):
            left, right = _text(left), _text(right)
        return _compare(node[1], left, right)
    if tag == "arith":
        left = _evaluate(node[2], lookup, kinds)
        right = _evaluate(node[3], lookup, kinds)
        if not isinstance(left, decimal.Decimal) or not isinstance(right, decimal.Decimal):
            return None
        if node[1] == "+":
            return _CONTEXT.add(left, right)
        if node[1] == "-":
            return _CONTEXT.subtract(left, right)
        if node[1] == "*":
            return _CONTEXT.multiply(left, right)
        return None if right == 0 else _CONTEXT.divide(left, right)
    if tag == "neg":
        value = _evaluate(node[1], lookup, kinds)
        return _CONTEXT.minus(value) if isinstance(value, decimal.Decimal) else None
    if tag == "call":
        return _call(node[1], [_evaluate(operand, lookup, kinds) for operand in node[2:]])
    raise ExpressionError(_("Not an expression."))


def _text(value) -> str:
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)
    return str(value)


def _compare(operator: str, left, right) -> bool:
    if operator == "=":
        return left == right
    if operator == "!=":
        return left != right
    if operator == "<":
        return left < right
    if operator == "<=":
        return left <= right
    if operator == ">":
        return left > right
    return left >= right


def _call(name: str, values: list):
    if name == "coalesce":
        return next((value for value in values if value is not None), None)
    if any(value is None or not isinstance(value, decimal.Decimal) for value in values):
        return None
    if name == "sum":
        total = decimal.Decimal(0)
        for value in values:
            total = _CONTEXT.add(total, value)
        return total
    if name == "min":
        return min(values)
    if name == "max":
        return max(values)
    return _CONTEXT.abs(values[0])
