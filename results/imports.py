"""Import official per-station results (CSV or XLSX, as a CEC publishes them) into a new version: all rows or none.

The coordinator maps the file's columns to the protocol lines once; the mapping is saved per mission and reused for
the next file (preliminary, then final). Stations are found by region and number (and TEC where the file has it),
never by number alone: station numbers restart in each region. A row for a station the list does not know is kept
and reported as a finding; a row that cannot be read (no number, a figure that is not a whole number, a duplicate) is
an error, and any error imports nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils.translation import gettext as _

from access import Actor, actor_for, can_import_results, require
from jobs.notices import notice, notice_text
from missions.models import Mission, PollingStation, Region, Tec
from missions.spreadsheets import ImportReport, RowError, SpreadsheetError, normalise_header, read_rows

from .choices import RESULT_LINES, ResultsLevel, ResultsStage
from .models import ResultsSettings, ResultsVersion, StationResult, TecResult

# (field, the notice of its label): the columns that say which station or TEC a row is.
IDENTITY_FIELDS = (
    ("region", "results.field_region"),
    ("tec", "results.field_tec_optional"),
    ("number", "results.field_number"),
)
TEC_IDENTITY_FIELDS = (("region", "results.field_region"), ("tec", "results.field_tec"))
REQUIRED_FIELDS = {ResultsLevel.STATION: ("region", "number"), ResultsLevel.TEC: ("region", "tec")}
MAPPING_SETTING = {ResultsLevel.STATION: "column_mapping", ResultsLevel.TEC: "tec_column_mapping"}
# Header names (normalised) tried for a field the coordinator left blank and no saved mapping names.
ALIASES: dict[str, tuple[str, ...]] = {
    "region": ("region", "oblast", "область", "регион", "наименование_области", "облыс"),
    "tec": ("tec", "tec_code", "tec_name", "district", "тик", "территориальная_избирательная_комиссия", "район"),
    "number": (
        "number", "station_number", "ps_number", "precinct", "polling_station", "№_уик", "номер_уик", "уик",
        "№_участка", "номер_участка", "участок",
    ),
    "registered_voters": (
        "registered_voters", "voters", "число_избирателей", "число_избирателей_в_списке", "избирателей_в_списке",
        "число_избирателей,_включенных_в_список",
    ),
    "ballots_received": ("ballots_received", "получено_бюллетеней", "число_бюллетеней,_полученных_уик"),
    "ballots_issued": ("ballots_issued", "выдано_бюллетеней", "число_бюллетеней,_выданных_избирателям"),
    "ballots_cancelled": ("ballots_cancelled", "погашено_бюллетеней", "число_погашенных_бюллетеней"),
    "ballots_valid": ("ballots_valid", "действительных_бюллетеней", "число_действительных_бюллетеней"),
    "ballots_invalid": ("ballots_invalid", "недействительных_бюллетеней", "число_недействительных_бюллетеней"),
}  # fmt: skip
MAX_FIGURE = 10_000_000
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']+")


def field_notices(candidates: list[str], level: str = ResultsLevel.STATION) -> list[tuple[str, dict]]:
    """(field, the notice of its label) of every column a results file of that level can be mapped to."""
    identity = IDENTITY_FIELDS if level == ResultsLevel.STATION else TEC_IDENTITY_FIELDS
    return [
        *((name, notice(code)) for name, code in identity),
        *((name, notice(f"results.line_{name}")) for name, _label in RESULT_LINES),
        *(
            (f"candidate_{index}", notice("results.votes_for", name=name))
            for index, name in enumerate(candidates, start=1)
        ),
    ]


def mapping_fields(candidates: list[str], level: str = ResultsLevel.STATION) -> list[tuple[str, str]]:
    """(field, label in the active language) of every column a results file of that level can be mapped to, for a
    mission's candidates."""
    return [(name, notice_text(label)) for name, label in field_notices(candidates, level)]


def station_key(value: str) -> str:
    """A station number as the list and the file both mean it: '№ 012' and '12' are the same station."""
    text = _SPACES.sub("", str(value or "")).lstrip("№#").strip()
    return (text.lstrip("0") or text) if text.isdigit() else text.casefold()


def name_key(value: str) -> str:
    return " ".join(str(value or "").split()).casefold()


