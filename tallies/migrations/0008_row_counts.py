"""How many folded rows each hour of a mission has, and its totals (TallyRowCount), kept by the fold: what
tally_cells reads to choose between the hourly rows and the totals. Filled from the rows already folded.
"""

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    TallyCount = apps.get_model("tallies", "TallyCount")
    TallyTotal = apps.get_model("tallies", "TallyTotal")
    TallyRowCount = apps.get_model("tallies", "TallyRowCount")
    quote = schema_editor.connection.ops.quote_name
    into = f"INSERT INTO {quote(TallyRowCount._meta.db_table)} ({quote('mission_id')}, {quote('hour')}, {quote('size')})"
    schema_editor.execute(
        f"{into} SELECT {quote('mission_id')}, {quote('hour')}, COUNT(*) "
        f"FROM {quote(TallyCount._meta.db_table)} GROUP BY {quote('mission_id')}, {quote('hour')}"
    )
    schema_editor.execute(
        f"{into} SELECT {quote('mission_id')}, NULL, COUNT(*) "
        f"FROM {quote(TallyTotal._meta.db_table)} GROUP BY {quote('mission_id')}"
    )


class Migration(migrations.Migration):

    dependencies = [
        ('missions', '0009_stationimport'),
        ('tallies', '0007_totals_per_cell'),
    ]

    operations = [
        migrations.CreateModel(
            name='TallyRowCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('hour', models.DateTimeField(blank=True, help_text='The hour of the TallyCount rows; none: the totals.', null=True)),
                ('size', models.BigIntegerField(default=0, help_text='How many rows.')),
                ('mission', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='missions.mission')),
            ],
            options={
                'indexes': [models.Index(fields=['mission', 'hour'], name='tally_row_count_idx')],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
