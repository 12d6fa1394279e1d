"""A person's record belongs to one mission (step 2 of 3): give every record its mission.

A person serving on several missions had one record shared by all of them. The record stays with the mission of
their first membership; every other mission gets its own copy (name, gender, nationality, e-mail, phone, birth date,
passport, languages, the same login), and its membership, team seats and head-of-mission mark move to that copy.
From then on each mission keeps its own details, and the login still opens every mission with the role held there.

A record in no mission today (its membership was deleted) goes to the mission it was last a member of (from the
membership history), else to the mission it heads, else to the only mission there is. A record that none of these
places is named in an error: add it to a mission or delete it, then migrate again.
"""

from django.db import migrations
from django.db.models import Count, OuterRef, Subquery

PERSONAL = (
    "full_name",
    "gender",
    "nationality",
    "email",
    "phone",
    "date_of_birth",
    "passport_number",
    "language",
    "user_id",
)


def split_people_by_mission(apps, schema_editor):
    Observer = apps.get_model("observers", "Observer")
    Membership = apps.get_model("observers", "Membership")
    ObserverLanguage = apps.get_model("observers", "ObserverLanguage")
    HistoricalMembership = apps.get_model("observers", "HistoricalMembership")
    Mission = apps.get_model("missions", "Mission")
    # Most people serve on one mission: their record takes the mission of their first membership in one statement.
    first = Membership.objects.filter(observer_id=OuterRef("pk")).order_by("pk").values("mission_id")[:1]
    Observer.objects.filter(mission__isnull=True).update(mission_id=Subquery(first))
    # People on several missions: every membership after the first moves to a copy of the record in its mission.
    shared = Observer.objects.annotate(serving=Count("memberships")).filter(serving__gt=1).order_by("pk")
    for person in list(shared):
        languages = list(ObserverLanguage.objects.filter(observer_id=person.pk))
        for membership in Membership.objects.filter(observer_id=person.pk).order_by("pk")[1:]:
            copy = Observer.objects.create(
                mission_id=membership.mission_id, **{name: getattr(person, name) for name in PERSONAL}
            )
            ObserverLanguage.objects.bulk_create(
                [ObserverLanguage(observer=copy, language=item.language, level=item.level) for item in languages]
            )
            Membership.objects.filter(pk=membership.pk).update(observer=copy)
            Mission.objects.filter(pk=membership.mission_id, head_of_mission_id=person.pk).update(head_of_mission=copy)
    # Records in no mission today (their membership was deleted).
    unplaced = []
    for person in list(Observer.objects.filter(mission__isnull=True).order_by("pk")):
        last = (
            HistoricalMembership.objects.filter(observer_id=person.pk, mission_id__isnull=False)
            .order_by("-history_date", "-history_id")
            .values_list("mission_id", flat=True)
            .first()
        )
        headed = Mission.objects.filter(head_of_mission_id=person.pk).values_list("pk", flat=True).first()
        missions = list(Mission.objects.values_list("pk", flat=True)[:2])
        mission_id = last or headed or (missions[0] if len(missions) == 1 else None)
        if mission_id is None or not Mission.objects.filter(pk=mission_id).exists():
            unplaced.append(person.pk)
            continue
        person.mission_id = mission_id
        person.save(update_fields=["mission"])
    if unplaced:
        raise RuntimeError(
            "These people's records are in no mission and their mission cannot be told (observer ids: "
            f"{', '.join(map(str, unplaced))}). Add each to a mission's roster or delete it, then migrate again."
        )
    # Another mission's mark on a record that stayed elsewhere would let that mission name a person it cannot see.
    for mission in Mission.objects.filter(head_of_mission__isnull=False).only("pk", "head_of_mission_id"):
        owner = Observer.objects.filter(pk=mission.head_of_mission_id).values_list("mission_id", flat=True).first()
        if owner != mission.pk:
            Mission.objects.filter(pk=mission.pk).update(head_of_mission=None)


class Migration(migrations.Migration):
    dependencies = [
        ("observers", "0004_records_belong_to_their_mission"),
    ]

    # Going back is possible only while no two records share an address (the old rule): the copies are kept.
    operations = [migrations.RunPython(split_people_by_mission, migrations.RunPython.noop)]
