"""Signals other apps listen to; submissions itself depends on none of them."""

from collections.abc import Callable
from dataclasses import dataclass

from django.dispatch import Signal

# Sent after the transaction that stored a new form (or a correction) has committed, with `submission`.
# Listeners must be quick; a listener that fails is logged and never fails or undoes the submission.
submission_stored = Signal()

# Sent inside the transaction that makes a revision its form's content (a new form or a correction), with
# `mission_id`, `revision_id`, `at` and `superseded_ids` (the revisions it replaces). Listeners write in the same
# transaction, and one that fails undoes the submission: the running tallies (tallies/apps.py) rely on it to count
# exactly the forms that are stored.
revision_current = Signal()


@dataclass(frozen=True)
class NewRevisionRow:
    """The row a listener of `revision_current` writes when a new form's first revision becomes current.

    `model` is the row's model, `revision_field` its foreign key to the revision, and `values(mission_id=, at=)`
    returns the row's other fields, named in `fields`, in that order: exactly what the listener writes when sent the
    signal for a new form with those arguments.
    """

    model: type
    revision_field: str
    fields: tuple[str, ...]
    values: Callable[..., tuple]


# On PostgreSQL a new form is written by one statement (services/storing.py). The listeners of `revision_current`
# registered here (receiver -> NewRevisionRow) have their row written by that same statement instead of being sent
# the signal, so that, outside a transaction, the statement is its own: a BEGIN, a COMMIT and a statement fewer a
# form. The row is then in the form's transaction by construction. As long as any listener is not registered here,
# every listener is sent the signal, in a transaction around the insert, as for a correction.
new_revision_rows: dict[Callable, NewRevisionRow] = {}

# Sent inside the transaction that deletes forms, before their rows go, with `submission_ids`. Derived counts that
# their revisions fed (the running tallies) take them back in the same transaction.
forms_deleting = Signal()
