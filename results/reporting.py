"""What a report run takes from official results: one call, a JSON-safe section, and the rows of its sheets.

Reports call `official_results_section` while compiling and store what it returns in the run's frozen result (the
run's embargo and permissions then cover it like every other finding); `official_results_sheets` turns that stored
section into the rows of the XLSX sheets and CSV files of the run's exports.
"""

from __future__ import annotations

from collections.abc import Iterator

from .analysis import OUTLIER_MIN_STATIONS, OUTLIER_Z
from .choices import FindingKind, ResultsLevel
from .exports import FINDING_COLUMNS, SUMMARY_COLUMNS
from .models import ResultsVersion
from .selectors import results_crosscheck

METHOD = (
    "Official figures are checked alone (protocol arithmetic; turnout, ballots issued / registered voters, above "
    "100 % or the mission's threshold; turnout outliers within each TEC by a robust z-score on median and MAD, "
    f"|z| > {OUTLIER_Z:g}, TECs of at least {OUTLIER_MIN_STATIONS} stations; stations unknown to the list or missing "
    "from the results) and compared line by line with every counting or tabulation form carrying protocol figures."
)


def official_results_section(*, mission, cutoff=None, region=None) -> dict | None:
    """The latest station-level version imported by the cut-off, its summary and findings, with the same for the
    latest version of TEC totals under "tec" (None when there is none); None when no station results are imported.
    """
    versions = ResultsVersion.objects.filter(mission=mission).select_related("mission").order_by("-number")
    if cutoff is not None:
        versions = versions.filter(imported_at__lte=cutoff)
    version = versions.filter(level=ResultsLevel.STATION).first()
    if version is None:
        return None
    section = _section(version, cutoff=cutoff, region=region)
    tec_version = versions.filter(level=ResultsLevel.TEC).first()
    section["tec"] = _section(tec_version, cutoff=cutoff, region=region) if tec_version is not None else None
    return section


def _section(version: ResultsVersion, *, cutoff, region) -> dict:
    check = results_crosscheck(version=version, cutoff=cutoff)
    findings, regions, summary = check.findings, check.regions, check.summary
    if region is not None:
        findings = [finding for finding in findings if finding["region_id"] == region.pk]
        regions = [row for row in regions if row["id"] == region.pk]
        summary = {key: regions[0][key] for key in summary} if regions else dict.fromkeys(summary, 0)
    kinds = dict.fromkeys(FindingKind.values, 0)
    for finding in findings:
        kinds[finding["kind"]] += 1
    return {
        "version": {
            "number": version.number,
            "level": version.level,
            "stage": version.stage,
            "label": str(version),
            "published_on": version.published_on.isoformat() if version.published_on else None,
            "imported_at": version.imported_at.isoformat(),
            "rows": version.rows,
        },
        "region": region.name if region is not None else None,
        "summary": summary,
        "regions": regions,
        "kinds": kinds,
        "findings": findings,
        "method": METHOD,
    }


def official_results_sheets(section: dict) -> Iterator[tuple[str, list[list]]]:
    """(sheet title, rows) for a report's exports: the cross-check summary by region, then every finding."""
    summary = [["Region", *(label for _key, label in SUMMARY_COLUMNS)]]
    if not section.get("region"):
        summary.append(["All regions", *(section["summary"].get(key, 0) for key, _label in SUMMARY_COLUMNS)])
    summary += [[row["name"], *(row[key] for key, _label in SUMMARY_COLUMNS)] for row in section["regions"]]
    summary += [[], ["Finding", "Count"], *([str(FindingKind(k).label), n] for k, n in section["kinds"].items())]
    summary += [[], [section["version"]["label"]], [section["method"]]]
    yield "Official results", summary
    findings = [[label for _key, label in FINDING_COLUMNS]]
    findings += [[f[key] if f[key] is not None else "" for key, _label in FINDING_COLUMNS] for f in section["findings"]]
    yield "Official results findings", findings
    if section.get("tec"):
        tec = section["tec"]
        rows = [[label for _key, label in FINDING_COLUMNS]]
        rows += [[f[key] if f[key] is not None else "" for key, _label in FINDING_COLUMNS] for f in tec["findings"]]
        yield "Official TEC results findings", rows
