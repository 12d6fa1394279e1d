"""Exactly-once recording by UUID, the rows a form becomes, who may file where, and corrections."""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import uuid as uuid_module
import zoneinfo
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access import (
    Actor,
    Role,
    actor_for,
    can_correct_form,
    can_file_for_any_team,
    can_file_lto_reports,
    can_submit_forms,
)
from access.rules import area_region_ids
from checklists.choices import (
    OBSERVATION_KINDS,
    OVERALL_ASSESSMENT_CODE,
    QuestionType,
    TemplateStatus,
)
from checklists.models import FormTemplate, Question
from checklists.rules import form_flags
from checklists.selectors import template_content
from config.queries import PreparedQuery
from missions.clock import local_zone
from missions.models import Mission, PollingStation, Tec
from observers.models import Team

from ..choices import SubmissionStatus
from ..models import Answer, PhaseLock, RevisionAnswer, Submission, SubmissionRevision
from ..signals import revision_current, submission_stored
from .storing import answer_rows, listener_rows, revision_answer_rows, revision_build, submission_insert_once
from .validation import (
    ANSWER_VALUE_PREFIX,
    LTO_ONLY_KINDS,
    CleanForm,
    form_clean,
)

logger = logging.getLogger(__name__)


def _announce_after_commit(submission: Submission) -> None:
    """Once the form is committed, tell listeners (incident follow-up); a failing listener is only logged."""

    def send() -> None:
        for receiver, result in submission_stored.send_robust(sender=Submission, submission=submission):
            if isinstance(result, Exception):
                logger.error("submission %s: listener %r failed", submission.uuid, receiver, exc_info=result)

    transaction.on_commit(send)


class SubmissionConflict(Exception):
    """The UUID is already used by a form with different content; nothing was written (HTTP 409)."""

    def __init__(self, submission: Submission):
        self.submission = submission
        super().__init__(
            _("Form %(uuid)s was already received with different content; open a new form instead of reusing this one.")
            % {"uuid": submission.uuid}
        )


@dataclass
class Place:
    """Where a form was filled in, resolved from its ids (the team by id alone when it is the observer's own)."""

    team: Team | None
    polling_station: PollingStation | None
    tec: Tec | None
    region_id: int | None
    team_id: int | None = None

    def __post_init__(self) -> None:
        if self.team is not None:
            self.team_id = self.team.pk


def _local_zone(mission: Mission, place: Place) -> zoneinfo.ZoneInfo:
    """The zone a form's clock times are in: its station's (or TEC's) region's, else the mission's."""
    station = place.polling_station
    region = station.region if station is not None else place.tec.region if place.tec is not None else None
    return local_zone(mission, region)


def _moments(form: CleanForm, mission: Mission, place: Place) -> tuple[datetime.datetime | None, ...]:
    """Aware arrival and departure; a bare clock time is on election day (or today, for LTO forms), local time."""
    zone = _local_zone(mission, place)
    day = mission.election_day if form.template.kind in OBSERVATION_KINDS else timezone.localdate(timezone=zone)
    result = []
    for moment in (form.arrival_time, form.departure_time):
        if isinstance(moment, datetime.time):
            moment = datetime.datetime.combine(day, moment)
        if moment is not None and timezone.is_naive(moment):
            moment = timezone.make_aware(moment, zone)
        result.append(moment)
    arrival, departure = result
    if (
        arrival is not None
        and departure is not None
        and departure < arrival
        and isinstance(form.departure_time, datetime.time)
    ):
        departure += datetime.timedelta(days=1)  # counts run past midnight
    if arrival is not None and departure is not None and departure < arrival:
        raise ValidationError({"departure_time": [_("Departure cannot be before arrival.")]})
    return arrival, departure


def _iso(moment: datetime.datetime | None) -> str | None:
    return moment.astimezone(datetime.UTC).isoformat() if moment is not None else None


def canonical_payload(form: CleanForm, place: Place, arrival, departure) -> dict:
    """The payload as stored and hashed: resolved ids, UTC times, cleaned answers."""
    return {
        "template": form.template.pk,
        "polling_station": place.polling_station.pk if place.polling_station else None,
        "tec": place.tec.pk if place.tec else None,
        "team": place.team_id,
        "arrival_time": _iso(arrival),
        "departure_time": _iso(departure),
        "urgent": form.urgent,
        "notes": form.notes,
        "confidential": form.confidential,
        "answers": form.answers,
    }


