"""The cells gained the integers' histogram: folded counts are dropped and every event is folded again by the worker.

Until the worker has folded them, a compilation reads the events themselves (slower, never different).
"""

from django.db import migrations


def refold(apps, schema_editor):
    TallyCount = apps.get_model("tallies", "TallyCount")
    TallyEvent = apps.get_model("tallies", "TallyEvent")
    TallyCount.objects.all().delete()
    TallyEvent.objects.filter(rolled_up=True).update(rolled_up=False)


class Migration(migrations.Migration):
    dependencies = [("tallies", "0002_events_of_existing_forms")]

    operations = [migrations.RunPython(refold, refold)]
