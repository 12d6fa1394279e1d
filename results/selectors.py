"""Reads for official results: who may see them, the versions, and the checks and cross-check of one version."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import F, Q, QuerySet

from access import Actor, actor_for, actors_for, can_view_results, visible_to
from checklists.choices import FormKind
from checklists.models import Question
from missions.models import Mission, PollingStation, Region
from submissions.models import Answer, RevisionAnswer, Submission, SubmissionRevision

from .analysis import CrossCheck, crosscheck, tec_crosscheck
from .choices import RESULT_LINE_NAMES, ResultsLevel
from .models import ResultsSettings, ResultsVersion, StationResult, TecResult

DEFAULT_TURNOUT_THRESHOLD = 95.0
# Forms whose protocol figures are compared with the official results of their station.
COMPARED_KINDS = (FormKind.COUNTING, FormKind.TABULATION)


def results_access(user, mission) -> Actor | None:
    """The user's Actor when they may see the mission's official results, else None."""
    actor = actor_for(user, mission)
    return actor if can_view_results(actor, mission) else None


def results_versions_visible_to(*, user) -> QuerySet[ResultsVersion]:
    """Versions of the missions in which the user is on the core team."""
    return visible_to(actors_for(user), ResultsVersion).select_related("mission", "imported_by")


def results_versions(*, mission: Mission) -> list[ResultsVersion]:
    return list(ResultsVersion.objects.filter(mission=mission).order_by("-number"))


def results_version(*, mission: Mission, number: int | None = None) -> ResultsVersion | None:
    """The version with that number, or the latest imported when no number is given."""
    versions = ResultsVersion.objects.filter(mission=mission)
    if number is not None:
        return versions.filter(number=number).first()
    return versions.order_by("-number").first()


def turnout_threshold(*, mission: Mission) -> float:
    value = ResultsSettings.objects.filter(mission=mission).values_list("turnout_threshold", flat=True).first()
    return float(value) if value is not None else DEFAULT_TURNOUT_THRESHOLD


def official_rows(*, version: ResultsVersion) -> list[dict]:
    fields = (
        "polling_station_id", "region_id", "region_text", "tec_text", "number_text", "row_number", "votes",
        *RESULT_LINE_NAMES, "polling_station__number", "polling_station__tec_id", "polling_station__tec__code",
        "polling_station__region_id", "polling_station__region__name", "region__name",
    )  # fmt: skip
    rows = []
    for row in StationResult.objects.filter(version=version).order_by("row_number").values(*fields):
        row["station_id"] = row.pop("polling_station_id")
        row["station_number"] = row.pop("polling_station__number")
        row["tec_id"] = row.pop("polling_station__tec_id")
        row["tec_code"] = row.pop("polling_station__tec__code")
        station_region = row.pop("polling_station__region_id")
        row["region_id"] = station_region or row["region_id"]
        row["region_name"] = row.pop("polling_station__region__name") or row.pop("region__name")
        row.pop("region__name", None)
        rows.append(row)
    return rows


def missing_stations(*, version: ResultsVersion) -> list[dict]:
    published = StationResult.objects.filter(version=version, polling_station__isnull=False).values(
        "polling_station_id"
    )
    rows = (
        PollingStation.objects.filter(mission_id=version.mission_id)
        .exclude(pk__in=published)
        .order_by("region__name", "number")
        .values("id", "number", "region_id", "region__name", "tec__code")
    )
    return [
        {
            "station_id": row["id"],
            "station_number": row["number"],
            "region_id": row["region_id"],
            "region_name": row["region__name"],
            "tec_code": row["tec__code"],
        }
        for row in rows
    ]


def observed_protocols(*, mission: Mission, cutoff=None, at: str = ResultsLevel.STATION) -> list[dict]:
    """Observer forms that carry protocol figures, tied to a station (or, `at` TEC level, to a TEC and no station):
    station, TEC, form and figures by protocol field.

    Without a cut-off, each form as it stands now. With one, a snapshot: each form received by then as it stood
    then (the revision current at the cut-off), so corrections and moves made later never change it.
    """
    questions = Question.objects.filter(
        template__mission=mission, template__kind__in=COMPARED_KINDS, protocol_field__gt=""
    ).values_list("template_id", "code", "protocol_field")
    fields_by_template: dict[int, dict[str, str]] = defaultdict(dict)
    codes = set()
    for template_id, code, protocol_field in questions:
        fields_by_template[template_id][code] = protocol_field
        codes.add(code)
    if not codes:
        return []
    place = (
        Q(polling_station__isnull=False)
        if at == ResultsLevel.STATION
        else Q(polling_station__isnull=True, tec__isnull=False)
    )
    common = ("kind", "polling_station_id", "tec_id", "region_id", "team__code")
    if cutoff is None:
        rows = Submission.objects.filter(place, mission=mission, kind__in=COMPARED_KINDS, confidential=False)
        forms = rows.order_by("polling_station_id", "received_at", "id").values(
            *common, form_id=F("id"), form_uuid=F("uuid"), form_template_id=F("template_id")
        )
        answers = Answer.objects.filter(submission__in=rows).values_list("submission_id", "question_code", "number")
    else:
        rows = SubmissionRevision.objects.filter(
            place,
            Q(valid_until__isnull=True) | Q(valid_until__gt=cutoff),
            mission=mission,
            kind__in=COMPARED_KINDS,
            confidential=False,
            valid_from__lte=cutoff,
        )
        forms = rows.order_by("polling_station_id", "received_at", "submission_id").values(
            *common,
            key=F("id"),
            form_id=F("submission_id"),
            form_uuid=F("submission__uuid"),
            form_template_id=F("submission__template_id"),
        )
        answers = RevisionAnswer.objects.filter(revision__in=rows).values_list("revision_id", "question_code", "number")
    by_key = {form.get("key", form["form_id"]): form for form in forms}
    figures: dict[int, dict[str, int]] = defaultdict(dict)
    for key, code, number in answers.filter(question_code__in=codes, number__isnull=False).order_by():
        form = by_key.get(key)
        protocol_field = fields_by_template.get(form["form_template_id"], {}).get(code) if form else None
        if protocol_field:
            figures[key][protocol_field] = number
    return [
        {
            "submission_id": form["form_id"],
            "uuid": form["form_uuid"],
            "kind": form["kind"],
            "team": form["team__code"] or "",
            "station_id": form["polling_station_id"],
            "tec_id": form["tec_id"],
            "region_id": form["region_id"],
            "figures": figures[key],
        }
        for key, form in by_key.items()
        if figures.get(key)
    ]


def tec_rows(*, version: ResultsVersion) -> list[dict]:
    fields = ("tec_id", "region_id", "region_text", "tec_text", "row_number", "votes", *RESULT_LINE_NAMES)
    rows = TecResult.objects.filter(version=version).order_by("row_number").values(*fields, "tec__code", "region__name")
    rows = list(rows)
    for row in rows:
        row["tec_code"] = row.pop("tec__code")
        row["region_name"] = row.pop("region__name")
    return rows


def station_rows_by_tec(*, version: ResultsVersion | None) -> list[dict]:
    """The rows of a station-level version with their TEC, for summing into TEC totals."""
    if version is None:
        return []
    rows = StationResult.objects.filter(version=version, polling_station__isnull=False)
    return list(rows.values("votes", *RESULT_LINE_NAMES, tec_id=F("polling_station__tec_id")))


def results_crosscheck(*, version: ResultsVersion, cutoff=None) -> CrossCheck:
    """Every check of one version of the official results, and its cross-check with the observers' forms."""
    mission = version.mission
    regions = list(Region.objects.filter(mission=mission).order_by("name").values("id", "code", "name"))
    if version.level == ResultsLevel.TEC:
        station_version = (
            ResultsVersion.objects.filter(mission=mission, level=ResultsLevel.STATION).order_by("-number").first()
        )
        return tec_crosscheck(
            official=tec_rows(version=version),
            stations=station_rows_by_tec(version=station_version),
            forms=observed_protocols(mission=mission, cutoff=cutoff, at=ResultsLevel.TEC),
            regions=regions,
            candidates=list(version.candidates or []),
        )
    return crosscheck(
        official=official_rows(version=version),
        missing=missing_stations(version=version),
        forms=observed_protocols(mission=mission, cutoff=cutoff),
        regions=regions,
        candidates=list(version.candidates or []),
        threshold=turnout_threshold(mission=mission),
    )


def findings_filter(findings: list[dict], *, region_id: int | None = None, kind: str = "") -> list[dict]:
    """Findings of one region and/or one kind."""
    if region_id is not None:
        findings = [finding for finding in findings if finding["region_id"] == region_id]
    if kind:
        findings = [finding for finding in findings if finding["kind"] == kind]
    return findings
