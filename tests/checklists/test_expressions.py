"""The expression language of conditions and rules: parsed by its own grammar, refused with a message that says
where, evaluated over answers with blanks unknown, and never a way to run code."""

import decimal
import time

import pytest

from checklists.expressions import (
    MAX_DEPTH,
    NUMBER,
    TEXT,
    ExpressionError,
    Variable,
    check,
    evaluate,
    names,
    parse,
    render,
)

VARIABLES = {
    "voters_on_list": Variable(NUMBER),
    "voters_voted": Variable(NUMBER),
    "count_suspended": Variable(TEXT, frozenset({"yes", "no"})),
    "suspension_reason": Variable(TEXT),
    "who": Variable("choices", frozenset({"police", "officials", "others"})),
}
KINDS = {"voters_on_list": NUMBER, "voters_voted": NUMBER}


def holds(text: str, **answers):
    return evaluate(parse(text), answers.get, KINDS)


class TestParsing:
    def test_a_comparison_reads_as_a_tree_of_the_question_codes(self):
        assert parse("voters_voted <= voters_on_list") == [
            "cmp",
            "<=",
            ["var", "voters_voted"],
            ["var", "voters_on_list"],
        ]

    def test_and_binds_tighter_than_or(self):
        tree = parse("a = 1 or b = 2 and c = 3")
        assert tree[0] == "or" and tree[2][0] == "and"

    def test_the_names_an_expression_reads_are_listed_once_in_order(self):
        assert names(parse("voters_voted * 100 / voters_on_list > 100 and voters_voted is answered")) == [
            "voters_voted",
            "voters_on_list",
        ]

    @pytest.mark.parametrize(
        "text",
        [
            "voters_voted <= voters_on_list",
            "count_suspended = 'yes' and suspension_reason is answered",
            "(voters_voted + 1) * 100 / voters_on_list > 100",
            "not (who in ['police', 'officials']) or voters_voted is not answered",
            "who not in ['others'] and -voters_voted < coalesce(voters_on_list, 0)",
        ],
    )
    def test_rendering_a_tree_gives_text_that_parses_to_the_same_tree(self, text):
        tree = parse(text)
        assert parse(render(tree)) == tree


class TestRefusals:
    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("", "The expression is empty."),
            ("voters_voted <=", "Unexpected the end at position 16."),
            ("voters_voted = = 3", "Unexpected '=' at position 16."),
            ("(voters_voted > 3", "Expected ')' at position 18, found the end."),
            ("voters_voted > 3 3", "Unexpected '3' at position 18."),
            ("count_suspended is given", "Expected 'answered' at position 20, found 'given'."),
            ("who in []", "The list at position 8 is empty."),
            ("voters_voted ; 1", "Unexpected character ';' at position 14."),
        ],
    )
    def test_a_malformed_expression_is_refused_with_where_it_goes_wrong(self, text, message):
        with pytest.raises(ExpressionError) as error:
            parse(text)
        assert str(error.value) == message

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("voters_voted = 'many'", "'=' compares a number with a text."),
            ("count_suspended = 'perhaps'", "count_suspended cannot have the answer 'perhaps'."),
            ("who = 'police'", "A multiple-choice question is tested with 'in [...]', not compared."),
            ("who in ['army']", "who cannot have the answer(s) army."),
            ("ballots_stolen > 0", "ballots_stolen is not a question this expression can use."),
            ("voters_voted + 1", "The expression must be a condition"),
            ("count_suspended + 1 > 0", "Arithmetic works on numbers only."),
        ],
    )
    def test_an_expression_that_does_not_fit_the_checklist_is_refused(self, text, message):
        with pytest.raises(ExpressionError) as error:
            check(parse(text), VARIABLES)
        assert str(error.value).startswith(message)


