"""Phase locks: coordinators freeze a form kind so its forms can no longer be corrected."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from access import Actor, actor_for, can_lock_phases
from checklists.choices import (
    FormKind,
)
from missions.models import Mission

from ..choices import SubmissionStatus
from ..models import PhaseLock, Submission


def _coordinator(user, mission: Mission) -> Actor:
    actor = actor_for(user, mission)
    if not can_lock_phases(actor, mission):
        raise PermissionDenied(_("Only coordinators lock and unlock phases."))
    return actor


@transaction.atomic
def phase_lock(*, mission: Mission, kind: str, user) -> PhaseLock:
    """Freeze a phase (form kind): its forms can no longer be corrected; locking twice changes nothing."""
    _coordinator(user, mission)
    if kind not in FormKind.values:
        raise ValidationError({"kind": [_("Unknown form kind %(kind)s.") % {"kind": kind}]})
    lock, created = PhaseLock.objects.get_or_create(mission=mission, kind=kind, defaults={"locked_by": user})
    if created:
        Submission.objects.filter(mission=mission, kind=kind).update(status=SubmissionStatus.LOCKED)
    return lock


@transaction.atomic
def phase_unlock(*, mission: Mission, kind: str, user) -> bool:
    """Reopen a phase for corrections; returns whether it was locked."""
    _coordinator(user, mission)
    deleted, _by_model = PhaseLock.objects.filter(mission=mission, kind=kind).delete()
    if deleted:
        forms = Submission.objects.filter(mission=mission, kind=kind, status=SubmissionStatus.LOCKED)
        forms.filter(revision__gt=1).update(status=SubmissionStatus.CORRECTED)
        forms.filter(revision=1).update(status=SubmissionStatus.SUBMITTED)
    return bool(deleted)