def content_hash(canonical: dict) -> str:
    """A stable hash of a canonical payload (key order and spacing do not matter)."""
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def answer_values(questions: list[Question], answers: dict) -> list[tuple[str, str | None, int | None, str]]:
    """(code, value, number, text) per Answer row: one per shown question, one per chosen value, NULL when blank."""
    rows: list[tuple[str, str | None, int | None, str]] = []
    for question in questions:
        if question.code not in answers:
            continue  # hidden: no row, so it is neither answered nor blank
        code, value = question.code, answers[question.code]
        if value is None:
            rows.append((code, None, None, ""))
        elif isinstance(value, list):
            rows.extend((code, item, None, "") for item in value)
        elif question.type == QuestionType.INTEGER:
            rows.append((code, str(value), value, ""))
        elif question.type == QuestionType.TEXT:
            rows.append((code, value[:ANSWER_VALUE_PREFIX], None, value))
        else:
            rows.append((code, str(value), None, ""))
    return rows


def answers_critical(questions: list[Question], answers: dict) -> bool:
    """Whether any shown answer holds one of its question's critical values (the form is then flagged critical)."""
    for question in questions:
        if not question.critical_values or question.code not in answers:
            continue
        value = answers[question.code]
        critical = {str(v) for v in question.critical_values}
        chosen = value if isinstance(value, list) else [value]
        if any(item is not None and str(item) in critical for item in chosen):
            return True
    return False


def _apply(
    submission: Submission, *, form: CleanForm, place: Place, questions: list[Question], canonical: dict, rules=None
):
    """Copy a validated form's derived fields onto a submission (new or corrected)."""
    answers = form.answers
    submission.template = form.template
    submission.kind = form.template.kind
    submission.team_id = place.team_id
    submission.polling_station = place.polling_station
    submission.tec = place.tec
    submission.region_id = place.region_id
    submission.area_type = place.polling_station.area_type if place.polling_station else ""
    submission.arrival_time = (
        datetime.datetime.fromisoformat(canonical["arrival_time"]) if canonical["arrival_time"] else None
    )
    submission.departure_time = (
        datetime.datetime.fromisoformat(canonical["departure_time"]) if canonical["departure_time"] else None
    )
    submission.notes = form.notes
    submission.urgent = form.urgent
    submission.confidential = form.confidential
    submission.overall_assessment = answers.get(OVERALL_ASSESSMENT_CODE) or ""
    submission.has_critical = answers_critical(questions, answers)
    # Every data-quality rule, the protocol arithmetic of the standard set included: flags, never refusals.
    flags = form_flags(template=form.template, questions=questions, answers=answers, rules=rules)
    submission.protocol_issues = flags
    submission.protocol_mismatch = bool(flags)
    submission.payload = canonical
    submission.content_hash = content_hash(canonical)


def submission_build(
    *, mission: Mission, form: CleanForm, place: Place, questions: list[Question], user=None, uuid=None, rules=None
) -> tuple[Submission, list[tuple]]:
    """An unsaved submission and its answer_values from a validated form (shared by recording and the demo)."""
    arrival, departure = _moments(form, mission, place)
    canonical = canonical_payload(form, place, arrival, departure)
    submission = Submission(uuid=uuid or uuid_module.uuid4(), mission=mission, submitted_by=user)
    _apply(submission, form=form, place=place, questions=questions, canonical=canonical, rules=rules)
    return submission, answer_values(questions, form.answers)


# Nearly every form names its place: compiled once (config.queries). One row by id: no ordering.
_STATION_OF_MISSION = PreparedQuery(
    lambda mission_id, station_id: (
        PollingStation.objects.select_related("tec__region", "region")
        .filter(mission_id=mission_id, pk=station_id)
        .order_by()[:1]
    ),
    "mission_id",
    "station_id",
)
_TEC_OF_MISSION = PreparedQuery(
    lambda mission_id, tec_id: (
        Tec.objects.select_related("region").filter(mission_id=mission_id, pk=tec_id).order_by()[:1]
    ),
    "mission_id",
    "tec_id",
)


def _resolve_place(*, mission: Mission, form: CleanForm, actor: Actor | None) -> Place:
    """Load the station, TEC and team named by a form, checking they belong to the mission."""
    errors: dict[str, list[str]] = {}
    station = tec = team = None
    if form.polling_station_id is not None:
        station = _STATION_OF_MISSION.first(mission_id=mission.pk, station_id=form.polling_station_id)
        if station is None:
            errors["polling_station"] = [
                _("No polling station with id %(id)s in this mission.") % {"id": form.polling_station_id}
            ]
    if form.tec_id is not None:
        tec = _TEC_OF_MISSION.first(mission_id=mission.pk, tec_id=form.tec_id)
        if tec is None:
            errors["tec"] = [_("No TEC with id %(id)s in this mission.") % {"id": form.tec_id}]
        elif station is not None and station.tec_id != tec.pk:
            errors["tec"] = [
                _("Polling station %(station)s belongs to TEC %(tec)s, not %(other)s.")
                % {"station": station, "tec": station.tec.code, "other": tec.code}
            ]
    if station is not None and tec is None:
        tec = station.tec
    team_id = form.team_id if form.team_given else (actor.team_id if actor else None)
    if team_id is not None and (actor is None or team_id != actor.team_id):
        # The actor's own team is known to be in this mission; any other must be looked up.
        team = Team.objects.filter(mission=mission, pk=team_id).order_by().first()
        if team is None:
            errors["team"] = [_("No team with id %(id)s in this mission.") % {"id": team_id}]
    if errors:
        raise ValidationError(errors)
    region_id = station.region_id if station else (tec.region_id if tec else None)
    return Place(team=team, polling_station=station, tec=tec, region_id=region_id, team_id=team_id)


