"""Phase 1, the catalogue: the questions a compilation reports on, per kind, merged by code across versions."""

from __future__ import annotations

from django.db.models import F

from checklists.choices import OVERALL_ASSESSMENT_CODE, TemplateStatus
from checklists.models import Question


def question_catalogue(*, mission, kinds) -> dict[str, list[dict]]:
    """Questions per kind, merged by code: the latest published version's wording and order, then older-only codes."""
    rows = (
        Question.objects.filter(template__mission=mission, template__kind__in=list(kinds))
        .exclude(code=OVERALL_ASSESSMENT_CODE)
        .values(
            "id",
            "code",
            "text",
            "type",
            "choices",
            "critical_values",
            "protocol_field",
            "order",
            "section__order",
            "section__title",
            kind=F("template__kind"),
            version=F("template__version"),
            status=F("template__status"),
        )
    )
    best: dict[tuple[str, str], dict] = {}
    for row in rows:
        # Prefer the published version, then the highest version number.
        rank = (row["status"] == TemplateStatus.PUBLISHED, row["version"])
        key = (row["kind"], row["code"])
        if key not in best or rank > best[key]["_rank"]:
            best[key] = {**row, "_rank": rank}
    catalogue: dict[str, list[dict]] = {kind: [] for kind in kinds}
    primary = {}
    for (kind, _code), row in best.items():
        primary[kind] = max(primary.get(kind, (False, 0)), row["_rank"])
    for (kind, code), row in best.items():
        in_primary = row["_rank"] == primary[kind]
        catalogue[kind].append(
            {
                "code": code,
                "text": row["text"],
                "type": row["type"],
                "section": row["section__title"],
                "choices": [
                    {"value": str(choice.get("value")), "label": str(choice.get("label") or choice.get("value"))}
                    for choice in (row["choices"] or [])
                    if isinstance(choice, dict)
                ],
                "critical_values": sorted(str(value) for value in (row["critical_values"] or [])),
                "protocol_field": row["protocol_field"],
                "version": row["version"],
                "_order": (0 if in_primary else 1, -row["version"], row["section__order"], row["order"], code),
            }
        )
    for kind in catalogue:
        catalogue[kind].sort(key=lambda question: question["_order"])
        for question in catalogue[kind]:
            del question["_order"]
    return catalogue
