"""Import polling-station lists (CSV or XLSX) as an election commission publishes them: all rows or none.

A station is identified by its commission chain: region + number, and the TEC too where the mission's numbers
restart per TEC. Re-importing a list updates the stations it identifies; stations missing from the file, and fields
it has no column for, are left as they are. Urban/rural, registered voters and coordinates are optional (blank: not
known).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from access import Actor, can_import_stations, require
from jobs.notices import notice

from .choices import AreaType, SpecialStationType, StationNumbering
from .models import Mission, PollingStation, Region, Tec
from .spreadsheets import ImportReport, RowError, SpreadsheetError, normalise_header, read_rows

# Each field of the list and the headers accepted for it without a mapping (normalised: lower case, underscores).
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "number": ("number", "station_number", "ps_number", "precinct", "polling_station", "pec_number"),
    "region": ("region", "oblast", "region_name", "region_code"),
    "tec_code": ("tec_code", "tec", "district_code"),
    "tec_name": ("tec_name", "district", "tec"),
    "name": ("name", "station_name"),
    "address": ("address",),
    "area_type": ("area_type", "urban_rural", "type", "area"),
    "registered_voters": ("registered_voters", "voters", "electorate"),
    "special_type": ("special_type", "special"),
    "latitude": ("latitude", "lat"),
    "longitude": ("longitude", "lon"),
}
AREA_WORDS = {
    "": "",
    "unknown": "",
    "urban": AreaType.URBAN,
    "u": AreaType.URBAN,
    "город": AreaType.URBAN,
    "городской": AreaType.URBAN,
    "городская": AreaType.URBAN,
    "rural": AreaType.RURAL,
    "r": AreaType.RURAL,
    "село": AreaType.RURAL,
    "сельский": AreaType.RURAL,
    "сельская": AreaType.RURAL,
}
STATION_FIELDS = ("name", "address", "area_type", "registered_voters", "special_type", "latitude", "longitude")
CODE_LENGTH = 32


def parse_column_mapping(lines: Iterable[str]) -> tuple[dict[str, str], list[dict]]:
    """`field=Header in the file` lines (blank lines ignored) as {field: normalised header}, and what was wrong
    (notices, jobs.notices.notice_text writes them out)."""
    mapping: dict[str, str] = {}
    errors: list[dict] = []
    for line in lines:
        line = line.strip()
        if not line:
            continue
        field_name, sep, header = line.partition("=")
        field_name, header = field_name.strip().lower(), header.strip()
        if not sep or not header:
            errors.append(notice("missions.mapping_bad_line", line=line))
        elif field_name not in COLUMN_ALIASES:
            errors.append(notice("missions.mapping_not_a_field", field=field_name, fields=list(COLUMN_ALIASES)))
        else:
            mapping[field_name] = normalise_header(header)
    return mapping, errors


def _decimal(value: str, low: int, high: int) -> Decimal | None:
    if not value:
        return None
    number = Decimal(value.replace(",", "."))
    if not (low <= number <= high):
        raise InvalidOperation
    return number.quantize(Decimal("0.000001"))


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass
class _Row:
    """A checked row of the file."""

    line: int
    number: str
    region: str
    tec_code: str
    tec_name: str
    values: dict = field(default_factory=dict)

    @property
    def tec_key(self) -> str:
        return f"code:{_key(self.tec_code)}" if self.tec_code else f"name:{_key(self.tec_name)}"


class _Geography:
    """The mission's regions and TECs indexed by how a list names them (code or name, ignoring case)."""

    def __init__(self, mission: Mission):
        self.mission = mission
        self.regions: dict[str, Region] = {}
        self.region_codes: set[str] = set()
        for region in Region.objects.filter(mission=mission):
            self._add_region(region)
        self.tecs: dict[tuple[str, str], Tec] = {}
        self.tec_codes: set[tuple[int, str]] = set()
        self.tecs_by_region_id: dict[int, list[Tec]] = {}
        for tec in Tec.objects.filter(mission=mission):
            self.tecs_by_region_id.setdefault(tec.region_id, []).append(tec)
        self.new_regions: list[Region] = []
        self.new_tecs: list[Tec] = []

    def _add_region(self, region: Region) -> None:
        self.regions.setdefault(_key(region.name), region)
        self.regions.setdefault(_key(region.code), region)
        self.region_codes.add(_key(region.code))

    def region(self, text: str) -> Region | None:
        return self.regions.get(_key(text))

    def tec(self, region: Region, row: _Row) -> Tec | None:
        for tec in self.tecs_by_region_id.get(region.pk, []) if region.pk else []:
            if (row.tec_code and _key(tec.code) == _key(row.tec_code)) or (
                not row.tec_code and _key(tec.name) == _key(row.tec_name)
            ):
                return tec
        return self.tecs.get((_key(region.name), row.tec_key))

    def create_region(self, text: str) -> Region:
        code = _unique_code(text, self.region_codes)
        region = Region(mission=self.mission, code=code, name=text[:120])
        self._add_region(region)
        self.new_regions.append(region)
        return region

    def create_tec(self, region: Region, row: _Row) -> Tec:
        taken = {_key(tec.code) for tec in self.tecs_by_region_id.get(region.pk, [])} if region.pk else set()
        taken |= {_key(tec.code) for (region_key, _), tec in self.tecs.items() if region_key == _key(region.name)}
        code = _unique_code(row.tec_code or row.tec_name, taken)
        tec = Tec(mission=self.mission, region=region, code=code, name=row.tec_name or row.tec_code)
        self.tecs[(_key(region.name), row.tec_key)] = tec
        self.new_tecs.append(tec)
        return tec


