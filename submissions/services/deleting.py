"""Deleting forms: a repair for superusers (a test form sent to the live mission), never part of an election day."""

from __future__ import annotations

from django.db import transaction

from ..models import Submission
from ..signals import forms_deleting


def submissions_delete(*, queryset) -> int:
    """Delete the forms of a queryset with their answers and revisions; returns how many forms.

    Listeners of `forms_deleting` take back what the forms counted in the same transaction, so counts kept apart from
    the forms (the running tallies) agree with the forms left.
    """
    with transaction.atomic():
        ids = list(queryset.values_list("pk", flat=True))
        if not ids:
            return 0
        forms_deleting.send(sender=Submission, submission_ids=ids)
        Submission.objects.filter(pk__in=ids).delete()
    return len(ids)
