"""Writes for incident follow-up: open a case for an urgent form, update it, tell the core team, send the digest.

E-mails are written in each recipient's language (Observer.language_in: their own choice, else the mission's working
language), one e-mail per language, with every time on the mission's clock (its local time, zone named).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from access import can_follow_up_case
from checklists.choices import FormKind
from missions.models import Mission
from observers.access import Actor
from submissions.models import Submission

from .choices import OPEN_STATUSES, CaseStatus
from .models import Case, CaseNote
from .selectors import case_for_notification, core_team_recipients, core_team_users, open_cases

logger = logging.getLogger(__name__)

NOTE_MAX_LENGTH = 5000


def needs_case(submission: Submission) -> bool:
    """An urgent form, a form with a critical answer, or an LTO incident report opens a case."""
    return bool(submission.urgent or submission.has_critical or submission.kind == FormKind.INCIDENT)


def case_open(*, submission: Submission) -> tuple[Case, bool]:
    """The submission's case, opened if it has none yet: (case, True) when new. Safe to call twice."""
    existing = Case.objects.filter(submission_id=submission.pk).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            case = Case.objects.create(mission_id=submission.mission_id, submission=submission)
    except IntegrityError:
        return Case.objects.get(submission_id=submission.pk), False
    transaction.on_commit(lambda: case_notify_dispatch(case_id=case.pk))
    return case, True


def case_notify_dispatch(*, case_id: int) -> bool:
    """Queue the e-mail to the core team; with the broker down the case waits for the digest instead."""
    from kombu.exceptions import OperationalError as BrokerError

    from .tasks import case_notify_task

    try:
        case_notify_task.apply_async(args=[case_id], retry=False)
    except (BrokerError, ConnectionError, OSError) as error:
        logger.warning("case %s: e-mail not queued, broker unreachable (%s); the digest will carry it", case_id, error)
        return False
    return True


def _absolute(path: str) -> str:
    base = settings.EOM_SITE_URL.rstrip("/")
    return f"{base}{path}" if base else path


def case_notify(*, case_id: int) -> int:
    """E-mail the mission's core team about a new case, once; returns the number of recipients (0: nothing sent)."""
    case = case_for_notification(case_id=case_id)
    if case is None or case.notified_at is not None:
        return 0
    recipients = core_team_recipients(mission=case.mission)
    if not recipients:
        logger.warning("case %s: the mission has no core team e-mail address to tell", case_id)
        return 0
    claimed = Case.objects.filter(pk=case.pk, notified_at__isnull=True).update(notified_at=timezone.now())
    if not claimed:
        return 0  # another worker sent it
    context = {
        "case": case,
        "submission": case.submission,
        "mission": case.mission,
        "url": _absolute(reverse("incidents:case", args=[case.mission.slug, case.pk])),
    }
    sent = 0
    for language, addresses in recipients.items():
        with translation.override(language):
            subject = _("[%(mission)s] Urgent: %(what)s") % {
                "mission": case.mission.name,
                "what": case.submission.get_kind_display(),
            }
            body = render_to_string("incidents/email_new_case.txt", context)
        send_mail(subject, body, None, addresses)
        sent += len(addresses)
    return sent


def case_update(
    *, actor: Actor | None, user, case: Case, status: str = "", assignee_id: int | None = None, text: str = ""
) -> CaseNote:
    """Record a step of the follow-up: a note, a new status, a new assignee (one of the core team), or several."""
    if not can_follow_up_case(actor, case):
        raise PermissionDenied(_("Only the mission's core team follows up incidents."))
    text = (text or "").strip()
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationError({"text": [_("A note has at most %(n)s characters.") % {"n": NOTE_MAX_LENGTH}]})
    if status and status not in CaseStatus.values:
        raise ValidationError({"status": [_("Choose a status from the list.")]})
    new_status = status if status and status != case.status else ""
    assignee = None
    if assignee_id is not None and assignee_id != case.assignee_id:
        assignee = core_team_users(mission=case.mission).filter(pk=assignee_id).first()
        if assignee is None:
            raise ValidationError({"assignee": [_("Assign the case to a member of the core team.")]})
    if not (text or new_status or assignee):
        raise ValidationError({"__all__": [_("Write a note, or change the status or the assignee.")]})
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        fields = ["updated_at"]
        if new_status:
            locked.status = new_status
            locked.closed_at = timezone.now() if new_status == CaseStatus.CLOSED else None
            fields += ["status", "closed_at"]
        if assignee is not None:
            locked.assignee = assignee
            fields.append("assignee")
        locked.save(update_fields=fields)
        note = CaseNote.objects.create(case=locked, author=user, text=text, status=new_status, assignee=assignee)
    case.refresh_from_db()
    return note


def cases_open_missing(*, mission: Mission) -> int:
    """Open the cases forms stored without one (imports, the demo, a listener that failed); returns how many."""
    flagged = Submission.objects.filter(mission=mission, case__isnull=True).filter(
        Q(urgent=True) | Q(has_critical=True) | Q(kind=FormKind.INCIDENT)
    )
    cases = [
        Case(mission=mission, submission_id=submission_id) for submission_id in flagged.values_list("id", flat=True)
    ]
    Case.objects.bulk_create(cases, ignore_conflicts=True)
    return len(cases)


def cases_digest(*, mission: Mission) -> dict:
    """Send the core team the list of open cases (catching up any form without one); quiet when none are open."""
    opened = cases_open_missing(mission=mission)
    cases = list(open_cases(mission=mission))
    if not cases:
        return {"mission": mission.slug, "opened": opened, "open": 0, "recipients": 0}
    recipients = core_team_recipients(mission=mission)
    Case.objects.filter(pk__in=[case.pk for case in cases], notified_at__isnull=True).update(notified_at=timezone.now())
    context = {
        "mission": mission,
        "cases": cases,
        "by_status": {status: sum(case.status == status for case in cases) for status in OPEN_STATUSES},
        "url": _absolute(reverse("incidents:cases", args=[mission.slug])),
    }
    for language, addresses in recipients.items():
        with translation.override(language):
            subject = _("[%(mission)s] %(n)s open incident cases") % {"mission": mission.name, "n": len(cases)}
            send_mail(subject, render_to_string("incidents/email_digest.txt", context), None, addresses)
    return {
        "mission": mission.slug,
        "opened": opened,
        "open": len(cases),
        "recipients": sum(map(len, recipients.values())),
    }


def cases_digest_all() -> list[dict]:
    """The digest of every mission that has a case still open or an urgent form without one."""
    flagged = Q(urgent=True) | Q(has_critical=True) | Q(kind=FormKind.INCIDENT)
    missions = Mission.objects.filter(
        Q(incident_cases__status__in=OPEN_STATUSES)
        | Q(pk__in=Submission.objects.filter(flagged, case__isnull=True).values("mission_id"))
    ).distinct()
    return [cases_digest(mission=mission) for mission in missions.order_by("slug")]
