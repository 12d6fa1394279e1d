"""Filling the cells of the stations observed for events folded before they existed gives what folding gives."""

import importlib
from types import SimpleNamespace

from django.apps import apps
from django.db import connection
from django.db.models import Count

from tallies.cells import OBSERVED_AT
from tallies.models import TallyCount, TallyRowCount, TallyTotal
from tallies.services import tallies_roll_up

fill_migration = importlib.import_module("tallies.migrations.0010_cells_of_stations_observed")


def observed_cells():
    """The non-zero OBSERVED_AT rows, hourly and totals."""
    key = ("mission_id", "kind", "region_id", "area_type", "answer", "count")
    return (
        sorted(TallyCount.objects.filter(question_code=OBSERVED_AT).exclude(count=0).values_list(*key, "hour")),
        sorted(TallyTotal.objects.filter(question_code=OBSERVED_AT).exclude(count=0).values_list(*key)),
    )


def test_the_migration_fills_the_cells_the_fold_would_have_written(story):
    tallies_roll_up()
    folded = observed_cells()
    assert folded[0] and folded[1]
    TallyCount.objects.filter(question_code=OBSERVED_AT).delete()
    TallyTotal.objects.filter(question_code=OBSERVED_AT).delete()
    TallyRowCount.objects.all().delete()

    fill_migration.fill(apps, SimpleNamespace(connection=connection))

    assert observed_cells() == folded
    counted = {
        (row["mission_id"], row["hour"]): row["size"]
        for row in TallyCount.objects.values("mission_id", "hour").annotate(size=Count("id")).order_by()
    }
    counted |= {
        (row["mission_id"], None): row["size"]
        for row in TallyTotal.objects.values("mission_id").annotate(size=Count("id")).order_by()
    }
    assert {(row.mission_id, row.hour): row.size for row in TallyRowCount.objects.all()} == counted
