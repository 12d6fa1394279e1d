"""Signals other apps listen to; submissions itself depends on none of them."""

from django.dispatch import Signal

# Sent after the transaction that stored a new form (or a correction) has committed, with `submission`.
# Listeners must be quick; a listener that fails is logged and never fails or undoes the submission.
submission_stored = Signal()

# Sent inside the transaction that makes a revision its form's content (a new form or a correction), with
# `mission_id`, `revision_id`, `at` and `superseded_ids` (the revisions it replaces). Listeners write in the same
# transaction, and one that fails undoes the submission: the running tallies (tallies/apps.py) rely on it to count
# exactly the forms that are stored.
revision_current = Signal()

# Sent inside the transaction that deletes forms, before their rows go, with `submission_ids`. Derived counts that
# their revisions fed (the running tallies) take them back in the same transaction.
forms_deleting = Signal()