@dataclass
class ResultsImportReport(ImportReport):
    """What a results import did: the version made, the mapping used, and rows for stations the list lacks."""

    version: ResultsVersion | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    headers: list[str] = field(default_factory=list)
    unknown_stations: int = 0

    def summary_notice(self) -> dict:
        if self.errors:
            return super().summary_notice()
        return notice(
            "results.imported_tecs" if self.version.level == ResultsLevel.TEC else "results.imported_stations",
            version=self.version.label_notice(),
            n=self.created,
            unknown=self.unknown_stations,
            absent=[name for name, _label in RESULT_LINES if name not in self.mapping],
        )


def mapping_saved(*, mission: Mission, level: str = ResultsLevel.STATION) -> dict[str, str]:
    """The mapping the mission's last file of that level was read with."""
    field = MAPPING_SETTING[level]
    return ResultsSettings.objects.filter(mission=mission).values_list(field, flat=True).first() or {}


def mapping_resolve(
    *, mission: Mission, headers: list[str], given: dict | None, level: str = ResultsLevel.STATION
) -> dict[str, str]:
    """The column of each field: what the coordinator gave, else the mission's saved mapping, else a known header."""
    saved = mapping_saved(mission=mission, level=level)
    present = set(headers)
    mapping: dict[str, str] = {}
    for name, _label in field_notices(list(mission.candidates or []), level):
        chosen = normalise_header((given or {}).get(name, ""))
        if not chosen and saved.get(name) in present:
            chosen = saved[name]
        if not chosen:
            aliases = ALIASES.get(name, ())
            if name.startswith("candidate_"):
                candidate = mission.candidates[int(name.split("_")[1]) - 1]
                aliases = (normalise_header(candidate), normalise_header(str(candidate).split()[-1]))
            chosen = next((alias for alias in aliases if alias in present), "")
        if chosen:
            mapping[name] = chosen
    return mapping


def _figure(text: str) -> int | None:
    """A protocol figure: blank is None (not published); thousands separators are allowed; anything else raises."""
    if text.isdigit() and len(text) < 8:
        return int(text)
    cleaned = _SPACES.sub("", text or "")
    if not cleaned:
        return None
    if cleaned.endswith(".0"):
        cleaned = cleaned[:-2]
    if not cleaned.isdigit():
        raise ValueError
    value = int(cleaned)
    if value > MAX_FIGURE:
        raise ValueError
    return value


class _Stations:
    """The mission's station list by (region, number), with the TEC to tell apart stations that share both."""

    def __init__(self, mission: Mission):
        self.regions: dict[str, int] = {}
        for region in Region.objects.filter(mission=mission).values("id", "name", "code"):
            self.regions.setdefault(name_key(region["name"]), region["id"])
            self.regions.setdefault(name_key(region["code"]), region["id"])
        self.by_key: dict[tuple[int, str], list[dict]] = {}
        rows = PollingStation.objects.filter(mission=mission).values(
            "id", "number", "region_id", "tec_id", "tec__code", "tec__name"
        )
        for row in rows.order_by():
            self.by_key.setdefault((row["region_id"], station_key(row["number"])), []).append(row)

    def find(self, region_text: str, number_text: str, tec_text: str) -> tuple[int | None, dict | None, dict | None]:
        """(region id, station row, problem as a notice): no station is not a problem (a finding), two that fit is."""
        region_id = self.regions.get(name_key(region_text))
        if region_id is None:
            return None, None, None
        candidates = self.by_key.get((region_id, station_key(number_text)), [])
        if len(candidates) > 1 and tec_text:
            wanted = name_key(tec_text)
            candidates = [c for c in candidates if wanted in (name_key(c["tec__code"]), name_key(c["tec__name"]))]
        if len(candidates) > 1:
            return region_id, None, notice("results.station_ambiguous")
        return region_id, (candidates[0] if candidates else None), None


