"""Turnout cells also read the questions coded as the two figures when no question carries their protocol field, as
the recount does: folded counts are dropped and every event is folded again by the worker.
"""

from django.db import migrations


def refold(apps, schema_editor):
    TallyCount = apps.get_model("tallies", "TallyCount")
    TallyEvent = apps.get_model("tallies", "TallyEvent")
    TallyCount.objects.all().delete()
    TallyEvent.objects.filter(rolled_up=True).update(rolled_up=False)


class Migration(migrations.Migration):
    dependencies = [("tallies", "0005_refold_with_turnout_and_receipts")]

    operations = [migrations.RunPython(refold, refold)]
