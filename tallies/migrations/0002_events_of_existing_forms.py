"""Tally events for the revisions recorded before running tallies existed; the worker folds them (tallies.roll_up)."""

import datetime

from django.db import migrations


def _hour(moment):
    return moment.astimezone(datetime.UTC).replace(minute=0, second=0, microsecond=0)


def add_events(apps, schema_editor):
    SubmissionRevision = apps.get_model("submissions", "SubmissionRevision")
    TallyEvent = apps.get_model("tallies", "TallyEvent")
    rows = SubmissionRevision.objects.order_by("id").values_list("id", "mission_id", "valid_from", "valid_until")
    events = []
    for revision_id, mission_id, valid_from, valid_until in rows.iterator(chunk_size=5000):
        events.append(
            TallyEvent(mission_id=mission_id, revision_id=revision_id, sign=1, at=valid_from, hour=_hour(valid_from))
        )
        if valid_until is not None:
            events.append(
                TallyEvent(
                    mission_id=mission_id, revision_id=revision_id, sign=-1, at=valid_until, hour=_hour(valid_until)
                )
            )
        if len(events) >= 5000:
            TallyEvent.objects.bulk_create(events)
            events = []
    TallyEvent.objects.bulk_create(events)


class Migration(migrations.Migration):
    dependencies = [
        ("tallies", "0001_initial"),
        ("submissions", "0005_revision_snapshot_required"),
    ]

    operations = [migrations.RunPython(add_events, migrations.RunPython.noop)]