def _unique_code(text: str, taken: set[str]) -> str:
    """A code for a unit the file names but does not code: its name, shortened and numbered if already taken."""
    base = " ".join(text.split())[:CODE_LENGTH]
    code, counter = base, 2
    while _key(code) in taken:
        suffix = f"-{counter}"
        code = base[: CODE_LENGTH - len(suffix)] + suffix
        counter += 1
    taken.add(_key(code))
    return code


def stations_import(
    *,
    actor: Actor,
    mission: Mission,
    upload,
    filename: str | None = None,
    create_geography: bool = False,
    columns: dict[str, str] | None = None,
    progress: Callable[[float], None] | None = None,
) -> ImportReport:
    """Check every row of a station list; write nothing if any is bad, else create or update stations by identity.

    ``create_geography`` creates the regions and TECs the file names that the mission does not have yet (otherwise
    each is an error); ``columns`` maps a field to the file's own header where it differs ({"number": "Номер УИК"}).
    Only an actor who may import the mission's stations may (PermissionDenied otherwise; a command passes
    ``access.system_actor``). ``progress(percent)`` is told when every row is checked (a background job's).
    """
    require(can_import_stations(actor, mission), _("Only the mission's coordinators import its polling stations."))
    report = ImportReport()
    columns = {name: normalise_header(header) for name, header in (columns or {}).items()}
    unknown = sorted(set(columns) - set(COLUMN_ALIASES))
    if unknown:
        report.errors.append(RowError(0, "", notice("missions.mapping_unknown_fields", fields=unknown)))
        return report
    try:
        headers, rows = read_rows(upload, filename=filename)
        sources = _column_sources(headers, columns, report)
        if report.errors:
            return report
        cleaned = _check_rows(rows, sources, report)
    except SpreadsheetError as exc:
        report.errors.append(RowError(0, "", exc.notice))
        return report
    if not cleaned and not report.errors:
        report.errors.append(RowError(0, "", notice("missions.no_data_rows")))
    if report.errors:
        return report
    geography = _Geography(mission)
    per_tec = mission.station_numbering == StationNumbering.TEC
    seen: dict[tuple, int] = {}
    placed: list[tuple[_Row, Region, Tec]] = []
    for row in cleaned:
        region = geography.region(row.region)
        if region is None:
            if not create_geography:
                report.errors.append(
                    RowError(
                        row.line,
                        "region",
                        notice("missions.region_unknown", region=row.region),
                    )
                )
                continue
            region = geography.create_region(row.region)
        tec = geography.tec(region, row)
        if tec is None:
            if not create_geography:
                report.errors.append(
                    RowError(
                        row.line,
                        "tec",
                        notice("missions.tec_unknown", tec=row.tec_code or row.tec_name, region=region.name),
                    )
                )
                continue
            tec = geography.create_tec(region, row)
        identity = (_key(region.name), row.tec_key if per_tec else "", row.number)
        if identity in seen:
            figures = {"number": row.number, "region": region.name, "other": seen[identity]}
            twice = (
                notice("missions.station_twice_tec", tec=tec.code, **figures)
                if per_tec
                else notice("missions.station_twice", **figures)
            )
            report.errors.append(RowError(row.line, "number", twice))
            continue
        seen[identity] = row.line
        placed.append((row, region, tec))
    if report.errors:
        return report
    if progress is not None:
        progress(60)
    with transaction.atomic():
        # A re-import leaves alone what its file has no column for (urban/rural the mission added, say).
        given = tuple(name for name in STATION_FIELDS if sources[name])
        _write(mission, geography, placed, per_tec, given, report)
    return report


def _column_sources(headers: list[str], columns: dict[str, str], report: ImportReport) -> dict[str, tuple[str, ...]]:
    """For each field, the file's headers to read it from; a file without a required field is one error."""
    present = set(headers)
    sources: dict[str, tuple[str, ...]] = {}
    for name, aliases in COLUMN_ALIASES.items():
        if name in columns:
            if columns[name] not in present:
                shown = [h for h in headers if h]
                report.errors.append(
                    RowError(0, name, notice("missions.mapped_column_absent", header=columns[name], headers=shown))
                )
            sources[name] = (columns[name],)
        else:
            sources[name] = tuple(alias for alias in aliases if alias in present)
    for name in ("number", "region"):
        if not sources[name]:
            report.errors.append(RowError(0, name, notice(f"missions.no_{name}_column")))
    if not sources["tec_code"] and not sources["tec_name"]:
        report.errors.append(RowError(0, "tec", notice("missions.no_tec_column")))
    return sources


