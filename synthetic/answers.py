"""Plausible answers to any checklist of the standard set: most processes go as they should, each question has its
own rate of problems, overall assessments follow what was seen, counts reconcile (about one in ten does not), and
turnout grows through the day. One set of rates for the demo, the benchmarks and the tests."""

from __future__ import annotations

import random

from checklists.choices import OVERALL_ASSESSMENT_CODE, FormKind, QuestionType
from checklists.models import FormTemplate, Question
from checklists.rules import is_shown
from checklists.selectors import template_questions
from checklists.standard import expected_answers
from submissions.services import answer_values, answers_critical

# Share of forms with the "problem" answer (the opposite of the expected one); 3 % for a question not listed.
PROBLEM_RATES = {
    FormKind.OPENING: {
        "unused_ballots_counted": 0.08,
        "boxes_shown_empty": 0.02,
        "seal_numbers_recorded": 0.1,
        "observers_see_all_steps": 0.04,
        "accessible_limited_mobility": 0.45,
        "layout_secrecy": 0.1,
        "party_observers_present": 0.3,
        "citizen_observers_present": 0.25,
        "unauthorised_present": 0.05,
        "non_pec_directing": 0.01,
        "observers_restricted": 0.01,
        "opened_on_time": 0.1,
    },
    FormKind.VOTING: {
        "group_voting": 0.15,
        "identical_signatures": 0.05,
        "ballot_box_stuffing_signs": 0.015,
        "ballot_box_stuffing_seen": 0.004,
        "multiple_voting": 0.005,
        "intimidation": 0.01,
        "vote_buying": 0.005,
        "secrecy_ensured": 0.08,
        "booths_used": 0.06,
        "marking_outside_booth": 0.07,
        "assisting_many_voters": 0.04,
        "photographing_ballots": 0.05,
        "organised_transport": 0.04,
        "tension_nearby": 0.02,
        "campaign_material_nearby": 0.02,
        "overcrowding": 0.06,
        "long_queues": 0.08,
        "unauthorised_present": 0.06,
        "unauthorised_directing": 0.1,
        "voters_signed_list": 0.02,
        "tracking_voters": 0.03,
        "voters_turned_away": 0.12,
        "observers_restricted": 0.008,
        "boxes_sealed": 0.01,
        "party_observers_present": 0.3,
        "citizen_observers_present": 0.25,
        "ids_checked": 0.15,
        "pec_understanding": 0.08,
        "ballots_stamped": 0.02,
    },
    FormKind.COUNTING: {
        "each_ballot_shown": 0.25,
        "signatures_counted": 0.2,
        "unused_ballots_cancelled": 0.15,
        "validity_reasonable": 0.08,
        "piles_verifiable": 0.1,
        "figures_reconciled": 0.12,
        "protocol_pre_signed": 0.05,
        "figures_altered": 0.02,
        "protocol_copies_given": 0.1,
        "protocol_posted": 0.12,
        "ballot_box_stuffing_signs": 0.03,
        "observers_could_see": 0.1,
        "observers_asked_to_leave": 0.01,
        "seals_intact": 0.01,
        "protocol_figures_obtained": 0.08,
        "closed_on_time": 0.04,
        "non_members_handling_ballots": 0.06,
    },
    FormKind.TABULATION: {"protocols_changed": 0.02, "error_correction": 0.2, "spot_check_match": 0.05},
}
DEFAULT_PROBLEM_RATE = 0.03
# Questions with no "right" answer: the share answering yes.
NEUTRAL_YES = {"supplementary_list_used": 0.4, "mobile_box_out": 0.2, "recounts": 0.1, "follow_up_needed": 0.4}
# yes/no/na questions: the share answered "not applicable".
NOT_APPLICABLE_RATES = {
    "queue_allowed_to_vote": 0.6,
    "ballots_stamped": 0.04,
    "seal_numbers_recorded": 0.05,
    "spot_check_match": 0.3,
    "results_per_pec_published": 0.4,
    "reported_to_authorities": 0.2,
}
# Findings that rarely move an observer's overall assessment of a station.
NOT_ASSESSED = {
    "party_observers_present",
    "citizen_observers_present",
    "accessible_limited_mobility",
    "long_queues",
    "overcrowding",
    "voters_turned_away",
}
# Optional questions observers leave blank this often.
BLANK_RATE = 0.04
PROTOCOL_MISMATCH_RATE = 0.1
CRITICAL_URGENT_RATE = 0.7
OTHER_URGENT_RATE = 0.004

