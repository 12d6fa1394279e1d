"""Bring the benchmark database to the state a running server keeps it in before anything is timed.

Autovacuum may be off or behind right after millions of rows arrive by COPY: without statistics the planner guesses,
and without a visibility map no scan can be index-only. VACUUM (ANALYZE) is what autovacuum would have done.
"""

from __future__ import annotations

TABLES = (
    "submissions_submission",
    "submissions_submissionrevision",
    "submissions_answer",
    "submissions_revisionanswer",
)


def database_settle() -> None:
    """VACUUM (ANALYZE) the tables of forms, then ANALYZE the rest, on PostgreSQL (nothing to do elsewhere).

    The rest matters too: a benchmark mission's roster adds a few thousand memberships, too few of a large table for
    autovacuum to analyse it again, and a planner that still believes the mission has none picks plans for one row.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")
        cursor.execute("ANALYZE")
