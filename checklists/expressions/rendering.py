"""Expressions from tree back to text (canonical spacing and quoting), and the rewrites exports rely on."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.translation import gettext as _

from .parsing import ExpressionError, parse


def render(tree: list) -> str:
    """An expression's text from its tree (canonical spacing and quoting), for exports and round trips."""
    return _render(tree, 0)


_PRECEDENCE = {"or": 1, "and": 2, "not": 3, "cmp": 4, "in": 4, "answered": 4, "+": 5, "-": 5, "*": 6, "/": 6}


def _quote(value: str) -> str:
    return f"'{value}'" if "'" not in value else f'"{value}"'


def _render(node: list, outer: int) -> str:
    tag = node[0]
    if tag == "num":
        return node[1]
    if tag == "str":
        return _quote(node[1])
    if tag == "var":
        return node[1]
    if tag == "list":
        return "[" + ", ".join(_quote(v) if not re.fullmatch(r"\d+(\.\d+)?", v) else v for v in node[1]) + "]"
    if tag in ("and", "or"):
        level = _PRECEDENCE[tag]
        text = f" {tag} ".join(_render(operand, level + (1 if tag == "or" else 0)) for operand in node[1:])
    elif tag == "not":
        level = _PRECEDENCE["not"]
        inner = node[1]
        if inner[0] == "answered":
            return _wrap(f"{_render(inner[1], 7)} is not answered", 4, outer)
        if inner[0] == "in":
            return _wrap(f"{_render(inner[1], 5)} not in {_render(inner[2], 0)}", 4, outer)
        operand = _render(inner, level)
        text = (
            f"not ({operand})" if inner[0] in ("cmp", "and", "or") and not operand.startswith("(") else f"not {operand}"
        )
    elif tag == "answered":
        level, text = 4, f"{_render(node[1], 7)} is answered"
    elif tag == "in":
        level, text = 4, f"{_render(node[1], 5)} in {_render(node[2], 0)}"
    elif tag == "cmp":
        level, text = 4, f"{_render(node[2], 5)} {node[1]} {_render(node[3], 5)}"
    elif tag == "arith":
        level = _PRECEDENCE[node[1]]
        text = f"{_render(node[2], level)} {node[1]} {_render(node[3], level + 1)}"
    elif tag == "neg":
        level, text = 7, f"-{_render(node[1], 7)}"
    elif tag == "call":
        level, text = 8, f"{node[1]}(" + ", ".join(_render(arg, 0) for arg in node[2:]) + ")"
    else:
        raise ExpressionError(_("Not an expression."))
    return _wrap(text, level, outer)


def _wrap(text: str, level: int, outer: int) -> str:
    return f"({text})" if level < outer else text


def conjunction(parts: Iterable[str]) -> str:
    """Several conditions joined with `and`, each in parentheses when it needs them."""
    texts = [part for part in parts if part and part.strip()]
    if len(texts) <= 1:
        return texts[0] if texts else ""
    return render(["and", *(parse(text) for text in texts)])


def simplify(tree: list) -> list:
    """Equalities of one question joined by `or` become one `in [...]` (what the exporter writes them from)."""
    if not isinstance(tree, list) or not tree:
        return tree
    tag = tree[0]
    if tag in ("and", "or", "not"):
        tree = [tag, *(simplify(child) for child in tree[1:])]
    if tag != "or":
        return tree
    subject = None
    values: list[str] = []
    for operand in tree[1:]:
        if operand[0] == "cmp" and operand[1] == "=" and operand[2][0] == "var" and operand[3][0] == "str":
            code, found = operand[2][1], [operand[3][1]]
        elif operand[0] == "in" and operand[1][0] == "var":
            code, found = operand[1][1], list(operand[2][1])
        else:
            return tree
        if subject not in (None, code):
            return tree
        subject = code
        values.extend(value for value in found if value not in values)
    return ["in", ["var", subject], ["list", values]]


def single_in(tree: list) -> tuple[str, list[str]] | None:
    """(code, values) when a tree is just "one answer is in a list", the checklists' shorthand condition."""
    tree = simplify(tree)
    if tree[0] == "cmp" and tree[1] == "=" and tree[2][0] == "var" and tree[3][0] == "str":
        return tree[2][1], [tree[3][1]]
    if tree[0] == "in" and tree[1][0] == "var":
        return tree[1][1], list(tree[2][1])
    return None
