"""Generated election-day data for the statistics tests: several regions, urban and rural stations, two versions
of the voting form (one code only in the old one), a conditional question, not applicable and blank answers."""

import datetime
import random

from django.utils import timezone

from checklists.choices import FormKind, QuestionType, TemplateStatus
from checklists.models import FormTemplate, Question, Section
from checklists.selectors import template_questions
from missions.choices import AreaType
from submissions.models import Submission
from submissions.services import CleanForm, Place, submission_build
from synthetic.writing import forms_write
from tests.factories import PollingStationFactory, RegionFactory, TeamFactory, TecFactory

YES_NO = [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}]
ASSESSMENT = [
    {"value": "very_good", "label": "Very good"},
    {"value": "good", "label": "Good"},
    {"value": "bad", "label": "Bad"},
    {"value": "very_bad", "label": "Very bad"},
]
ELECTION_DAY = datetime.datetime(2019, 6, 9, 2, 0, tzinfo=datetime.UTC)

# (code, type, text, choices, critical values, protocol field, shown if (code, values))
VOTING_V2 = [
    ("voters_on_list", QuestionType.INTEGER, "Voters on the list", [], [], "voters_on_list", None),
    ("voters_voted", QuestionType.INTEGER, "Voters who have voted so far", [], [], "voters_voted", None),
    ("box_sealed", QuestionType.YES_NO, "Were the ballot boxes sealed?", YES_NO, [], "", None),
    ("secrecy", QuestionType.YES_NO_NA, "Was the secrecy of the vote ensured?", YES_NO, [], "", None),
    ("unauthorised", QuestionType.YES_NO, "Were unauthorised persons present?", YES_NO, [], "", None),
    (
        "unauthorised_who",
        QuestionType.MULTIPLE,
        "Who was present without authorisation?",
        [
            {"value": "police", "label": "Police"},
            {"value": "officials", "label": "Local officials"},
            {"value": "=cmd", "label": "=cmd"},
        ],
        [],
        "",
        ("unauthorised", ["yes"]),
    ),
    (
        "ids_checked",
        QuestionType.SINGLE,
        "Were voters' IDs checked?",
        [{"value": v, "label": v.title()} for v in ("always", "mostly", "rarely", "never")],
        [],
        "",
        None,
    ),
    ("stuffing", QuestionType.YES_NO, "Did you see ballot-box stuffing?", YES_NO, ["yes"], "", None),
    ("remarks", QuestionType.TEXT, "Remarks", [], [], "", None),
    ("overall_assessment", QuestionType.SINGLE, "Overall assessment", ASSESSMENT, [], "", None),
]
VOTING_V1 = [
    ("box_sealed", QuestionType.YES_NO, "Ballot boxes sealed (old wording)", YES_NO, [], "", None),
    ("family_voting", QuestionType.YES_NO, "Did you see family voting?", YES_NO, ["yes"], "", None),
    ("stuffing", QuestionType.YES_NO, "Ballot-box stuffing seen (old wording)", YES_NO, ["yes"], "", None),
    ("voters_on_list", QuestionType.INTEGER, "Voters on the list", [], [], "voters_on_list", None),
    ("voters_voted", QuestionType.INTEGER, "Voters who voted", [], [], "voters_voted", None),
    ("overall_assessment", QuestionType.SINGLE, "Overall assessment", ASSESSMENT, [], "", None),
]
COUNTING_V1 = [
    ("figures_reconciled", QuestionType.YES_NO_NA, "Did the figures reconcile?", YES_NO, [], "", None),
    ("protocol_pre_signed", QuestionType.YES_NO, "Was the protocol pre-signed?", YES_NO, ["yes"], "", None),
    ("overall_assessment", QuestionType.SINGLE, "Overall assessment", ASSESSMENT, [], "", None),
]
OPENING_V1 = [
    (
        "opened_on_time",
        QuestionType.SINGLE,
        "Did the station open on time?",
        [{"value": v, "label": v} for v in ("on_time", "late_15", "late_more", "did_not_open")],
        [],
        "",
        None,
    ),
    ("overall_assessment", QuestionType.SINGLE, "Overall assessment", ASSESSMENT, [], "", None),
]


