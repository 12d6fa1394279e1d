"""The cells gained the forms per polling station (OBSERVED_AT): filled for the events already folded, in SQL.

One statement per table over every folded event (a few seconds at a million forms), rather than folding them again:
the hourly rows of each event's hour, the totals from them, then the row counts again. Events not folded yet need
nothing: the fold and the readers compute their cells from the revisions.
"""

from django.db import migrations

OBSERVED_AT = "__eom_observed_at__"  # tallies.cells.OBSERVED_AT when this was written


def fill(apps, schema_editor):
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    names = {
        model: apps.get_model(app, model)._meta.db_table
        for app, model in (
            ("tallies", "TallyEvent"),
            ("tallies", "TallyCount"),
            ("tallies", "TallyTotal"),
            ("tallies", "TallyRowCount"),
            ("submissions", "SubmissionRevision"),
        )
    }
    event, count, total, sizes, revision = (quote(names[name]) for name in names)
    cell = "mission_id, kind, region_id, area_type, question_code, answer"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {count} ({cell}, count, total, hour) "  # noqa: S608 - names from the models
            "SELECT e.mission_id, r.kind, r.region_id, r.area_type, %s, CAST(r.polling_station_id AS VARCHAR(24)), "
            f"SUM(e.sign), 0, e.hour FROM {event} e JOIN {revision} r ON r.id = e.revision_id "
            "WHERE e.rolled_up = %s AND r.confidential = %s AND r.polling_station_id IS NOT NULL "
            "GROUP BY e.mission_id, r.kind, r.region_id, r.area_type, r.polling_station_id, e.hour",
            [OBSERVED_AT, True, False],
        )
        cursor.execute(
            f"INSERT INTO {total} ({cell}, count, total) "  # noqa: S608
            f"SELECT {cell}, SUM(count), 0 FROM {count} WHERE question_code = %s GROUP BY {cell}",
            [OBSERVED_AT],
        )
    _count_rows(connection, count, total, sizes)


def _count_rows(connection, count: str, total: str, sizes: str) -> None:
    """Count every mission's hourly rows and totals again (TallyRowCount), as the fold keeps them."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {sizes}")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {sizes} (mission_id, hour, size) "  # noqa: S608
            f"SELECT mission_id, hour, COUNT(*) FROM {count} GROUP BY mission_id, hour "
            f"UNION ALL SELECT mission_id, NULL, COUNT(*) FROM {total} GROUP BY mission_id",
        )


def drop(apps, schema_editor):
    models = [apps.get_model("tallies", name) for name in ("TallyCount", "TallyTotal", "TallyRowCount")]
    for model in models[:2]:
        model.objects.filter(question_code=OBSERVED_AT).delete()
    quote = schema_editor.connection.ops.quote_name
    _count_rows(schema_editor.connection, *(quote(model._meta.db_table) for model in models))


class Migration(migrations.Migration):
    dependencies = [("tallies", "0009_totals_by_code"), ("submissions", "0007_dashboard_and_list_indexes")]

    operations = [migrations.RunPython(fill, drop)]