TEXTS = {
    "materials_missing": ["No seals for the mobile box.", "Too few voter-list pages were delivered."],
    "complaints_details": [
        "A candidate observer complained that the list was not shown to him.",
        "A voter complained of being turned away; the PEC chair refused to register it.",
    ],
    "intimidation_details": ["A man outside the station told voters from a local enterprise to photograph ballots."],
    "reporting_period": ["2019-05-13", "2019-05-20", "2019-05-27", "2019-06-03"],  # Mondays
    "election_administration": [
        "The regional commission works transparently and met the team promptly; training of PECs is under way.",
        "TEC sessions are not announced in advance; decisions are posted late.",
    ],
    "campaign": [
        "Campaign activity is low-key; the incumbent's events dominate, others rarely seen outside the city.",
        "Interlocutors report that public-sector employees are asked to attend rallies.",
    ],
    "media": ["Regional television covers the incumbent almost exclusively.", "Local media carry paid spots only."],
    "complaints_appeals": ["Two complaints about voter lists; both rejected without hearing."],
    "voter_registration": ["Lists are on display; few voters check them."],
    "women_minorities": ["Most PEC members are women; chairs are mostly men."],
    "security": ["Calm; no incidents affecting the team."],
    "organisation": ["Regional election commission", "Regional akimat", "Local NGO 'Erkindik Kanaty'", "Party branch"],
    "interlocutor_name": ["Chairperson", "Deputy akim", "Director", "Branch leader"],
    "interlocutor_role": ["Chairperson", "Deputy head", "Coordinator", "Editor"],
    "key_points": [
        "Preparations on schedule; concerns about turnout targets set for public institutions.",
        "Observer accreditation is smooth; few domestic observers in rural areas.",
        "No complaints received; the interlocutor denied any pressure on voters.",
    ],
    "follow_up": ["Ask the TEC for the complaint decisions.", "Meet the party's candidate next week."],
    "location": ["District centre, market square", "Village school, polling station area", "Regional centre"],
    "description": [
        "Unknown persons removed opposition posters overnight.",
        "Employees of a state enterprise were instructed to vote and report with photographs.",
        "Observers were denied entry to a TEC session.",
    ],
    "meeting_date": ["2019-05-20", "2019-05-24", "2019-05-28", "2019-06-02"],
}
NOTES = [
    "Small, calm station; procedures followed.",
    "Crowded corridor; voters queued outside the booths.",
    "PEC chair nervous about our presence, asked for our accreditation twice.",
    "Several voters marked ballots on the table near the box.",
    "Same handwriting in a series of signatures on page 12 of the list.",
]