def make_template(mission, kind, version, status, questions):
    template = FormTemplate.objects.create(
        mission=mission, kind=kind, version=version, status=TemplateStatus.DRAFT, title=f"{kind} v{version}"
    )
    section = Section.objects.create(template=template, order=1, title="Main")
    for order, (code, qtype, text, choices, critical, protocol, shown_if) in enumerate(questions):
        Question.objects.create(
            template=template,
            section=section,
            order=order,
            code=code,
            text=text,
            type=qtype,
            choices=choices,
            critical_values=critical,
            protocol_field=protocol,
            shown_if_code=shown_if[0] if shown_if else "",
            shown_if_values=shown_if[1] if shown_if else [],
        )
    # Published and retired versions are frozen: write the questions as a draft, then set the status.
    FormTemplate.objects.filter(pk=template.pk).update(status=status)
    template.status = status
    return template


def _answer_rows(rng, questions, na_rate=0.08, blank_rate=0.07):
    """Answers as (code, value, number) rows; a conditional question is shown only when its condition holds."""
    given: dict[str, list] = {}
    rows = []
    for code, qtype, _text, choices, _critical, _protocol, shown_if in questions:
        if code == "overall_assessment":
            continue
        if shown_if and not set(given.get(shown_if[0], [])) & set(shown_if[1]):
            continue  # not shown: no row at all
        roll = rng.random()
        if roll < blank_rate:
            rows.append((code, None, None))
            given[code] = []
            continue
        if qtype == QuestionType.YES_NO_NA and roll < blank_rate + na_rate:
            rows.append((code, "na", None))
            given[code] = ["na"]
            continue
        if qtype == QuestionType.INTEGER:
            number = rng.randint(500, 2500) if code == "voters_on_list" else rng.randint(0, 600)
            rows.append((code, str(number), number))
            given[code] = [str(number)]
        elif qtype == QuestionType.TEXT:
            text = rng.choice(["all calm", '=HYPERLINK("x")', "queue outside"])
            rows.append((code, text, None))
            given[code] = [text]
        elif qtype == QuestionType.MULTIPLE:
            picked = sorted(rng.sample([c["value"] for c in choices], rng.randint(1, len(choices))))
            rows.extend((code, value, None) for value in picked)
            given[code] = picked
        else:
            weights = [5, 2, 1, 1][: len(choices)] if qtype == QuestionType.SINGLE else [3, 1]
            value = rng.choices([c["value"] for c in choices], weights=weights)[0]
            rows.append((code, value, None))
            given[code] = [value]
    return rows


