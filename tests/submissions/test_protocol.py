"""Protocol arithmetic on counting forms: each rule flags a mismatch with its figures, and never blocks the form."""

import pytest

from submissions.services import protocol_check
from tests.checklists.factories import consistent_protocol

RULE_FIGURES = {k: v for k, v in consistent_protocol().items() if k != "protocol_figures_obtained"}


def test_a_consistent_protocol_has_no_issue():
    assert protocol_check(RULE_FIGURES) == []


def test_received_must_equal_issued_plus_unused_plus_spoiled():
    issues = protocol_check({**RULE_FIGURES, "ballots_received": 1005})
    assert issues == [
        "Ballots received (1005) do not equal ballots issued (600) + issued for mobile voting (20) + unused (370) "
        "+ spoiled (10) = 1000."
    ]


def test_found_must_equal_valid_plus_invalid():
    issues = protocol_check({**RULE_FIGURES, "ballots_invalid": 25})
    assert issues == ["Ballots found in the boxes (597 + 18 = 615) do not equal valid (600) + invalid (25) = 625."]


def test_valid_must_equal_the_candidates_votes():
    issues = protocol_check({**RULE_FIGURES, "candidate_3": 60})
    assert issues == [
        "Valid ballots (600) do not equal the sum of the candidates' votes (450 + 100 + 60 = 610).",
    ]


def test_more_ballots_found_than_issued_is_flagged():
    figures = {**RULE_FIGURES, "ballots_found_stationary": 700, "ballots_valid": 703, "candidate_1": 553}
    issues = protocol_check(figures)
    assert issues == ["More ballots were found in the boxes (718) than were issued (600 + 20 = 620)."]


def test_blank_mobile_figures_count_as_zero():
    figures = {**RULE_FIGURES, "ballots_issued_mobile": None, "ballots_found_mobile": None, "ballots_issued": 620}
    figures.update(ballots_found_stationary=615)
    assert protocol_check(figures) == []


def test_a_rule_with_missing_figures_is_not_checked():
    assert protocol_check({"ballots_received": 1000, "ballots_issued": 3}) == []
    assert protocol_check({"ballots_valid": 10, "candidate_1": 4, "candidate_2": None}) == []


@pytest.mark.django_db
def test_a_mismatch_is_flagged_on_the_form_and_does_not_block_it(world):
    submission, created = world.record("counting", **{**consistent_protocol(), "ballots_received": 1100})

    assert created
    assert submission.protocol_mismatch
    assert submission.protocol_issues[0].startswith("Ballots received (1100)")


@pytest.mark.django_db
def test_a_consistent_count_is_not_flagged(world):
    submission, _ = world.record("counting", **consistent_protocol())
    assert not submission.protocol_mismatch and submission.protocol_issues == []
