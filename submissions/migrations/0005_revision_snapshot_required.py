# The snapshot fields every revision now has, required; one current revision per form.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('submissions', '0004_revision_snapshot_fill'),
    ]

    operations = [
        migrations.AlterField(
            model_name='submissionrevision',
            name='mission',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='missions.mission'),
        ),
        migrations.AlterField(
            model_name='submissionrevision',
            name='kind',
            field=models.CharField(choices=[('opening', 'Opening'), ('voting', 'Voting'), ('counting', 'Counting'), ('tabulation', 'Tabulation'), ('lto_weekly', 'LTO weekly report'), ('meeting', 'Meeting record'), ('incident', 'Incident report')], max_length=16),
        ),
        migrations.AlterField(
            model_name='submissionrevision',
            name='received_at',
            field=models.DateTimeField(help_text='When the form was first received (the same for every revision).'),
        ),
        migrations.AlterField(
            model_name='submissionrevision',
            name='valid_from',
            field=models.DateTimeField(help_text="From when this revision was the form's content."),
        ),
        migrations.AddConstraint(
            model_name='submissionrevision',
            constraint=models.UniqueConstraint(condition=models.Q(('valid_until__isnull', True)), fields=('submission',), name='revision_one_current'),
        ),
    ]
