"""A queryset compiled once (config.queries.PreparedQuery) answers exactly what the queryset itself answers."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection, transaction

from config.queries import PreparedQuery, statement_cursor
from missions.models import Mission, PollingStation
from tests.factories import MissionFactory, PollingStationFactory, RegionFactory, TecFactory

pytestmark = pytest.mark.django_db

STATION = PreparedQuery(
    lambda mission_id, station_id: PollingStation.objects.select_related("tec__region", "region").filter(
        mission_id=mission_id, pk=station_id
    ),
    "mission_id",
    "station_id",
)
NUMBERS = PreparedQuery(
    lambda mission_slug: (
        PollingStation.objects.filter(mission__slug=mission_slug).order_by("number").values_list("number", "tec__code")
    ),
    "mission_slug",
)


@pytest.fixture
def stations():
    mission = MissionFactory(slug="prepared")
    region = RegionFactory(mission=mission)
    tec = TecFactory(mission=mission, region=region)
    return [PollingStationFactory(mission=mission, region=region, tec=tec, number=f"{n:03d}") for n in (2, 1)]


def test_it_gives_the_querysets_instances_with_their_related_rows_in_one_query(stations, django_assert_num_queries):
    station = stations[0]
    with django_assert_num_queries(1):
        prepared = STATION.first(mission_id=station.mission_id, station_id=station.pk)
        assert (prepared.tec.code, prepared.tec.region.name, prepared.region.time_zone) == (
            station.tec.code,
            station.tec.region.name,
            station.region.time_zone,
        )
    expected = PollingStation.objects.get(pk=station.pk)
    assert [getattr(prepared, field.attname) for field in PollingStation._meta.concrete_fields] == [
        getattr(expected, field.attname) for field in PollingStation._meta.concrete_fields
    ]
    assert prepared._state.adding is False and prepared._state.db == "default"


def test_it_runs_again_with_new_values_and_finds_nothing_outside_its_filter(stations):
    station = stations[1]
    assert STATION.first(mission_id=station.mission_id, station_id=station.pk).pk == station.pk
    other = MissionFactory(slug="other")
    assert STATION.first(mission_id=other.pk, station_id=station.pk) is None


def test_values_list_rows_are_the_querysets_rows(stations):
    assert NUMBERS.rows(mission_slug="prepared") == list(
        PollingStation.objects.filter(mission__slug="prepared").order_by("number").values_list("number", "tec__code")
    )
    assert NUMBERS.rows(mission_slug="nowhere") == []


def test_a_value_the_query_changes_before_sending_it_is_refused_when_compiled():
    # startswith sends "<value>%": running it again with another value would need Django's rewriting each time.
    prefix = PreparedQuery(lambda start: Mission.objects.filter(slug__startswith=start), "start")
    with pytest.raises(ImproperlyConfigured):
        prefix.first(start="pre")


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.postgres
def test_on_postgresql_the_statement_is_prepared_once_per_connection_and_kept_across_a_rollback(stations):
    station = stations[0]
    STATION.first(mission_id=station.mission_id, station_id=station.pk)
    prepared = [text for text in _prepared_statements() if "missions_pollingstation" in text]
    assert len(prepared) == 1 and "$1" in prepared[0]
    STATION.first(mission_id=station.mission_id, station_id=stations[1].pk)
    assert [text for text in _prepared_statements() if "missions_pollingstation" in text] == prepared
    # A failed statement rolls its savepoint back; psycopg then forgets what it prepared, and prepares it again.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT 1 / 0")
    assert STATION.first(mission_id=station.mission_id, station_id=station.pk).pk == station.pk
    assert STATION.first(mission_id=station.mission_id, station_id=stations[1].pk).pk == stations[1].pk


def test_the_statement_cursor_is_djangos_wrapper_counted_and_logged(stations, django_assert_num_queries):
    with django_assert_num_queries(1) as captured, statement_cursor() as cursor:
        cursor.execute("SELECT %s + %s", [2, 3])
        assert cursor.fetchone()[0] == 5
    assert captured.captured_queries[0]["sql"] == "SELECT 2 + 3"
