"""The migration that gives every person's record its mission: a person on two missions becomes two records."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("observers", "0004_records_belong_to_their_mission")]
AFTER = [("observers", "0006_one_mission_per_record")]


def _migrate(targets):
    """Migrate the observers app to the target, every other app staying at its latest, and return the models then."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return _models_at(targets)


def _models_at(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "observers"]
    return executor.loader.project_state([*others, *targets]).apps


def _applied_observers() -> set[str]:
    return {name for app, name in MigrationExecutor(connection).loader.applied_migrations if app == "observers"}


@pytest.fixture
def at_the_old_rule(django_db_blocker, sqlite_files):
    """The database migrated back to BEFORE, and migrated to the latest again afterwards.

    Rendering the models' states makes migrating back take most of a minute and forward again half of one. On SQLite
    the database is a file: the one at BEFORE is kept between runs (in the test cache, beside the migrated template,
    under the same digest of the migrations), and the latest is the migrated template, copied back.
    """
    if sqlite_files is None:
        apps = _migrate(BEFORE)
        yield apps
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
        return
    kept = sqlite_files.kept("observers-0004")
    if kept.exists():
        sqlite_files.load(kept)
        apps = _models_at(BEFORE)
    else:
        apps = _migrate(BEFORE)
        sqlite_files.save(kept)
    assert max(_applied_observers()) == BEFORE[0][1]
    try:
        yield apps
    finally:
        sqlite_files.load(sqlite_files.template)
        assert max(_applied_observers()) == MigrationExecutor(connection).loader.graph.leaf_nodes("observers")[0][1]


def _mission(apps, slug):
    Mission = apps.get_model("missions", "Mission")
    return Mission.objects.create(
        name=slug, slug=slug, host_country="KZ", election_type="presidential", election_day=datetime.date(2019, 6, 9)
    )


@pytest.mark.django_db(transaction=True)
def test_every_record_gets_its_mission_and_a_person_on_two_missions_a_record_in_each(at_the_old_rule):
    apps = at_the_old_rule
    Observer = apps.get_model("observers", "Observer")
    Membership = apps.get_model("observers", "Membership")
    ObserverLanguage = apps.get_model("observers", "ObserverLanguage")
    TeamMember = apps.get_model("observers", "TeamMember")
    Team = apps.get_model("observers", "Team")
    User = apps.get_model("auth", "User")
    first, second = _mission(apps, "first"), _mission(apps, "second")
    user = User.objects.create(username="both")
    person = Observer.objects.create(
        full_name="Ona Both",
        gender="female",
        nationality="LT",
        email="ona@example.org",
        passport_number="P1",
        user=user,
    )
    ObserverLanguage.objects.create(observer=person, language="ru", level="fluent")
    Membership.objects.create(mission=first, observer=person, role="core_team", core_function="lto_coordinator")
    later = Membership.objects.create(mission=second, observer=person, role="lto")
    team = Team.objects.create(mission=second, kind="lto", code="LTO-01")
    TeamMember.objects.create(team=team, membership=later)
    type(second).objects.filter(pk=second.pk).update(head_of_mission=person)
    alone = Observer.objects.create(full_name="Solo", gender="male", nationality="DE", email="solo@example.org")
    Membership.objects.create(mission=first, observer=alone, role="sto")
    # A person whose membership was deleted goes to the mission of that membership (from its history).
    gone = Observer.objects.create(full_name="Gone", gender="male", nationality="DE", email="gone@example.org")
    apps.get_model("observers", "HistoricalMembership").objects.create(
        id=9999,
        mission_id=second.pk,
        observer_id=gone.pk,
        role="sto",
        status="withdrawn",
        history_date=timezone.now(),
        history_type="-",
    )

    apps = _migrate(AFTER)

    Observer = apps.get_model("observers", "Observer")
    Membership = apps.get_model("observers", "Membership")
    records = {record.mission.slug: record for record in Observer.objects.filter(user__username="both")}
    assert set(records) == {"first", "second"}
    assert records["first"].pk == person.pk  # the mission that recorded the person first keeps the record
    for record in records.values():
        assert (record.full_name, record.email, record.passport_number) == ("Ona Both", "ona@example.org", "P1")
        assert list(record.languages.values_list("language", "level")) == [("ru", "fluent")]
        assert record.memberships.get().mission_id == record.mission_id
    moved = Membership.objects.get(pk=later.pk)
    assert moved.observer_id == records["second"].pk
    assert moved.team_seats.get().team.code == "LTO-01"
    assert apps.get_model("missions", "Mission").objects.get(slug="second").head_of_mission_id == records["second"].pk
    assert Observer.objects.get(email="solo@example.org").mission.slug == "first"
    assert Observer.objects.get(pk=gone.pk).mission.slug == "second"