def build_election_day(mission, *, forms: int = 60, seed: int = 7) -> dict:
    """Regions, stations, teams, templates and `forms` submissions with answers; returns the objects created."""
    rng = random.Random(seed)
    regions = [
        RegionFactory(mission=mission, code=f"R{i}", name=name)
        for i, name in enumerate(["Akmola", "Aktobe", "Zhambyl"])
    ]
    stations = []
    for region in regions:
        tec = TecFactory(mission=mission, region=region)
        for index in range(5):
            area = AreaType.URBAN if index % 2 == 0 else AreaType.RURAL
            stations.append(PollingStationFactory(mission=mission, tec=tec, region=region, area_type=area))
    observed_stations = stations[:-3]  # a few stations are never visited
    teams = [TeamFactory(mission=mission, code=f"STO-{i:03d}") for i in range(1, 6)]
    silent_team = TeamFactory(mission=mission, code="STO-099")
    templates = {
        ("voting", 1): make_template(mission, FormKind.VOTING, 1, TemplateStatus.RETIRED, VOTING_V1),
        ("voting", 2): make_template(mission, FormKind.VOTING, 2, TemplateStatus.PUBLISHED, VOTING_V2),
        ("counting", 1): make_template(mission, FormKind.COUNTING, 1, TemplateStatus.PUBLISHED, COUNTING_V1),
        ("opening", 1): make_template(mission, FormKind.OPENING, 1, TemplateStatus.PUBLISHED, OPENING_V1),
    }
    definitions = {
        ("voting", 1): VOTING_V1,
        ("voting", 2): VOTING_V2,
        ("counting", 1): COUNTING_V1,
        ("opening", 1): OPENING_V1,
    }
    submissions, answer_rows = [], []
    for index in range(forms):
        kind = rng.choices(["voting", "counting", "opening"], weights=[7, 2, 1])[0]
        version = rng.choice([1, 2]) if kind == "voting" else 1
        station = rng.choice(observed_stations)
        received = ELECTION_DAY + datetime.timedelta(minutes=rng.randint(0, 60 * 20))
        mismatch = kind == "counting" and rng.random() < 0.3
        assessment = rng.choices(["very_good", "good", "bad", "very_bad", ""], weights=[4, 5, 2, 1, 1])[0]
        submission = Submission(
            mission=mission,
            template=templates[(kind, version)],
            kind=kind,
            team=rng.choice(teams),
            polling_station=station,
            tec=station.tec,
            region=station.region,
            area_type=station.area_type,
            arrival_time=received - datetime.timedelta(minutes=30),
            urgent=rng.random() < 0.1,
            overall_assessment=assessment,
            protocol_mismatch=mismatch,
            protocol_issues=[{"rule": "received_balance", "message": "ballots received != issued + unused + spoiled"}]
            if mismatch
            else [],
            notes=rng.choice(["", "Quiet.", "=SUM(A1:A9)", "Police inside, -tension"]),
            payload={},
            content_hash=f"hash{index}",
        )
        rows = _answer_rows(rng, definitions[(kind, version)])
        submission.has_critical = any(
            (code == "stuffing" and value == "yes")
            or (code in ("family_voting", "protocol_pre_signed") and value == "yes")
            for code, value, _number in rows
        )
        if assessment:
            rows.append(("overall_assessment", assessment, None))
        submissions.append(submission)
        answer_rows.append(rows)
    # Received half an hour after arrival; written with their first revisions as recording writes them.
    for submission in submissions:
        submission.received_at = submission.arrival_time + datetime.timedelta(minutes=30)
    forms_write(
        [
            (submission, [(code, value, number, "") for code, value, number in rows])
            for submission, rows in zip(submissions, answer_rows, strict=True)
        ]
    )
    # One confidential meeting record must never count or be exported.
    meeting = make_template(mission, FormKind.MEETING, 1, TemplateStatus.PUBLISHED, [])
    secret = Submission(
        mission=mission,
        template=meeting,
        kind=FormKind.MEETING,
        confidential=True,
        notes="Secret interlocutor",
        payload={},
        content_hash="meeting",
    )
    forms_write([(secret, [])])
    return {"regions": regions, "stations": stations, "teams": teams, "silent_team": silent_team, "now": timezone.now()}


def add_forms(mission, template, forms: list[dict]) -> list[Submission]:
    """Forms written in bulk exactly as submission_record stores them (derived fields by the services' own rules).

    Each form is a dict: station (or tec), team, answers {code: value}, and optionally notes, urgent, received.
    """
    questions = template_questions(template)
    built = []
    for spec in forms:
        station, tec = spec.get("station"), spec.get("tec")
        tec = tec or (station.tec if station is not None else None)
        form = CleanForm(
            template=template,
            polling_station_id=station.pk if station is not None else None,
            tec_id=tec.pk if tec is not None else None,
            team_id=spec["team"].pk if spec.get("team") else None,
            team_given=True,
            urgent=spec.get("urgent", False),
            notes=spec.get("notes", ""),
            answers=spec.get("answers", {}),
        )
        place = Place(
            team=spec.get("team"),
            polling_station=station,
            tec=tec,
            region_id=station.region_id if station is not None else tec.region_id,
        )
        submission, values = submission_build(mission=mission, form=form, place=place, questions=questions)
        submission.received_at = spec.get("received") or timezone.now()
        built.append((submission, values))
    return forms_write(built)
