"""The revision snapshot fill as first written, form by form: the reference the set-based migration must match."""

import datetime
from collections import Counter

from submissions.models import RevisionAnswer, SubmissionRevision

SNAPSHOT_FIELDS = (
    "mission_id",
    "kind",
    "team_id",
    "polling_station_id",
    "tec_id",
    "region_id",
    "area_type",
    "arrival_time",
    "notes",
    "urgent",
    "has_critical",
    "overall_assessment",
    "protocol_mismatch",
    "protocol_issues",
    "confidential",
    "received_at",
    "valid_from",
    "valid_until",
)


def form_by_form_fill(apps):
    """The fill as first written (one form at a time), kept as the reference the set-based fill must match."""
    from submissions.services.protocol import protocol_check, protocol_figures
    from submissions.services.recording import answer_values, answers_critical

    Submission = apps.get_model("submissions", "Submission")
    SubmissionRevision = apps.get_model("submissions", "SubmissionRevision")
    RevisionAnswer = apps.get_model("submissions", "RevisionAnswer")
    Answer = apps.get_model("submissions", "Answer")
    PollingStation = apps.get_model("missions", "PollingStation")
    Tec = apps.get_model("missions", "Tec")
    Question = apps.get_model("checklists", "Question")
    questions_of: dict[int, list] = {}
    for submission in Submission.objects.order_by("id").iterator(chunk_size=500):
        revisions = list(SubmissionRevision.objects.filter(submission=submission).order_by("revision"))
        if not revisions:
            continue
        if submission.template_id not in questions_of:
            questions_of[submission.template_id] = list(
                Question.objects.filter(template_id=submission.template_id).order_by("section__order", "order")
            )
        questions = questions_of[submission.template_id]
        for index, revision in enumerate(revisions):
            current = index == len(revisions) - 1
            revision.mission_id = submission.mission_id
            revision.kind = submission.kind
            revision.received_at = submission.received_at
            revision.valid_from = submission.received_at if index == 0 else revision.changed_at
            revision.valid_until = None if current else revisions[index + 1].changed_at
            if current:
                for name in (
                    "team_id",
                    "polling_station_id",
                    "tec_id",
                    "region_id",
                    "area_type",
                    "arrival_time",
                    "notes",
                    "urgent",
                    "has_critical",
                    "overall_assessment",
                    "protocol_mismatch",
                    "protocol_issues",
                    "confidential",
                ):
                    setattr(revision, name, getattr(submission, name))
                rows = list(
                    Answer.objects.filter(submission=submission).values_list("question_code", "value", "number", "text")
                )
            else:
                payload = revision.payload or {}
                answers = payload.get("answers") or {}
                station = PollingStation.objects.filter(pk=payload.get("polling_station")).first()
                tec = Tec.objects.filter(pk=payload.get("tec")).first() if payload.get("tec") else None
                revision.team_id = payload.get("team")
                revision.polling_station_id = station.pk if station else None
                revision.tec_id = tec.pk if tec else (station.tec_id if station else None)
                revision.region_id = station.region_id if station else (tec.region_id if tec else None)
                revision.area_type = station.area_type if station else ""
                arrival = payload.get("arrival_time")
                revision.arrival_time = datetime.datetime.fromisoformat(arrival) if arrival else None
                revision.notes = payload.get("notes") or ""
                revision.urgent = bool(payload.get("urgent"))
                revision.confidential = bool(payload.get("confidential"))
                revision.overall_assessment = answers.get("overall_assessment") or ""
                revision.has_critical = answers_critical(questions, answers)
                issues = protocol_check(protocol_figures(questions, answers)) if submission.kind == "counting" else []
                revision.protocol_issues = issues
                revision.protocol_mismatch = bool(issues)
                rows = answer_values(questions, answers)
            revision.save()
            RevisionAnswer.objects.bulk_create(
                RevisionAnswer(revision=revision, question_code=code, value=value, number=number, text=text)
                for code, value, number, text in rows
            )


def forget_snapshots(placeholder_mission):
    """Put every revision back as the schema migration left it: nothing filled (placeholders where required)."""
    RevisionAnswer.objects.all().delete()
    placeholder = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    SubmissionRevision.objects.update(
        mission=placeholder_mission,
        kind="",
        team=None,
        polling_station=None,
        tec=None,
        region=None,
        area_type="",
        arrival_time=None,
        notes="",
        urgent=False,
        has_critical=False,
        overall_assessment="",
        protocol_mismatch=False,
        protocol_issues=[],
        confidential=False,
        received_at=placeholder,
        valid_from=placeholder,
        valid_until=placeholder,
    )


def snapshot_rows():
    """Every revision's snapshot fields by id, and every revision's answer rows (ids of answer rows aside)."""
    revisions = {row["id"]: row for row in SubmissionRevision.objects.values("id", *SNAPSHOT_FIELDS)}
    answers = Counter(RevisionAnswer.objects.values_list("revision_id", "question_code", "value", "number", "text"))
    return revisions, answers
