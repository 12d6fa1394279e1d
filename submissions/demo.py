"""A plausible election day for the demo mission: every STO team's forms, and the LTO teams' reports.

Forms go through the same validation and normalisation as submission_record (`_clean_form`, `submission_build`),
then are written in bulk. UUIDs are derived from the mission, team, kind and sequence, so running the generator
again writes nothing new; the seed makes the same answers every time.
"""

from __future__ import annotations

import datetime
import random
import uuid
import zoneinfo
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Count, Prefetch

from checklists.choices import OVERALL_ASSESSMENT_CODE, FormKind, QuestionType
from checklists.models import FormTemplate, Question
from checklists.selectors import template_questions, templates_published
from checklists.services import checklists_load_standard
from checklists.standard import expected_answers
from deployment.choices import VisitPurpose
from deployment.models import PlannedVisit, TeamAssignment
from missions.models import Mission, PollingStation
from observers.choices import TeamKind
from observers.models import Team, TeamMember
from tallies.services import tallies_roll_up, tally_revisions_add

from .models import Answer, RevisionAnswer, Submission, SubmissionRevision
from .services import Place, _clean_form, _is_shown, revision_build, submission_build

UUID_NAMESPACE = uuid.UUID("6f1d7a52-94a8-4c3b-9a57-2c1f8e0b7d41")
VOTING_VISITS = (9, 11)
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


def form_uuid(mission: Mission, team: Team, kind: str, sequence: int) -> uuid.UUID:
    """The deterministic UUID of a generated form."""
    return uuid.uuid5(UUID_NAMESPACE, f"{mission.slug}/{team.code}/{kind}/{sequence}")


class _Generator:
    """Builds the answers of one form kind, question by question, in the template's order."""

    def __init__(self, template: FormTemplate, questions: list[Question], candidates: list[str]):
        self.template = template
        self.questions = questions
        self.expected = expected_answers(template.kind, candidates=candidates)
        self.rates = PROBLEM_RATES.get(template.kind, {})

    def answers(self, rng: random.Random, station: PollingStation | None, hour: int) -> dict:
        answers: dict = {}
        shown: set[str] = set()
        figures = self._protocol(rng, station) if self.template.kind == FormKind.COUNTING else {}
        for question in self.questions:
            if question.code == OVERALL_ASSESSMENT_CODE or not _is_shown(question, answers, shown):
                continue
            shown.add(question.code)
            if not question.required and question.type != QuestionType.TEXT and rng.random() < BLANK_RATE:
                answers[question.code] = None
                continue
            answers[question.code] = self._answer(rng, question, station, hour, figures)
        if any(q.code == OVERALL_ASSESSMENT_CODE for q in self.questions):
            answers[OVERALL_ASSESSMENT_CODE] = self._assessment(rng, answers)
        return answers

    def _answer(self, rng, question: Question, station, hour: int, figures: dict):
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
            return self._integer(rng, question, station, hour)
        if kind == QuestionType.TIME:
            return f"{rng.randint(8, 19):02d}:{rng.choice((0, 10, 20, 30, 40, 50)):02d}"
        if question.required or rng.random() < 0.3:
            return rng.choice(TEXTS.get(code, ["Nothing further to report."]))
        return None

    def _integer(self, rng, question: Question, station, hour: int) -> int:
        registered = station.registered_voters if station is not None else 1500
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

    def _protocol(self, rng, station) -> dict:
        """Consistent counting figures, with one figure off in about a tenth of the counts."""
        registered = station.registered_voters if station is not None else 1500
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


def _local(day: datetime.date, hour: float) -> str:
    """A naive local ISO time on election day; hours past 24 run into the next day."""
    moment = datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(minutes=int(hour * 60))
    return moment.isoformat(timespec="minutes")


