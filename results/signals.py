"""Signals other apps listen to; results itself depends on none of them."""

from django.dispatch import Signal

# Sent when official results are exported, with `user`, `mission`, `what`, `format` and `rows`. The export log lives
# with the findings' exports (reports/apps.py connects it); a listener that fails fails the export, so that no export
# leaves without its line in the log.
results_exported = Signal()
