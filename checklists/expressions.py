"""The small expression language of conditions and data-quality rules, parsed and evaluated without `eval`.

    voters_voted <= voters_on_list
    count_suspended = 'yes' and suspension_reason is answered
    (ballots_valid + ballots_invalid) * 100 / voters_on_list > 100
    not (unauthorised_who in ['police', 'officials'])

Names are question codes; literals are numbers ('12', '2.5'), texts in single or double quotes and lists of
literals in brackets. Operators: + - * / (no power), = != < <= > >=, `in [..]` (for a multiple choice: any of
its chosen values), `is answered`, `is not answered`, and, or, not, parentheses. Functions: sum, min, max, abs,
coalesce (the first answered argument: `coalesce(ballots_issued_mobile, 0)`).

A blank answer (or a hidden question) is unknown: arithmetic and comparisons with it are unknown, `and`/`or`
follow three-valued logic, so a rule whose figures are missing is not checked and a condition on a blank answer
hides its question. The parser is a hand-written recursive descent over a fixed token set, with limits on length,
nesting and literal size; evaluation walks the tree and only ever computes decimals, texts and booleans.

The tree is JSON (lists of a tag and operands), so the browser evaluates conditions with the same tree.
"""

from __future__ import annotations

import decimal
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

MAX_LENGTH = 2000
MAX_DEPTH = 40
MAX_NUMBER_DIGITS = 15
FUNCTIONS = {"sum", "min", "max", "abs", "coalesce"}
COMPARISONS = {"=", "!=", "<", "<=", ">", ">="}
# Keywords cannot be question codes inside an expression.
KEYWORDS = {"and", "or", "not", "in", "is", "answered"}

# Decimal arithmetic with a bounded exponent: a product of many large literals overflows to "unknown", never hangs.
_CONTEXT = decimal.Context(prec=34, Emax=999, Emin=-999, traps=[decimal.Overflow, decimal.InvalidOperation])

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
        raise ExpressionError(f"The expression is longer than {MAX_LENGTH} characters.")
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise ExpressionError(f"Unexpected character {text[position]!r} at position {position + 1}.")
        kind = match.lastgroup or ""
        value = match.group()
        if kind == "op" and text.startswith("**", position):
            raise ExpressionError(f"There is no power operator (** at position {position + 1}).")
        if kind == "number" and len(value.replace(".", "")) > MAX_NUMBER_DIGITS:
            raise ExpressionError(f"The number at position {position + 1} has more than {MAX_NUMBER_DIGITS} digits.")
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
            raise ExpressionError(f"Expected {value!r} at position {self.current.position}, found {self._shown()}.")
        self.advance()

    def _shown(self) -> str:
        token = self.current
        return "the end" if token.kind == "end" else repr(token.value)

    def nested(self):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(f"The expression is nested more than {MAX_DEPTH} levels deep.")

    def parse(self) -> list:
        tree = self.disjunction()
        if not self.at("end"):
            raise ExpressionError(f"Unexpected {self._shown()} at position {self.current.position}.")
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
                    f"Expected 'answered' at position {self.current.position}, found {self._shown()}."
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
                raise ExpressionError(f"A list holds only numbers and texts (position {token.position}).")
        self.advance()
        if not values:
            raise ExpressionError(f"The list at position {start} is empty.")
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
                raise ExpressionError(f"Unexpected {token.value!r} at position {token.position}.")
            self.advance()
            if self.at("op", "("):
                name = token.value.lower()
                if name not in FUNCTIONS:
                    raise ExpressionError(
                        f"Unknown function {token.value!r} at position {token.position}; "
                        f"the functions are {', '.join(sorted(FUNCTIONS))}."
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
                    raise ExpressionError(f"Wrong number of arguments to {name} at position {token.position}.")
                return ["call", name, *arguments]
            if self.at("op", "["):
                raise ExpressionError(f"Unexpected {self._shown()} at position {self.current.position}.")
            return ["var", token.value]
        raise ExpressionError(f"Unexpected {self._shown()} at position {token.position}.")


def parse(text: str) -> list:
    """The tree of an expression, or ExpressionError saying where it goes wrong."""
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("The expression is empty.")
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


# ------------------------------------------------------------------------------------------------ checking

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
            "The expression must be a condition (a comparison, 'is answered', 'in [...]', joined by and/or)."
            if want == BOOLEAN
            else f"The expression must give a {want}."
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
            raise ExpressionError(f"{node[1]} is not a question this expression can use.")
        return variable.kind
    if tag in ("and", "or"):
        for operand in node[1:]:
            if _kind(operand, variables) != BOOLEAN:
                raise ExpressionError(f"Each side of '{tag}' must be a condition.")
        return BOOLEAN
    if tag == "not":
        if _kind(node[1], variables) != BOOLEAN:
            raise ExpressionError("'not' applies to a condition.")
        return BOOLEAN
    if tag == "answered":
        if node[1][0] != "var":
            raise ExpressionError("'is answered' applies to a question code.")
        _kind(node[1], variables)
        return BOOLEAN
    if tag == "in":
        left = node[1]
        kind = _kind(left, variables)
        if kind not in (TEXT, CHOICES):
            raise ExpressionError("'in [...]' tests the answer of a choice or text question.")
        if left[0] == "var":
            allowed = variables[left[1]].values
            unknown = [value for value in node[2][1] if allowed is not None and value not in allowed]
            if unknown:
                raise ExpressionError(f"{left[1]} cannot have the answer(s) {', '.join(unknown)}.")
        return BOOLEAN
    if tag == "cmp":
        operator, left, right = node[1], node[2], node[3]
        kinds = (_kind(left, variables), _kind(right, variables))
        if CHOICES in kinds:
            raise ExpressionError("A multiple-choice question is tested with 'in [...]', not compared.")
        if BOOLEAN in kinds:
            raise ExpressionError("A condition cannot be compared; join conditions with and/or.")
        if kinds[0] != kinds[1]:
            raise ExpressionError(f"'{operator}' compares a number with a text.")
        for side, other in ((left, right), (right, left)):
            if side[0] == "var" and other[0] == "str":
                allowed = variables[side[1]].values
                if allowed is not None and other[1] not in allowed:
                    raise ExpressionError(f"{side[1]} cannot have the answer {other[1]!r}.")
        return BOOLEAN
    if tag in ("arith", "neg", "call"):
        operands = node[2:] if tag != "neg" else node[1:]
        for operand in operands:
            if _kind(operand, variables) != NUMBER:
                what = f"{node[1]}()" if tag == "call" else "arithmetic"
                raise ExpressionError(f"{what} works on numbers only.")
        return NUMBER
    raise ExpressionError("Not an expression.")


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
    raise ExpressionError("Not an expression.")


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
        raise ExpressionError("Not an expression.")
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