def _team_plan(team: Team, stations_by_region: dict, stations_by_id: dict, rng: random.Random) -> dict | None:
    """Opening, voting stations (route order), counting station and tabulation TEC for one team."""
    assignment: TeamAssignment | None = getattr(team, "assignment", None)
    visits = list(assignment.visits.all()) if assignment is not None else []
    if visits:
        by_purpose = defaultdict(list)
        for visit in sorted(visits, key=lambda v: v.order):
            by_purpose[visit.purpose].append(stations_by_id.get(visit.polling_station_id))
        voting = [s for s in by_purpose[VisitPurpose.VOTING] if s is not None]
        opening = next((s for s in by_purpose[VisitPurpose.OPENING] if s is not None), voting[0] if voting else None)
        counting = next((s for s in by_purpose[VisitPurpose.COUNTING] if s is not None), voting[-1] if voting else None)
    else:
        if assignment is not None:
            region_ids = [assignment.region_id]
        elif team.lto_team is not None:
            region_ids = [region.pk for region in team.lto_team.area_regions.all()]
        else:
            region_ids = []
        pool = [station for region_id in region_ids for station in stations_by_region.get(region_id, [])]
        if not pool:
            return None
        if assignment is not None and assignment.tecs.all():
            tec_ids = {tec.pk for tec in assignment.tecs.all()}
            pool = [station for station in pool if station.tec_id in tec_ids] or pool
        chosen = rng.sample(pool, k=min(len(pool), VOTING_VISITS[1] + 1))
        opening, voting = chosen[0], chosen[1:]
        counting = voting[-1] if voting else opening
    if opening is None or counting is None:
        return None
    voting = voting[: rng.randint(*VOTING_VISITS)]
    tabulation_tec = assignment.tabulation_tec if assignment is not None and assignment.tabulation_tec else None
    return {
        "opening": opening,
        "voting": voting,
        "counting": counting,
        "tabulation_tec": tabulation_tec or counting.tec,
    }


def _first_user(team: Team):
    for seat in team.members.all():
        if seat.membership.observer.user_id:
            return seat.membership.observer.user
    return None


def _sto_forms(team: Team, plan: dict, day: datetime.date, rng: random.Random):
    """(kind, sequence, station, tec, arrival hour, departure hour) for each form of an STO team's day."""
    opening_arrival = rng.uniform(6.4, 6.8)
    yield FormKind.OPENING, 1, plan["opening"], None, opening_arrival, rng.uniform(7.4, 7.9)
    clock = rng.uniform(8.1, 8.6)
    for sequence, station in enumerate(plan["voting"], start=1):
        stay = rng.uniform(0.4, 0.7)
        yield FormKind.VOTING, sequence, station, None, clock, clock + stay
        clock += stay + rng.uniform(0.3, 0.7)
        clock = min(clock, 19.3)
    counting_arrival = max(clock, rng.uniform(19.3, 19.8))
    counting_departure = rng.uniform(22.5, 25.5)
    yield FormKind.COUNTING, 1, plan["counting"], None, counting_arrival, counting_departure
    yield FormKind.TABULATION, 1, None, plan["tabulation_tec"], counting_departure + 0.5, counting_departure + 2.5


