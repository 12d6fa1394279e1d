"""The cells gained what a compilation's coverage counts (the forms, their flags and overall assessments per place;
the stations with a negative assessment, the TECs and the teams with a form): filled for the events already folded,
in SQL, as 0010 filled the stations observed.

One statement per table over every folded event rather than folding them again: the hourly rows of each event's
hour, the totals from them, then the row counts again. Events not folded yet need nothing: the fold and the readers
compute their cells from the revisions.
"""

from django.db import migrations

# tallies.cells when this was written.
FORMS = "__eom_forms__"
FORMS_ALL, FORMS_URGENT, FORMS_CRITICAL, FORMS_INCIDENT, FORMS_MISMATCH = (
    "all",
    "urgent",
    "critical",
    "incident",
    "mismatch",
)
ASSESSED = "assessed:"
ASSESSMENTS = ("very_good", "good", "bad", "very_bad")
NEGATIVE = ("bad", "very_bad")
NEGATIVE_AT = "__eom_negative_at__"
TEC_OBSERVED = "__eom_tec_observed__"
TEAM_REPORTED = "__eom_team_reported__"
CODES = (FORMS, NEGATIVE_AT, TEC_OBSERVED, TEAM_REPORTED)


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
    place = "mission_id, kind, region_id, area_type"
    marks = ", ".join(["%s"] * len(ASSESSMENTS))
    negative = ", ".join(["%s"] * len(NEGATIVE))
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH f AS ("  # noqa: S608 - names from the models
            "SELECT e.mission_id, r.kind, r.region_id, r.area_type, e.hour, e.sign, "
            "r.polling_station_id AS station_id, r.tec_id, r.team_id, r.urgent, r.has_critical, "
            "r.protocol_mismatch, r.overall_assessment "
            f"FROM {event} e JOIN {revision} r ON r.id = e.revision_id WHERE e.rolled_up = %s AND r.confidential = %s"
            f") INSERT INTO {count} ({cell}, count, total, hour) "
            f"SELECT {cell}, SUM(sign), 0, hour FROM ("
            f"SELECT {place}, hour, sign, %s AS question_code, CAST(%s AS VARCHAR(64)) AS answer FROM f "
            f"UNION ALL SELECT {place}, hour, sign, %s, %s FROM f WHERE urgent = %s "
            f"UNION ALL SELECT {place}, hour, sign, %s, %s FROM f WHERE has_critical = %s "
            f"UNION ALL SELECT {place}, hour, sign, %s, %s FROM f WHERE urgent = %s OR has_critical = %s "
            f"UNION ALL SELECT {place}, hour, sign, %s, %s FROM f WHERE protocol_mismatch = %s "
            f"UNION ALL SELECT {place}, hour, sign, %s, %s || overall_assessment FROM f "
            f"WHERE overall_assessment IN ({marks}) "
            f"UNION ALL SELECT {place}, hour, sign, %s, CAST(station_id AS VARCHAR(24)) FROM f "
            f"WHERE station_id IS NOT NULL AND overall_assessment IN ({negative}) "
            f"UNION ALL SELECT {place}, hour, sign, %s, CAST(tec_id AS VARCHAR(24)) FROM f WHERE tec_id IS NOT NULL "
            f"UNION ALL SELECT {place}, hour, sign, %s, CAST(team_id AS VARCHAR(24)) FROM f WHERE team_id IS NOT NULL"
            f") c GROUP BY {cell}, hour",
            [
                True,
                False,
                FORMS,
                FORMS_ALL,
                FORMS,
                FORMS_URGENT,
                True,
                FORMS,
                FORMS_CRITICAL,
                True,
                FORMS,
                FORMS_INCIDENT,
                True,
                True,
                FORMS,
                FORMS_MISMATCH,
                True,
                FORMS,
                ASSESSED,
                *ASSESSMENTS,
                NEGATIVE_AT,
                *NEGATIVE,
                TEC_OBSERVED,
                TEAM_REPORTED,
            ],
        )
        codes = ", ".join(["%s"] * len(CODES))
        cursor.execute(
            f"INSERT INTO {total} ({cell}, count, total) "  # noqa: S608
            f"SELECT {cell}, SUM(count), 0 FROM {count} WHERE question_code IN ({codes}) GROUP BY {cell}",
            list(CODES),
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
        model.objects.filter(question_code__in=CODES).delete()
    quote = schema_editor.connection.ops.quote_name
    _count_rows(schema_editor.connection, *(quote(model._meta.db_table) for model in models))


class Migration(migrations.Migration):
    dependencies = [("tallies", "0010_cells_of_stations_observed")]

    operations = [migrations.RunPython(fill, drop)]
