"""Reads for statistics pages: who sees which missions and runs, and the dashboard's fresh counts."""

from __future__ import annotations

from django.db import connection
from django.db.models import Count, JSONField, Q
from django.db.models.expressions import RawSQL
from django.http import Http404

from access import actor_for, actors_for, can_compile, can_read_published_runs, missions_for, visible_to
from checklists.choices import OBSERVATION_KINDS
from missions.clock import local_zone
from missions.models import Mission, PollingStation, Region
from submissions.models import Submission
from tallies.cells import RECEIVED, received_slot_start
from tallies.selectors import tally_forms_now

from .choices import RunStatus
from .figures import percent
from .flagged import flagged_lists_of_run
from .models import ReportRun
from .result import ReportResult

FULL = "full"
PUBLISHED = "published"
DASHBOARD_INCIDENTS = 20


def report_access(user, mission) -> str | None:
    """'full' for the core team (head of mission, coordinators, analysts), 'published' for ODIHR staff following
    the mission, else None."""
    actor = actor_for(user, mission, followers=True)
    if can_compile(actor, mission):
        return FULL
    if can_read_published_runs(actor, mission):
        return PUBLISHED
    return None


def runs_for(user, mission):
    """The runs of a mission the user may see (ODIHR staff: published ones only), newest first."""
    access = report_access(user, mission)
    runs = (
        ReportRun.objects.filter(mission=mission)
        .select_related("requested_by", "published_by", "region")
        .defer("result", "charts")
    )
    if access == FULL:
        return runs, access
    if access == PUBLISHED:
        return runs.filter(published=True, status=RunStatus.DONE), access
    return ReportRun.objects.none(), None


def run_for(user, run_id: int) -> tuple[ReportRun, str]:
    """A run the user may see, with their access; 404 otherwise (an embargoed run does not exist for ODIHR staff)."""
    return _visible(user, _RUN_PAGE_READS.filter(pk=run_id).first())


# A run as its pages read it: its mission, region and the people who requested and published it.
_RUN_PAGE_READS = ReportRun.objects.select_related("mission", "region", "requested_by", "published_by")


def _visible(user, run: ReportRun | None) -> tuple[ReportRun, str]:
    """The run and the user's access to it when they may see it; 404 otherwise."""
    if run is None:
        raise Http404("No such report run.")
    access = report_access(user, run.mission)
    if access == FULL or (access == PUBLISHED and run.published and run.status == RunStatus.DONE):
        return run, access
    raise Http404("No such report run.")


# The lists of a stored result (path in the result, name of the page parameter): much of a large result, of which
# the report page shows one page each. The lists of flagged forms are not in it: a run keeps them in a table of its
# own, read a page at a time (reports.flagged).
PAGE_LISTS = (
    (("conflicts", "list"), "conflicts"),
    (("official_results", "findings"), "official"),
)
PAGE_SIZE = 100  # reports.presentation.LIST_PAGE_SIZE: rows per page of a list on the report page


def _offset_sql(total: str) -> str:
    """The first item of the page asked for (a parameter, three times), as Django's Paginator.get_page takes it: a
    page past the last one, or below 1, is the last page."""
    return (
        f"CASE WHEN %s >= 1 AND (%s - 1) * {PAGE_SIZE} < {total} THEN (%s - 1) * {PAGE_SIZE} "
        f"ELSE ((CASE WHEN {total} > 0 THEN {total} - 1 ELSE 0 END) / {PAGE_SIZE}) * {PAGE_SIZE} END"
    )


