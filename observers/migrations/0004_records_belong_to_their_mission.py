"""A person's record belongs to one mission (step 1 of 3: the columns, still without the rule)."""

import django.db.models.deletion
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("missions", "0006_station_identity_by_region"),
        ("observers", "0003_language"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="membership",
            name="membership_once_per_mission",
        ),
        migrations.AddField(
            model_name="historicalobserver",
            name="mission",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="The mission whose roster recorded this person; the record never moves to another mission.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="missions.mission",
            ),
        ),
        migrations.AddField(
            model_name="observer",
            name="mission",
            field=models.ForeignKey(
                help_text="The mission whose roster recorded this person; the record never moves to another mission.",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="people",
                to="missions.mission",
            ),
        ),
        migrations.AlterField(
            model_name="historicalobserver",
            name="email",
            field=models.EmailField(
                help_text="Unique within the mission's roster (compared without regard to case).", max_length=254
            ),
        ),
        migrations.AlterField(
            model_name="historicalobserver",
            name="user",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="The person's login. Linked by a superuser only; one login may hold one record in each mission.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="observer",
            name="email",
            field=models.EmailField(
                help_text="Unique within the mission's roster (compared without regard to case).", max_length=254
            ),
        ),
        migrations.AlterField(
            model_name="observer",
            name="user",
            field=models.ForeignKey(
                blank=True,
                help_text="The person's login. Linked by a superuser only; one login may hold one record in each mission.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="observer_records",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
