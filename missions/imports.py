"""Import polling-station lists (CSV or XLSX) as an election commission publishes them: all rows or none.

A station is identified by its commission chain: region + number, and the TEC too where the mission's numbers
restart per TEC. Re-importing a list updates the stations it identifies; stations missing from the file, and fields
it has no column for, are left as they are. Urban/rural, registered voters and coordinates are optional (blank: not
known).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from access import Actor, can_import_stations, require

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


def parse_column_mapping(lines: Iterable[str]) -> tuple[dict[str, str], list[str]]:
    """`field=Header in the file` lines (blank lines ignored) as {field: normalised header}, and what was wrong."""
    mapping: dict[str, str] = {}
    errors: list[str] = []
    for line in lines:
        line = line.strip()
        if not line:
            continue
        field_name, sep, header = line.partition("=")
        field_name, header = field_name.strip().lower(), header.strip()
        if not sep or not header:
            errors.append(f"'{line}' is not of the form field=Header in the file")
        elif field_name not in COLUMN_ALIASES:
            fields = ", ".join(COLUMN_ALIASES)
            errors.append(f"'{field_name}' is not a field of a station list; the fields are {fields}")
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
) -> ImportReport:
    """Check every row of a station list; write nothing if any is bad, else create or update stations by identity.

    ``create_geography`` creates the regions and TECs the file names that the mission does not have yet (otherwise
    each is an error); ``columns`` maps a field to the file's own header where it differs ({"number": "Номер УИК"}).
    Only an actor who may import the mission's stations may (PermissionDenied otherwise; a command passes
    ``access.system_actor``).
    """
    require(can_import_stations(actor, mission), _("Only the mission's coordinators import its polling stations."))
    report = ImportReport()
    columns = {name: normalise_header(header) for name, header in (columns or {}).items()}
    unknown = sorted(set(columns) - set(COLUMN_ALIASES))
    if unknown:
        report.errors.append(RowError(0, "", f"Unknown field(s) in the column mapping: {', '.join(unknown)}."))
        return report
    try:
        headers, rows = read_rows(upload, filename=filename)
        sources = _column_sources(headers, columns, report)
        if report.errors:
            return report
        cleaned = _check_rows(rows, sources, report)
    except SpreadsheetError as exc:
        report.errors.append(RowError(0, "", str(exc)))
        return report
    if not cleaned and not report.errors:
        report.errors.append(RowError(0, "", "The file has no data rows."))
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
                        f"'{row.region}' is not a region of this mission (add it, or import "
                        "with regions and TECs created from the file)",
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
                        f"TEC '{row.tec_code or row.tec_name}' is not in {region.name} (add it, "
                        "or import with regions and TECs created from the file)",
                    )
                )
                continue
            tec = geography.create_tec(region, row)
        identity = (_key(region.name), row.tec_key if per_tec else "", row.number)
        if identity in seen:
            where = f"{region.name}, TEC {tec.code}" if per_tec else region.name
            report.errors.append(
                RowError(
                    row.line,
                    "number",
                    f"No. {row.number} of {where} appears twice in the file (also row {seen[identity]})",
                )
            )
            continue
        seen[identity] = row.line
        placed.append((row, region, tec))
    if report.errors:
        return report
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
                shown = ", ".join(h for h in headers if h) or "none"
                report.errors.append(
                    RowError(0, name, f"the mapped column '{columns[name]}' is not in the file (its columns: {shown})")
                )
            sources[name] = (columns[name],)
        else:
            sources[name] = tuple(alias for alias in aliases if alias in present)
    for name, message in (("number", "the station number"), ("region", "the region")):
        if not sources[name]:
            report.errors.append(RowError(0, name, f"no column for {message}: map one, e.g. {name}=Header"))
    if not sources["tec_code"] and not sources["tec_name"]:
        report.errors.append(RowError(0, "tec", "no column for the TEC: map tec_code=Header or tec_name=Header"))
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

        def bad(column, message, line=line, errors=errors):
            errors.append(RowError(line, column, message))

        number = get(row, "number").lstrip("№").strip()
        if not number:
            bad("number", "the station number is missing")
        elif len(number) > 32:
            bad("number", "longer than 32 characters")
        region = " ".join(get(row, "region").split())
        if not region:
            bad("region", "the region is missing")
        tec_code = " ".join(get(row, "tec_code").split())
        tec_name = " ".join(get(row, "tec_name").split())
        if sources["tec_code"] == sources["tec_name"]:
            tec_name = ""  # one column ("tec") read as both: it is the code
        if not tec_code and not tec_name:
            bad("tec", "the TEC is missing")
        elif len(tec_code) > CODE_LENGTH:
            bad("tec_code", f"longer than {CODE_LENGTH} characters")
        area_text = get(row, "area_type").lower()
        area_type = AREA_WORDS.get(area_text)
        if area_type is None:
            bad("area_type", f"'{area_text}' is not urban or rural (leave it blank if not known)")
        voters_text = get(row, "registered_voters")
        voters = None
        if voters_text:
            try:
                voters = int(voters_text.replace(" ", "").replace("\u00a0", ""))
                if voters < 0:
                    raise ValueError
            except ValueError:
                bad("registered_voters", f"'{voters_text}' is not a whole number of voters")
        special = get(row, "special_type").lower()
        if special not in SpecialStationType.values:
            bad("special_type", f"'{special}' is not one of {', '.join(v for v in SpecialStationType.values if v)}")
        coordinates = {}
        for column, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
            text = get(row, column)
            try:
                coordinates[column] = _decimal(text, low, high)
            except (InvalidOperation, ValueError):
                bad(column, f"'{text}' is not a {column} between {low} and {high}")
        name, address = get(row, "name"), get(row, "address")
        limits = (("name", name, 200), ("address", address, 300), ("region", region, 120), ("tec_name", tec_name, 160))
        for column, value, limit in limits:
            if len(value) > limit:
                bad(column, f"longer than {limit} characters")
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
            f"{len(geography.new_regions)} region(s) and {len(geography.new_tecs)} TEC(s) created from the file"
        )
