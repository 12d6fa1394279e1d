"""A total per cell over every hour (TallyTotal), kept by the fold beside the hourly counts.

Filled from the hourly counts already folded, in one INSERT ... SELECT ... GROUP BY (no event is folded again); the
events not folded yet reach both when the worker folds them. Run with the worker stopped, as any migration.
"""

import django.db.models.deletion
import django.db.models.functions.comparison
from django.db import migrations, models


def fill(apps, schema_editor):
    TallyCount = apps.get_model("tallies", "TallyCount")
    TallyTotal = apps.get_model("tallies", "TallyTotal")
    quote = schema_editor.connection.ops.quote_name
    cell = ", ".join(quote(name) for name in ("mission_id", "kind", "region_id", "area_type", "question_code", "answer"))
    count, total = quote("count"), quote("total")
    schema_editor.execute(
        f"INSERT INTO {quote(TallyTotal._meta.db_table)} ({cell}, {count}, {total}) "
        f"SELECT {cell}, SUM({count}), SUM({total}) FROM {quote(TallyCount._meta.db_table)} GROUP BY {cell}"
    )


class Migration(migrations.Migration):

    dependencies = [
        ('missions', '0009_stationimport'),
        ('tallies', '0006_refold_with_turnout_by_code'),
    ]

    operations = [
        migrations.CreateModel(
            name='TallyTotal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('opening', 'Opening'), ('voting', 'Voting'), ('counting', 'Counting'), ('tabulation', 'Tabulation'), ('lto_weekly', 'LTO weekly report'), ('meeting', 'Meeting record'), ('incident', 'Incident report')], max_length=16)),
                ('area_type', models.CharField(blank=True, choices=[('urban', 'Urban'), ('rural', 'Rural')], max_length=8)),
                ('question_code', models.CharField(max_length=64)),
                ('answer', models.CharField(blank=True, max_length=2000, null=True)),
                ('count', models.BigIntegerField(default=0)),
                ('total', models.BigIntegerField(default=0, help_text='The sum of the integer answers counted.')),
                ('mission', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='missions.mission')),
                ('region', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='missions.region')),
            ],
            options={
                'constraints': [models.UniqueConstraint(models.F('mission'), models.F('kind'), django.db.models.functions.comparison.Coalesce(models.F('region'), models.Value(0)), models.F('area_type'), models.F('question_code'), django.db.models.functions.comparison.Coalesce(models.F('answer'), models.Value('__eom_blank__')), name='tally_total_cell')],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
