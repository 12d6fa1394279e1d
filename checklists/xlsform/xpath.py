"""Between the product's expressions (checklists.expressions) and the XPath of XLSForm `relevant` and `constraint`.

Out: a tree is written as XPath over ${code} references (`in` on a single choice as equalities, on a multiple
choice as selected(), `is answered` as != ''). In: the XPath a form writer uses for the same things is read back
into an expression of the product, and anything else (other functions, paths, `mod`, ...) is an error saying what.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from ..expressions import ExpressionError, parse, render, simplify, single_in

_XPATH_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<ref>\$\{[A-Za-z_][A-Za-z0-9_.-]*\})
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<text>'[^']*'|"[^"]*")
  | (?P<name>[A-Za-z_][A-Za-z0-9_-]*)
  | (?P<op><=|>=|!=|[-+*()=<>,.])
    """,
    re.VERBOSE,
)
_FUNCTIONS = {"coalesce", "min", "max", "abs"}


class XPathError(ValueError):
    """An XLSForm expression the product cannot represent."""


# ------------------------------------------------------------------------------------------------ out


def to_xpath(tree: list, *, multiple: set[str], current: str | None = None) -> str:
    """XPath for a tree; `multiple` names the multiple-choice questions, `current` the code written as `.`."""
    return _out(tree, multiple, current, 0)


def _ref(code: str, current: str | None) -> str:
    return "." if code == current else "${" + code + "}"


def _literal(value: str) -> str:
    return f"'{value}'" if "'" not in value else f'"{value}"'


_LEVEL = {"or": 1, "and": 2, "cmp": 3, "+": 4, "-": 4, "*": 5, "/": 5}


def _out(node: list, multiple: set[str], current, outer: int) -> str:
    tag = node[0]
    if tag == "num":
        return node[1]
    if tag == "str":
        return _literal(node[1])
    if tag == "var":
        return _ref(node[1], current)
    if tag in ("and", "or"):
        level = _LEVEL[tag]
        text = f" {tag} ".join(_out(operand, multiple, current, level + 1) for operand in node[1:])
        return f"({text})" if level < outer else text
    if tag == "not":
        return f"not({_out(node[1], multiple, current, 0)})"
    if tag == "answered":
        return f"{_ref(node[1][1], current)} != ''"
    if tag == "in":
        left = node[1]
        values = node[2][1]
        if left[0] == "var" and left[1] in multiple:
            parts = [f"selected({_ref(left[1], current)}, {_literal(value)})" for value in values]
        else:
            subject = _out(left, multiple, current, 3)
            parts = [f"{subject} = {_literal(value)}" for value in values]
        if len(parts) == 1:
            return parts[0] if outer <= 3 else f"({parts[0]})"
        text = " or ".join(parts)
        return f"({text})" if outer > 1 else text
    if tag == "cmp":
        text = f"{_out(node[2], multiple, current, 4)} {node[1]} {_out(node[3], multiple, current, 4)}"
        return f"({text})" if outer > 3 else text
    if tag == "arith":
        level = _LEVEL[node[1]]
        operator = "div" if node[1] == "/" else node[1]
        text = f"{_out(node[2], multiple, current, level)} {operator} {_out(node[3], multiple, current, level + 1)}"
        return f"({text})" if level < outer else text
    if tag == "neg":
        return f"-{_out(node[1], multiple, current, 6)}"
    if tag == "call":
        arguments = [_out(argument, multiple, current, 0) for argument in node[2:]]
        if node[1] == "sum":
            text = " + ".join(arguments)
            return f"({text})" if len(arguments) > 1 else text
        return f"{node[1]}({', '.join(arguments)})"
    raise ExpressionError(_("Not an expression."))


# ------------------------------------------------------------------------------------------------ in


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens = []
    position = 0
    while position < len(text):
        match = _XPATH_TOKEN.match(text, position)
        if match is None:
            raise XPathError(_("the character %(character)s is not understood") % {"character": repr(text[position])})
        if match.lastgroup != "space":
            tokens.append((match.lastgroup or "", match.group()))
        position = match.end()
    return tokens


def from_xpath(text: str, *, current: str | None = None) -> str:
    """The product's expression for an XLSForm expression (canonical text), or XPathError saying what is not kept."""
    tokens = _tokens(text)
    out: list[str] = []
    index = 0

    def code_of(token: tuple[str, str]) -> str:
        kind, value = token
        if kind == "ref":
            code = value[2:-1]
            if "." in code:
                raise XPathError(_("the reference %(reference)s is not a question code") % {"reference": value})
            return code
        if kind == "op" and value == ".":
            if current is None:
                raise XPathError(_("'.' (this question) only has a meaning in a constraint"))
            return current
        raise XPathError(_("expected a ${question} reference, found %(found)s") % {"found": repr(value)})

    while index < len(tokens):
        kind, value = tokens[index]
        following = tokens[index + 1] if index + 1 < len(tokens) else ("", "")
        if kind == "name" and value == "selected" and following == ("op", "("):
            # selected(${x}, 'a') -> x in ['a']
            if index + 5 >= len(tokens) or tokens[index + 3] != ("op", ",") or tokens[index + 5] != ("op", ")"):
                raise XPathError(_("selected() takes a question and one value"))
            code = code_of(tokens[index + 2])
            literal_kind, literal = tokens[index + 4]
            if literal_kind not in ("text", "number"):
                raise XPathError(_("selected() takes a value in quotes"))
            out.append(f"{code} in [{literal if literal_kind == 'text' else repr(literal)}]")
            index += 6
            continue
        if kind == "ref" or (kind == "op" and value == "."):
            code = code_of((kind, value))
            # ${x} != '' -> x is answered;  ${x} = '' -> x is not answered
            blank_test = following[0] == "op" and following[1] in ("=", "!=") and index + 2 < len(tokens)
            if blank_test and tokens[index + 2] in (("text", "''"), ("text", '""')):
                out.append(f"{code} is answered" if following[1] == "!=" else f"{code} is not answered")
                index += 3
                continue
            out.append(code)
            index += 1
            continue
        if kind == "name":
            if value in ("and", "or"):
                out.append(value)
            elif value == "not" and following == ("op", "("):
                out.append("not")
            elif value == "div":
                out.append("/")
            elif value in _FUNCTIONS and following == ("op", "("):
                out.append(value)
            elif value in ("true", "false") and following == ("op", "("):
                raise XPathError(_("%(function)s() is not kept") % {"function": value})
            else:
                raise XPathError(_("%(name)s is not an operator or function the product has") % {"name": value})
            index += 1
            continue
        if kind == "op" and value == ".":
            raise XPathError(_("paths are not kept"))
        out.append(value)
        index += 1
    try:
        tree = parse(" ".join(out))
    except ExpressionError as error:
        raise XPathError(str(error).rstrip(".")) from error
    return render(simplify(tree))


__all__ = ["XPathError", "from_xpath", "simplify", "single_in", "to_xpath"]
