"""Expressions from text to tree: a hand-written tokenizer and recursive-descent parser with limits on size."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

MAX_LENGTH = 2000
MAX_DEPTH = 40
MAX_NUMBER_DIGITS = 15
FUNCTIONS = {"sum", "min", "max", "abs", "coalesce"}
COMPARISONS = {"=", "!=", "<", "<=", ">", ">="}
# Keywords cannot be question codes inside an expression.
KEYWORDS = {"and", "or", "not", "in", "is", "answered"}

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<text>'[^'\n]*'|"[^"\n]*")
  | (?P<name>[A-Za-z_][A-Za-z0-9_-]*)
  | (?P<op><=|>=|!=|<>|==|[-+*/()\[\],=<>])
    """,
    re.VERBOSE,
)


class ExpressionError(ValueError):
    """An expression that cannot be parsed or does not fit its checklist; the message says where and why."""


@dataclass(frozen=True)
class Token:
    kind: str
    value: str
    position: int


def _tokens(text: str) -> list[Token]:
    if len(text) > MAX_LENGTH:
        raise ExpressionError(_("The expression is longer than %(limit)s characters.") % {"limit": MAX_LENGTH})
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise ExpressionError(
                _("Unexpected character %(character)s at position %(position)s.")
                % {"character": repr(text[position]), "position": position + 1}
            )
        kind = match.lastgroup or ""
        value = match.group()
        if kind == "op" and text.startswith("**", position):
            raise ExpressionError(
                _("There is no power operator (** at position %(position)s).") % {"position": position + 1}
            )
        if kind == "number" and len(value.replace(".", "")) > MAX_NUMBER_DIGITS:
            raise ExpressionError(
                _("The number at position %(position)s has more than %(digits)s digits.")
                % {"position": position + 1, "digits": MAX_NUMBER_DIGITS}
            )
        if kind != "space":
            if kind == "op":
                value = {"==": "=", "<>": "!="}.get(value, value)
            tokens.append(Token(kind, value, position + 1))
        position = match.end()
    tokens.append(Token("end", "", len(text) + 1))
    return tokens


