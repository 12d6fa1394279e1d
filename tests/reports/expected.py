"""The statistics recomputed in plain Python over the raw rows, independently of the database aggregates."""

import math
from collections import defaultdict
from decimal import Decimal, localcontext
from fractions import Fraction
from zoneinfo import ZoneInfo

from django.db.models import F

from submissions.models import Answer, Submission

from .data import COUNTING_V1, OPENING_V1, VOTING_V1, VOTING_V2

NEGATIVE = {"bad", "very_bad"}
DEFINITIONS = {"voting": VOTING_V2 + VOTING_V1, "counting": COUNTING_V1, "opening": OPENING_V1}
Z = Fraction(1959963984540054, 10**15)


def half_up(value: Fraction) -> float:
    """A non-negative exact fraction rounded half up to one decimal, as readers and spreadsheets do."""
    tenths = math.floor(value * 10 + Fraction(1, 2))
    return float(Fraction(tenths, 10))


def pct(count, n):
    return half_up(Fraction(100 * count, n)) if n else None


def mean(total, n):
    return half_up(Fraction(total, n)) if n else None


def median(numbers):
    ordered = sorted(numbers)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return half_up(Fraction(ordered[middle - 1] + ordered[middle], 2))


def _sqrt(value: Fraction) -> Fraction:
    with localcontext() as context:
        context.prec = 80
        root = (Decimal(value.numerator) / Decimal(value.denominator)).sqrt()
    return Fraction(root)


def ci(count, n):
    """The 95 % Wilson interval in per cent, from exact fractions (only the square root is approximated)."""
    if not n:
        return None
    p = Fraction(count, n)
    denominator = 1 + Z * Z / n
    centre = (p + Z * Z / (2 * n)) / denominator
    half = Z * _sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / denominator
    return [half_up(100 * max(Fraction(0), centre - half)), half_up(100 * min(Fraction(1), centre + half))]


def raw(mission):
    submissions = list(
        Submission.objects.filter(
            mission=mission, confidential=False, kind__in=["opening", "voting", "counting"]
        ).values(
            "id",
            "kind",
            "area_type",
            "polling_station_id",
            "urgent",
            "has_critical",
            "overall_assessment",
            "protocol_mismatch",
            "received_at",
            "notes",
            region_code=F("region__code"),
            team_code=F("team__code"),
        )
    )
    answers = defaultdict(lambda: defaultdict(list))
    for row in Answer.objects.filter(submission_id__in=[s["id"] for s in submissions]).values(
        "submission_id", "question_code", "value", "number"
    ):
        answers[row["submission_id"]][row["question_code"]].append(row)
    return submissions, answers


def question_types(kind):
    types = {}
    for code, qtype, _text, _choices, critical, _protocol, _shown in DEFINITIONS[kind]:
        types.setdefault(code, (qtype, critical))
    return types


def expected_question(submissions, answers, code, qtype, group=lambda s: "all"):
    """n, na, blank and per-value counts of one question, grouped by `group`."""
    out = defaultdict(lambda: {"n": 0, "na": 0, "blank": 0, "values": defaultdict(int), "sum": 0, "numbers": []})
    for submission in submissions:
        rows = answers[submission["id"]].get(code)
        if not rows:
            continue  # not shown
        cell = out[group(submission)]
        if len(rows) == 1 and rows[0]["value"] is None and rows[0]["number"] is None:
            cell["blank"] += 1
        elif len(rows) == 1 and rows[0]["value"] == "na":
            cell["na"] += 1
        else:
            cell["n"] += 1
            if qtype == "integer":
                cell["sum"] += rows[0]["number"]
                cell["numbers"].append(rows[0]["number"])
            elif qtype != "text":
                for row in rows:
                    cell["values"][row["value"]] += 1
    return out


def expected_assessment(submissions, group=lambda s: "all"):
    out = defaultdict(lambda: {"counts": defaultdict(int), "negative_stations": set()})
    for submission in submissions:
        value = submission["overall_assessment"]
        if not value:
            continue
        cell = out[group(submission)]
        cell["counts"][value] += 1
        if value in NEGATIVE:
            cell["negative_stations"].add(submission["polling_station_id"])
    return out


def expected_turnout(submissions, answers, group=lambda s: "all"):
    out = defaultdict(lambda: {"forms": 0, "voted": 0, "on_list": 0})
    for submission in submissions:
        if submission["kind"] != "voting":
            continue
        mine = answers[submission["id"]]
        voted = mine.get("voters_voted", [{}])[0].get("number")
        on_list = mine.get("voters_on_list", [{}])[0].get("number")
        if voted is None or not on_list:
            continue
        cell = out[group(submission)]
        cell["forms"] += 1
        cell["voted"] += voted
        cell["on_list"] += on_list
    return out


def expected_timeline(submissions, time_zone):
    hours = defaultdict(lambda: defaultdict(int))
    zone = ZoneInfo(time_zone)
    for submission in submissions:
        hours[submission["received_at"].astimezone(zone).strftime("%Y-%m-%d %H:00")][submission["kind"]] += 1
    return hours