def _page_sql(vendor: str) -> str:
    """One JSON array: the run's result without its lists, then per list [first item's offset, length, items of the
    page]. PostgreSQL reads the stored value once (a 2 MB result read by each of the expressions was read dozens of
    times): `|| '{}'` makes an in-memory copy in a sub-select kept apart by OFFSET 0, which the rest reads.

    PostgreSQL writes the array as text, never building a jsonb value of the whole result: a jsonb operator or
    constructor given the result (`#-`, `jsonb_build_array`) unpacks and rebuilds every value of it (the query took
    about 18 ms for the 225 KB result of a mission's questions by region, against 4 ms writing its top-level values
    out as they are stored). Only the values holding a list are rebuilt, without that list."""
    if vendor == "postgresql":
        holders: dict[str, list[str]] = {}
        for (first, second), _name in PAGE_LISTS:
            holders.setdefault(first, []).append(second)
        without_lists = " ".join(
            f"WHEN e.key = '{first}' AND jsonb_typeof(e.value) = 'object' THEN e.value"
            + "".join(f" - '{second}'" for second in seconds)
            for first, seconds in holders.items()
        )
        rest = (
            "CASE WHEN jsonb_typeof(d.r) = 'object' THEN '{' || COALESCE((SELECT string_agg(to_jsonb(e.key)::text "  # noqa: S608
            f"|| ':' || (CASE {without_lists} ELSE e.value END)::text, ',' ORDER BY e.n) "
            "FROM jsonb_each(d.r) WITH ORDINALITY AS e(key, value, n)), '') || '}' ELSE COALESCE(d.r::text, 'null') END"
        )
        lists = []
        for (first, second), _name in PAGE_LISTS:
            items = f"d.r #> '{{{first},{second}}}'"
            lists.append(
                "(SELECT jsonb_build_array(o.off, o.total, COALESCE(jsonb_path_query_array(o.items, "  # noqa: S608
                "'strict $[$first to $last]', jsonb_build_object('first', o.off, 'last', "
                f"LEAST(o.off + {PAGE_SIZE}, o.total) - 1), true), '[]'::jsonb))::text "
                f"FROM (SELECT t.items, t.total, {_offset_sql('t.total')} AS off FROM (SELECT {items} AS items, "
                f"CASE WHEN jsonb_typeof({items}) = 'array' THEN jsonb_array_length({items}) ELSE 0 END AS total "
                "OFFSET 0) AS t OFFSET 0) AS o)"
            )
        parts = " || ',' || ".join([rest, *lists])
        return (
            f"(SELECT '[' || {parts} || ']' "  # noqa: S608 - SQL of this module
            "FROM (SELECT reports_reportrun.result || '{}'::jsonb AS r OFFSET 0) AS d)"
        )
    column = "reports_reportrun.result"
    rest = f"json_remove({column}, " + ", ".join(f"'$.{a}.{b}'" for (a, b), _name in PAGE_LISTS) + ")"
    lists = []
    for (first, second), _name in PAGE_LISTS:
        items = f"'$.{first}.{second}'"
        total = f"COALESCE(json_array_length({column}, {items}), 0)"
        offset = f"({_offset_sql(total)})"
        shown = (
            "(SELECT json_group_array(json(item.value)) FROM (SELECT value "  # noqa: S608 - SQL of this module
            f"FROM json_each({column}, {items}) "
            f"WHERE key >= {offset} AND key < {offset} + {PAGE_SIZE} ORDER BY key) AS item)"
        )
        lists.append(f"json_array({offset}, {total}, json({shown}))")
    return f"json_array(json({rest}), {', '.join(lists)})"


def _page_number(value) -> int:
    """The page asked for as Paginator.get_page reads it: not a whole number is page 1; kept within SQL integers."""
    try:
        number = int(value) if value is not None else 1
    except (TypeError, ValueError):
        number = 1
    return max(0, min(number, 10**9))


def run_page_for(user, run_id: int, pages: dict[str, str]) -> tuple[ReportRun, str]:
    """A run the user may see (as run_for) with what its report page shows of the stored result, never the whole
    result: the result without its lists, and of each list its length and the items of the page asked for, cut in
    the database. `run_page_result` reads them back as a result."""
    vendor = connection.vendor
    params = []
    for _path, name in PAGE_LISTS:
        # The offset takes the page three times; SQLite's expression holds the offset three times, PostgreSQL's once.
        params += [_page_number(pages.get(name))] * (3 if vendor == "postgresql" else 9)
    annotations = {"page_read": RawSQL(_page_sql(vendor), params, output_field=JSONField())}  # noqa: S611
    return _visible(user, _RUN_PAGE_READS.defer("result").annotate(**annotations).filter(pk=run_id).first())


