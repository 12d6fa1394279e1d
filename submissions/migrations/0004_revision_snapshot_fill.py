# Fill the snapshot fields of existing revisions: the current one from the submission and its answers, earlier
# ones from their payloads.
#
# Set-based, so the upgrade takes seconds rather than minutes on a mission with many forms: what every revision
# shares with its form and when it was current is one UPDATE; the current revisions are one UPDATE ... FROM and one
# INSERT ... SELECT of the form's answers. Only revisions replaced by a correction (a small share of the forms) are
# read back, because their flags, assessment and answer rows come from the questions and the payload they kept
# (Python's rules, not SQL's); those go in batches of a fixed size, a constant number of statements per batch.

import datetime

from django.db import migrations
from django.db.models import Case, Exists, F, OuterRef, Subquery, When

BATCH_SIZE = 2000

# Copied from the submission onto its current revision (column names come from the models' _meta).
CURRENT_FIELDS = (
    "team",
    "polling_station",
    "tec",
    "region",
    "area_type",
    "arrival_time",
    "notes",
    "urgent",
    "has_critical",
    "overall_assessment",
    "protocol_mismatch",
    "protocol_issues",
    "confidential",
)
ANSWER_FIELDS = ("question_code", "value", "number", "text")
# Filled from the payload on a revision a later correction replaced.
EARLIER_FIELDS = (
    "team_id",
    "polling_station_id",
    "tec_id",
    "region_id",
    "area_type",
    "arrival_time",
    "notes",
    "urgent",
    "confidential",
    "overall_assessment",
    "has_critical",
    "protocol_issues",
    "protocol_mismatch",
)


def _column(model, name: str, quote) -> str:
    return quote(model._meta.get_field(name).column)


def _table(model, quote) -> str:
    return quote(model._meta.db_table)


def fill_shared(SubmissionRevision, Submission) -> None:
    """Mission, kind, received_at and the validity period of every revision: one UPDATE."""
    form = Submission.objects.filter(pk=OuterRef("submission_id"))
    earlier = SubmissionRevision.objects.filter(submission_id=OuterRef("submission_id"), revision__lt=OuterRef("revision"))
    later = SubmissionRevision.objects.filter(
        submission_id=OuterRef("submission_id"), revision__gt=OuterRef("revision")
    ).order_by("revision")
    SubmissionRevision.objects.update(
        mission_id=Subquery(form.values("mission_id")[:1]),
        kind=Subquery(form.values("kind")[:1]),
        received_at=Subquery(form.values("received_at")[:1]),
        # The first revision is current from when the form was received, every later one from its correction.
        valid_from=Case(When(Exists(earlier), then=F("changed_at")), default=Subquery(form.values("received_at")[:1])),
        valid_until=Subquery(later.values("changed_at")[:1]),
    )


def fill_current(connection, SubmissionRevision, Submission, RevisionAnswer, Answer) -> None:
    """The current revisions (valid_until empty) as the form stands: one UPDATE ... FROM, one INSERT ... SELECT."""
    quote = connection.ops.quote_name
    revisions = _table(SubmissionRevision, quote)
    submissions = _table(Submission, quote)
    assignments = ", ".join(
        f"{_column(SubmissionRevision, name, quote)} = form.{_column(Submission, name, quote)}" for name in CURRENT_FIELDS
    )
    revision_submission = _column(SubmissionRevision, "submission", quote)
    revision_until = _column(SubmissionRevision, "valid_until", quote)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {revisions} SET {assignments} FROM {submissions} AS form "
            f"WHERE form.{_column(Submission, 'id', quote)} = {revisions}.{revision_submission} "
            f"AND {revisions}.{revision_until} IS NULL"
        )
        target = ", ".join(_column(RevisionAnswer, name, quote) for name in ("revision", *ANSWER_FIELDS))
        source = ", ".join(f"answer.{_column(Answer, name, quote)}" for name in ANSWER_FIELDS)
        cursor.execute(
            f"INSERT INTO {_table(RevisionAnswer, quote)} ({target}) "
            f"SELECT revision.{_column(SubmissionRevision, 'id', quote)}, {source} "
            f"FROM {_table(Answer, quote)} AS answer "
            f"INNER JOIN {revisions} AS revision "
            f"ON revision.{revision_submission} = answer.{_column(Answer, 'submission', quote)} "
            f"WHERE revision.{revision_until} IS NULL "
            f"ORDER BY revision.{_column(SubmissionRevision, 'id', quote)}, answer.{_column(Answer, 'id', quote)}"
        )


def _pk(value):
    """A payload's id as the database key it names (ids are stored as numbers; a string of digits also counts)."""
    if value is None or value == "":
        return None
    return int(value)