class AnswerMaker:
    """Builds the cleaned answers of one checklist, question by question in the template's order, and their rows."""

    def __init__(self, template: FormTemplate, candidates: list[str], questions: list[Question] | None = None):
        self.template = template
        self.questions = questions if questions is not None else template_questions(template)
        self.expected = expected_answers(template.kind, candidates=candidates)
        self.rates = PROBLEM_RATES.get(template.kind, {})

    def answers(self, rng: random.Random, *, voters: int | None = None, hour: float = 12) -> dict:
        """Answers of one form at a station of `voters` registered voters (None: no station), `hour` local time."""
        hour = int(hour)
        answers: dict = {}
        shown: set[str] = set()
        figures = self._protocol(rng, voters) if self.template.kind == FormKind.COUNTING else {}
        for question in self.questions:
            if question.code == OVERALL_ASSESSMENT_CODE or not is_shown(question, answers, shown):
                continue
            shown.add(question.code)
            if not question.required and question.type != QuestionType.TEXT and rng.random() < BLANK_RATE:
                answers[question.code] = None
                continue
            answers[question.code] = self._answer(rng, question, voters, hour, figures)
        if any(q.code == OVERALL_ASSESSMENT_CODE for q in self.questions):
            answers[OVERALL_ASSESSMENT_CODE] = self._assessment(rng, answers)
        return answers

    def rows(self, answers: dict) -> list[tuple]:
        """(question_code, value, number, text) per Answer row, exactly as the recording service stores them."""
        return answer_values(self.questions, answers)

    def critical(self, answers: dict) -> bool:
        """Whether the answers hold a critical value (what the recording service flags)."""
        return answers_critical(self.questions, answers)

    def _answer(self, rng, question: Question, voters: int | None, hour: int, figures: dict):
        code, kind = question.code, question.type
        expected = self.expected.get(code)
        rate = self.rates.get(code, DEFAULT_PROBLEM_RATE)
        if question.protocol_field and question.protocol_field in figures:
            return figures[question.protocol_field]
        if kind in (QuestionType.YES_NO, QuestionType.YES_NO_NA):
            if kind == QuestionType.YES_NO_NA and rng.random() < NOT_APPLICABLE_RATES.get(code, 0.02):
                return "na"
            if expected is None:
                return "yes" if rng.random() < NEUTRAL_YES.get(code, 0.3) else "no"
            if rng.random() < rate:
                return "no" if expected == "yes" else "yes"
            return expected
        if kind == QuestionType.SINGLE:
            values = question.choice_values
            if expected in values and rng.random() >= rate:
                return expected
            others = [v for v in values if v != expected]
            # Milder deviations are the common ones: weight the choices after the expected one by position.
            weights = [1 / (index + 1) ** 2 for index in range(len(others))]
            return rng.choices(others, weights=weights)[0] if others else values[0]
        if kind == QuestionType.MULTIPLE:
            values = question.choice_values
            return sorted(rng.sample(values, k=min(len(values), rng.choice((1, 1, 2)))), key=values.index)
        if kind == QuestionType.INTEGER:
            return self._integer(rng, question, voters, hour)
        if kind == QuestionType.TIME:
            return f"{rng.randint(8, 19):02d}:{rng.choice((0, 10, 20, 30, 40, 50)):02d}"
        if question.required or rng.random() < 0.3:
            return rng.choice(TEXTS.get(code, ["Nothing further to report."]))
        return None

    def _integer(self, rng, question: Question, voters: int | None, hour: int) -> int:
        registered = voters if voters is not None else 1500
        low = question.min_value or 0
        high = question.max_value if question.max_value is not None else 10**6
        if question.code == "voters_on_list":
            value = registered + rng.randint(0, max(1, registered // 50))
        elif question.code == "voters_voted":
            share = min(0.95, max(0.02, (hour - 7) / 13 * rng.uniform(0.6, 0.85)))
            value = int(registered * share)
        elif question.code == "pec_members_present":
            value = rng.randint(7, 11)
        elif question.code == "pec_women_members":
            value = rng.randint(3, 7)
        else:
            value = rng.randint(low, min(high, low + 20))
        return max(low, min(high, value))

    def _protocol(self, rng, voters: int | None) -> dict:
        """Consistent counting figures, with one figure off in about a tenth of the counts."""
        registered = voters if voters is not None else 1500
        supplementary = rng.randint(0, max(1, registered // 40))
        received = int((registered + supplementary) * rng.uniform(1.0, 1.05))
        turnout = rng.uniform(0.55, 0.9)
        voted = int((registered + supplementary) * turnout)
        issued_mobile = rng.randint(0, max(1, voted // 30))
        issued = voted - issued_mobile
        spoiled = rng.randint(0, 6)
        unused = received - issued - issued_mobile - spoiled
        found_mobile = issued_mobile - rng.randint(0, 1) if issued_mobile else 0
        found_stationary = issued - rng.randint(0, 3)
        found = found_stationary + found_mobile
        invalid = int(found * rng.uniform(0.005, 0.03))
        valid = found - invalid
        candidates = sorted(
            (c for c in self.questions if c.protocol_field.startswith("candidate_")),
            key=lambda q: int(q.protocol_field.split("_")[1]),
        )
        shares = [rng.uniform(0.5, 1.5) * (8 if index == 0 else 1) for index in range(len(candidates))]
        votes = [int(valid * share / sum(shares)) for share in shares] if candidates else []
        if votes:
            votes[0] += valid - sum(votes)
        figures = {
            "voters_main_list": registered,
            "voters_supplementary": supplementary,
            "ballots_received": received,
            "ballots_unused": unused,
            "ballots_spoiled": spoiled,
            "ballots_issued": issued,
            "ballots_issued_mobile": issued_mobile,
            "ballots_found_stationary": found_stationary,
            "ballots_found_mobile": found_mobile,
            "ballots_invalid": invalid,
            "ballots_valid": valid,
            **{question.protocol_field: count for question, count in zip(candidates, votes, strict=True)},
        }
        if rng.random() < PROTOCOL_MISMATCH_RATE:
            off = rng.choice(["ballots_received", "ballots_valid", "ballots_unused", "ballots_found_stationary"])
            figures[off] = max(0, figures[off] + rng.choice((-30, -12, -5, 5, 9, 25)))
        return figures

    def _assessment(self, rng, answers: dict) -> str:
        problems = 0
        critical = False
        for question in self.questions:
            value = answers.get(question.code)
            if value is None or question.code == OVERALL_ASSESSMENT_CODE:
                continue
            if question.critical_values and str(value) in {str(v) for v in question.critical_values}:
                critical = True
            expected = self.expected.get(question.code)
            if question.code in NOT_ASSESSED:
                continue
            if expected is not None and value not in (expected, "na") and not isinstance(value, list):
                problems += 1
        if critical:
            return rng.choice(("bad", "very_bad", "very_bad", "good"))
        roll = rng.random()
        if problems >= 3:
            return "bad" if roll < 0.24 else ("very_bad" if roll < 0.29 else "good")
        if problems == 2:
            return "bad" if roll < 0.1 else "good"
        return "very_good" if roll < 0.4 else ("good" if roll < 0.985 else "bad")


# Notes on the benchmark's voting forms (one in five has one).
SHORT_NOTES = [
    "Queue outside at arrival, orderly.",
    "Chair was helpful and answered all questions.",
    "Police officer inside the premises for the whole visit.",
    "Several voters could not find their names on the list.",
    "Cramped premises; the booths faced the windows.",
    "Identical signatures on a page of the voter list.",
    "A local official was giving instructions to the commission.",
    "Voters photographed their ballots openly.",
]
