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

The package is in three parts: `parsing` (text to tree), `evaluation` (checking a tree against a checklist and
computing its value over answers) and `rendering` (tree to text, and the rewrites exports rely on).
"""

from .evaluation import BOOLEAN, CHOICES, NUMBER, TEXT, Variable, check, evaluate, to_number
from .parsing import (
    COMPARISONS,
    FUNCTIONS,
    KEYWORDS,
    MAX_DEPTH,
    MAX_LENGTH,
    MAX_NUMBER_DIGITS,
    ExpressionError,
    Token,
    names,
    parse,
)
from .rendering import conjunction, render, simplify, single_in

__all__ = [
    "BOOLEAN",
    "CHOICES",
    "COMPARISONS",
    "FUNCTIONS",
    "KEYWORDS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "MAX_NUMBER_DIGITS",
    "NUMBER",
    "TEXT",
    "ExpressionError",
    "Token",
    "Variable",
    "check",
    "conjunction",
    "evaluate",
    "names",
    "parse",
    "render",
    "simplify",
    "single_in",
    "to_number",
]