def fill_earlier(apps, connection, SubmissionRevision, RevisionAnswer) -> None:
    """Revisions a correction replaced, from their payloads, in batches of BATCH_SIZE.

    Each batch is one read, one read each of its stations, TECs and (new) templates' questions, one prepared UPDATE
    run for each revision and one prepared INSERT run for each answer row (values always as parameters).
    """
    from submissions.services.protocol import protocol_check, protocol_figures
    from submissions.services.recording import answers_critical, answer_values

    PollingStation = apps.get_model("missions", "PollingStation")
    Tec = apps.get_model("missions", "Tec")
    Question = apps.get_model("checklists", "Question")
    quote = connection.ops.quote_name
    fields = [SubmissionRevision._meta.get_field(name) for name in EARLIER_FIELDS]
    update = (
        f"UPDATE {_table(SubmissionRevision, quote)} SET "
        + ", ".join(f"{quote(field.column)} = %s" for field in fields)
        + f" WHERE {_column(SubmissionRevision, 'id', quote)} = %s"
    )
    answer_fields = [RevisionAnswer._meta.get_field(name) for name in ("revision", *ANSWER_FIELDS)]
    insert = (
        f"INSERT INTO {_table(RevisionAnswer, quote)} ({', '.join(quote(field.column) for field in answer_fields)}) "
        f"VALUES ({', '.join('%s' for _ in answer_fields)})"
    )
    questions_of: dict[int, list] = {}
    replaced = SubmissionRevision.objects.filter(valid_until__isnull=False).order_by("id")
    last_id = 0
    while True:
        batch = list(
            replaced.filter(id__gt=last_id)
            .annotate(template_id=F("submission__template_id"))
            .values_list("id", "payload", "kind", "template_id")[:BATCH_SIZE]
        )
        if not batch:
            return
        last_id = batch[-1][0]
        payloads = [payload or {} for _, payload, _, _ in batch]
        station_ids = {_pk(payload.get("polling_station")) for payload in payloads} - {None}
        tec_ids = {_pk(payload.get("tec")) for payload in payloads if payload.get("tec")} - {None}
        stations = {station.pk: station for station in PollingStation.objects.filter(pk__in=station_ids)}
        tecs = {tec.pk: tec for tec in Tec.objects.filter(pk__in=tec_ids)}
        missing = {template_id for _, _, _, template_id in batch} - questions_of.keys()
        for template_id in missing:
            questions_of[template_id] = []
        for question in Question.objects.filter(template_id__in=missing).order_by("section__order", "order"):
            questions_of[question.template_id].append(question)
        updates, inserts = [], []
        for (revision_id, _, kind, template_id), payload in zip(batch, payloads, strict=True):
            questions = questions_of[template_id]
            answers = payload.get("answers") or {}
            station = stations.get(_pk(payload.get("polling_station")))
            tec = tecs.get(_pk(payload.get("tec"))) if payload.get("tec") else None
            arrival = payload.get("arrival_time")
            issues = protocol_check(protocol_figures(questions, answers)) if kind == "counting" else []
            values = {
                "team_id": payload.get("team"),
                "polling_station_id": station.pk if station else None,
                "tec_id": tec.pk if tec else (station.tec_id if station else None),
                "region_id": station.region_id if station else (tec.region_id if tec else None),
                "area_type": station.area_type if station else "",
                "arrival_time": datetime.datetime.fromisoformat(arrival) if arrival else None,
                "notes": payload.get("notes") or "",
                "urgent": bool(payload.get("urgent")),
                "confidential": bool(payload.get("confidential")),
                "overall_assessment": answers.get("overall_assessment") or "",
                "has_critical": answers_critical(questions, answers),
                "protocol_issues": issues,
                "protocol_mismatch": bool(issues),
            }
            updates.append(
                [field.get_db_prep_save(values[field.attname], connection) for field in fields] + [revision_id]
            )
            inserts.extend(
                [
                    field.get_db_prep_save(value, connection)
                    for field, value in zip(answer_fields, (revision_id, *row), strict=True)
                ]
                for row in answer_values(questions, answers)
            )
        with connection.cursor() as cursor:
            cursor.executemany(update, updates)
            if inserts:
                cursor.executemany(insert, inserts)
        if len(batch) < BATCH_SIZE:
            return


def revision_snapshot_fill(apps, connection) -> None:
    """Fill every existing revision's snapshot fields and answer rows."""
    Submission = apps.get_model("submissions", "Submission")
    SubmissionRevision = apps.get_model("submissions", "SubmissionRevision")
    RevisionAnswer = apps.get_model("submissions", "RevisionAnswer")
    Answer = apps.get_model("submissions", "Answer")
    fill_shared(SubmissionRevision, Submission)
    fill_current(connection, SubmissionRevision, Submission, RevisionAnswer, Answer)
    fill_earlier(apps, connection, SubmissionRevision, RevisionAnswer)


def backfill(apps, schema_editor):
    """Fill the new fields of every existing revision and write its answer rows."""
    revision_snapshot_fill(apps, schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        # Questions read by template (checklists 0002 gives them one).
        ('checklists', '0002_initial'),
        ('submissions', '0003_revision_snapshot'),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
