"""Mission statistics computed in the database with a constant number of aggregate queries.

Counting rules (DOMAIN.md): the unit is the observation (one form); distinct polling stations are given alongside;
the denominator n of a question is the forms where it was shown and answered ("not applicable" and blank are
reported separately, never counted in n); answers given on several versions of a form are merged by question code.

Every percentage, mean, median and interval bound is rounded half up to one decimal from exact integers
(missions.figures). Integer questions give n, sum, mean, median (over all forms) and min-max. Tabulation forms are about
a TEC: their distinct TECs are counted, their distinct stations are not applicable. Turnout follows
TURNOUT_CONVENTION and says how many forms it leaves out and why.

Distinct-station counts are computed per (region, urban/rural) cell and summed: a submission copies its region and
area type from its polling station, so a station lies in exactly one cell and the sums are exact.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Case, CharField, Count, Exists, F, Max, Min, OuterRef, Q, Sum, Value, When, Window
from django.db.models.functions import RowNumber, TruncHour
from django.utils import timezone

from checklists.choices import (
    NEGATIVE_ASSESSMENTS,
    NOT_APPLICABLE,
    OBSERVATION_KINDS,
    OVERALL_ASSESSMENT_CODE,
    Assessment,
    FormKind,
    QuestionType,
    TemplateStatus,
)
from checklists.models import DataRule, Question
from checklists.rules import flag_message
from missions.models import PollingStation, Region
from observers.choices import TeamKind
from observers.models import Team
from submissions.models import RevisionAnswer, SubmissionRevision

from .conflicts import conflicts_compile, decisions_as_of, excluded_forms
from .figures import percent, ratio, wilson_bounds, wilson_percent

# Marks an answered integer, time or text question in the aggregate: those are summarised, not tallied by value.
ANSWERED = "__eom_answered__"
UNKNOWN_REGION = ""
VOTERS_ON_LIST = "voters_on_list"
VOTERS_VOTED = "voters_voted"
SUMMARISED_TYPES = (QuestionType.INTEGER, QuestionType.TIME, QuestionType.TEXT)
ASSESSMENT_VALUES = [choice.value for choice in Assessment]
STATION_KINDS = (FormKind.OPENING, FormKind.VOTING, FormKind.COUNTING)


def wilson_interval(successes: int, n: int) -> tuple[float, float]:
    """The Wilson score interval of a proportion, as fractions in [0, 1]; (0, 0) when n is 0."""
    low, high = wilson_bounds(successes, n)
    return (float(low), float(high))


def share(count: int, n: int) -> dict:
    """Count, percentage and 95 % Wilson interval (in per cent) of one share, each rounded half up."""
    return {"count": count, "n": n, "pct": percent(count, n), "ci": wilson_percent(count, n)}


def forms_as_of(*, mission, kinds, at, region=None, prefix: str = "") -> Q:
    """The revisions a compilation as of `at` counts: each form received by then, as it stood then.

    A filter on SubmissionRevision (prefix "revision__" from RevisionAnswer): the one revision of each form that was
    current at `at`, with that revision's place, flags and confidentiality (confidential records never count).
    """
    conditions = {
        f"{prefix}mission": mission,
        f"{prefix}kind__in": list(kinds),
        f"{prefix}confidential": False,
        f"{prefix}valid_from__lte": at,
    }
    if region is not None:
        conditions[f"{prefix}region"] = region
    return Q(**conditions) & (Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gt": at}))


def question_catalogue(*, mission, kinds) -> dict[str, list[dict]]:
    """Questions per kind, merged by code: the latest published version's wording and order, then older-only codes."""
    rows = (
        Question.objects.filter(template__mission=mission, template__kind__in=list(kinds))
        .exclude(code=OVERALL_ASSESSMENT_CODE)
        .values(
            "id",
            "code",
            "text",
            "type",
            "choices",
            "critical_values",
            "protocol_field",
            "order",
            "section__order",
            "section__title",
            kind=F("template__kind"),
            version=F("template__version"),
            status=F("template__status"),
        )
    )
    best: dict[tuple[str, str], dict] = {}
    for row in rows:
        # Prefer the published version, then the highest version number.
        rank = (row["status"] == TemplateStatus.PUBLISHED, row["version"])
        key = (row["kind"], row["code"])
        if key not in best or rank > best[key]["_rank"]:
            best[key] = {**row, "_rank": rank}
    catalogue: dict[str, list[dict]] = {kind: [] for kind in kinds}
    primary = {}
    for (kind, _code), row in best.items():
        primary[kind] = max(primary.get(kind, (False, 0)), row["_rank"])
    for (kind, code), row in best.items():
        in_primary = row["_rank"] == primary[kind]
        catalogue[kind].append(
            {
                "code": code,
                "text": row["text"],
                "type": row["type"],
                "section": row["section__title"],
                "choices": [
                    {"value": str(choice.get("value")), "label": str(choice.get("label") or choice.get("value"))}
                    for choice in (row["choices"] or [])
                    if isinstance(choice, dict)
                ],
                "critical_values": sorted(str(value) for value in (row["critical_values"] or [])),
                "protocol_field": row["protocol_field"],
                "version": row["version"],
                "_order": (0 if in_primary else 1, -row["version"], row["section__order"], row["order"], code),
            }
        )
    for kind in catalogue:
        catalogue[kind].sort(key=lambda question: question["_order"])
        for question in catalogue[kind]:
            del question["_order"]
    return catalogue


