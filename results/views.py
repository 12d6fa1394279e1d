"""The core team's page on official results: checks, cross-check with the observers' copies, and exports."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from access import actor_for, can_import_results
from config.parsing import parse_id
from jobs.notices import notice
from missions.models import Mission, Region

from .analysis import OUTLIER_MIN_STATIONS, OUTLIER_Z, findings_written
from .choices import FindingKind
from .exports import findings_csv, findings_xlsx
from .models import ResultsSettings
from .selectors import (
    findings_filter,
    results_access,
    results_crosscheck,
    results_version,
    results_versions,
    turnout_threshold,
)
from .signals import results_exported

PAGE_FINDINGS = 500
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _mission_and_actor(request: HttpRequest, slug: str):
    mission = get_object_or_404(Mission, slug=slug)
    actor = results_access(request.user, mission)
    if actor is None:
        if actor_for(request.user, mission, followers=True) is None:
            raise Http404("No such mission.")  # as for a mission that does not exist: nothing to confirm
        raise PermissionDenied(_("Official results are for the mission's core team."))
    return mission, actor


def _selection(request: HttpRequest, mission: Mission):
    """The version (by number, default the latest), the region (by code) and the kind asked for."""
    number = request.GET.get("version", "")
    if number and parse_id(number) is None:
        raise BadRequest(_("Choose a version: 'version' must be its number."))
    version = results_version(mission=mission, number=parse_id(number) if number else None)
    if number and version is None:
        raise Http404("No such version of the official results.")
    region = None
    if request.GET.get("region"):
        region = Region.objects.filter(mission=mission, code=request.GET["region"]).first()
        if region is None:
            raise Http404("No such region.")
    kind = request.GET.get("kind", "")
    if kind and kind not in FindingKind.values:
        raise Http404("No such kind of finding.")
    return version, region, kind


@login_required
@require_GET
def mission_results(request: HttpRequest, slug: str) -> HttpResponse:
    mission, actor = _mission_and_actor(request, slug)
    version, region, kind = _selection(request, mission)
    context = {
        "mission": mission,
        "versions": results_versions(mission=mission),
        "version": version,
        "region": region,
        "kind": kind,
        "regions": Region.objects.filter(mission=mission).order_by("name"),
        "kinds": FindingKind.choices,
        "can_import": can_import_results(actor, mission),
        "threshold": turnout_threshold(mission=mission),
        "settings_id": ResultsSettings.objects.filter(mission=mission).values_list("pk", flat=True).first(),
        "outlier_z": OUTLIER_Z,
        "outlier_min": OUTLIER_MIN_STATIONS,
    }
    if version is not None:
        context["unit"] = _("TECs observed at the tabulation") if version.level == "tec" else _("Stations observed")
        check = results_crosscheck(version=version)
        findings = findings_filter(check.findings, region_id=region.pk if region else None, kind=kind)
        context.update(
            {
                "check": check,
                "kind_counts": [(value, label, check.kinds[value]) for value, label in FindingKind.choices],
                "findings": findings_written(findings[:PAGE_FINDINGS]),
                "findings_total": len(findings),
                "query": request.GET.urlencode(),
            }
        )
    return render(request, "results/mission.html", context)


@login_required
@require_GET
def results_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    mission, _actor = _mission_and_actor(request, slug)
    if fmt not in ("xlsx", "csv"):
        raise Http404("Unknown export format.")
    version, region, kind = _selection(request, mission)
    if version is None:
        raise Http404("No official results have been imported yet.")
    check = results_crosscheck(version=version)
    findings = findings_filter(check.findings, region_id=region.pk if region else None, kind=kind)
    results_exported.send(
        sender=results_export,
        user=request.user,
        mission=mission,
        what=notice("results.export_official_results", number=version.number),
        format=fmt,
        rows=len(findings),
    )
    name = f"{mission.slug}-official-results-v{version.number}"
    if fmt == "csv":
        response = HttpResponse(findings_csv(findings), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(findings_xlsx(check, findings, title=f"{mission.name}: {version}"), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