def _check_rows(rows, sources: dict[str, tuple[str, ...]], report: ImportReport) -> list[_Row]:
    cleaned: list[_Row] = []

    def get(row: dict[str, str], name: str) -> str:
        for header in sources[name]:
            value = row.get(header, "")
            if value:
                return value
        return ""

    for line, row in rows:
        errors: list[RowError] = []

        def bad(column, code, line=line, errors=errors, **figures):
            errors.append(RowError(line, column, notice(f"missions.{code}", **figures)))

        number = get(row, "number").lstrip("№").strip()
        if not number:
            bad("number", "number_missing")
        elif len(number) > 32:
            bad("number", "too_long", limit=32)
        region = " ".join(get(row, "region").split())
        if not region:
            bad("region", "region_missing")
        tec_code = " ".join(get(row, "tec_code").split())
        tec_name = " ".join(get(row, "tec_name").split())
        if sources["tec_code"] == sources["tec_name"]:
            tec_name = ""  # one column ("tec") read as both: it is the code
        if not tec_code and not tec_name:
            bad("tec", "tec_missing")
        elif len(tec_code) > CODE_LENGTH:
            bad("tec_code", "too_long", limit=CODE_LENGTH)
        area_text = get(row, "area_type").lower()
        area_type = AREA_WORDS.get(area_text)
        if area_type is None:
            bad("area_type", "not_urban_or_rural", value=area_text)
        voters_text = get(row, "registered_voters")
        voters = None
        if voters_text:
            try:
                voters = int(voters_text.replace(" ", "").replace("\u00a0", ""))
                if voters < 0:
                    raise ValueError
            except ValueError:
                bad("registered_voters", "not_voters", value=voters_text)
        special = get(row, "special_type").lower()
        if special not in SpecialStationType.values:
            bad("special_type", "not_special_type", value=special, values=[v for v in SpecialStationType.values if v])
        coordinates = {}
        for column, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
            text = get(row, column)
            try:
                coordinates[column] = _decimal(text, low, high)
            except (InvalidOperation, ValueError):
                bad(column, f"not_{column}", value=text, low=low, high=high)
        name, address = get(row, "name"), get(row, "address")
        limits = (("name", name, 200), ("address", address, 300), ("region", region, 120), ("tec_name", tec_name, 160))
        for column, value, limit in limits:
            if len(value) > limit:
                bad(column, "too_long", limit=limit)
        if errors:
            report.errors.extend(errors)
            continue
        cleaned.append(
            _Row(
                line=line,
                number=number,
                region=region,
                tec_code=tec_code,
                tec_name=tec_name,
                values={
                    "name": name,
                    "address": address,
                    "area_type": area_type,
                    "registered_voters": voters,
                    "special_type": special,
                    **coordinates,
                },
            )
        )
    return cleaned


def _write(mission: Mission, geography: _Geography, placed, per_tec: bool, given: tuple, report: ImportReport) -> None:
    """Write the new regions and TECs, then create and update the stations, in a few bulk statements."""
    # bulk_create sets the new regions' keys, and then fills each new TEC's region_id from its region.
    Region.objects.bulk_create(geography.new_regions)
    Tec.objects.bulk_create(geography.new_tecs)
    existing: dict[tuple, PollingStation] = {}
    for station in PollingStation.objects.filter(mission=mission).only(
        "id", "region_id", "tec_id", "number", *STATION_FIELDS
    ):
        existing.setdefault((station.region_id, station.tec_id if per_tec else None, station.number), station)
    new, changed = [], []
    for row, region, tec in placed:
        station = existing.get((region.pk, tec.pk if per_tec else None, row.number))
        if station is None:
            new.append(PollingStation(mission=mission, region=region, tec=tec, number=row.number, **row.values))
            continue
        values = {**{name: row.values[name] for name in given}, "tec_id": tec.pk}
        dirty = False
        for name, value in values.items():
            if getattr(station, name) != value:
                setattr(station, name, value)
                dirty = True
        if dirty:
            changed.append(station)
        else:
            report.unchanged += 1
    PollingStation.objects.bulk_create(new, batch_size=2000)
    if changed:
        PollingStation.objects.bulk_update(changed, [*given, "tec"], batch_size=1000)
    report.created, report.updated = len(new), len(changed)
    if geography.new_regions or geography.new_tecs:
        report.notes.append(
            notice("missions.geography_created", regions=len(geography.new_regions), tecs=len(geography.new_tecs))
        )