class ListPage:
    """A list of a stored result of which only one page was read: its length is the whole list's, and it gives the
    items of that page (slicing it elsewhere is a mistake); iterating it goes over those items only."""

    def __init__(self, items: list, *, offset: int, total: int):
        self.items, self.offset, self.total = items, offset, total

    def __len__(self) -> int:
        return self.total

    def __iter__(self):
        return iter(self.items)

    def __getitem__(self, index):
        if not isinstance(index, slice) or (index.start or 0) != self.offset:
            raise IndexError("Only the page read of this list can be taken.")
        return self.items[: (index.stop or self.total) - self.offset]


def run_page_result(run: ReportRun) -> ReportResult | None:
    """The result of a run read by `run_page_for`, its lists holding the page shown (its lists of flagged forms read
    from the run's, a page when one is taken); None until the run is done."""
    if not run.page_read or not run.page_read[0]:
        return None
    data, *lists = run.page_read
    windows = {}
    if isinstance(data, dict):
        for ((first, second), name), (offset, total, shown) in zip(PAGE_LISTS, lists, strict=True):
            windows[name] = (offset, total)
            if isinstance(data.get(first), dict):
                data[first][second] = shown or []
    result = ReportResult.from_json(data)
    for (first, second), name in PAGE_LISTS:
        offset, total = windows[name]
        holder = getattr(result, first)
        if isinstance(holder, dict) and second in holder:
            holder[second] = ListPage(holder[second], offset=offset, total=total)
        elif holder is not None and not isinstance(holder, dict):
            setattr(holder, second, ListPage(getattr(holder, second), offset=offset, total=total))
    return flagged_lists_of_run(result, run_id=run.pk)


def missions_with_reports(user) -> list[tuple[Mission, str, list[ReportRun]]]:
    """Missions listed on the reports index with the user's access and visible runs."""
    out = []
    for mission in missions_for(user, followers=True).order_by("-election_day", "-name"):
        runs, access = runs_for(user, mission)
        if access:
            out.append((mission, access, list(runs[:10])))
    return out


def report_runs_visible_to(*, user):
    """Every run of the missions where the user is core team; ODIHR staff: published runs of missions they follow."""
    return (
        visible_to(actors_for(user, followers=True), ReportRun)
        .select_related("mission", "region")
        .defer("result", "charts")
        .order_by("-created_at", "-id")
    )