class _Extremes:
    """The smallest and largest integer answer per (region code, area type), combined by region, by area, overall."""

    def __init__(self):
        self.cells: dict[tuple[str, str], tuple[int, int]] = {}

    def add(self, region: str, area: str, *, low: int, high: int) -> None:
        key = (region, area)
        if key in self.cells:
            low, high = min(low, self.cells[key][0]), max(high, self.cells[key][1])
        self.cells[key] = (low, high)

    @staticmethod
    def _combine(pairs) -> tuple[int | None, int | None]:
        pairs = list(pairs)
        if not pairs:
            return (None, None)
        return (min(low for low, _high in pairs), max(high for _low, high in pairs))

    def total(self) -> tuple[int | None, int | None]:
        return self._combine(self.cells.values())

    def by(self, axis: int) -> dict[str, tuple[int | None, int | None]]:
        keys = {key[axis] for key in self.cells}
        return {group: self._combine(pair for key, pair in self.cells.items() if key[axis] == group) for group in keys}


def _medians(*, answer_base: Q, catalogue: dict[str, list[dict]]) -> dict[tuple[str, str], float]:
    """(kind, code) -> the median of an integer question's answers, in one query: the middle row(s) by rank."""
    codes = sorted({q["code"] for qs in catalogue.values() for q in qs if q["type"] == QuestionType.INTEGER})
    if not codes:
        return {}
    partition = [F("revision__kind"), F("question_code")]
    ranked = (
        RevisionAnswer.objects.filter(answer_base, question_code__in=codes, number__isnull=False)
        .annotate(
            form_kind=F("revision__kind"),
            position=Window(RowNumber(), partition_by=partition, order_by=[F("number").asc(), F("id").asc()]),
            size=Window(Count("id"), partition_by=partition),
        )
        # The middle row of an odd count, the two middle rows of an even one (integer division in SQL).
        .filter(position__gte=(F("size") + 1) / 2, position__lte=(F("size") + 2) / 2)
        .values_list("form_kind", "question_code", "number")
    )
    middle: dict[tuple[str, str], list[int]] = defaultdict(list)
    for kind, code, number in ranked:
        middle[(kind, code)].append(number)
    return {key: ratio(sum(numbers), len(numbers)) for key, numbers in middle.items()}


def snapshot_description(at: datetime, time_zone: str) -> dict:
    """The moment a compilation counts forms as of, in UTC and the mission's local time, with the sentence to show."""
    zone = ZoneInfo(time_zone or "UTC")
    local = at.astimezone(zone)
    return {
        "at": at.isoformat(),
        "local": local.strftime("%Y-%m-%d %H:%M"),
        "time_zone": zone.key,
        "label": f"Forms as received and corrected up to {local:%H:%M} local time ({local:%Y-%m-%d}, {zone.key}).",
    }


def _area_key(value) -> str:
    return value or ""


class _Cells:
    """Counters keyed by (region code, area type) with totals by region, by area and overall."""

    def __init__(self):
        self.cells: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def add(self, region: str, area: str, **values: int) -> None:
        cell = self.cells[(region, area)]
        for name, value in values.items():
            cell[name] += value or 0

    def total(self) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for cell in self.cells.values():
            for name, value in cell.items():
                out[name] += value
        return dict(out)

    def by(self, axis: int) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for key, cell in self.cells.items():
            for name, value in cell.items():
                out[key[axis]][name] += value
        return {group: dict(values) for group, values in out.items()}


