"""A queryset compiled to SQL once per process, then run again with new values: for the look-ups of a hot path.

Building and compiling a queryset costs far more CPU than running it: on the ingest path, a select_related look-up of
one row by id took about 3 ms of Python against 0.3 ms for executing its SQL. A `PreparedQuery` builds its queryset
once with placeholder values, keeps the SQL Django compiled and where each placeholder went, and afterwards only
executes that SQL with the new values and turns the rows into model instances (select_related included) or tuples
the way the queryset itself would. The query is still written with the ORM, where its rules are read and kept: the
SQL is never written twice.

Limits, checked when the query is first compiled: each value must reach the SQL as a parameter of its own, unchanged
(a lookup that rewrites it, such as `startswith`, is refused), and the queryset may not use prefetch_related,
annotations on model instances or known related objects. Django's converters of column values are taken once, at
compile time; on PostgreSQL the ones of these queries read nothing of the connection but its settings.

On PostgreSQL the compiled SQL runs through `statement_cursor`: its values go to the server as parameters and the
statement is prepared on the connection the first time it runs, so PostgreSQL parses and plans it once per connection
rather than once per request (measured on the ingest path: a look-up cost the backend 80-340 microseconds of CPU with
the values written into the SQL text, 20-60 prepared, and the worker about half its Python CPU).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import FlatValuesListIterable, ModelIterable, ValuesListIterable, get_related_populators

# Placeholder values: integers no real row or constant of these queries uses; a char column gets their text. They stay
# within a 32-bit integer column's range (an auth user's id is one): Django compiles a value out of a column's range
# to a query that matches nothing, with no parameter to find.
_PLACEHOLDER_BASE = -2_071_500_150


def statement_cursor(alias: str = "default"):
    """A cursor for the few statements every request of a hot path runs, the same SQL each time.

    On PostgreSQL its statements are sent with server-side parameters and prepared on the connection when first run
    (psycopg keeps them by SQL text and parameter types, up to its `prepared_max` a connection, and forgets them on a
    rollback or a schema change). Only statements run through this cursor are prepared: the connection's
    `prepare_threshold` (settings) is set so high that psycopg never prepares anything else by itself; without that
    option psycopg prepares nothing, and these statements only have their values sent apart. On another database it
    is the connection's usual cursor. Either way it is Django's cursor wrapper: the statements are counted, logged and
    their errors translated as any other.

    Without a placeholder's type in the SQL, PostgreSQL infers each parameter's from where it stands: a statement run
    here casts a value whose column it cannot infer (a value in a SELECT list, above all a NULL one).
    """
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    logged = connection.queries_logged
    classes = _PREPARING_CURSORS or _preparing_cursor_classes()
    with connection.wrap_database_errors:
        cursor = classes[logged](connection.connection)
        _use_connection_time_zone(connection, cursor)
    return connection.make_debug_cursor(cursor) if logged else connection.make_cursor(cursor)


_PREPARING_CURSORS: dict = {}


def _preparing_cursor_classes() -> dict:
    """psycopg's server-side binding cursor as Django's PostgreSQL backend defines it, preparing every statement; and
    the same for Django's query log (DEBUG, a test counting queries), which reads the SQL that ran from the cursor."""
    if not _PREPARING_CURSORS:
        from django.db.backends.postgresql.base import ServerBindingCursor
        from psycopg import ClientCursor

        class PreparingCursor(ServerBindingCursor):
            def execute(self, query, params=None, *, prepare=True, binary=None):
                return super().execute(query, params, prepare=prepare, binary=binary)

        class _Logged:
            __slots__ = ("query", "params")

            def __init__(self, query: bytes):
                self.query, self.params = query, None

        class LoggedPreparingCursor(PreparingCursor):
            # psycopg records the statement it ran for a statement it does not prepare only: give the log the SQL
            # with its values written in, as Django's own cursor has it.
            def execute(self, query, params=None, *, prepare=True, binary=None):
                result = super().execute(query, params, prepare=prepare, binary=binary)
                if self._query is None:
                    self._query = _Logged(ClientCursor(self.connection).mogrify(query, params).encode())
                return result

        from django.db.backends.postgresql.base import TIMESTAMPTZ_OID
        from django.db.backends.postgresql.psycopg_any import register_tzloader
        from psycopg.pq import Format

        _PREPARING_CURSORS.update(
            {
                False: PreparingCursor,
                True: LoggedPreparingCursor,
                "timestamptz": (TIMESTAMPTZ_OID, Format.TEXT),
                "register_tzloader": register_tzloader,
            }
        )
    return _PREPARING_CURSORS