@transaction.atomic
def election_day_generate(*, mission: Mission, seed: int = 2019) -> int:
    """Generate the demo mission's election day and LTO reporting; returns how many forms were written now."""
    templates = templates_published(mission=mission)
    if len(templates) < len(FormKind.values):
        checklists_load_standard(mission=mission)
        templates = templates_published(mission=mission)
    candidates = list(mission.candidates or [])
    generators = {
        kind: _Generator(template, template_questions(template), candidates) for kind, template in templates.items()
    }
    stations = list(PollingStation.objects.filter(mission=mission).select_related("region", "tec__region"))
    stations.sort(key=lambda station: station.number)  # Python's order, so every database samples alike
    stations_by_id = {station.pk: station for station in stations}
    stations_by_region: dict[int, list[PollingStation]] = defaultdict(list)
    for station in stations:
        stations_by_region[station.region_id].append(station)
    teams = (
        Team.objects.filter(mission=mission)
        .annotate(member_count=Count("members"))
        .filter(member_count__gt=0)
        .select_related("assignment__tabulation_tec__region", "lto_team")
        .prefetch_related(
            "lto_team__area_regions",
            "area_regions",
            "assignment__tecs",
            Prefetch("assignment__visits", queryset=PlannedVisit.objects.order_by("purpose", "order")),
            Prefetch("members", queryset=TeamMember.objects.select_related("membership__observer__user")),
        )
        .order_by("code")
    )
    existing = set(Submission.objects.filter(mission=mission).values_list("uuid", flat=True))
    built: list[tuple[Submission, list[tuple]]] = []

    def add(team, kind, sequence, payload, station, tec, rng_user, received=None):
        generator = generators.get(kind)
        if generator is None:
            return
        key = form_uuid(mission, team, kind, sequence)
        if key in existing:
            return
        form = _clean_form(template=generator.template, payload=payload, questions=generator.questions)
        place = Place(
            team=team,
            polling_station=station,
            tec=tec or (station.tec if station else None),
            region_id=station.region_id if station else (tec.region_id if tec else None),
        )
        submission, values = submission_build(
            mission=mission, form=form, place=place, questions=generator.questions, user=rng_user, uuid=key
        )
        if received is None:  # observation forms: sent on leaving, some from a car hours later (offline queue)
            delay = rng.uniform(2, 25) if rng.random() > 0.05 else rng.uniform(60, 240)
            received = submission.departure_time + datetime.timedelta(minutes=delay)
        submission.received_at = received
        built.append((submission, values))

    day = mission.election_day
    rng = random.Random(seed)
    for team in sorted(teams, key=lambda team: team.code):
        rng.seed(f"{seed}/{mission.slug}/{team.code}")
        user = _first_user(team)
        if team.kind == TeamKind.STO:
            plan = _team_plan(team, stations_by_region, stations_by_id, rng)
            if plan is None:
                continue
            for kind, sequence, station, tec, arrival, departure in _sto_forms(team, plan, day, rng):
                if kind not in generators:
                    continue
                answers = generators[kind].answers(rng, station, int(arrival))
                payload = {
                    "answers": answers,
                    "arrival_time": _local(day, arrival),
                    "departure_time": _local(day, departure),
                }
                if station is not None:
                    payload["polling_station"] = station.pk
                if tec is not None:
                    payload["tec"] = tec.pk
                critical = any(
                    str(answers.get(q.code)) in {str(v) for v in q.critical_values}
                    for q in generators[kind].questions
                    if q.critical_values and answers.get(q.code) is not None
                )
                payload["urgent"] = rng.random() < (CRITICAL_URGENT_RATE if critical else OTHER_URGENT_RATE)
                if critical or answers.get(OVERALL_ASSESSMENT_CODE) in ("bad", "very_bad") or rng.random() < 0.08:
                    payload["notes"] = rng.choice(NOTES)
                add(team, kind, sequence, payload, station, tec, user)
        else:
            _lto_forms(team, rng, generators, add, stations_by_region, day, _zone(mission))
    _write(built)
    tallies_roll_up()  # the demo's forms arrive at once: fold them now rather than at the worker's next round
    return len(built)