def statistics_compile(*, mission, kinds=None, region=None, cutoff=None, progress=None) -> dict:
    """Compile a mission's statistics: coverage, per-question distributions, assessment, protocol, incidents, timeline.

    Counts every form as it stood at `cutoff` (forms received and corrected up to then); without a cut-off, as it
    stands when compilation starts. `progress`, when given, is called with a percentage (0-100) between steps.
    """
    cutoff = cutoff or timezone.now()
    if connection.vendor != "postgresql":
        return _compile(mission=mission, kinds=kinds, region=region, cutoff=cutoff, progress=progress)
    # These are a few large aggregates: PostgreSQL's JIT compilation costs more (~0.5 s) than it saves here, and
    # with the default work_mem the planner, overestimating the groups, sorts on disk instead of hashing in memory.
    with connection.cursor() as cursor:
        cursor.execute(f"SET jit = off; SET work_mem = '{int(settings.REPORTS_WORK_MEM_MB)}MB'")
    try:
        return _compile(mission=mission, kinds=kinds, region=region, cutoff=cutoff, progress=progress)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET jit; RESET work_mem")


def _compile(*, mission, kinds, region, cutoff, progress) -> dict:
    kinds = sorted(set(kinds or OBSERVATION_KINDS), key=lambda kind: list(OBSERVATION_KINDS).index(kind))
    tell = progress or (lambda pct: None)
    detect = forms_as_of(mission=mission, kinds=kinds, region=region, at=cutoff)
    answer_detect = forms_as_of(mission=mission, kinds=kinds, region=region, at=cutoff, prefix="revision__")
    # Conflicts between teams a coordinator decided by marking one form right: the others no longer count.
    decisions = decisions_as_of(mission=mission, at=cutoff)
    excluded = excluded_forms(decisions)
    base = detect & ~Q(submission_id__in=excluded) if excluded else detect
    answer_base = answer_detect & ~Q(revision__submission_id__in=excluded) if excluded else answer_detect

    region_rows = Region.objects.filter(mission=mission)
    if region is not None:
        region_rows = region_rows.filter(pk=region.pk)
    regions = sorted(region_rows.values("id", "code", "name"), key=lambda row: (row["name"], row["code"]))
    region_code = {row["id"]: row["code"] for row in regions}

    def rkey(region_id) -> str:
        return region_code.get(region_id, UNKNOWN_REGION) if region_id else UNKNOWN_REGION

    catalogue = question_catalogue(mission=mission, kinds=kinds)
    tell(5)

    # One row per (kind, polling station): observation counts add up, and each row is one distinct station, so
    # every coverage figure (per kind, across kinds, negative) comes from a single pass over the submissions.
    coverage_rows = (
        SubmissionRevision.objects.filter(base)
        .values("kind", "polling_station_id", "tec_id", "region_id", "area_type")
        .annotate(
            observations=Count("id"),
            urgent=Count("id", filter=Q(urgent=True)),
            critical=Count("id", filter=Q(has_critical=True)),
            mismatch=Count("id", filter=Q(protocol_mismatch=True)),
            **{f"assessed_{value}": Count("id", filter=Q(overall_assessment=value)) for value in ASSESSMENT_VALUES},
        )
        .order_by()
    )
    per_kind: dict[str, _Cells] = defaultdict(_Cells)
    assessment_cells: dict[str, dict[str, _Cells]] = defaultdict(lambda: defaultdict(_Cells))
    observed_stations: dict[tuple[str, str], set[int]] = defaultdict(set)
    # Distinct TECs per kind and per (kind, region): a TEC lies in one region but spans urban and rural stations.
    observed_tecs: dict[str, set[int]] = defaultdict(set)
    observed_tecs_by_region: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for row in coverage_rows:
        cell = (rkey(row["region_id"]), _area_key(row["area_type"]))
        if row["tec_id"]:
            observed_tecs[row["kind"]].add(row["tec_id"])
            observed_tecs_by_region[row["kind"]][cell[0]].add(row["tec_id"])
        station = row["polling_station_id"]
        negative = sum(row[f"assessed_{value}"] for value in NEGATIVE_ASSESSMENTS)
        for value in ASSESSMENT_VALUES:
            if row[f"assessed_{value}"]:
                assessment_cells[row["kind"]][value].add(*cell, count=row[f"assessed_{value}"])
        per_kind[row["kind"]].add(
            *cell,
            observations=row["observations"],
            stations=1 if station else 0,
            urgent=row["urgent"],
            critical=row["critical"],
            mismatch=row["mismatch"],
            negative_stations=1 if station and negative else 0,
        )
        if station:
            observed_stations[cell].add(station)
    observed_all = _Cells()
    for cell, stations in observed_stations.items():
        observed_all.add(*cell, stations=len(stations))
    station_rows = PollingStation.objects.filter(mission=mission)
    if region is not None:
        station_rows = station_rows.filter(region=region)
    all_stations = _Cells()
    for row in station_rows.values("region_id", "area_type").annotate(count=Count("id")):
        all_stations.add(rkey(row["region_id"]), _area_key(row["area_type"]), stations=row["count"])
    tell(15)

    summarised_codes = sorted({q["code"] for qs in catalogue.values() for q in qs if q["type"] in SUMMARISED_TYPES})
    # kind -> code -> key -> cells(count, total)
    tallies: dict[str, dict[str, dict[str | None, _Cells]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(_Cells))
    )
    extremes: dict[str, dict[str, _Extremes]] = defaultdict(lambda: defaultdict(_Extremes))
    # The main aggregate, one pass over the answers: closed answers counted by value; integer, time and text
    # answers only as answered / not applicable / blank (with integer sums).
    answer_key = Case(
        When(~Q(question_code__in=summarised_codes), then=F("value")),
        When(value__isnull=True, number__isnull=True, then=Value(None)),
        When(value=NOT_APPLICABLE, then=Value(NOT_APPLICABLE)),
        default=Value(ANSWERED),
        output_field=CharField(),
    )
    # With one kind compiled, the kind is a constant rather than a grouping column of the largest aggregate.
    form_kind = Value(kinds[0], output_field=CharField()) if len(kinds) == 1 else F("revision__kind")
    for row in (
        RevisionAnswer.objects.filter(answer_base)
        .exclude(question_code=OVERALL_ASSESSMENT_CODE)
        .values(
            "question_code",
            kind=form_kind,
            key=answer_key,
            region_id=F("revision__region_id"),
            area_type=F("revision__area_type"),
        )
        .annotate(count=Count("id"), total=Sum("number"), low=Min("number"), high=Max("number"))
    ):
        cell = (rkey(row["region_id"]), _area_key(row["area_type"]))
        tallies[row["kind"]][row["question_code"]][row["key"]].add(*cell, count=row["count"], total=row["total"] or 0)
        if row["key"] == ANSWERED and row["low"] is not None:
            extremes[row["kind"]][row["question_code"]].add(*cell, low=row["low"], high=row["high"])
    medians = _medians(answer_base=answer_base, catalogue=catalogue)
    tell(45)

    multiple_codes = sorted({q["code"] for qs in catalogue.values() for q in qs if q["type"] == QuestionType.MULTIPLE})
    answered_multiple: dict[str, dict[str, _Cells]] = defaultdict(lambda: defaultdict(_Cells))
    if multiple_codes:
        for row in (
            RevisionAnswer.objects.filter(answer_base, question_code__in=multiple_codes, value__isnull=False)
            .exclude(value=NOT_APPLICABLE)
            .values("question_code", kind=F("revision__kind"), region_id=F("revision__region_id"))
            .annotate(area_type=F("revision__area_type"), n=Count("revision_id", distinct=True))
        ):
            answered_multiple[row["kind"]][row["question_code"]].add(
                rkey(row["region_id"]), _area_key(row["area_type"]), n=row["n"]
            )

    critical_pairs = Q()
    has_critical_questions = False
    for questions in catalogue.values():
        for question in questions:
            if question["critical_values"]:
                critical_pairs |= Q(question_code=question["code"], value__in=question["critical_values"])
                has_critical_questions = True
    critical_cells: dict[str, dict[str, _Cells]] = defaultdict(lambda: defaultdict(_Cells))
    if has_critical_questions:
        for row in (
            RevisionAnswer.objects.filter(answer_base)
            .filter(critical_pairs)
            .values("question_code", kind=F("revision__kind"), region_id=F("revision__region_id"))
            .annotate(
                area_type=F("revision__area_type"),
                observations=Count("revision_id", distinct=True),
                stations=Count("revision__polling_station_id", distinct=True),
            )
        ):
            critical_cells[row["kind"]][row["question_code"]].add(
                rkey(row["region_id"]),
                _area_key(row["area_type"]),
                observations=row["observations"],
                stations=row["stations"],
            )
    tell(55)

    kinds_out = {}
    for kind in kinds:
        cells = per_kind.get(kind, _Cells())
        totals = cells.total()
        about_stations = kind in STATION_KINDS
        kinds_out[kind] = {
            "observations": totals.get("observations", 0),
            # Tabulation forms are about a TEC, never a station: their distinct stations are not applicable.
            "stations": totals.get("stations", 0) if about_stations else None,
            "tecs": len(observed_tecs.get(kind, ())),
            "by_region": _cover(cells.by(0), {key: len(tecs) for key, tecs in observed_tecs_by_region[kind].items()}),
            "by_area": _cover(cells.by(1), None),
            "assessment": _assessment(assessment_cells.get(kind, {}), cells),
            "questions": [
                _question(
                    question,
                    tallies[kind].get(question["code"], {}),
                    answered_multiple[kind].get(question["code"]),
                    critical_cells[kind].get(question["code"]),
                    extremes[kind].get(question["code"]),
                    medians.get((kind, question["code"])),
                )
                for question in catalogue[kind]
            ],
        }
        # Codes answered but unknown to every template version still count, labelled by their code.
        known = {question["code"] for question in catalogue[kind]}
        for code in sorted(set(tallies[kind]) - known):
            orphan = {
                "code": code,
                "text": code,
                "type": QuestionType.SINGLE.value,
                "section": "",
                "choices": [],
                "critical_values": [],
                "protocol_field": "",
                "version": None,
            }
            kinds_out[kind]["questions"].append(_question(orphan, tallies[kind][code], None, None, None, None))

    coverage = _coverage(per_kind, observed_all, all_stations, kinds)
    coverage["teams"] = _teams(mission=mission, region=region, base=base)
    turnout = _turnout(kinds=kinds, answer_base=answer_base, catalogue=catalogue, rkey=rkey)
    tell(70)
    flagged = _flagged(base=base, rkey=rkey)
    incidents = _incidents(flagged=flagged, catalogue=catalogue, per_kind=per_kind)
    protocol = _protocol(flagged=flagged, per_kind=per_kind, kinds=kinds)
    protocol["by_rule"] = _rule_counts(flagged)
    timeline = _timeline(base=base, kinds=kinds, time_zone=mission.time_zone)
    conflicts = conflicts_compile(
        detect=detect, answer_detect=answer_detect, catalogue=catalogue, kinds=kinds, decisions=decisions, rkey=rkey
    )
    tell(80)
    return {
        "mission": {"slug": mission.slug, "name": mission.name, "time_zone": mission.time_zone},
        "filters": {
            "kinds": list(kinds),
            "region": region.code if region is not None else None,
            "cutoff": cutoff.isoformat(),
        },
        "snapshot": snapshot_description(cutoff, mission.time_zone),
        "regions": [{"code": row["code"], "name": row["name"]} for row in regions],
        "coverage": coverage,
        "kinds": kinds_out,
        "turnout": turnout,
        "protocol": protocol,
        "incidents": incidents,
        "conflicts": conflicts,
        "timeline": timeline,
    }


