"""Reading what clients send: ids, JSON bodies. Bad input becomes a 400 with a message, never a server error.

`str.isdigit()` accepts superscripts ("²") and other digits `int()` refuses, and Python's JSON decoder accepts lone
surrogates (which no database encoding can store) and recurses once per level of nesting: each of these was a 500.
"""

from __future__ import annotations

import json

from django.core.exceptions import BadRequest
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_ID = 2**63 - 1  # the largest value of a 64-bit primary key
MAX_JSON_DEPTH = 32  # a form is four levels deep; nothing legitimate comes near this

# Written out in the reader's language when shown.
NOT_JSON = gettext_lazy("The body is not valid JSON.")
TOO_DEEP = format_lazy(gettext_lazy("The JSON is nested more than {depth} levels deep."), depth=MAX_JSON_DEPTH)
SURROGATE = gettext_lazy("The text contains an invalid character (a lone UTF-16 surrogate).")


def parse_id(value) -> int | None:
    """A positive database id from text of ASCII digits or a JSON integer; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip()
        if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
            return None
        value = int(text)
    if not isinstance(value, int):
        return None
    return value if 0 < value <= MAX_ID else None


def required_id(data, name: str, label: str) -> int:
    """The id posted in field `name`, or a 400 naming the field (`label` is what the user calls it)."""
    value = parse_id(data.get(name))
    if value is None:
        raise BadRequest(_("Choose a %(label)s: '%(name)s' must be the id of one.") % {"label": label, "name": name})
    return value


def ids(values, name: str, label: str) -> list[int]:
    """Every id of a multiple choice, or a 400 naming the field."""
    parsed = [parse_id(value) for value in values]
    if any(value is None for value in parsed):
        raise BadRequest(
            _("Choose %(label)s: every '%(name)s' must be the id of one.") % {"label": label, "name": name}
        )
    return parsed


def json_problem(data) -> str | None:
    """What makes parsed JSON unusable (too deep, lone surrogates in a key or text), or None."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if not _encodable(value):
                return SURROGATE
        elif isinstance(value, dict | list):
            if depth > MAX_JSON_DEPTH:
                return TOO_DEEP
            items = value.items() if isinstance(value, dict) else ((None, item) for item in value)
            for key, item in items:
                if key is not None and not _encodable(key):
                    return SURROGATE
                stack.append((item, depth + 1))
    return None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def parse_json(raw: bytes | str):
    """The decoded body; ValueError with a message a user can act on when it is not usable JSON."""
    try:
        data = json.loads(raw)
    except RecursionError as error:
        raise ValueError(TOO_DEEP) from error
    except (ValueError, UnicodeDecodeError) as error:
        raise ValueError(NOT_JSON) from error
    problem = json_problem(data)
    if problem:
        raise ValueError(problem)
    return data


class JSONParser(parsers.JSONParser):
    """REST framework's JSON parser, refusing deep nesting and lone surrogates with a 400."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError(TOO_DEEP) from error
        problem = json_problem(data)
        if problem:
            raise ParseError(problem)
        return data
