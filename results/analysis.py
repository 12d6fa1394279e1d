"""Checks on the official figures and the cross-check with observers' protocol copies: pure functions over rows.

Checks on the official figures alone, per station:
- protocol arithmetic: ballots received = issued + cancelled; valid = the sum of the candidates' votes; valid +
  invalid (the ballots found) <= issued. A line the file does not carry is not checked.
- turnout (ballots issued / registered voters) above 100 %, or else above the mission's threshold.
- turnout outliers in their TEC, by a robust z-score: z = 0.6745 (x - median) / MAD, where MAD is the median absolute
  deviation of the TEC's turnouts, and |z| > 3.5 is an outlier (Iglewicz and Hoaglin's rule). Median and MAD are
  used rather than mean and standard deviation because the stations being looked for would otherwise pull the mean
  towards themselves and widen the deviation that is meant to expose them: one station at 99 % in a TEC at 60 % moves
  a mean and inflates a standard deviation, but barely moves a median. A TEC with fewer than five stations with a
  turnout, or whose MAD is 0 (half its stations or more report the very same turnout), gives no outliers: its
  z-scores would say nothing.
- results for stations the station list does not know, and stations of the list missing from the results.

The cross-check compares, line by line, every observer form that carries protocol figures (a counting form's
protocol copy, or a tabulation entry tied to a station) with the official row of the same station. Observers record
the protocol in more detail than the CEC publishes it, so some official lines are sums of the form's figures:
registered voters = main + supplementary list; ballots issued = issued in the station + for mobile voting; ballots
cancelled = unused + spoiled. Each form is one observation; a station differs when any of its forms differs.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from checklists.choices import FormKind
from jobs.notices import notice, notice_text
from missions.figures import exact

from .choices import RESULT_LINES, FindingKind

OUTLIER_Z = 3.5
OUTLIER_MIN_STATIONS = 5
ROBUST_Z_FACTOR = 0.6745
# Official line -> (form figures added up to give it); a line is compared only when the first figure is answered.
OBSERVED_LINES = {
    "registered_voters": ("voters_main_list", "voters_supplementary"),
    "ballots_received": ("ballots_received",),
    "ballots_issued": ("ballots_issued", "ballots_issued_mobile"),
    "ballots_cancelled": ("ballots_unused", "ballots_spoiled"),
    "ballots_valid": ("ballots_valid",),
    "ballots_invalid": ("ballots_invalid",),
}


def turnout(row: dict) -> Fraction | None:
    """Ballots issued as a share of registered voters, in per cent, exactly (unrounded); None when not computable.

    Published turnouts are rounded from this exact fraction by the product's one rule (half up, one decimal).
    """
    if not row.get("registered_voters") or row.get("ballots_issued") is None:
        return None
    return Fraction(100 * int(row["ballots_issued"]), int(row["registered_voters"]))


def arithmetic_issues(row: dict) -> list[dict]:
    """The official protocol's arithmetic problems, each a notice with its figures (empty when it adds up)."""
    issues = []
    received, issued, cancelled = row.get("ballots_received"), row.get("ballots_issued"), row.get("ballots_cancelled")
    valid, invalid = row.get("ballots_valid"), row.get("ballots_invalid")
    if None not in (received, issued, cancelled) and received != issued + cancelled:
        issues.append(
            notice(
                "results.arithmetic_received",
                received=received,
                issued=issued,
                cancelled=cancelled,
                sum=issued + cancelled,
            )
        )
    votes = row.get("votes") or []
    if valid is not None and votes and None not in votes and sum(votes) != valid:
        issues.append(
            notice("results.arithmetic_valid", valid=valid, votes=" + ".join(map(str, votes)), sum=sum(votes))
        )
    if None not in (valid, invalid, issued) and valid + invalid > issued:
        issues.append(
            notice("results.arithmetic_found", valid=valid, invalid=invalid, found=valid + invalid, issued=issued)
        )
    return issues


def robust_z_scores(values: list[Fraction]) -> list[float] | None:
    """0.6745 (x - median) / MAD for each value; None when the group is too small or its MAD is 0."""
    if len(values) < OUTLIER_MIN_STATIONS:
        return None
    median = statistics.median(values)
    mad = statistics.median(abs(value - median) for value in values)
    if mad == 0:
        return None
    return [ROBUST_Z_FACTOR * (value - median) / mad for value in values]


def observed_line(figures: dict, line: str) -> int | None:
    """The form's figure for an official line (a sum where the form is more detailed), None when not answered."""
    if line.startswith("candidate_"):
        return figures.get(line)
    parts = OBSERVED_LINES[line]
    if figures.get(parts[0]) is None:
        return None
    return sum(figures.get(part) or 0 for part in parts)