def _cover(groups: dict[str, dict[str, int]], tecs: dict[str, int] | None) -> dict[str, dict[str, int]]:
    out = {}
    for key, values in sorted(groups.items()):
        out[key] = {"observations": values.get("observations", 0), "stations": values.get("stations", 0)}
        if tecs is not None:
            out[key]["tecs"] = tecs.get(key, 0)
    return out


def _coverage(per_kind, observed_all: _Cells, all_stations: _Cells, kinds) -> dict:
    observed_region, total_region = observed_all.by(0), all_stations.by(0)
    observed_area, total_area = observed_all.by(1), all_stations.by(1)

    def cover(observed: dict, total: dict) -> dict:
        out = {}
        for key in sorted(set(observed) | set(total)):
            seen = observed.get(key, {}).get("stations", 0)
            stations = total.get(key, {}).get("stations", 0)
            out[key] = {"observed": seen, "stations": stations, "pct": percent(seen, stations)}
        return out

    observed_total = observed_all.total().get("stations", 0)
    stations_total = all_stations.total().get("stations", 0)
    observations = {kind: per_kind[kind].total().get("observations", 0) if kind in per_kind else 0 for kind in kinds}
    return {
        "observations": observations,
        "observations_total": sum(observations.values()),
        "stations": {
            "observed": observed_total,
            "stations": stations_total,
            "pct": percent(observed_total, stations_total),
        },
        "by_region": cover(observed_region, total_region),
        "by_area": cover(observed_area, total_area),
    }