def _authorise_actor(actor: Actor | None) -> None:
    """Who may file forms at all (checked before the payload is even read); the refusal says why."""
    if actor is None:
        raise PermissionDenied(_("You are not a member of this mission."))
    if can_submit_forms(actor, actor.mission_id):
        return
    if not actor.is_observer:
        raise PermissionDenied(_("Only observers and coordinators submit forms."))
    raise PermissionDenied(_("You are not in a team yet, so you cannot submit forms."))


def _authorise(actor: Actor | None, *, kind: str, place: Place) -> None:
    """Who may file which form where; raises PermissionDenied with the reason."""
    _authorise_actor(actor)
    if can_file_for_any_team(actor, actor.mission_id):
        return
    if place.team_id is None or place.team_id != actor.team_id:
        raise PermissionDenied(_("You can submit forms only for your own team."))
    if kind in LTO_ONLY_KINDS and not can_file_lto_reports(actor, actor.mission_id):
        raise PermissionDenied(_("Weekly reports and meeting records are filed by long-term observers."))
    area = area_region_ids(actor)
    if place.region_id is not None and area is not None and place.region_id not in area:
        if actor.role == Role.STO:  # the wording only
            raise PermissionDenied(_("That place is outside your team's area."))
        raise PermissionDenied(_("That place is outside your area of responsibility."))


def _check_template(*, mission: Mission, template: FormTemplate) -> None:
    if template.mission_id != mission.pk:
        raise ValidationError({"template": [_("This checklist belongs to another mission.")]})
    if template.status == TemplateStatus.DRAFT:
        raise ValidationError({"template": [_("This checklist version is a draft and does not accept forms yet.")]})


def _phase_locked(mission_id: int, kind: str) -> bool:
    return PhaseLock.objects.filter(mission_id=mission_id, kind=kind).exists()


def _stored(uuid) -> Submission | None:
    """The form already stored under a UUID, if any."""
    return Submission.objects.filter(uuid=uuid).first()


def _already_stored(uuid, mission: Mission, digest: str) -> tuple[Submission, bool]:
    """The insert found the UUID taken (by a form committed before ours): a replay or a conflict."""
    existing = _stored(uuid)
    if existing is None:  # removed since the insert saw it: report it as a conflict rather than store it again
        raise SubmissionConflict(Submission(uuid=uuid, mission=mission))
    return _replay_or_conflict(existing, mission, digest)


def _replay_or_conflict(existing: Submission, mission: Mission, digest: str) -> tuple[Submission, bool]:
    """Same content (now or in any earlier revision) is a harmless replay; anything else is a conflict."""
    if existing.mission_id == mission.pk:
        if existing.content_hash == digest:
            return existing, False
        for payload in existing.revisions.values_list("payload", flat=True):
            if content_hash(payload) == digest:
                return existing, False
    raise SubmissionConflict(existing)


