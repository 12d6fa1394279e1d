"""A person's record belongs to one mission (step 3 of 3): the rule, kept by the database.

Every record has its mission; an address is unique within a mission (without regard to case), a login holds at most
one record in each mission, and a record holds one membership (in its own mission).
"""

import django.db.models.deletion
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("missions", "0006_station_identity_by_region"),
        ("observers", "0005_split_people_by_mission"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="observer",
            name="mission",
            field=models.ForeignKey(
                help_text="The mission whose roster recorded this person; the record never moves to another mission.",
                on_delete=django.db.models.deletion.CASCADE,
                related_name="people",
                to="missions.mission",
            ),
        ),
        migrations.AddConstraint(
            model_name="membership",
            constraint=models.UniqueConstraint(fields=("observer",), name="membership_one_per_record"),
        ),
        migrations.AddConstraint(
            model_name="observer",
            constraint=models.UniqueConstraint(
                models.F("mission"),
                django.db.models.functions.text.Lower("email"),
                name="observer_email_once_per_mission",
                violation_error_message="This mission's roster already has a person with this e-mail address.",
            ),
        ),
        migrations.AddConstraint(
            model_name="observer",
            constraint=models.UniqueConstraint(
                condition=models.Q(("user__isnull", False)),
                fields=("user", "mission"),
                name="observer_one_record_per_login_and_mission",
                violation_error_message="This login already belongs to another person of this mission.",
            ),
        ),
    ]