def _assessment(cells_by_value: dict[str, _Cells], kind_cells: _Cells) -> dict:
    def summary(counts: dict[str, int], negative_stations: int) -> dict:
        n = sum(counts.values())
        negative = sum(counts.get(value, 0) for value in NEGATIVE_ASSESSMENTS)
        return {
            "n": n,
            "counts": {value: counts.get(value, 0) for value in ASSESSMENT_VALUES},
            "pct": {value: percent(counts.get(value, 0), n) for value in ASSESSMENT_VALUES},
            "negative": {**share(negative, n), "stations": negative_stations},
        }

    def grouped(axis: int) -> dict:
        by_value = {value: cells.by(axis) for value, cells in cells_by_value.items()}
        negative_stations = kind_cells.by(axis)
        keys = sorted({key for groups in by_value.values() for key in groups})
        return {
            key: summary(
                {value: groups.get(key, {}).get("count", 0) for value, groups in by_value.items()},
                negative_stations.get(key, {}).get("negative_stations", 0),
            )
            for key in keys
        }

    overall = summary(
        {value: cells.total().get("count", 0) for value, cells in cells_by_value.items()},
        kind_cells.total().get("negative_stations", 0),
    )
    return {**overall, "by_region": grouped(0), "by_area": grouped(1)}