def _zone(mission: Mission) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(mission.time_zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _before(day: datetime.date, zone, *, days: int, hour: float) -> datetime.datetime:
    """A local moment some days before election day."""
    moment = datetime.datetime.combine(day - datetime.timedelta(days=days), datetime.time()) + datetime.timedelta(
        minutes=int(hour * 60)
    )
    return moment.replace(tzinfo=zone)


def _lto_forms(team: Team, rng: random.Random, generators: dict, add, stations_by_region: dict, day, zone) -> None:
    """Four weekly reports, a handful of meeting records (about a third confidential) and a few incident reports."""
    area = [station for region in team.area_regions.all() for station in stations_by_region.get(region.pk, [])]
    user = _first_user(team)
    for week in range(1, 5):
        if FormKind.LTO_WEEKLY in generators:
            answers = generators[FormKind.LTO_WEEKLY].answers(rng, None, 12)
            week_day = day - datetime.timedelta(days=7 * (5 - week))
            answers["reporting_period"] = (week_day - datetime.timedelta(days=week_day.weekday())).isoformat()
            received = _before(day, zone, days=7 * (5 - week), hour=rng.uniform(17, 21))
            add(team, FormKind.LTO_WEEKLY, week, {"answers": answers}, None, None, user, received)
    for sequence in range(1, rng.randint(3, 6) + 1):
        if FormKind.MEETING in generators:
            answers = generators[FormKind.MEETING].answers(rng, None, 12)
            payload = {"answers": answers, "confidential": rng.random() < 0.3}
            received = _before(day, zone, days=rng.randint(3, 35), hour=rng.uniform(12, 20))
            add(team, FormKind.MEETING, sequence, payload, None, None, user, received)
    for sequence in range(1, rng.randint(0, 2) + 1):
        if FormKind.INCIDENT in generators:
            station = rng.choice(area) if area else None
            answers = generators[FormKind.INCIDENT].answers(rng, station, 12)
            payload = {"answers": answers, "urgent": rng.random() < 0.5}
            if station is not None:
                payload["polling_station"] = station.pk
            received = _before(day, zone, days=rng.randint(1, 21), hour=rng.uniform(9, 22))
            add(team, FormKind.INCIDENT, sequence, payload, station, None, user, received)


def _stamp(model, field_name: str, pairs: list[tuple[int, datetime.datetime]]) -> None:
    """Set one timestamp column row by row in a few statements (bulk_update builds a CASE per row: far slower)."""
    quote = connection.ops.quote_name
    table, column = quote(model._meta.db_table), quote(model._meta.get_field(field_name).column)
    primary_key = quote(model._meta.pk.column)
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), 500):
            chunk = pairs[start : start + 500]
            rows = ", ".join(["(%s, %s)"] * len(chunk))
            params = [value for pk, moment in chunk for value in (pk, connection.ops.adapt_datetimefield_value(moment))]
            cursor.execute(
                f"WITH stamps (row_id, moment) AS (VALUES {rows}) "  # noqa: S608 - names from the model
                f"UPDATE {table} SET {column} = (SELECT moment FROM stamps WHERE row_id = {table}.{primary_key}) "
                f"WHERE {primary_key} IN (SELECT row_id FROM stamps)",
                params,
            )


def _write(built: list[tuple[Submission, list[tuple]]]) -> None:
    """Bulk-insert forms, their first revisions and their answers (answers by executemany: ~100,000 rows)."""
    if not built:
        return
    received = [submission.received_at for submission, _ in built]
    submissions = Submission.objects.bulk_create([submission for submission, _ in built], batch_size=500)
    revisions = SubmissionRevision.objects.bulk_create(
        [
            revision_build(
                submission, revision=1, valid_from=moment, received_at=moment, changed_by=submission.submitted_by
            )
            for submission, moment in zip(submissions, received, strict=True)
        ],
        batch_size=500,
    )
    # auto_now_add stamped "now" on insert; the demo's forms arrived on (and before) election day.
    _stamp(Submission, "received_at", [(s.pk, moment) for s, moment in zip(submissions, received, strict=True)])
    _stamp(SubmissionRevision, "changed_at", [(r.pk, moment) for r, moment in zip(revisions, received, strict=True)])
    tally_revisions_add(revisions)
    rows = [
        (submission.pk, code, value, number, text)
        for submission, (_, values) in zip(submissions, built, strict=True)
        for code, value, number, text in values
    ]
    _insert_answers(Answer, "submission", rows)
    # The same rows again as the first revision's answers, which snapshot compilations count.
    _insert_answers(
        RevisionAnswer,
        "revision",
        [
            (revision.pk, code, value, number, text)
            for revision, (_, values) in zip(revisions, built, strict=True)
            for code, value, number, text in values
        ],
    )


def _insert_answers(model, owner: str, rows: list[tuple]) -> None:
    """Insert answer rows (owner id, code, value, number, text) fast: COPY on PostgreSQL, executemany elsewhere."""
    quote = connection.ops.quote_name
    meta = model._meta
    columns = ", ".join(
        quote(meta.get_field(name).column) for name in (owner, "question_code", "value", "number", "text")
    )
    table = quote(meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY streams the ~100,000 answer rows in one round trip.
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s)"  # noqa: S608 - names from the model
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])
