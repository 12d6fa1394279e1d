"""Indexes nothing reads, which every new form paid for: the answers' (question code, value) index (compilations and
checks read the revisions' answers; a form's own answers are found by the unique (submission, question code, value)
index), and the single-column indexes of four foreign keys that an index starting with the same column already
serves: the answers' and the revisions' submission, the forms' and the revisions' mission.

Only the indexes are dropped: the foreign keys and every constraint stay (Django's own AlterField would drop and
re-add each foreign key, checking every row again, and would drop the revisions' one-current-revision index with
them).
"""

import django.db.models.deletion
from django.db import migrations, models

# (table, column, index): the names Django gave these indexes, the same on every database.
FOREIGN_KEY_INDEXES = (
    ("submissions_answer", "submission_id", "submissions_answer_submission_id_2d2e7c74"),
    ("submissions_submission", "mission_id", "submissions_submission_mission_id_537b8e10"),
    ("submissions_submissionrevision", "mission_id", "submissions_submissionrevision_mission_id_9a711360"),
    ("submissions_submissionrevision", "submission_id", "submissions_submissionrevision_submission_id_2a1c5494"),
)


class Migration(migrations.Migration):

    dependencies = [
        ("missions", "0009_stationimport"),
        ("submissions", "0008_revision_flagged_index"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="answer",
            name="answer_code_value_idx",
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    sql=f'DROP INDEX IF EXISTS "{index}"',
                    reverse_sql=f'CREATE INDEX IF NOT EXISTS "{index}" ON "{table}" ("{column}")',
                )
                for table, column, index in FOREIGN_KEY_INDEXES
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="answer",
                    name="submission",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="answers",
                        to="submissions.submission",
                        verbose_name="submission",
                    ),
                ),
                migrations.AlterField(
                    model_name="submission",
                    name="mission",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="submissions",
                        to="missions.mission",
                        verbose_name="mission",
                    ),
                ),
                migrations.AlterField(
                    model_name="submissionrevision",
                    name="mission",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="missions.mission",
                        verbose_name="mission",
                    ),
                ),
                migrations.AlterField(
                    model_name="submissionrevision",
                    name="submission",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="revisions",
                        to="submissions.submission",
                        verbose_name="submission",
                    ),
                ),
            ],
        ),
    ]