def _question(
    question: dict,
    tally: dict,
    answered_multiple: _Cells | None,
    critical: _Cells | None,
    extremes: _Extremes | None,
    median: float | None,
) -> dict:
    """One question's distribution overall, by region and by urban/rural (integers: n, sum, mean, median, min-max)."""
    is_summarised = question["type"] in SUMMARISED_TYPES
    choice_order = [choice["value"] for choice in question["choices"] if choice["value"] != NOT_APPLICABLE]
    labels = {choice["value"]: choice["label"] for choice in question["choices"]}
    value_keys = [key for key in tally if key not in (None, NOT_APPLICABLE, ANSWERED)]
    ordered_values = list(choice_order) + sorted(set(value_keys) - set(choice_order))
    if question["type"] in (QuestionType.YES_NO, QuestionType.YES_NO_NA) and not choice_order:
        ordered_values = ["yes", "no"] + sorted(set(value_keys) - {"yes", "no"})

    def group(pick) -> dict:
        counts = {key: pick(cells).get("count", 0) for key, cells in tally.items()}
        na, blank = counts.get(NOT_APPLICABLE, 0), counts.get(None, 0)
        if is_summarised:
            n = counts.get(ANSWERED, 0) + sum(counts.get(key, 0) for key in value_keys)
            out = {"n": n, "na": na, "blank": blank}
            if question["type"] == QuestionType.INTEGER:
                total = pick(tally[ANSWERED]).get("total", 0) if ANSWERED in tally else 0
                found = pick(extremes) if extremes is not None else None
                low, high = found if found else (None, None)
                out.update({"sum": total, "mean": ratio(total, n), "min": low, "max": high})
            return out
        if answered_multiple is not None:
            n = pick(answered_multiple).get("n", 0)
        else:
            n = sum(counts.get(key, 0) for key in value_keys)
        values = [
            {"value": value, "label": labels.get(value, value), **share(counts.get(value, 0), n)}
            for value in ordered_values
        ]
        out = {"n": n, "na": na, "blank": blank, "values": values}
        if question["critical_values"]:
            found = pick(critical) if critical is not None else {}
            out["critical"] = {**share(found.get("observations", 0), n), "stations": found.get("stations", 0)}
        return out

    def by(axis: int) -> dict:
        keys = set()
        for cells in list(tally.values()) + [answered_multiple or _Cells()]:
            keys |= set(cells.by(axis))
        return {key: group(lambda cells, key=key: cells.by(axis).get(key, {})) for key in sorted(keys)}

    overall = group(lambda cells: cells.total())
    if question["type"] == QuestionType.INTEGER:
        overall["median"] = median  # over every answered form; not split by region or area
    return {
        "code": question["code"],
        "text": question["text"],
        "type": question["type"],
        "section": question["section"],
        "critical_values": question["critical_values"],
        **overall,
        "by_region": by(0),
        "by_area": by(1),
    }


def _teams(*, mission, region, base: Q) -> dict:
    teams = Team.objects.filter(mission=mission, kind=TeamKind.STO)
    if region is not None:
        # Deployed in the region: planned there; a team without a plan yet counts where its LTO team's area reaches.
        # A team planned to another region of the same LTO area is not this region's (it cannot report here).
        unplanned_here = Team.objects.filter(assignment__isnull=True, lto_team__area_regions=region)
        teams = teams.filter(Q(assignment__region=region) | Q(pk__in=unplanned_here.values("pk")))
    rows = list(
        teams.annotate(reported=Exists(SubmissionRevision.objects.filter(base, team=OuterRef("pk")))).values_list(
            "code", "reported"
        )
    )
    return {
        "total": len(rows),
        "reported": sum(1 for _code, reported in rows if reported),
        "not_reported": sorted(code for code, reported in rows if not reported),
    }


TURNOUT_CONVENTION = (
    "Turnout at visits is the sum of voters who had voted over the sum of voters on the list, over the voting "
    "forms giving both figures with voters on the list above zero (n = those forms). Forms giving 0 voters on the "
    "list, and forms lacking either figure, are counted separately and are not in n."
)


