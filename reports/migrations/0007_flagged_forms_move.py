"""Runs compiled before the lists of flagged forms had a table of their own (result schema 2) keep them there too.

Each form of a run's incidents and protocol lists becomes one row (a form in both lists is one row with both places),
with the revision it was compiled from (the one current at the run's cut-off), which its critical answers are read
from; the result keeps the lists' lengths and becomes schema 3. Schema 1 results (English words stored inside) keep
their lists: the reader still reads lists held in a result.
"""

from django.db import migrations
from django.db.models import Q
from django.utils.dateparse import parse_datetime

BATCH = 2000


def _line(item: dict) -> dict:
    return {
        "submission_id": item["submission"],
        "kind": item.get("kind") or "",
        "team": item.get("team") or "",
        "station": item.get("station") or "",
        "tec": item.get("tec") or "",
        "region": item.get("region") or "",
        "received_at": parse_datetime(item["received_at"]),
    }


def _revisions(revision_model, submission_ids: list[int], cutoff) -> dict[int, int]:
    """The revision of each form that was current at the cut-off, by submission."""
    found = {}
    for start in range(0, len(submission_ids), BATCH):
        found.update(
            revision_model.objects.filter(submission_id__in=submission_ids[start : start + BATCH], valid_from__lte=cutoff)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=cutoff))
            .values_list("submission_id", "id")
        )
    return found


def lists_move(apps, schema_editor):
    report_run = apps.get_model("reports", "ReportRun")
    flagged_form = apps.get_model("reports", "ReportFlaggedForm")
    revision = apps.get_model("submissions", "SubmissionRevision")
    for run in report_run.objects.filter(result__schema=2).only("id", "result").iterator(chunk_size=20):
        result = run.result
        incidents, protocol = result.get("incidents") or {}, result.get("protocol") or {}
        forms: dict[int, dict] = {}
        for place, item in enumerate(incidents.get("list") or [], 1):
            row = forms.setdefault(item["submission"], _line(item))
            row.update(
                urgent=bool(item.get("urgent")),
                critical=bool(item.get("critical")),
                notes=item.get("notes") or "",
                incident_order=place,
            )
        for place, item in enumerate(protocol.get("list") or [], 1):
            row = forms.setdefault(item["submission"], _line(item))
            row.update(
                protocol_mismatch=True,
                protocol_issues=list(item.get("flags") or []),
                template_id=item.get("template"),
                protocol_order=place,
            )
        cutoff = parse_datetime((result.get("filters") or {}).get("cutoff") or "")
        revisions = _revisions(revision, sorted(forms), cutoff) if cutoff and forms else {}
        flagged_form.objects.filter(run_id=run.pk).delete()
        flagged_form.objects.bulk_create(
            [
                flagged_form(run_id=run.pk, revision_id=revisions.get(submission), **row)
                for submission, row in forms.items()
            ],
            batch_size=BATCH,
        )
        for name in ("incidents", "protocol"):
            if isinstance(result.get(name), dict):
                result[name]["listed"] = len(result[name].pop("list", None) or [])
        result["schema"] = 3
        report_run.objects.filter(pk=run.pk).update(result=result)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0006_flagged_forms"),
        ("submissions", "0007_dashboard_and_list_indexes"),
    ]

    # Backwards the table goes with its rows: runs of schema 3 then ask to be compiled again.
    operations = [migrations.RunPython(lists_move, migrations.RunPython.noop)]