def submission_record(
    *, user, mission: Mission, uuid, template: FormTemplate, payload: dict, actor: Actor | None = None
) -> tuple[Submission, bool]:
    """Store a form exactly once: (submission, True) when new, (existing, False) for a replay of the same content.

    Raises ValidationError (bad payload), PermissionDenied (not this user's team or area) or SubmissionConflict
    (the UUID was used for different content). Nothing is written in any of those cases. A caller that has just
    computed the user's Actor in this mission may pass it, to spare the queries of computing it again.
    """
    try:
        uuid = uuid if isinstance(uuid, uuid_module.UUID) else uuid_module.UUID(str(uuid))
    except ValueError as error:
        raise ValidationError({"uuid": [_("Not a valid UUID.")]}) from error
    if actor is None or actor.user_id != user.pk or actor.mission_id != mission.pk:
        actor = actor_for(user, mission)
    _authorise_actor(actor)
    _check_template(mission=mission, template=template)
    content = template_content(template)  # read once per process for a published version
    questions = list(content.questions)
    form = form_clean(template=template, payload=payload, questions=questions)
    place = _resolve_place(mission=mission, form=form, actor=actor)
    _authorise(actor, kind=template.kind, place=place)
    submission, answers = submission_build(
        mission=mission, form=form, place=place, questions=questions, user=user, uuid=uuid, rules=content.rules
    )
    # Everything a new form writes happens in one transaction; a late form of a locked phase is still kept, stored
    # as locked, never lost. When the insert writes the listeners' rows too (PostgreSQL), it is one statement: its
    # own transaction, unless the caller has one open.
    rows = listener_rows()
    if rows is not None and connection.get_autocommit() and not connection.in_atomic_block:
        revision = submission_insert_once(submission=submission, values=answers, changed_by=user, rows=rows)
    else:
        with transaction.atomic():
            revision = submission_insert_once(submission=submission, values=answers, changed_by=user, rows=rows or ())
            if revision is not None and rows is None:
                revision_current.send(
                    sender=SubmissionRevision, mission_id=mission.pk, revision_id=revision.pk, at=revision.valid_from
                )
    if revision is None:  # the UUID was taken, perhaps by a request that won a race: decide against what it stored
        return _already_stored(uuid, mission, submission.content_hash)
    _announce_after_commit(submission)
    return submission, True


def _changes(old: dict, new: dict) -> dict:
    """Question code (or header field) -> [old, new] for everything that differs."""
    changes: dict = {}
    old_answers, new_answers = old.get("answers", {}), new.get("answers", {})
    for code in list(old_answers) + [c for c in new_answers if c not in old_answers]:
        if old_answers.get(code) != new_answers.get(code):
            changes[code] = [old_answers.get(code), new_answers.get(code)]
    for key in ("polling_station", "tec", "team", "arrival_time", "departure_time", "urgent", "notes", "confidential"):
        if old.get(key) != new.get(key):
            changes[key] = [old.get(key), new.get(key)]
    return changes


def submission_correct(*, user, submission: Submission, payload: dict) -> Submission:
    """Replace a form's content with a corrected version, keeping every version as a revision.

    The submitting team or a coordinator may correct until coordinators lock the phase; resending the current
    content changes nothing.
    """
    mission = submission.mission
    actor = actor_for(user, mission)
    if actor is None:
        raise PermissionDenied(_("You are not a member of this mission."))
    if not can_correct_form(actor, submission):
        raise PermissionDenied(_("Only the team that submitted this form, or a coordinator, can correct it."))
    if _phase_locked(mission.pk, submission.kind):
        raise PermissionDenied(
            _("Coordinators have locked the %(kind)s phase; this form can no longer be corrected.")
            % {"kind": submission.get_kind_display().lower()}
        )
    template = submission.template
    content = template_content(template)
    questions = list(content.questions)
    form = form_clean(template=template, payload=payload, questions=questions)
    if not form.team_given and submission.team_id is not None:
        form.team_id, form.team_given = submission.team_id, True  # a correction keeps the form's team
    place = _resolve_place(mission=mission, form=form, actor=actor)
    _authorise(actor, kind=template.kind, place=place)
    with transaction.atomic():
        current = Submission.objects.select_for_update().get(pk=submission.pk)
        if _phase_locked(mission.pk, current.kind):
            raise PermissionDenied(
                _("Coordinators have locked the %(kind)s phase.") % {"kind": current.get_kind_display().lower()}
            )
        old_payload = current.payload
        arrival, departure = _moments(form, mission, place)
        canonical = canonical_payload(form, place, arrival, departure)
        if content_hash(canonical) == current.content_hash:
            return current
        _apply(current, form=form, place=place, questions=questions, canonical=canonical, rules=content.rules)
        current.revision += 1
        current.status = SubmissionStatus.CORRECTED
        current.save()
        values = answer_values(questions, form.answers)
        current.answers.all().delete()
        Answer.objects.bulk_create(answer_rows(current, values))
        # The correction takes effect now: the previous revision stays what a snapshot before now counts.
        now = timezone.now()
        previous = SubmissionRevision.objects.filter(submission=current, valid_until__isnull=True)
        superseded = list(previous.values_list("id", flat=True))
        previous.update(valid_until=now)
        revision = revision_build(
            current,
            revision=current.revision,
            valid_from=now,
            changes=_changes(old_payload, canonical),
            changed_by=user,
        )
        revision.save()
        RevisionAnswer.objects.bulk_create(revision_answer_rows(revision, values))
        revision_current.send(
            sender=SubmissionRevision, mission_id=mission.pk, revision_id=revision.pk, at=now, superseded_ids=superseded
        )
    _announce_after_commit(current)
    return current