def results_import(
    *,
    mission: Mission,
    upload,
    filename: str | None = None,
    mapping: dict | None = None,
    stage: str = ResultsStage.PRELIMINARY,
    label: str = "",
    published_on=None,
    user=None,
    level: str = ResultsLevel.STATION,
    actor: Actor | None = None,
    progress: Callable[[float], None] | None = None,
) -> ResultsImportReport:
    """Check every row of an official results file; write nothing if any is bad, else add it as a new version.

    `level` is what the rows are: polling stations (PEC protocols), or TECs (their tabulated totals). The importer
    (`actor`, as a background job runs: access.job_actor; else the Actor of `user`) must be allowed to import the
    mission's results (``access.can_import_results``); without either the import is a command's, run by the
    operator with a shell. `user` is recorded as who imported the version; `progress(percent)` is told when every row
    is checked (a background job's).
    """
    if actor is not None or user is not None:
        require(
            can_import_results(actor if actor is not None else actor_for(user, mission), mission),
            _("Only the mission's coordinators import its official results."),
        )
    report = ResultsImportReport()
    candidates = list(mission.candidates or [])
    try:
        headers, rows = read_rows(upload, filename=filename)
        report.headers = [header for header in headers if header]
        report.mapping = mapping_resolve(mission=mission, headers=report.headers, given=mapping, level=level)
        _check_mapping(report, candidates, level)
        if report.errors:
            return report
        read = _read if level == ResultsLevel.STATION else _read_tecs
        cleaned = read(report, rows, mission, candidates)
    except SpreadsheetError as exc:
        report.errors.append(RowError(0, "", exc.notice))
        return report
    if not cleaned and not report.errors:
        report.errors.append(RowError(0, "", notice("missions.no_data_rows")))
    if report.errors:
        return report
    if progress is not None:
        progress(60)  # every row checked (a background job's progress)
    with transaction.atomic():
        settings, _created = ResultsSettings.objects.select_for_update().get_or_create(mission=mission)
        number = (
            ResultsVersion.objects.filter(mission=mission).order_by("-number").values_list("number", flat=True).first()
            or 0
        ) + 1
        version = ResultsVersion.objects.create(
            mission=mission,
            number=number,
            stage=stage,
            level=level,
            label=label,
            published_on=published_on,
            filename=(filename or getattr(upload, "name", "") or "")[:255],
            column_mapping=report.mapping,
            candidates=candidates,
            rows=len(cleaned),
            imported_by=user if user is not None and user.is_authenticated else None,
        )
        if level == ResultsLevel.STATION:
            _insert(StationResult, version, cleaned)
        else:
            _insert(TecResult, version, cleaned)
        setattr(settings, MAPPING_SETTING[level], report.mapping)
        settings.save(update_fields=[MAPPING_SETTING[level], "updated_at"])
    report.version = version
    report.created = len(cleaned)
    report.unknown_stations = sum(1 for item in cleaned if item.get("polling_station_id", 0) is None)
    return report


LINE_COLUMNS = tuple(name for name, _label in RESULT_LINES)
INSERT_COLUMNS = {
    StationResult: ("polling_station_id", "region_id", "region_text", "tec_text", "number_text", "row_number",
                    *LINE_COLUMNS),
    TecResult: ("tec_id", "region_id", "region_text", "tec_text", "row_number", *LINE_COLUMNS),
}  # fmt: skip


def _insert(model, version: ResultsVersion, cleaned: list[dict]) -> None:
    """Write the rows in bulk without the ORM, whose per-object work (model instances, field preparation) costs
    several times what the database does for 10,000 rows: COPY on PostgreSQL, else one parameterised INSERT run
    over each batch of 2,000."""
    table = model._meta.db_table
    names = INSERT_COLUMNS[model]
    columns = ", ".join(("version_id", *names, "votes"))
    rows = ((version.pk, *(item[name] for name in names), json.dumps(item["votes"])) for item in cleaned)
    if connection.vendor == "postgresql":
        with connection.cursor() as wrapper, wrapper.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    values = ", ".join(["%s"] * (2 + len(names)))
    statement = f"INSERT INTO {table} ({columns}) VALUES ({values})"  # noqa: S608 -- names from the model, values bound
    batch: list[tuple] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(row)
            if len(batch) == 2000:
                cursor.executemany(statement, batch)
                batch = []
        if batch:
            cursor.executemany(statement, batch)


def _check_mapping(report: ResultsImportReport, candidates: list[str], level: str) -> None:
    labels = dict(field_notices(candidates, level))
    present = set(report.headers)
    for name in REQUIRED_FIELDS[level]:
        if name not in report.mapping:
            report.errors.append(RowError(0, name, notice("results.choose_column", field=labels[name])))
    absent = [(name, header) for name, header in report.mapping.items() if header not in present]
    for name, header in absent:
        report.errors.append(RowError(0, name, notice("results.no_such_column", header=header)))
    if absent:
        report.errors.append(RowError(0, "", notice("results.columns_are", headers=", ".join(report.headers))))
    used: dict[str, str] = {}
    for name, header in report.mapping.items():
        if header in used:
            report.errors.append(
                RowError(0, name, notice("results.already_mapped", header=header, field=labels[used[header]]))
            )
        used.setdefault(header, name)
    if not set(report.mapping) - {field for field, _label in (*IDENTITY_FIELDS, *TEC_IDENTITY_FIELDS)}:
        report.errors.append(RowError(0, "", notice("results.map_a_line")))


