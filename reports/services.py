"""Writes for statistics and exports."""

from .models import ExportLog


def export_log_record(*, user, mission, what: str, format: str, rows: int | None = None) -> ExportLog:
    """Log one export (every export is logged: who, when, what)."""
    return ExportLog.objects.create(
        user=user if user and user.is_authenticated else None, mission=mission, what=what, format=format, rows=rows
    )
