"""Signals other apps listen to; submissions itself depends on none of them."""

from django.dispatch import Signal

# Sent after the transaction that stored a new form (or a correction) has committed, with `submission`.
# Listeners must be quick; a listener that fails is logged and never fails or undoes the submission.
submission_stored = Signal()
