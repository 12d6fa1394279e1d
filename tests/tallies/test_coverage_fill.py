"""Filling the coverage cells for events folded before they existed gives what folding gives."""

import importlib
from types import SimpleNamespace

from django.apps import apps
from django.db import connection
from django.db.models import Count

from tallies.cells import COVERAGE_CODES, OBSERVED_AT
from tallies.models import TallyCount, TallyRowCount, TallyTotal
from tallies.services import tallies_roll_up

fill_migration = importlib.import_module("tallies.migrations.0011_cells_of_coverage")
# The stations observed were filled by 0010; the others are this migration's.
FILLED = [code for code in COVERAGE_CODES if code != OBSERVED_AT]


def coverage_cells():
    """The non-zero rows of the cells the migration fills, hourly and totals."""
    key = ("mission_id", "kind", "region_id", "area_type", "question_code", "answer", "count")
    return (
        sorted(TallyCount.objects.filter(question_code__in=FILLED).exclude(count=0).values_list(*key, "hour")),
        sorted(TallyTotal.objects.filter(question_code__in=FILLED).exclude(count=0).values_list(*key)),
    )


def test_the_migration_fills_the_cells_the_fold_would_have_written(story):
    tallies_roll_up()
    folded = coverage_cells()
    assert {row[4] for row in folded[1]} == set(FILLED)  # the story fills every kind of cell
    TallyCount.objects.filter(question_code__in=FILLED).delete()
    TallyTotal.objects.filter(question_code__in=FILLED).delete()
    TallyRowCount.objects.all().delete()

    fill_migration.fill(apps, SimpleNamespace(connection=connection))

    assert coverage_cells() == folded
    counted = {
        (row["mission_id"], row["hour"]): row["size"]
        for row in TallyCount.objects.values("mission_id", "hour").annotate(size=Count("id")).order_by()
    }
    counted |= {
        (row["mission_id"], None): row["size"]
        for row in TallyTotal.objects.values("mission_id").annotate(size=Count("id")).order_by()
    }
    assert {(row.mission_id, row.hour): row.size for row in TallyRowCount.objects.all()} == counted