def _figures_of(row: dict, number: int, mapping: dict, candidates: list[str], errors: list) -> tuple[dict, list]:
    """The protocol lines and the votes per candidate of one row; what cannot be read is added to `errors`."""
    figures: dict[str, int | None] = {}
    for name, _label in RESULT_LINES:
        if name not in mapping:
            figures[name] = None
            continue
        text = row.get(mapping[name], "")
        try:
            figures[name] = _figure(text)
        except ValueError:
            errors.append(RowError(number, mapping[name], notice("results.not_ballots", value=text)))
    votes: list[int | None] = []
    for index in range(1, len(candidates) + 1):
        column = mapping.get(f"candidate_{index}")
        text = row.get(column, "") if column else ""
        try:
            votes.append(_figure(text))
        except ValueError:
            errors.append(RowError(number, column, notice("results.not_votes", value=text)))
            votes.append(None)
    return figures, votes


def _read_tecs(report: ResultsImportReport, rows, mission: Mission, candidates: list[str]) -> list[dict]:
    """Rows of TEC totals: each must name a TEC of the mission's list (by code or name, within its region)."""
    mapping = report.mapping
    regions: dict[str, int] = {}
    for region in Region.objects.filter(mission=mission).values("id", "name", "code"):
        regions.setdefault(name_key(region["name"]), region["id"])
        regions.setdefault(name_key(region["code"]), region["id"])
    tecs: dict[tuple[int, str], int] = {}
    for tec in Tec.objects.filter(mission=mission).values("id", "region_id", "code", "name"):
        tecs.setdefault((tec["region_id"], name_key(tec["code"])), tec["id"])
        tecs.setdefault((tec["region_id"], name_key(tec["name"])), tec["id"])
    cleaned: list[dict] = []
    seen: dict[int, int] = {}
    for number, row in rows:
        errors: list[RowError] = []
        region_text = row.get(mapping["region"], "").strip()
        tec_text = row.get(mapping["tec"], "").strip()
        region_id = regions.get(name_key(region_text))
        tec_id = tecs.get((region_id, name_key(tec_text)))
        if region_id is None:
            errors.append(RowError(number, mapping["region"], notice("results.no_region", region=region_text)))
        elif tec_id is None:
            errors.append(RowError(number, mapping["tec"], notice("results.no_tec", tec=tec_text, region=region_text)))
        elif tec_id in seen:
            errors.append(
                RowError(number, mapping["tec"], notice("results.tec_twice", tec=tec_text, other=seen[tec_id]))
            )
        figures, votes = _figures_of(row, number, mapping, candidates, errors)
        if errors:
            report.errors.extend(errors)
            continue
        seen[tec_id] = number
        cleaned.append(
            {
                "tec_id": tec_id,
                "region_id": region_id,
                "region_text": region_text[:200],
                "tec_text": tec_text[:200],
                "row_number": number,
                "votes": votes,
                **figures,
            }
        )
    return cleaned


def _read(report: ResultsImportReport, rows, mission: Mission, candidates: list[str]) -> list[dict]:
    mapping = report.mapping
    stations = _Stations(mission)
    cleaned: list[dict] = []
    seen: dict[tuple, int] = {}
    matched: dict[int, int] = {}
    for number, row in rows:
        errors: list[RowError] = []
        region_text = row.get(mapping["region"], "").strip()
        number_text = row.get(mapping["number"], "").strip()
        tec_text = row.get(mapping.get("tec", ""), "").strip() if "tec" in mapping else ""
        if not region_text:
            errors.append(RowError(number, mapping["region"], notice("missions.region_missing")))
        if not number_text:
            errors.append(RowError(number, mapping["number"], notice("missions.number_missing")))
        figures, votes = _figures_of(row, number, mapping, candidates, errors)
        if not errors:
            identity = (name_key(region_text), name_key(tec_text), station_key(number_text))
            region_id, station, problem = stations.find(region_text, number_text, tec_text)
            if identity in seen:
                problem = notice("results.station_twice", number=number_text, region=region_text, other=seen[identity])
            elif station is not None and station["id"] in matched:
                problem = notice("results.same_station", other=matched[station["id"]])
            if problem:
                errors.append(RowError(number, mapping["number"], problem))
        if errors:
            report.errors.extend(errors)
            continue
        seen[identity] = number
        if station is not None:
            matched[station["id"]] = number
        cleaned.append(
            {
                "polling_station_id": station["id"] if station else None,
                "region_id": region_id,
                "region_text": region_text[:200],
                "tec_text": tec_text[:200],
                "number_text": number_text[:64],
                "row_number": number,
                "votes": votes,
                **figures,
            }
        )
    return cleaned