class TestNoCodeRuns:
    def test_a_python_call_is_an_unknown_function(self):
        with pytest.raises(ExpressionError, match=r"Unknown function '__import__' at position 1"):
            parse("__import__('os') = 0")
        with pytest.raises(ExpressionError, match=r"Unexpected character '\.' at position 17"):
            parse("__import__('os').system('true') = 0")
        with pytest.raises(ExpressionError, match=r"Unknown function 'eval'"):
            parse("eval('1') = 1")

    def test_attribute_access_is_not_in_the_language(self):
        with pytest.raises(ExpressionError, match=r"Unexpected character '\.' at position 13"):
            parse("voters_voted.__class__ = 1")

    def test_subscripts_are_not_in_the_language(self):
        with pytest.raises(ExpressionError, match=r"Unexpected '\[' at position 13"):
            parse("voters_voted[0] = 1")

    def test_there_is_no_power_operator_so_no_huge_exponent(self):
        with pytest.raises(ExpressionError, match="There is no power operator"):
            parse("9 ** 9 ** 9 ** 9 > voters_voted")

    def test_a_huge_literal_is_refused(self):
        with pytest.raises(ExpressionError, match="more than 15 digits"):
            parse("voters_voted > 1" + "0" * 400)

    def test_repeated_products_overflow_to_unknown_quickly_instead_of_growing_without_end(self):
        text = " * ".join(["999999999999999"] * 80) + " > voters_voted"
        started = time.monotonic()
        assert evaluate(parse(text), {"voters_voted": 1}.get, KINDS) is None
        assert time.monotonic() - started < 1

    def test_deep_nesting_is_refused_before_python_recursion_runs_out(self):
        depth = MAX_DEPTH + 5
        with pytest.raises(ExpressionError, match=f"nested more than {MAX_DEPTH} levels"):
            parse("(" * depth + "voters_voted > 1" + ")" * depth)
        with pytest.raises(ExpressionError, match="nested more than"):
            parse("not " * 100 + "voters_voted > 1")
        with pytest.raises(ExpressionError, match="nested more than"):
            parse("-" * 100 + "voters_voted > 1")

    def test_a_very_long_expression_is_refused(self):
        with pytest.raises(ExpressionError, match="longer than"):
            parse(" or ".join(["voters_voted > 1"] * 500))

    def test_text_literals_are_data_never_names(self):
        assert holds("suspension_reason = '__import__(\"os\")'", suspension_reason='__import__("os")') is True


class TestEvaluation:
    def test_a_comparison_holds_or_fails_on_the_answers(self):
        assert holds("voters_voted <= voters_on_list", voters_voted=640, voters_on_list=1200) is True
        assert holds("voters_voted <= voters_on_list", voters_voted=1300, voters_on_list=1200) is False

    def test_a_blank_answer_is_unknown_so_the_rule_is_not_checked(self):
        assert holds("voters_voted <= voters_on_list", voters_voted=640) is None
        assert holds("voters_voted <= voters_on_list", voters_voted=640, voters_on_list="") is None

    def test_or_and_and_follow_three_valued_logic(self):
        assert holds("voters_voted > 0 or voters_on_list > 0", voters_voted=5) is True
        assert holds("voters_voted > 10 and voters_on_list > 0", voters_voted=5) is False
        assert holds("voters_voted > 0 and voters_on_list > 0", voters_voted=5) is None

    def test_is_answered_is_never_unknown(self):
        assert holds("count_suspended = 'no' or suspension_reason is answered", count_suspended="yes") is False
        assert holds("count_suspended = 'no' or suspension_reason is answered", count_suspended="no") is True
        assert holds("suspension_reason is not answered") is True

    def test_turnout_above_one_hundred_per_cent_in_decimals(self):
        rule = "voters_voted * 100 / voters_on_list <= 100"
        assert holds(rule, voters_voted=1001, voters_on_list=1000) is False
        assert holds(rule, voters_voted=1000, voters_on_list=1000) is True
        assert holds(rule, voters_voted=5, voters_on_list=0) is None  # a division by zero is unknown

    def test_in_a_list_is_any_of_a_multiple_choice(self):
        assert holds("who in ['police']", who=["officials", "police"]) is True
        assert holds("who in ['police']", who=["others"]) is False
        assert holds("who not in ['police']", who=["others"]) is True

    def test_coalesce_gives_a_blank_figure_a_default(self):
        assert holds("voters_voted + coalesce(voters_on_list, 0) = 7", voters_voted=7) is True

    def test_functions_compute_on_numbers(self):
        assert holds("sum(voters_voted, voters_on_list, 1) = 12", voters_voted=4, voters_on_list=7) is True
        assert holds("max(voters_voted, 3) = 3 and min(voters_voted, 3) = 2", voters_voted=2) is True
        assert holds("abs(voters_voted - voters_on_list) <= 5", voters_voted=4, voters_on_list=9) is True

    def test_decimal_answers_compare_exactly(self):
        tree = parse("share = 0.3")
        assert evaluate(tree, {"share": "0.30"}.get, {"share": NUMBER}) is True
        assert evaluate(parse("0.1 + 0.2 = 0.3"), {}.get) is True
        assert isinstance(evaluate(parse("1 / 3"), {}.get), decimal.Decimal)


def test_a_rule_message_fills_answers_by_code_and_never_reaches_attributes():
    from types import SimpleNamespace

    from checklists.rules import flag_message

    rule = SimpleNamespace(
        code="turnout",
        expression="voters_voted <= voters_on_list",
        message="Voted {voters_voted} of {voters_on_list}; {voters_voted.__class__} {0}",
        message_ru="",
    )
    flag = {"rule": "turnout", "values": {"voters_voted": 130, "voters_on_list": None}}
    assert flag_message(flag, rules={"turnout": rule}) == "Voted 130 of blank; {voters_voted.__class__} {0}"
    assert flag_message(flag, rules={"turnout": rule}, language="ru").startswith("Voted 130 of пусто;")
