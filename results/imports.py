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
from dataclasses import dataclass, field

from django.db import connection, transaction

from missions.models import Mission, PollingStation, Region
from missions.spreadsheets import ImportReport, RowError, SpreadsheetError, normalise_header, read_rows

from .choices import RESULT_LINES, ResultsStage
from .models import ResultsSettings, ResultsVersion, StationResult

IDENTITY_FIELDS = (("region", "Region"), ("tec", "TEC (optional)"), ("number", "Station number"))
REQUIRED_FIELDS = ("region", "number")
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


def mapping_fields(candidates: list[str]) -> list[tuple[str, str]]:
    """(field, label) of every column a results file can be mapped to, for a mission's candidates."""
    return [
        *IDENTITY_FIELDS,
        *RESULT_LINES,
        *((f"candidate_{index}", f"Votes for {name}") for index, name in enumerate(candidates, start=1)),
    ]


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

    def summary(self) -> str:
        if self.errors:
            return f"Nothing imported: {len(self.errors)} error(s)."
        unknown = f", {self.unknown_stations} for stations not in the station list" if self.unknown_stations else ""
        return f"{self.version}: {self.created} station results imported{unknown}."


def mapping_resolve(*, mission: Mission, headers: list[str], given: dict | None) -> dict[str, str]:
    """The column of each field: what the coordinator gave, else the mission's saved mapping, else a known header."""
    saved = ResultsSettings.objects.filter(mission=mission).values_list("column_mapping", flat=True).first() or {}
    present = set(headers)
    mapping: dict[str, str] = {}
    for name, _label in mapping_fields(list(mission.candidates or [])):
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

    def find(self, region_text: str, number_text: str, tec_text: str) -> tuple[int | None, dict | None, str]:
        """(region id, station row, problem): no station is not a problem (a finding), two that fit is."""
        region_id = self.regions.get(name_key(region_text))
        if region_id is None:
            return None, None, ""
        candidates = self.by_key.get((region_id, station_key(number_text)), [])
        if len(candidates) > 1 and tec_text:
            wanted = name_key(tec_text)
            candidates = [c for c in candidates if wanted in (name_key(c["tec__code"]), name_key(c["tec__name"]))]
        if len(candidates) > 1:
            return region_id, None, "several stations in this region have this number; map the TEC column too"
        return region_id, (candidates[0] if candidates else None), ""


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
) -> ResultsImportReport:
    """Check every row of an official results file; write nothing if any is bad, else add it as a new version."""
    report = ResultsImportReport()
    candidates = list(mission.candidates or [])
    try:
        headers, rows = read_rows(upload, filename=filename)
        report.headers = [header for header in headers if header]
        report.mapping = mapping_resolve(mission=mission, headers=report.headers, given=mapping)
        _check_mapping(report, candidates)
        if report.errors:
            return report
        cleaned = _read(report, rows, mission, candidates)
    except SpreadsheetError as exc:
        report.errors.append(RowError(0, "", str(exc)))
        return report
    if not cleaned and not report.errors:
        report.errors.append(RowError(0, "", "The file has no data rows."))
    if report.errors:
        return report
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
            label=label,
            published_on=published_on,
            filename=(filename or getattr(upload, "name", "") or "")[:255],
            column_mapping=report.mapping,
            candidates=candidates,
            rows=len(cleaned),
            imported_by=user if user is not None and user.is_authenticated else None,
        )
        _insert(version, cleaned)
        settings.column_mapping = report.mapping
        settings.save(update_fields=["column_mapping", "updated_at"])
    report.version = version
    report.created = len(cleaned)
    report.unknown_stations = sum(1 for item in cleaned if item["polling_station_id"] is None)
    return report


INSERT_COLUMNS = (
    "polling_station_id", "region_id", "region_text", "tec_text", "number_text", "row_number",
    *(name for name, _label in RESULT_LINES),
)  # fmt: skip


def _insert(version: ResultsVersion, cleaned: list[dict]) -> None:
    """Write the rows with one parameterised INSERT run over each batch: the ORM's per-object work (model instances,
    field preparation) costs several times what the database does for 10,000 rows."""
    table = StationResult._meta.db_table
    votes = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    columns = ", ".join(("version_id", *INSERT_COLUMNS, "votes"))
    values = ", ".join(["%s"] * (1 + len(INSERT_COLUMNS)) + [votes])
    statement = f"INSERT INTO {table} ({columns}) VALUES ({values})"  # noqa: S608 -- names from the model, values bound
    with connection.cursor() as cursor:
        for start in range(0, len(cleaned), 2000):
            cursor.executemany(
                statement,
                [
                    (version.pk, *(item[name] for name in INSERT_COLUMNS), json.dumps(item["votes"]))
                    for item in cleaned[start : start + 2000]
                ],
            )


def _check_mapping(report: ResultsImportReport, candidates: list[str]) -> None:
    labels = dict(mapping_fields(candidates))
    present = set(report.headers)
    for name in REQUIRED_FIELDS:
        if name not in report.mapping:
            report.errors.append(RowError(0, name, f"choose the column that holds the {labels[name].lower()}"))
    for name, header in report.mapping.items():
        if header not in present:
            report.errors.append(
                RowError(0, name, f"the file has no column '{header}'; its columns are: {', '.join(report.headers)}")
            )
    used: dict[str, str] = {}
    for name, header in report.mapping.items():
        if header in used:
            report.errors.append(RowError(0, name, f"column '{header}' is already mapped to {labels[used[header]]}"))
        used.setdefault(header, name)
    if not set(report.mapping) - {field for field, _label in IDENTITY_FIELDS}:
        report.errors.append(RowError(0, "", "map at least one protocol line or candidate column"))


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
            errors.append(RowError(number, mapping["region"], "the region is missing"))
        if not number_text:
            errors.append(RowError(number, mapping["number"], "the station number is missing"))
        figures: dict[str, int | None] = {}
        for name, _label in RESULT_LINES:
            if name not in mapping:
                figures[name] = None
                continue
            text = row.get(mapping[name], "")
            try:
                figures[name] = _figure(text)
            except ValueError:
                errors.append(RowError(number, mapping[name], f"'{text}' is not a whole number of ballots or voters"))
        votes: list[int | None] = []
        for index in range(1, len(candidates) + 1):
            column = mapping.get(f"candidate_{index}")
            text = row.get(column, "") if column else ""
            try:
                votes.append(_figure(text))
            except ValueError:
                errors.append(RowError(number, column, f"'{text}' is not a whole number of votes"))
                votes.append(None)
        if not errors:
            identity = (name_key(region_text), name_key(tec_text), station_key(number_text))
            region_id, station, problem = stations.find(region_text, number_text, tec_text)
            if identity in seen:
                problem = f"station {number_text} of {region_text} is also on row {seen[identity]}"
            elif station is not None and station["id"] in matched:
                problem = f"the same station as row {matched[station['id']]}"
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