def official_line(row: dict, line: str) -> int | None:
    if line.startswith("candidate_"):
        index = int(line.split("_")[1]) - 1
        votes = row.get("votes") or []
        return votes[index] if index < len(votes) else None
    return row.get(line)


@dataclass
class CrossCheck:
    """Findings on one version of the official results, and the summary counts of the cross-check."""

    findings: list[dict] = field(default_factory=list)
    summary: dict = field(default_factory=dict)
    regions: list[dict] = field(default_factory=list)
    kinds: dict = field(default_factory=dict)
    stations_in_results: int = 0
    stations_in_list: int = 0


def _finding(kind: str, station: dict, **extra) -> dict:
    """A finding as JSON-safe data (a report run keeps it): its line's label and its message are notices, written
    out in the reader's language by `finding_written`."""
    return {
        "kind": kind,
        "kind_label": str(FindingKind(kind).label),
        "region": station.get("region_name") or station.get("region_text") or "",
        "region_id": station.get("region_id"),
        "tec": station.get("tec_code") or station.get("tec_text") or "",
        "station": station.get("station_number") or station.get("number_text") or "",
        "station_id": station.get("station_id"),
        "line": "",
        "line_label": "",
        "official": None,
        "observed": None,
        "difference": None,
        "submission": "",
        "submission_id": None,
        "form_kind": "",
        "team": "",
        "message": "",
        **extra,
    }


def crosscheck(
    *,
    official: list[dict],
    missing: list[dict],
    forms: list[dict],
    regions: list[dict],
    candidates: list[str],
    threshold: float,
) -> CrossCheck:
    """Run every check on a version's rows and compare them with the observers' forms.

    official: rows with station_id (None if unknown), region_id, region_name, tec_id, tec_code, station_number and
    the text as written, the lines and votes. missing: stations of the list with no row. forms: observer forms with
    station_id, region_id, uuid, kind, team and `figures` (protocol field -> number). regions: id, name, code.
    """
    result = CrossCheck(stations_in_results=len(official), stations_in_list=len(missing))
    findings = result.findings
    by_tec: dict[int, list[tuple[Fraction, dict]]] = defaultdict(list)
    for row in official:
        for message in arithmetic_issues(row):
            findings.append(_finding(FindingKind.ARITHMETIC, row, message=message))
        share = turnout(row)
        if share is not None and share > 100:
            findings.append(
                _finding(
                    FindingKind.TURNOUT_OVER_100,
                    row,
                    official=exact(share),
                    message=notice("results.turnout_over_100", **_turnout_figures(row)),
                )
            )
        elif share is not None and share > Fraction(str(threshold)):
            findings.append(
                _finding(
                    FindingKind.TURNOUT_OVER_THRESHOLD,
                    row,
                    official=exact(share),
                    message=notice(
                        "results.turnout_over_threshold", threshold=f"{threshold:g}", **_turnout_figures(row)
                    ),
                )
            )
        if row.get("station_id") is None:
            findings.append(
                _finding(
                    FindingKind.UNKNOWN_STATION,
                    row,
                    message=notice(
                        "results.unknown_station",
                        row=row["row_number"],
                        number=row["number_text"],
                        region=row["region_text"],
                    ),
                )
            )
        elif share is not None and row.get("tec_id") is not None:
            by_tec[row["tec_id"]].append((share, row))
    for members in by_tec.values():
        scores = robust_z_scores([share for share, _row in members])
        if scores is None:
            continue
        median = statistics.median(share for share, _row in members)
        for score, (share, row) in zip(scores, members, strict=True):
            if abs(score) > OUTLIER_Z:
                findings.append(
                    _finding(
                        FindingKind.TURNOUT_OUTLIER,
                        row,
                        official=exact(share),
                        message=notice(
                            "results.turnout_outlier",
                            turnout=f"{exact(share):.1f}",
                            median=f"{exact(median):.1f}",
                            tec=row.get("tec_code"),
                            n=len(members),
                            z=f"{score:.1f}",
                        ),
                    )
                )
    result.stations_in_list += sum(1 for row in official if row.get("station_id") is not None)
    for station in missing:
        findings.append(_finding(FindingKind.MISSING_STATION, station, message=notice("results.missing_station")))
    _compare(result, official, forms, regions, candidates)
    counts: dict[str, int] = dict.fromkeys(FindingKind.values, 0)
    for finding in findings:
        counts[finding["kind"]] += 1
    result.kinds = counts
    return result


def _turnout_figures(row: dict) -> dict:
    return {
        "turnout": f"{exact(turnout(row)):.1f}",
        "issued": row["ballots_issued"],
        "voters": row["registered_voters"],
    }


def _lines(candidates) -> tuple[list[str], dict[str, dict]]:
    """The lines compared, and the notice of each one's label."""
    lines = [name for name, _label in RESULT_LINES] + [f"candidate_{i}" for i in range(1, len(candidates) + 1)]
    labels = {
        **{name: notice(f"results.line_{name}") for name, _label in RESULT_LINES},
        **{f"candidate_{i}": notice("results.votes_for", name=n) for i, n in enumerate(candidates, start=1)},
    }
    return lines, labels


