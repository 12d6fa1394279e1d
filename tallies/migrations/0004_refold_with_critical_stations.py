"""The cells gained the critical answers per station: folded counts are dropped and every event is folded again.

Until the worker has folded them, a compilation reads the events themselves (slower, never different).
"""

from django.db import migrations


def refold(apps, schema_editor):
    TallyCount = apps.get_model("tallies", "TallyCount")
    TallyEvent = apps.get_model("tallies", "TallyEvent")
    TallyCount.objects.all().delete()
    TallyEvent.objects.filter(rolled_up=True).update(rolled_up=False)


class Migration(migrations.Migration):
    dependencies = [("tallies", "0003_refold_with_integer_histograms")]

    operations = [migrations.RunPython(refold, refold)]
