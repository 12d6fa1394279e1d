"""One story (seed 11) told once for the module and copied to each test: folding, rebuilding, the upgrade migrations,
and the forms left out, checked against the answers counted again (the tallies as of any moment: test_tallies.py)."""

import datetime
import random

import pytest

from submissions.models import SubmissionRevision
from tallies.models import TallyCount, TallyEvent, TallyRowCount, TallyTotal
from tallies.selectors import tally_path
from tallies.services import pending_events, tallies_rebuild, tallies_roll_up

from .test_tallies import counted, row_counts_agree, tallied, totals_kept, totals_of_the_hours

pytestmark = pytest.mark.django_db


def test_the_folded_hours_are_read_the_way_that_reads_fewer_rows(story):
    mission = story.mission
    tallies_roll_up()
    ways = set()
    for at in [story.moments[0] - datetime.timedelta(hours=1), *story.moments[::4], story.moments[-1]]:
        hour = at.astimezone(datetime.UTC).replace(minute=0, second=0, microsecond=0)
        totals = TallyTotal.objects.filter(mission=mission).count()
        since = TallyCount.objects.filter(mission=mission, hour__gte=hour).count()
        before = TallyCount.objects.filter(mission=mission, hour__lt=hour).count()
        path, rows = tally_path(mission=mission, at=at)
        assert (path, rows) == (("totals", totals + since) if totals + since < before else ("hours", before)), at
        ways.add(path)
    assert ways == {"hours", "totals"}  # early moments read the hours, the last ones the totals


def test_folding_everything_changes_no_figure_and_a_second_fold_finds_nothing(story):
    mission = story.mission
    before = {at: tallied(mission, at=at) for at in story.moments[::5]}
    assert tallies_roll_up() > 0
    assert pending_events() == 0
    assert tallies_roll_up() == 0
    assert {at: tallied(mission, at=at) for at in story.moments[::5]} == before
    assert totals_kept(mission) == totals_of_the_hours(mission)
    assert row_counts_agree(mission)


def test_a_rebuild_gives_the_tallies_ingest_kept(story):
    mission = story.mission
    tallies_roll_up()
    kept = sorted(
        TallyCount.objects.filter(count__gt=0).values_list(
            "kind", "region_id", "area_type", "question_code", "answer", "hour", "count", "total"
        ),
        key=repr,
    )
    tallies_rebuild(mission=mission)
    assert pending_events() == 0
    rebuilt = sorted(
        TallyCount.objects.filter(count__gt=0).values_list(
            "kind", "region_id", "area_type", "question_code", "answer", "hour", "count", "total"
        ),
        key=repr,
    )
    # Hour by hour a rebuild may fold a correction's -1 and +1 into other rows; what it counts never differs.
    assert sum(row[-2] for row in rebuilt) == sum(row[-2] for row in kept)
    assert totals_kept(mission) == totals_of_the_hours(mission)
    assert row_counts_agree(mission)
    for at in story.moments[::4]:
        assert tallied(mission, at=at) == counted(mission, at=at)


def test_forms_left_out_by_a_conflict_decision_and_a_region_filter_are_exact(story):
    mission = story.mission
    rng = random.Random(3)
    regions = list(mission.regions.all())
    for at in story.moments[::3]:
        left_out = rng.sample(story.forms, k=min(3, len(story.forms)))
        region = rng.choice(regions + [None])
        assert tallied(mission, at=at, left_out=left_out, region=region, kinds=["voting"]) == counted(
            mission, at=at, left_out=left_out, region=region, kinds=["voting"]
        )


def test_a_confidential_record_is_never_tallied(story):
    mission = story.mission
    assert SubmissionRevision.objects.filter(mission=mission, confidential=True).exists()
    at = story.moments[-1]
    assert not [cell for cell in tallied(mission, at=at) if cell[0] == "meeting"]


def test_ingest_appends_one_event_per_new_form_and_two_per_correction(story):
    revisions = SubmissionRevision.objects.filter(mission=story.mission)
    replaced = revisions.filter(valid_until__isnull=False).count()
    assert TallyEvent.objects.filter(sign=1).count() == revisions.count()
    assert TallyEvent.objects.filter(sign=-1).count() == replaced


def test_beat_folds_pending_events_with_the_declared_task(story, settings):
    from config.celery import app
    from tallies.tasks import tallies_roll_up_task

    entry = settings.CELERY_BEAT_SCHEDULE["tallies-roll-up"]
    assert entry["task"] == tallies_roll_up_task.name == "tallies.roll_up"
    assert tallies_roll_up_task.name in app.tasks
    pending = pending_events()
    assert pending
    assert tallies_roll_up_task.apply().get() == pending
    assert pending_events() == 0


def test_the_rebuild_command_folds_or_rebuilds_one_mission(story):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("tallies_rebuild", "--fold", stdout=out)
    assert "0 pending" in out.getvalue()
    call_command("tallies_rebuild", "--mission", story.mission.slug, stdout=out)
    revisions = SubmissionRevision.objects.filter(mission=story.mission).count()
    assert f"{revisions} revisions tallied" in out.getvalue()
    assert tallied(story.mission, at=story.moments[-1]) == counted(story.mission, at=story.moments[-1])


def test_the_upgrade_migration_gives_existing_forms_the_events_ingest_would_have_appended(story):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("tallies.migrations.0002_events_of_existing_forms")
    kept = sorted(TallyEvent.objects.values_list("revision_id", "sign", "at", "hour"))
    at = story.moments[-1]
    before = tallied(story.mission, at=at)
    TallyEvent.objects.all().delete()
    TallyCount.objects.all().delete()
    TallyTotal.objects.all().delete()
    TallyRowCount.objects.all().delete()
    migration.add_events(apps, None)
    assert sorted(TallyEvent.objects.values_list("revision_id", "sign", "at", "hour")) == kept
    assert tallied(story.mission, at=at) == before == counted(story.mission, at=at)


def test_the_totals_migration_fills_them_from_the_hourly_counts(story):
    """Upgrading: the totals are the hourly counts summed per cell, in one statement, without folding again; and the
    row counts are counted from the rows."""
    import importlib

    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("tallies.migrations.0007_totals_per_cell")
    tallies_roll_up(batch_size=max(1, pending_events() // 2), max_batches=1)
    kept = totals_kept(story.mission)
    assert kept and pending_events()  # folded hours and pending events, as on a live mission
    TallyTotal.objects.all().delete()

    class Editor:  # what the migration uses of a schema editor (a real one cannot open inside a test's transaction)
        def __init__(self):
            self.connection = connection

        def execute(self, sql):
            with connection.cursor() as cursor:
                cursor.execute(sql)

    migration.fill(apps, Editor())
    assert totals_kept(story.mission) == kept == totals_of_the_hours(story.mission)
    TallyRowCount.objects.all().delete()
    importlib.import_module("tallies.migrations.0008_row_counts").fill(apps, Editor())
    assert row_counts_agree(story.mission)
    for at in story.moments[::4]:
        assert tallied(story.mission, at=at) == counted(story.mission, at=at)
