"""What a report run takes from official results: one call, a JSON-safe section, and the rows of its sheets.

Reports call `official_results_section` while compiling and store what it returns in the run's frozen result (the
run's embargo and permissions then cover it like every other finding); `official_results_sheets` turns that stored
section into the rows of the XLSX sheets and CSV files of the run's exports.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _

from jobs.notices import notice, notice_text

from .analysis import OUTLIER_MIN_STATIONS, OUTLIER_Z
from .choices import FindingKind, ResultsLevel
from .exports import SUMMARY_COLUMNS, finding_rows, summary_header
from .models import ResultsVersion
from .selectors import results_crosscheck


def method_notice() -> dict:
    """How the checks work, as a notice the section keeps (written out in the reader's language)."""
    return notice("results.method", z=f"{OUTLIER_Z:g}", min=OUTLIER_MIN_STATIONS)


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
            "label": version.label_notice(),
            "published_on": version.published_on.isoformat() if version.published_on else None,
            "imported_at": version.imported_at.isoformat(),
            "rows": version.rows,
        },
        "region": region.name if region is not None else None,
        "summary": summary,
        "regions": regions,
        "kinds": kinds,
        "findings": findings,
        "method": method_notice(),
    }


def official_results_sheets(section: dict) -> Iterator[tuple[str, list[list]]]:
    """(sheet title, rows) for a report's exports, worded in the active language: the cross-check summary by region,
    then every finding (their texts, the version's name and the method are notices, written out here; a section
    kept before they were holds English sentences, shown as they are)."""
    summary = [summary_header()]
    if not section.get("region"):
        summary.append([_("All regions"), *(section["summary"].get(key, 0) for key, _label in SUMMARY_COLUMNS)])
    summary += [[row["name"], *(row[key] for key, _label in SUMMARY_COLUMNS)] for row in section["regions"]]
    summary += [[], [_("Finding"), _("Count")], *([str(FindingKind(k).label), n] for k, n in section["kinds"].items())]
    summary += [[], [notice_text(section["version"]["label"])], [notice_text(section["method"])]]
    yield _("Official results"), summary
    yield _("Official results findings"), list(finding_rows(section["findings"]))
    if section.get("tec"):
        yield _("Official TEC results findings"), list(finding_rows(section["tec"]["findings"]))
