"""The cells gained turnout figures and forms received per quarter-hour: folded counts are dropped and folded again.

Until the worker has folded them, a compilation reads the events themselves (slower, never different).
"""

from django.db import migrations


def refold(apps, schema_editor):
    TallyCount = apps.get_model("tallies", "TallyCount")
    TallyEvent = apps.get_model("tallies", "TallyEvent")
    TallyCount.objects.all().delete()
    TallyEvent.objects.filter(rolled_up=True).update(rolled_up=False)


class Migration(migrations.Migration):
    dependencies = [("tallies", "0004_refold_with_critical_stations")]

    operations = [migrations.RunPython(refold, refold)]