def finding_written(finding: dict) -> dict:
    """A finding with its texts written out in the active language: the kind, the line, the message, and the form's
    kind (`form_label`). A finding kept from before its texts were notices has sentences; they are kept."""
    written = dict(finding)
    if finding.get("kind") in FindingKind.values:
        written["kind_label"] = str(FindingKind(finding["kind"]).label)
    written["line_label"] = notice_text(finding.get("line_label"))
    written["message"] = notice_text(finding.get("message"))
    form_kind = finding.get("form_kind") or ""
    written["form_label"] = str(FormKind(form_kind).label) if form_kind in FormKind.values else form_kind
    return written


def findings_written(findings: list[dict]) -> list[dict]:
    return [finding_written(finding) for finding in findings]


def tec_crosscheck(
    *, official: list[dict], stations: list[dict], forms: list[dict], regions: list[dict], candidates: list[str]
) -> CrossCheck:
    """Checks on TEC totals: their arithmetic; each line against the sum of the TEC's stations' official results
    (`stations`: rows of the latest station-level version, with tec_id); and the observers' tabulation forms tied to
    the TEC, line by line. A line is summed only when every station of the TEC has it."""
    result = CrossCheck(stations_in_results=len(official))
    lines, labels = _lines(candidates)
    by_tec: dict[int, list[dict]] = defaultdict(list)
    for row in stations:
        if row.get("tec_id") is not None:
            by_tec[row["tec_id"]].append(row)
    for row in official:
        for message in arithmetic_issues(row):
            result.findings.append(_finding(FindingKind.ARITHMETIC, row, message=message))
        members = by_tec.get(row["tec_id"], [])
        if not members:
            continue
        for line in lines:
            total, parts = official_line(row, line), [official_line(member, line) for member in members]
            if total is None or None in parts or total == sum(parts):
                continue
            result.findings.append(
                _finding(
                    FindingKind.TEC_TOTAL_DIFFERS,
                    row,
                    line=line,
                    line_label=labels[line],
                    official=total,
                    difference=total - sum(parts),
                    message=notice(
                        "results.tec_total_differs",
                        line=labels[line],
                        total=total,
                        n=len(members),
                        sum=sum(parts),
                        difference=f"{total - sum(parts):+d}",
                    ),
                )
            )
    _compare(result, official, forms, regions, candidates, key="tec_id")
    result.kinds = dict.fromkeys(FindingKind.values, 0)
    for finding in result.findings:
        result.kinds[finding["kind"]] += 1
    return result


def _compare(
    result: CrossCheck, official: list[dict], forms: list[dict], regions: list[dict], candidates, key="station_id"
) -> None:
    lines, labels = _lines(candidates)
    by_station = {row[key]: row for row in official if row.get(key) is not None}
    states: dict[int, str] = {}
    station_region: dict[int, int | None] = {}
    for form in forms:
        station_id = form[key]
        station_region[station_id] = form["region_id"]
        row = by_station.get(station_id)
        if row is None:
            states.setdefault(station_id, "not_published")
            continue
        compared = 0
        differs = False
        for line in lines:
            seen, published = observed_line(form["figures"], line), official_line(row, line)
            if seen is None or published is None:
                continue
            compared += 1
            if seen != published:
                differs = True
                result.findings.append(
                    _finding(
                        FindingKind.DIFFERS_FROM_OBSERVERS,
                        row,
                        line=line,
                        line_label=labels[line],
                        official=published,
                        observed=seen,
                        difference=published - seen,
                        submission=str(form["uuid"]),
                        submission_id=form["submission_id"],
                        form_kind=form["kind"],
                        team=form.get("team") or "",
                        message=notice(
                            "results.differs",
                            line=labels[line],
                            official=published,
                            observed=seen,
                            difference=f"{published - seen:+d}",
                        ),
                    )
                )
        state = "differing" if differs else ("matching" if compared else "not_comparable")
        previous = states.get(station_id)
        if previous != "differing" and not (previous == "matching" and state == "not_comparable"):
            states[station_id] = state
    names = ("observed", "matching", "differing", "not_published", "not_comparable")

    def tally(station_ids) -> dict:
        counts = dict.fromkeys(names, 0)
        for station_id in station_ids:
            counts["observed"] += 1
            counts[states[station_id]] += 1
        return counts

    result.summary = tally(states)
    per_region: dict[int | None, list[int]] = defaultdict(list)
    for station_id in states:
        per_region[station_region[station_id]].append(station_id)
    result.regions = [
        {"id": region["id"], "code": region["code"], "name": region["name"], **tally(per_region.get(region["id"], []))}
        for region in regions
    ]