class _Parser:
    def __init__(self, text: str):
        self.tokens = _tokens(text)
        self.index = 0
        self.depth = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def at(self, kind: str, value: str | None = None) -> bool:
        token = self.current
        return token.kind == kind and (value is None or token.value == value)

    def at_word(self, word: str) -> bool:
        return self.current.kind == "name" and self.current.value.lower() == word

    def expect(self, kind: str, value: str) -> None:
        if not self.at(kind, value):
            raise ExpressionError(
                _("Expected %(expected)s at position %(position)s, found %(found)s.")
                % {"expected": repr(value), "position": self.current.position, "found": self._shown()}
            )
        self.advance()

    def _shown(self) -> str:
        token = self.current
        return _("the end") if token.kind == "end" else repr(token.value)

    def nested(self):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(_("The expression is nested more than %(depth)s levels deep.") % {"depth": MAX_DEPTH})

    def parse(self) -> list:
        tree = self.disjunction()
        if not self.at("end"):
            raise ExpressionError(
                _("Unexpected %(found)s at position %(position)s.")
                % {"found": self._shown(), "position": self.current.position}
            )
        return tree

    def disjunction(self) -> list:
        self.nested()
        operands = [self.conjunction()]
        while self.at_word("or"):
            self.advance()
            operands.append(self.conjunction())
        self.depth -= 1
        return operands[0] if len(operands) == 1 else ["or", *operands]

    def conjunction(self) -> list:
        operands = [self.negation()]
        while self.at_word("and"):
            self.advance()
            operands.append(self.negation())
        return operands[0] if len(operands) == 1 else ["and", *operands]

    def negation(self) -> list:
        if self.at_word("not"):
            self.advance()
            self.nested()
            operand = self.negation()
            self.depth -= 1
            return ["not", operand]
        return self.comparison()

    def comparison(self) -> list:
        left = self.additive()
        if self.at("op") and self.current.value in COMPARISONS:
            operator = self.advance().value
            return ["cmp", operator, left, self.additive()]
        if self.at_word("is"):
            self.advance()
            negated = self.at_word("not")
            if negated:
                self.advance()
            if not self.at_word("answered"):
                raise ExpressionError(
                    _("Expected %(expected)s at position %(position)s, found %(found)s.")
                    % {"expected": "'answered'", "position": self.current.position, "found": self._shown()}
                )
            self.advance()
            tree = ["answered", left]
            return ["not", tree] if negated else tree
        negated = False
        if (
            self.at_word("not")
            and self.tokens[self.index + 1].kind == "name"
            and self.tokens[self.index + 1].value.lower() == "in"
        ):
            self.advance()
            negated = True
        if self.at_word("in"):
            self.advance()
            tree = ["in", left, self.literal_list()]
            return ["not", tree] if negated else tree
        return left

    def additive(self) -> list:
        tree = self.multiplicative()
        while self.at("op") and self.current.value in ("+", "-"):
            operator = self.advance().value
            tree = ["arith", operator, tree, self.multiplicative()]
        return tree

    def multiplicative(self) -> list:
        tree = self.unary()
        while self.at("op") and self.current.value in ("*", "/"):
            operator = self.advance().value
            tree = ["arith", operator, tree, self.unary()]
        return tree

    def unary(self) -> list:
        if self.at("op", "-"):
            self.advance()
            self.nested()
            operand = self.unary()
            self.depth -= 1
            return ["neg", operand]
        return self.atom()

    def literal_list(self) -> list:
        start = self.current.position
        self.expect("op", "[")
        values: list = []
        while not self.at("op", "]"):
            if values:
                self.expect("op", ",")
            token = self.advance()
            if token.kind == "text":
                values.append(token.value[1:-1])
            elif token.kind == "number":
                values.append(token.value)
            else:
                raise ExpressionError(
                    _("A list holds only numbers and texts (position %(position)s).") % {"position": token.position}
                )
        self.advance()
        if not values:
            raise ExpressionError(_("The list at position %(position)s is empty.") % {"position": start})
        return ["list", values]

    def atom(self) -> list:
        token = self.current
        if token.kind == "number":
            self.advance()
            return ["num", token.value]
        if token.kind == "text":
            self.advance()
            return ["str", token.value[1:-1]]
        if token.kind == "op" and token.value == "(":
            self.advance()
            tree = self.disjunction()
            self.expect("op", ")")
            return tree
        if token.kind == "name":
            if token.value.lower() in KEYWORDS:
                raise ExpressionError(
                    _("Unexpected %(found)s at position %(position)s.")
                    % {"found": repr(token.value), "position": token.position}
                )
            self.advance()
            if self.at("op", "("):
                name = token.value.lower()
                if name not in FUNCTIONS:
                    raise ExpressionError(
                        _("Unknown function %(function)s at position %(position)s; the functions are %(functions)s.")
                        % {
                            "function": repr(token.value),
                            "position": token.position,
                            "functions": ", ".join(sorted(FUNCTIONS)),
                        }
                    )
                self.advance()
                arguments = []
                self.nested()
                while not self.at("op", ")"):
                    if arguments:
                        self.expect("op", ",")
                    arguments.append(self.additive())
                self.advance()
                self.depth -= 1
                if not arguments or (name == "abs" and len(arguments) != 1):
                    raise ExpressionError(
                        _("Wrong number of arguments to %(function)s at position %(position)s.")
                        % {"function": name, "position": token.position}
                    )
                return ["call", name, *arguments]
            if self.at("op", "["):
                raise ExpressionError(
                    _("Unexpected %(found)s at position %(position)s.")
                    % {"found": self._shown(), "position": self.current.position}
                )
            return ["var", token.value]
        raise ExpressionError(
            _("Unexpected %(found)s at position %(position)s.") % {"found": self._shown(), "position": token.position}
        )


def parse(text: str) -> list:
    """The tree of an expression, or ExpressionError saying where it goes wrong."""
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError(_("The expression is empty."))
    return _Parser(text).parse()


def names(tree: list) -> list[str]:
    """The question codes an expression reads, in order of first use."""
    found: list[str] = []

    def walk(node) -> None:
        if not isinstance(node, list) or not node:
            return
        if node[0] == "var":
            if node[1] not in found:
                found.append(node[1])
            return
        if node[0] in ("num", "str", "list"):
            return
        for child in node[1:]:
            walk(child)

    walk(tree)
    return found
