"""Import polling-station lists (CSV or XLSX, as the election commission publishes them): all rows or none."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction

from .choices import AreaType, SpecialStationType
from .models import Mission, PollingStation, Region, Tec
from .spreadsheets import ImportReport, RowError, SpreadsheetError, pick, read_rows

AREA_WORDS = {
    "urban": AreaType.URBAN,
    "u": AreaType.URBAN,
    "город": AreaType.URBAN,
    "городской": AreaType.URBAN,
    "rural": AreaType.RURAL,
    "r": AreaType.RURAL,
    "село": AreaType.RURAL,
    "сельский": AreaType.RURAL,
}
STATION_FIELDS = ("name", "address", "area_type", "registered_voters", "special_type", "latitude", "longitude")


def _decimal(value: str, low: int, high: int) -> Decimal | None:
    if not value:
        return None
    number = Decimal(value.replace(",", "."))
    if not (low <= number <= high):
        raise InvalidOperation
    return number.quantize(Decimal("0.000001"))


def stations_import(*, mission: Mission, upload, filename: str | None = None) -> ImportReport:
    """Check every row of a station list; write nothing if any is bad, else create or update by station number."""
    report = ImportReport()
    cleaned = []
    seen: dict[str, int] = {}
    tec_regions: dict[str, tuple[str, int]] = {}
    try:
        _headers, rows = read_rows(upload, filename=filename)
        for number, row in rows:
            errors: list[RowError] = []

            def bad(column, message, number=number, errors=errors):
                errors.append(RowError(number, column, message))

            station_number = pick(row, "number", "station_number", "ps_number", "precinct", "polling_station")
            if not station_number:
                bad("number", "the station number is missing")
            elif station_number in seen:
                bad("number", f"station {station_number} appears twice in the file (also row {seen[station_number]})")
            region_name = pick(row, "region", "oblast", "region_name")
            if not region_name:
                bad("region", "the region is missing")
            tec_code = pick(row, "tec_code", "tec", "district_code")
            tec_name = pick(row, "tec_name", "district", "tec") or tec_code
            if not tec_code:
                bad("tec_code", "the TEC code is missing")
            elif tec_code in tec_regions and tec_regions[tec_code][0] != region_name:
                bad("tec_code", f"TEC {tec_code} is in {tec_regions[tec_code][0]} on row {tec_regions[tec_code][1]}")
            area_text = pick(row, "area_type", "urban_rural", "type", "area").lower()
            area_type = AREA_WORDS.get(area_text)
            if area_type is None:
                bad("area_type", f"'{area_text}' is not urban or rural")
            voters_text = pick(row, "registered_voters", "voters", "electorate") or "0"
            try:
                voters = int(voters_text.replace(" ", "").replace("\u00a0", ""))
                if voters < 0:
                    raise ValueError
            except ValueError:
                bad("registered_voters", f"'{voters_text}' is not a whole number of voters")
                voters = 0
            special = pick(row, "special_type", "special").lower()
            if special not in SpecialStationType.values:
                bad("special_type", f"'{special}' is not one of {', '.join(v for v in SpecialStationType.values if v)}")
            coordinates = {}
            for column, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
                text = pick(row, column, column[:3])
                try:
                    coordinates[column] = _decimal(text, low, high)
                except (InvalidOperation, ValueError):
                    bad(column, f"'{text}' is not a {column} between {low} and {high}")
            for column, value, limit in (
                ("name", pick(row, "name", "station_name"), 200),
                ("address", pick(row, "address"), 300),
            ):
                if len(value) > limit:
                    bad(column, f"longer than {limit} characters")
            if errors:
                report.errors.extend(errors)
                continue
            seen[station_number] = number
            tec_regions.setdefault(tec_code, (region_name, number))
            cleaned.append(
                {
                    "number": station_number,
                    "region": region_name,
                    "tec_code": tec_code,
                    "tec_name": tec_name,
                    "name": pick(row, "name", "station_name"),
                    "address": pick(row, "address"),
                    "area_type": area_type,
                    "registered_voters": voters,
                    "special_type": special,
                    **coordinates,
                }
            )
    except SpreadsheetError as exc:
        report.errors.append(RowError(0, "", str(exc)))
        return report
    if not cleaned and not report.errors:
        report.errors.append(RowError(0, "", "The file has no data rows."))
    if report.errors:
        return report
    # A TEC already known in another region is a conflict with the mission's geography, not just the file.
    known_tecs = {t.code: t for t in Tec.objects.filter(mission=mission).select_related("region")}
    for item in cleaned:
        tec = known_tecs.get(item["tec_code"])
        if tec is not None and item["region"] not in (tec.region.name, tec.region.code):
            report.errors.append(
                RowError(
                    tec_regions[item["tec_code"]][1], "tec_code", f"TEC {tec.code} already belongs to {tec.region.name}"
                )
            )
            tec_regions[item["tec_code"]] = (tec.region.name, 0)
    if report.errors:
        return report
    with transaction.atomic():
        _write_stations(mission, cleaned, known_tecs, report)
    return report


def _write_stations(mission, cleaned, known_tecs, report) -> None:
    regions = {r.name: r for r in Region.objects.filter(mission=mission)}
    regions.update({r.code: r for r in regions.values()})
    for item in cleaned:
        if item["region"] not in regions:
            code = item["region"][:32]
            region = Region.objects.create(mission=mission, code=code, name=item["region"])
            regions[region.name] = regions[region.code] = region
        if item["tec_code"] not in known_tecs:
            known_tecs[item["tec_code"]] = Tec.objects.create(
                mission=mission, region=regions[item["region"]], code=item["tec_code"], name=item["tec_name"]
            )
    existing = {
        s.number: s for s in PollingStation.objects.filter(mission=mission, number__in=[i["number"] for i in cleaned])
    }
    new, changed = [], []
    for item in cleaned:
        values = {name: item[name] for name in STATION_FIELDS}
        values["region"] = regions[item["region"]]
        values["tec"] = known_tecs[item["tec_code"]]
        station = existing.get(item["number"])
        if station is None:
            new.append(PollingStation(mission=mission, number=item["number"], **values))
            continue
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
        PollingStation.objects.bulk_update(changed, [*STATION_FIELDS, "region", "tec"], batch_size=2000)
    report.created, report.updated = len(new), len(changed)