def _turnout(*, kinds, answer_base: Q, catalogue, rkey) -> dict:
    """Turnout reported at voting visits, by the convention in TURNOUT_CONVENTION, with the forms left out counted."""
    codes = {VOTERS_ON_LIST: VOTERS_ON_LIST, VOTERS_VOTED: VOTERS_VOTED}
    for question in catalogue.get("voting", []):
        if question["protocol_field"] in codes:
            codes[question["protocol_field"]] = question["code"]
    empty = {"forms": 0, "voters_voted": 0, "voters_on_list": 0, "pct": None, "on_list_zero": 0, "incomplete": 0}
    if "voting" not in kinds:
        return {**empty, "convention": TURNOUT_CONVENTION, "by_region": {}, "by_area": {}}

    # Only the two figures' rows (by the question-code index), joined to this mission's voting forms, then one row
    # per form holding both figures.
    per_form = (
        RevisionAnswer.objects.filter(
            answer_base,
            revision__kind="voting",
            question_code__in=[codes[VOTERS_VOTED], codes[VOTERS_ON_LIST]],
        )
        .values("revision_id")
        .annotate(
            region_id=Max("revision__region_id"),
            area_type=Max("revision__area_type"),
            voted=Max(Case(When(question_code=codes[VOTERS_VOTED], then="number"))),
            on_list=Max(Case(When(question_code=codes[VOTERS_ON_LIST], then="number"))),
        )
        .order_by()
    )
    inner_sql, params = per_form.query.sql_with_params()
    cells = _Cells()
    with connection.cursor() as cursor:
        used = "t.voted IS NOT NULL AND t.on_list > 0"
        cursor.execute(
            f"SELECT t.region_id, t.area_type, SUM(CASE WHEN {used} THEN 1 ELSE 0 END), "  # noqa: S608 (ORM inner SQL)
            f"SUM(CASE WHEN {used} THEN t.voted ELSE 0 END), SUM(CASE WHEN {used} THEN t.on_list ELSE 0 END), "
            "SUM(CASE WHEN t.on_list = 0 THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN t.on_list IS NULL OR (t.voted IS NULL AND t.on_list > 0) THEN 1 ELSE 0 END) "
            f"FROM ({inner_sql}) t GROUP BY t.region_id, t.area_type",
            params,
        )
        for region_id, area, forms, voted, on_list, zero, incomplete in cursor.fetchall():
            cells.add(
                rkey(region_id),
                _area_key(area),
                forms=forms,
                voters_voted=voted,
                voters_on_list=on_list,
                on_list_zero=zero,
                incomplete=incomplete,
            )

    def summary(values: dict) -> dict:
        on_list = int(values.get("voters_on_list", 0))
        voted = int(values.get("voters_voted", 0))
        return {
            "forms": int(values.get("forms", 0)),
            "voters_voted": voted,
            "voters_on_list": on_list,
            "pct": percent(voted, on_list),
            "on_list_zero": int(values.get("on_list_zero", 0)),
            "incomplete": int(values.get("incomplete", 0)),
        }

    return {
        **summary(cells.total()),
        "convention": TURNOUT_CONVENTION,
        "by_region": {key: summary(values) for key, values in sorted(cells.by(0).items())},
        "by_area": {key: summary(values) for key, values in sorted(cells.by(1).items())},
    }


def _issue_text(issue, rules: dict | None = None) -> str:
    """A data-quality flag (rule code and values) as a sentence; a stored sentence as it is."""
    return flag_message(issue, rules=rules)


def _checklist_rules(rows: list[dict]) -> dict[int, dict]:
    """The checklists' own rules named by these forms' flags, by template (one query, none when none is named)."""
    wanted = {
        row["template_id"]
        for row in rows
        for flag in row["protocol_issues"] or []
        if isinstance(flag, dict) and not flag.get("standard") and not flag.get("message")
    }
    rules: dict[int, dict] = defaultdict(dict)
    if wanted:
        for rule in DataRule.objects.filter(template_id__in=wanted):
            rules[rule.template_id][rule.code] = rule
    return rules


def _rule_counts(flagged: list[dict]) -> dict[str, int]:
    """Forms flagged by each data-quality rule (standard protocol rules and the checklists' own), as they stood."""
    counts: Counter = Counter()
    for row in flagged:
        if not row["protocol_mismatch"]:
            continue
        codes = {str(flag.get("rule") or "") if isinstance(flag, dict) else "" for flag in row["protocol_issues"] or []}
        counts.update(code or "unnamed" for code in codes)
    return dict(sorted(counts.items()))