def _use_connection_time_zone(connection, cursor) -> None:
    """What Django's create_cursor does: read timestamps in the connection's zone when psycopg's loader has another."""
    loader = connection.connection.adapters.get_loader(*_PREPARING_CURSORS["timestamptz"])
    if connection.timezone != loader.timezone:
        _PREPARING_CURSORS["register_tzloader"](connection.timezone, cursor)


def _typed(value, wrapper):
    return value if wrapper is None or value is None else wrapper(value)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    # per parameter: ("value", (name, type)) or ("constant", value); the type is the one Django gave the placeholder
    # when it is not a plain int or str (on psycopg 3, Int4 and Int8 for integer columns), so that every run sends
    # the value with the type the ORM would have.
    slots: tuple
    converters: tuple  # (position, converters, expression) of each column whose value Django converts
    col_count: int
    shape: str  # "model", "tuples" or "flat"
    model: type | None = None
    init_list: tuple = ()
    model_fields: tuple[int, int] = (0, 0)
    related_populators: tuple = ()


class PreparedQuery:
    """A queryset built by `build(**values)`, compiled once per database alias, run with `rows(**values)`."""

    def __init__(self, build: Callable[..., QuerySet], *names: str):
        self.build = build
        self.names = names
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def _compile(self, alias: str) -> _Compiled:
        placeholders = {name: _PLACEHOLDER_BASE - index for index, name in enumerate(self.names)}
        queryset = self.build(**placeholders)
        if queryset._prefetch_related_lookups or queryset._known_related_objects or queryset.query.annotation_select:
            raise ImproperlyConfigured("A PreparedQuery takes plain columns and select_related only.")
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        by_value = {}
        for name, value in placeholders.items():
            by_value[value] = name
            by_value[str(value)] = name
        slots, found = [], set()
        for param in params:
            name = by_value.get(param) if isinstance(param, int | str) and not isinstance(param, bool) else None
            if name is None:
                slots.append(("constant", param))
            else:
                slots.append(("value", (name, type(param) if type(param) not in (int, str) else None)))
                found.add(name)
        if found != set(self.names):
            missing = set(self.names) - found
            raise ImproperlyConfigured(f"A PreparedQuery value was not compiled as a parameter: {missing}")
        if compiler.has_composite_fields([column[0] for column in compiler.select[: compiler.col_count]]):
            raise ImproperlyConfigured("A PreparedQuery selects no composite primary key.")
        converters = tuple(
            (position, tuple(functions), expression)
            for position, (functions, expression) in compiler.get_converters(
                [column[0] for column in compiler.select[: compiler.col_count]]
            ).items()
        )
        iterable = queryset._iterable_class
        if iterable is ModelIterable:
            select, klass_info = compiler.select, compiler.klass_info
            start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
            return _Compiled(
                sql=sql,
                slots=tuple(slots),
                converters=converters,
                col_count=compiler.col_count,
                shape="model",
                model=klass_info["model"],
                init_list=tuple(column[0].target.attname for column in select[start:end]),
                model_fields=(start, end),
                related_populators=tuple(get_related_populators(klass_info, select, alias)),
            )
        if iterable in (ValuesListIterable, FlatValuesListIterable) and not queryset.query.extra_select:
            shape = "flat" if iterable is FlatValuesListIterable else "tuples"
            return _Compiled(
                sql=sql, slots=tuple(slots), converters=converters, col_count=compiler.col_count, shape=shape
            )
        raise ImproperlyConfigured("A PreparedQuery returns model instances or values_list() rows.")

    def compiled(self, alias: str = "default") -> _Compiled:
        compiled = self._compiled.get(alias)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(alias)
                if compiled is None:
                    compiled = self._compile(alias)
                    self._compiled[alias] = compiled
        return compiled

    def rows(self, alias: str = "default", **values) -> list:
        """The queryset's results for these values: model instances, tuples, or values (flat=True)."""
        compiled = self.compiled(alias)
        params = [item if kind == "constant" else _typed(values[item[0]], item[1]) for kind, item in compiled.slots]
        connection = connections[alias]
        with statement_cursor(alias) as cursor:
            cursor.execute(compiled.sql, params)
            fetched = cursor.fetchall()
        if not fetched:
            return []
        count = compiled.col_count
        rows = [list(row[:count]) for row in fetched]
        for row in rows:  # what compiler.apply_converters does, with this thread's connection
            for position, functions, expression in compiled.converters:
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
        if compiled.shape == "flat":
            return [row[0] for row in rows]
        if compiled.shape == "tuples":
            return [tuple(row) for row in rows]
        start, end = compiled.model_fields
        instances = []
        for row in rows:
            instance = compiled.model.from_db(alias, compiled.init_list, row[start:end])
            for populator in compiled.related_populators:
                populator.populate(row, instance)
            instances.append(instance)
        return instances

    def first(self, alias: str = "default", **values):
        """The first result, or None."""
        rows = self.rows(alias, **values)
        return rows[0] if rows else None
