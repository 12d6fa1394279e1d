"""Protocol arithmetic on counting forms: the standard set of data-quality rules flags a mismatch with its figures,
stored as a rule code and values (rendered in the reader's language), and never blocks the form."""

import pytest

from submissions.services import protocol_check, protocol_messages
from tests.checklists.factories import consistent_protocol

RULE_FIGURES = {k: v for k, v in consistent_protocol().items() if k != "protocol_figures_obtained"}


def test_a_consistent_protocol_has_no_issue():
    assert protocol_check(RULE_FIGURES) == []


def test_received_must_equal_issued_plus_unused_plus_spoiled():
    flags = protocol_check({**RULE_FIGURES, "ballots_received": 1005})
    assert flags == [
        {
            "rule": "protocol_received_balance",
            "standard": True,
            "values": {
                "ballots_received": 1005,
                "ballots_issued": 600,
                "ballots_issued_mobile": 20,
                "ballots_unused": 370,
                "ballots_spoiled": 10,
            },
        }
    ]
    assert protocol_messages(flags) == [
        "Ballots received (1005) do not equal ballots issued (600) + issued for mobile voting (20) + unused (370) "
        "+ spoiled (10) = 1000."
    ]


def test_the_same_flag_reads_in_russian():
    flags = protocol_check({**RULE_FIGURES, "ballots_received": 1005})
    assert protocol_messages(flags, language="ru") == [
        "Получено бюллетеней (1005) не равно выдано (600) + выдано для голосования вне помещения (20) + "
        "неиспользованных (370) + испорченных (10) = 1000."
    ]


def test_found_must_equal_valid_plus_invalid():
    flags = protocol_check({**RULE_FIGURES, "ballots_invalid": 25})
    assert [flag["rule"] for flag in flags] == ["protocol_found_balance"]
    assert protocol_messages(flags) == [
        "Ballots found in the boxes (597 + 18 = 615) do not equal valid (600) + invalid (25) = 625."
    ]


def test_valid_must_equal_the_candidates_votes():
    flags = protocol_check({**RULE_FIGURES, "candidate_3": 60})
    assert protocol_messages(flags) == [
        "Valid ballots (600) do not equal the sum of the candidates' votes (450 + 100 + 60 = 610).",
    ]


def test_more_ballots_found_than_issued_is_flagged():
    figures = {**RULE_FIGURES, "ballots_found_stationary": 700, "ballots_valid": 703, "candidate_1": 553}
    flags = protocol_check(figures)
    assert protocol_messages(flags) == ["More ballots were found in the boxes (718) than were issued (600 + 20 = 620)."]


def test_blank_mobile_figures_count_as_zero():
    figures = {**RULE_FIGURES, "ballots_issued_mobile": None, "ballots_found_mobile": None, "ballots_issued": 620}
    figures.update(ballots_found_stationary=615)
    assert protocol_check(figures) == []


def test_a_rule_with_missing_figures_is_not_checked():
    assert protocol_check({"ballots_received": 1000, "ballots_issued": 3}) == []
    assert protocol_check({"ballots_valid": 10, "candidate_1": 4, "candidate_2": None}) == []


def test_a_sentence_stored_before_flags_were_data_is_shown_as_it_is():
    assert protocol_messages(["Ballots received (3) do not add up."]) == ["Ballots received (3) do not add up."]


@pytest.mark.django_db
def test_a_mismatch_is_flagged_on_the_form_and_does_not_block_it(world):
    submission, created = world.record("counting", **{**consistent_protocol(), "ballots_received": 1100})

    assert created
    assert submission.protocol_mismatch
    assert submission.protocol_issues[0]["rule"] == "protocol_received_balance"
    assert submission.protocol_issues[0]["values"]["ballots_received"] == 1100
    assert protocol_messages(submission.protocol_issues)[0].startswith("Ballots received (1100)")


@pytest.mark.django_db
def test_a_consistent_count_is_not_flagged(world):
    submission, _ = world.record("counting", **consistent_protocol())
    assert not submission.protocol_mismatch and submission.protocol_issues == []