def _flagged(*, base: Q, rkey) -> list[dict]:
    """Every form flagged urgent, critical or with a protocol mismatch, as it stood, newest first (never capped)."""
    rows = list(
        SubmissionRevision.objects.filter(base)
        .filter(Q(urgent=True) | Q(has_critical=True) | Q(protocol_mismatch=True))
        .order_by("-received_at", "-submission_id")
        .values(
            "id",
            "submission_id",
            "kind",
            "region_id",
            "urgent",
            "has_critical",
            "protocol_mismatch",
            "protocol_issues",
            "notes",
            "received_at",
            template_id=F("submission__template_id"),
            team_code=F("team__code"),
            station=F("polling_station__number"),
            tec_code=F("tec__code"),
        )
    )
    for row in rows:
        row["region"] = rkey(row.pop("region_id"))
    return rows


def _protocol(*, flagged: list[dict], per_kind, kinds) -> dict:
    counting = per_kind.get("counting", _Cells()) if "counting" in kinds else _Cells()
    mismatches = sum(cells.total().get("mismatch", 0) for cells in per_kind.values())
    rows = [row for row in reversed(flagged) if row["protocol_mismatch"]]  # oldest first
    rules = _checklist_rules(rows)
    by_region: dict[str, int] = {}
    for kind_cells in per_kind.values():
        for key, values in kind_cells.by(0).items():
            if values.get("mismatch"):
                by_region[key] = by_region.get(key, 0) + values["mismatch"]
    return {
        "counting_forms": counting.total().get("observations", 0),
        "mismatches": mismatches,
        "by_region": dict(sorted(by_region.items())),
        "list": [
            {
                "submission": row["submission_id"],
                "kind": row["kind"],
                "team": row["team_code"] or "",
                "station": row["station"] or "",
                "tec": row["tec_code"] or "",
                "region": row["region"],
                "received_at": row["received_at"].isoformat(),
                "issues": [
                    _issue_text(issue, rules.get(row["template_id"])) for issue in (row["protocol_issues"] or [])
                ],
            }
            for row in rows
        ],
    }


def _incidents(*, flagged: list[dict], catalogue, per_kind) -> dict:
    rows = [row for row in flagged if row["urgent"] or row["has_critical"]]
    critical_by_code: dict[str, set[str]] = defaultdict(set)
    texts: dict[str, str] = {}
    for questions in catalogue.values():
        for question in questions:
            if question["critical_values"]:
                critical_by_code[question["code"]] |= set(question["critical_values"])
                texts[question["code"]] = question["text"]
    found: dict[int, list[dict]] = defaultdict(list)
    if critical_by_code and rows:
        # The critical answers of the flagged revisions, in one query over the flagged forms of the snapshot.
        for revision_id, code, value in (
            RevisionAnswer.objects.filter(
                revision_id__in=[row["id"] for row in rows if row["has_critical"]], question_code__in=sorted(texts)
            )
            .order_by("revision_id", "question_code", "value")
            .values_list("revision_id", "question_code", "value")
        ):
            if value in critical_by_code[code]:
                found[revision_id].append({"code": code, "text": texts[code], "value": value})
    return {
        "urgent": sum(cells.total().get("urgent", 0) for cells in per_kind.values()),
        "critical": sum(cells.total().get("critical", 0) for cells in per_kind.values()),
        "list": [
            {
                "submission": row["submission_id"],
                "kind": row["kind"],
                "team": row["team_code"] or "",
                "station": row["station"] or "",
                "tec": row["tec_code"] or "",
                "region": row["region"],
                "received_at": row["received_at"].isoformat(),
                "urgent": row["urgent"],
                "critical": row["has_critical"],
                "critical_answers": found.get(row["id"], []),
                "notes": row["notes"],
            }
            for row in rows
        ],
    }


def _timeline(*, base: Q, kinds, time_zone: str) -> list[dict]:
    zone = ZoneInfo(time_zone or "UTC")
    hours: dict[str, dict[str, int]] = defaultdict(dict)
    for row in (
        SubmissionRevision.objects.filter(base)
        .annotate(hour=TruncHour("received_at", tzinfo=zone))
        .values("hour", "kind")
        .annotate(count=Count("id"))
    ):
        hour: datetime = row["hour"].astimezone(zone)
        hours[hour.strftime("%Y-%m-%d %H:00")][row["kind"]] = row["count"]
    return [
        {"hour": hour, "counts": {kind: counts.get(kind, 0) for kind in kinds}, "total": sum(counts.values())}
        for hour, counts in sorted(hours.items())
    ]