def dashboard_counts(*, mission) -> dict:
    """Fresh, cheap counts for the election-day dashboard: forms per hour, coverage per region, latest incidents.

    The forms of the observation kinds as they stand now (corrections applied, confidential ones left out), read in
    time that does not grow with them: forms per quarter-hour and region and forms per station from the running
    tallies (a row per quarter-hour and per station observed), the latest incidents from their own index.
    """
    zone = local_zone(mission)
    kinds = [str(kind) for kind in OBSERVATION_KINDS]
    observed = Q(mission=mission, kind__in=kinds, confidential=False)
    hours: dict[str, dict[str, int]] = {}
    forms: dict[int | None, int] = {}
    stations: dict[int | None, set[str]] = {}
    for kind, region_id, code, key, count in tally_forms_now(mission=mission, kinds=kinds):
        if code == RECEIVED:
            counts = hours.setdefault(received_slot_start(key).astimezone(zone).strftime("%Y-%m-%d %H:00"), {})
            counts[kind] = counts.get(kind, 0) + count
            forms[region_id] = forms.get(region_id, 0) + count
        elif count > 0:
            stations.setdefault(region_id, set()).add(key)
    hours = {hour: {kind: counts[kind] for kind in sorted(counts)} for hour, counts in hours.items()}
    seen = {region_id: len(keys) for region_id, keys in stations.items()}
    regions = list(Region.objects.filter(mission=mission).order_by("name").values("id", "code", "name"))
    totals = dict(
        PollingStation.objects.filter(mission=mission).values_list("region_id").annotate(count=Count("id")).order_by()
    )
    # The latest few, and how many there are in all: two reads of submission_urgent_recent_idx, however many forms.
    urgent = Submission.objects.filter(observed, urgent=True)
    incidents = list(
        urgent.order_by("-received_at", "-id").values(
            "id", "kind", "notes", "received_at", "team__code", "polling_station__number", "region__name"
        )[:DASHBOARD_INCIDENTS]
    )
    incidents_total = urgent.count()
    return {
        "timeline": [
            {"hour": hour, "counts": counts, "total": sum(counts.values())} for hour, counts in sorted(hours.items())
        ],
        "regions": [
            {
                "code": region["code"],
                "name": region["name"],
                "forms": forms.get(region["id"], 0),
                "observed": seen.get(region["id"], 0),
                "stations": totals.get(region["id"], 0),
                "pct": percent(seen.get(region["id"], 0), totals.get(region["id"], 0)),
            }
            for region in regions
        ],
        "incidents": [
            {
                "submission": row["id"],
                "kind": row["kind"],
                "team": row["team__code"] or "",
                "station": row["polling_station__number"] or "",
                "region": row["region__name"] or "",
                "received_at": row["received_at"].isoformat(),
                "notes": row["notes"],
            }
            for row in incidents
        ],
        "incidents_total": incidents_total,
        "forms_total": sum(forms.values()),
    }


# The figures the dashboard shows of the latest run, read from its stored result in the database: the result is MBs
# on a large mission (nearly all of it lists and per-question figures), and the dashboard needs about five numbers.
# One JSON array [observations, urgent, critical, {kind: negative share}]; PostgreSQL reads the stored value once
# (an in-memory copy in a sub-select kept apart by OFFSET 0) rather than once per figure: it is MBs on a large mission.
_HEADLINE = {
    "postgresql": (
        "(SELECT jsonb_build_array(d.r #> '{coverage,observations_total}', d.r #> '{incidents,urgent}', "
        "d.r #> '{incidents,critical}', (SELECT jsonb_object_agg(kind.key, kind.value #> '{assessment,negative,pct}') "
        "FROM jsonb_each(d.r -> 'kinds') AS kind)) "
        "FROM (SELECT reports_reportrun.result || '{}'::jsonb AS r OFFSET 0) AS d)"
    ),
    "sqlite": (
        "json_array(json_extract(reports_reportrun.result, '$.coverage.observations_total'), "
        "json_extract(reports_reportrun.result, '$.incidents.urgent'), "
        "json_extract(reports_reportrun.result, '$.incidents.critical'), "
        "json((SELECT json_group_object(kind.key, json_extract(kind.value, '$.assessment.negative.pct')) "
        "FROM json_each(reports_reportrun.result, '$.kinds') AS kind)))"
    ),
}


def latest_done_run(*, mission) -> ReportRun | None:
    """The mission's latest finished run, with only the headline figures of its result (never the result itself):
    observations, urgent and critical incidents, and the negative share per kind (in the result's order of kinds)."""
    run = (
        ReportRun.objects.filter(mission=mission, status=RunStatus.DONE)
        .only("id", "finished_at", "mission_id")
        .annotate(headline=RawSQL(_HEADLINE[connection.vendor], [], output_field=JSONField()))  # noqa: S611
        .order_by("-finished_at", "-id")
        .first()
    )
    if run is not None:
        headline = run.headline or [None] * 4
        run.observations_total, run.incidents_urgent, run.incidents_critical, run.negative_by_kind = headline
    return run
