"""Reading the running tallies as of a moment: the counts of the hours before it plus the events since.

The hours before the moment's hour are read one of two ways, whichever reads fewer rows:
- "hours": the hourly rows (TallyCount) of those hours;
- "totals": the totals per cell (TallyTotal) less the hourly rows of the moment's hour and later.
Both give the same counts (the fold writes an hour's rows and the totals in one transaction). As of now, or any
moment in the last hours, "totals" reads about one row per cell however many hours and forms there are; as of a
moment early in the day, "hours" reads the few hours before it. The choice compares the row counts the fold keeps
per hour and for the totals (TallyRowCount, a few rows per mission), inside the statement that reads (`_path_sql`),
so both see one snapshot.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection

from submissions.models import SubmissionRevision

from .cells import (
    CELL_COLUMNS,
    COVERAGE_CODES,
    FORMS,
    INTEGER_VALUE,
    NEGATIVE_AT,
    OBSERVED_AT,
    RECEIVED,
    TEAM_REPORTED,
    TEC_OBSERVED,
    cells_sql,
    column,
    form_cells_sql,
    hour_of,
    table,
)
from .models import TallyCount, TallyEvent, TallyRowCount, TallyTotal

PATHS = ("hours", "totals")


def _path_sql(path: str | None) -> tuple[str, list]:
    """The WITH item `path_pick (totals)`: 1 to read the totals, 0 to read the hours; and its parameters (the hour,
    the hour, the mission id; none when `path` forces the way).

    Without a forced `path`, the way that reads fewer rows by the row counts the fold keeps (TallyRowCount): the
    totals and the hourly rows from the hour on, or the hourly rows before it; the hours on a tie.
    """
    if path is not None:
        if path not in PATHS:
            raise ValueError(f"path is one of {PATHS}, not {path!r}.")
        return f"path_pick (totals) AS (SELECT {1 if path == 'totals' else 0})", []
    sizes = TallyRowCount
    hour, size = column(sizes, "hour"), column(sizes, "size")
    sql = (
        "path_pick (totals) AS (SELECT CASE WHEN "  # noqa: S608 - names from the model
        f"COALESCE(SUM(CASE WHEN {hour} IS NULL OR {hour} >= %s THEN {size} ELSE 0 END), 0) "
        f"< COALESCE(SUM(CASE WHEN {hour} < %s THEN {size} ELSE 0 END), 0) THEN 1 ELSE 0 END "
        f"FROM {table(sizes)} WHERE {column(sizes, 'mission')} = %s)"
    )
    return sql, ["hour", "hour", "mission"]


def _bind(names: list, *, mission_id: int, hour) -> list:
    return [mission_id if name == "mission" else hour for name in names]


def tally_path(*, mission, at: datetime.datetime) -> tuple[str, int]:
    """The way `tally_cells` reads the hours before `at` and the folded rows it reads that way (for measurements)."""
    hour_of_at = hour_of(at)
    sizes = {"totals": 0, "since": 0, "before": 0}
    for hour, size in TallyRowCount.objects.filter(mission=mission).values_list("hour", "size"):
        sizes["totals" if hour is None else "since" if hour >= hour_of_at else "before"] += size
    if sizes["totals"] + sizes["since"] < sizes["before"]:
        return "totals", sizes["totals"] + sizes["since"]
    return "hours", sizes["before"]


def _cells_statement(
    *, mission, kinds: list[str], region, at: datetime.datetime, left_out, path: str | None, coverage: bool = False
) -> tuple[str, list, str, list]:
    """The statement of `tally_cells` in two parts: its WITH items and their parameters, then the SELECT of the cells
    (kind, region id, area type, question code, answer, count, total) and its parameters; a caller may add WITH
    items after the first part and read the SELECT as one of them. With `coverage`, the cells of COVERAGE_CODES
    only (computed for the events from the revisions alone, not their answers); without, every other cell."""
    path = path or settings.TALLIES_READ_PATH
    if path == "auto":
        path = None
    # Raw SQL takes datetimes as the backend stores them (SQLite: naive UTC text).
    hour, at = (connection.ops.adapt_datetimefield_value(moment) for moment in (hour_of(at), at))
    event, revision, counts, totals = TallyEvent, SubmissionRevision, TallyCount, TallyTotal

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
    code_marks = ", ".join(["%s"] * len(COVERAGE_CODES))
    # The coverage's cells are read alone (tally_coverage), the answers' without them.
    where = f"kind IN ({kind_marks}) AND question_code {'IN' if coverage else 'NOT IN'} ({code_marks})"
    where_params: list = [*kinds, *COVERAGE_CODES]
    if region is not None:
        where += " AND region_id = %s"
        where_params.append(region.pk)
    answer_rows, row_params, cells, cell_params = form_cells_sql() if coverage else cells_sql()
    pick, pick_names = _path_sql(path)
    names = ", ".join(CELL_COLUMNS)
    stored = ("kind", "region", "area_type", "question_code", "answer")
    # The condition is named in each source: the codes of the union's last branch are parameters, so PostgreSQL does
    # not push a condition on the union into the others. There the index on the totals' codes finds the coverage's
    # few codes, the answers' read leaves the coverage's cells unread, and the planner sizes the sum per cell rightly
    # (it hashes the cells instead of sorting them).
    only_codes, code_params = f" AND {where}", where_params

    def folded(model, where: str, sign: str = "") -> str:
        keys = ", ".join(column(model, name) for name in stored)
        return (
            f"SELECT {keys}, {sign}{column(model, 'count')} AS count, {sign}{column(model, 'total')} AS total "  # noqa: S608
            f"FROM {table(model)} WHERE {column(model, 'mission')} = %s AND {where}{only_codes}"
        )

    # Each folded source is read only on its path: the condition on path_pick is a constant of the statement, which
    # PostgreSQL evaluates once before it scans.
    hour_col = column(counts, "hour")
    hours_before = folded(counts, f"{hour_col} < %s AND (SELECT totals FROM path_pick) = 0")  # noqa: S608
    all_hours = folded(totals, "(SELECT totals FROM path_pick) = 1")
    hours_since = folded(counts, f"{hour_col} >= %s AND (SELECT totals FROM path_pick) = 1", sign="-")  # noqa: S608
    with_items = f"src AS ({' UNION ALL '.join(sources)}), {answer_rows}, {pick}"
    select = (
        f"SELECT {names}, SUM(count) AS count, SUM(total) AS total FROM ("  # noqa: S608 - names from the models
        f"{hours_before} UNION ALL {all_hours} UNION ALL {hours_since} "
        f"UNION ALL SELECT {names}, count, total FROM ({cells}) c WHERE {where}"
        f") x GROUP BY {names} HAVING SUM(count) <> 0"
    )
    folded_params = [mission.pk, hour, *code_params, mission.pk, *code_params, mission.pk, hour, *code_params]
    return (
        with_items,
        params + row_params + _bind(pick_names, mission_id=mission.pk, hour=hour),
        select,
        folded_params + cell_params + where_params,
    )


def tally_cells(
    *,
    mission,
    kinds: list[str],
    region=None,
    at: datetime.datetime,
    left_out: list[int] = (),
    path: str | None = None,
) -> list[tuple]:
    """(kind, region id, area type, question code, answer, count, integer sum) per cell, exactly as of `at`.

    One statement, so it reads one snapshot even while the worker folds events: the counts of every hour that ended
    by the start of `at`'s hour (read as `path` says, "hours" or "totals", or by default TALLIES_READ_PATH; None or
    "auto" takes the way that reads fewer rows, see the module), the events of those hours not folded yet, every event
    from the start of `at`'s hour up to `at`, less the revisions current at `at` of the forms in `left_out`
    (conflicts decided against them). Cells whose count nets to zero are left out, as a count of the answers would
    never show them.
    """
    with_items, with_params, select, select_params = _cells_statement(
        mission=mission, kinds=kinds, region=region, at=at, left_out=left_out, path=path
    )
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {with_items} {select}", with_params + select_params)
        return [(*row[:5], int(row[5]), int(row[6] or 0)) for row in cursor.fetchall()]


@dataclass
class TallyRead:
    """The cells of `tally_cells` with the integers' histogram summarised in the database.

    `cells`: every cell but the histogram's, as tally_cells gives them. `extremes`: (kind, region id, area type,
    question code, least, greatest) of the integers with a positive count in each place. `values`: (kind, question
    code, integer, forms) summed over every place, the integers in order: what a median needs. The histogram has a
    cell per distinct value and place (tens of thousands at a large mission); these are a row per place and per
    distinct value.
    """

    cells: list[tuple] = field(default_factory=list)
    extremes: list[tuple] = field(default_factory=list)
    values: list[tuple] = field(default_factory=list)


def tally_read(
    *,
    mission,
    kinds: list[str],
    region=None,
    at: datetime.datetime,
    left_out: list[int] = (),
    path: str | None = None,
) -> TallyRead:
    """The cells as of `at` as `tally_cells` reads them (same snapshot, one statement), the histogram summarised."""
    with_items, with_params, select, select_params = _cells_statement(
        mission=mission, kinds=kinds, region=region, at=at, left_out=left_out, path=path
    )
    names = ", ".join(CELL_COLUMNS)
    place = "kind, region_id, area_type, question_code"
    start = len(INTEGER_VALUE) + 1
    # The prefix compared by SUBSTR, not LIKE: the prefix's underscores are LIKE wildcards.
    is_integer = f"SUBSTR(answer, 1, {start - 1}) = %s"
    sql = (
        f"WITH {with_items}, t AS ({select}), "  # noqa: S608 - names from the models
        f"i AS (SELECT {place}, CAST(SUBSTR(answer, {start}) AS BIGINT) AS number, count FROM t "
        f"WHERE {is_integer}) "
        f"SELECT 0, {names}, count, total FROM t WHERE answer IS NULL OR NOT ({is_integer}) "
        f"UNION ALL SELECT 1, {place}, NULL, MIN(number), MAX(number) FROM i WHERE count > 0 GROUP BY {place} "
        "UNION ALL SELECT 2, kind, NULL, NULL, question_code, NULL, number, SUM(count) FROM i "
        "GROUP BY kind, question_code, number HAVING SUM(count) <> 0"
    )
    read = TallyRead()
    with connection.cursor() as cursor:
        cursor.execute(sql, with_params + select_params + [INTEGER_VALUE, INTEGER_VALUE])
        for part, kind, region_id, area, code, answer, first, second in cursor.fetchall():
            if part == 0:
                read.cells.append((kind, region_id, area, code, answer, int(first), int(second or 0)))
            elif part == 1:
                read.extremes.append((kind, region_id, area, code, int(first), int(second)))
            else:
                read.values.append((kind, code, int(first), int(second)))
    read.values.sort()
    return read


@dataclass
class TallyCoverage:
    """The cells a compilation's coverage reads, summarised in the database (tally_coverage).

    `forms`: (kind, region id, area type, answer, forms) of the FORMS cells: the forms, urgent, critical, incidents,
    protocol mismatches and each overall assessment per place. `stations`: (kind, region id, area type, code,
    stations): the distinct stations with a form (OBSERVED_AT) or with a negative assessment (NEGATIVE_AT) per kind
    and place. `observed`: (region id, area type, stations) the distinct stations with a form of any kind. `tecs`:
    (kind, region id, TEC id) the TECs with a form. `teams`: the ids of the teams with a form.
    """

    forms: list[tuple] = field(default_factory=list)
    stations: list[tuple] = field(default_factory=list)
    observed: list[tuple] = field(default_factory=list)
    tecs: list[tuple] = field(default_factory=list)
    teams: set[int] = field(default_factory=set)


def tally_coverage(
    *, mission, kinds: list[str], region=None, at: datetime.datetime, left_out: list[int] = (), path: str | None = None
) -> TallyCoverage:
    """The coverage cells as of `at`, exactly as tally_cells counts them (one statement), a few rows per place: the
    station, TEC and team cells are counted where they are, never sent one by one (but TECs and teams, a few
    hundred)."""
    with_items, with_params, select, select_params = _cells_statement(
        mission=mission, kinds=kinds, region=region, at=at, left_out=left_out, path=path, coverage=True
    )
    sql = (
        f"WITH {with_items}, t AS ({select}) "  # noqa: S608 - names from the models
        "SELECT 0, kind, region_id, area_type, question_code, answer, count FROM t WHERE question_code = %s "
        "UNION ALL SELECT 1, kind, region_id, area_type, question_code, NULL, COUNT(*) FROM t "
        "WHERE question_code IN (%s, %s) AND count > 0 GROUP BY kind, region_id, area_type, question_code "
        "UNION ALL SELECT 2, NULL, region_id, area_type, NULL, NULL, COUNT(DISTINCT answer) FROM t "
        "WHERE question_code = %s AND count > 0 GROUP BY region_id, area_type "
        "UNION ALL SELECT DISTINCT 3, kind, region_id, NULL, NULL, answer, 0 FROM t "
        "WHERE question_code = %s AND count > 0 "
        "UNION ALL SELECT DISTINCT 4, NULL, CAST(NULL AS BIGINT), NULL, NULL, answer, 0 FROM t "
        "WHERE question_code = %s AND count > 0"
    )
    read = TallyCoverage()
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            with_params + select_params + [FORMS, OBSERVED_AT, NEGATIVE_AT, OBSERVED_AT, TEC_OBSERVED, TEAM_REPORTED],
        )
        for part, kind, region_id, area, code, answer, count in cursor.fetchall():
            if part == 0:
                read.forms.append((kind, region_id, area, answer, int(count)))
            elif part == 1:
                read.stations.append((kind, region_id, area, code, int(count)))
            elif part == 2:
                read.observed.append((region_id, area, int(count)))
            elif part == 3:
                read.tecs.append((kind, region_id, int(answer)))
            else:
                read.teams.add(int(answer))
    return read


def tally_forms_now(*, mission, kinds: list[str]) -> list[tuple[str, int | None, str, str, int]]:
    """(kind, region id, code, key, forms) of the mission's forms as they stand now, in two kinds of cells: RECEIVED
    (the key is the quarter-hour of receipt, `received_slot_start`) and OBSERVED_AT (the key is the station's id).

    The cells of the current revisions, confidential ones left out: the totals (every folded event) plus every event
    not folded yet, with no cut-off in time, so the forms stored now whatever the hour. It reads a row per kind,
    region, urban/rural and quarter-hour or station and the events of the last minute, however many forms there are.
    One statement: the fold adds events to the totals and marks them folded in one transaction, so a read never counts
    an event twice or misses it. Rows netting to zero are left out.
    """
    event, totals = TallyEvent, TallyTotal
    marks = ", ".join(["%s"] * len(kinds))
    form_rows, row_params, form_cells, cell_params = form_cells_sql()

    def t(name):
        return column(totals, name)

    sql = (
        f"WITH src AS (SELECT {column(event, 'revision')} AS revision_id, {column(event, 'sign')} AS sign "  # noqa: S608
        f"FROM {table(event)} WHERE {column(event, 'mission')} = %s AND {column(event, 'rolled_up')} = %s), "
        f"{form_rows} SELECT kind, region_id, code, answer, SUM(count) FROM ("
        f"SELECT {t('kind')} AS kind, {t('region')} AS region_id, {t('question_code')} AS code, "
        f"{t('answer')} AS answer, {t('count')} AS count FROM {table(totals)} "
        # Named here too: PostgreSQL does not push the outer condition on the code into this branch (the codes of the
        # other branch are parameters), and the index on the totals' codes is what keeps this read small.
        f"WHERE {t('mission')} = %s AND {t('question_code')} IN (%s, %s) "
        f"UNION ALL SELECT kind, region_id, question_code, answer, count FROM ({form_cells}) pending"
        f") cells WHERE code IN (%s, %s) AND kind IN ({marks}) GROUP BY kind, region_id, code, answer "
        "HAVING SUM(count) <> 0"
    )
    codes = [RECEIVED, OBSERVED_AT]
    params = [mission.pk, False, *row_params, mission.pk, *codes, *cell_params, *codes, *kinds]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(kind, region_id, code, key, int(count)) for kind, region_id, code, key, count in cursor]
