"""Reading the running tallies as of a moment: the counts of the hours before it plus the events since."""

from __future__ import annotations

import datetime

from django.db import connection

from submissions.models import SubmissionRevision

from .cells import CELL_COLUMNS, cells_sql, column, hour_of, table
from .models import TallyCount, TallyEvent


def tally_cells(
    *, mission, kinds: list[str], region=None, at: datetime.datetime, left_out: list[int] = ()
) -> list[tuple]:
    """(kind, region id, area type, question code, answer, count, integer sum) per cell, exactly as of `at`.

    One statement, so it reads one snapshot even while the worker folds events: the counts of every hour that ended
    by the start of `at`'s hour, the events of those hours not folded yet, every event from the start of `at`'s hour
    up to `at`, less the revisions current at `at` of the forms in `left_out` (conflicts decided against them).
    Cells whose count nets to zero are left out, as a count of the answers would never show them.
    """
    # Raw SQL takes datetimes as the backend stores them (SQLite: naive UTC text).
    hour, at = (connection.ops.adapt_datetimefield_value(moment) for moment in (hour_of(at), at))
    event, revision, counts = TallyEvent, SubmissionRevision, TallyCount

    def e(name):
        return column(event, name)

    sources = [
        f"SELECT {e('revision')} AS revision_id, {e('sign')} AS sign FROM {table(event)} "  # noqa: S608
        f"WHERE {e('mission')} = %s AND {e('rolled_up')} = %s AND {e('hour')} < %s",
        f"SELECT {e('revision')}, {e('sign')} FROM {table(event)} "  # noqa: S608
        f"WHERE {e('mission')} = %s AND {e('hour')} >= %s AND {e('at')} <= %s",
    ]
    params: list = [mission.pk, False, hour, mission.pk, hour, at]
    if left_out:
        marks = ", ".join(["%s"] * len(left_out))
        sources.append(
            f"SELECT {column(revision, 'id')}, -1 FROM {table(revision)} "  # noqa: S608
            f"WHERE {column(revision, 'mission')} = %s AND {column(revision, 'submission')} IN ({marks}) "
            f"AND {column(revision, 'valid_from')} <= %s "
            f"AND ({column(revision, 'valid_until')} IS NULL OR {column(revision, 'valid_until')} > %s)"
        )
        params += [mission.pk, *left_out, at, at]
    kind_marks = ", ".join(["%s"] * len(kinds))
    where = f"kind IN ({kind_marks})"
    where_params: list = list(kinds)
    if region is not None:
        where += " AND region_id = %s"
        where_params.append(region.pk)
    answer_rows, row_params, cells, cell_params = cells_sql()
    names = ", ".join(CELL_COLUMNS)
    stored = ", ".join(column(counts, name) for name in ("kind", "region", "area_type", "question_code", "answer"))
    sql = (
        f"WITH src AS ({' UNION ALL '.join(sources)}), {answer_rows} "  # noqa: S608 - names from the models
        f"SELECT {names}, SUM(count), SUM(total) FROM ("
        f"SELECT {stored}, {column(counts, 'count')} AS count, {column(counts, 'total')} AS total "
        f"FROM {table(counts)} WHERE {column(counts, 'mission')} = %s AND {column(counts, 'hour')} < %s "
        f"UNION ALL SELECT {names}, count, total FROM ({cells}) c"
        f") x WHERE {where} GROUP BY {names} HAVING SUM(count) <> 0"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params + row_params + [mission.pk, hour] + cell_params + where_params)
        return [(*row[:5], int(row[5]), int(row[6] or 0)) for row in cursor.fetchall()]
