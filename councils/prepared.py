"""Queries whose SQL is made once per process.

The ORM takes longer to build a small query than PostgreSQL takes to answer it (some
0.3 to 0.6 ms a query; an aggregate with subqueries more). A query asked on every page
(the user's memberships, the unread count) or by every kept page (the data's
fingerprint) is built once, from the queryset, with stand-ins where its values go; each
call fills in the values and runs the SQL as it is:

    UNREAD = Prepared(lambda user: Notification.objects.filter(user_id=user, ...))
    UNREAD.one(user=request.user.pk)

Values are integers (ids), or dates, times and strings for the names given in
``dates``, ``times`` and ``texts``: each gets a stand-in no real value has, which must
appear among the query's parameters as the ORM passes it to the database (a queryset
that inlines it into the SQL, or turns it into other values, as ``__year`` does, is
refused when the SQL is made); each call passes its value as the ORM would (a date as
text on SQLite).

A value named in ``lists`` is a list of ids, for ``field__in=ids`` (the municipalities
a user may see): the SQL is made with one stand-in in the list, and each call writes as
many placeholders as it has ids. An empty list means no rows (no query runs), so such
a list must be a condition every row meets (the ORM finds no rows for it empty;
anything else is refused when the SQL is made). Rows are
tuples, as ``values_list`` gives them; ``Prepared`` applies no converters (choices,
dates on SQLite), so its queryset should select plain columns; ``PreparedRows`` applies
them, ``PreparedObjects`` builds model instances.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F, Func, Model, QuerySet
from django.db.models.query import _get_from_db, get_related_populators

#: stand-ins for the values, far below any id, and long before any date or time stored
_FIRST_STAND_IN = -7_311_942_519
_DATE_STAND_IN = dt.date(1001, 2, 3)
_TIME_STAND_IN = dt.datetime(1001, 2, 3, 4, 5, 6, tzinfo=dt.UTC)
_TEXT_STAND_IN = "prepared-stand-in-7311942519-"
#: a placeholder of the SQL Django makes (``%%`` is a literal percent sign)
_PLACEHOLDER = re.compile(r"%%|%s")
#: the ids a row can have (a 64-bit integer column)
_ID_MIN, _ID_MAX = -(2**63), 2**63 - 1
#: how many lengths of lists a query keeps its SQL for
_LENGTHS_KEPT = 128


class Prepared:
    def __init__(
        self,
        build: Callable[..., QuerySet],
        *,
        lists: Sequence[str] = (),
        dates: Sequence[str] = (),
        times: Sequence[str] = (),
        texts: Sequence[str] = (),
        names: Sequence[str] = (),
    ) -> None:
        """``build(**values)`` gives the queryset; the names of its parameters (or
        ``names``, for a ``build(**values)``) are the names ``rows`` and ``one`` take;
        those in ``lists`` take lists of ids, those in ``dates`` dates (for a date
        column), those in ``times`` aware datetimes, those in ``texts`` strings."""
        self._build = build
        code = build.__code__
        self._names = tuple(names) or code.co_varnames[: code.co_argcount]
        self._lists = frozenset(lists)
        self._dates, self._times = frozenset(dates), frozenset(times)
        self._texts = frozenset(texts)
        self._made: tuple[str, tuple, dict[int, str], str] | None = None
        #: where each parameter's placeholder is in the SQL (for the lists)
        self._starts: list[int] = []
        #: the SQL by the lengths of the lists
        self._by_lengths: dict[tuple[int, ...], str] = {}

    def _stand_in(self, name: str, i: int) -> Any:
        if name in self._dates:
            return _DATE_STAND_IN + dt.timedelta(days=i)
        if name in self._times:
            return _TIME_STAND_IN + dt.timedelta(days=i)
        if name in self._texts:
            return f"{_TEXT_STAND_IN}{i}"
        return _FIRST_STAND_IN - i

    def _parameter(self, name: str, value: Any) -> Any:
        """``value`` as the ORM passes it to the database for a column of its kind."""
        if name in self._dates:
            return connection.ops.adapt_datefield_value(value)
        if name in self._times:
            return connection.ops.adapt_datetimefield_value(value)
        return value

    def _stand_ins(self, names, empty: str = "") -> dict[str, Any]:
        values = {name: self._stand_in(name, i) for i, name in enumerate(names)}
        return {
            name: ([] if name == empty else [value]) if name in self._lists else value
            for name, value in values.items()
        }

    def _make(self) -> None:
        names = self._names
        if unknown := (self._lists | self._dates | self._times | self._texts) - set(names):
            raise ValueError(f"no value {', '.join(sorted(unknown))} in the query")
        stand_ins = {
            _as_key(self._parameter(name, self._stand_in(name, i))): name
            for i, name in enumerate(names)
        }
        queryset = self._build(**self._stand_ins(names))
        # making the SQL also fills in the compiler's columns (select, klass_info), as
        # running the queryset would: PreparedObjects builds its rows from them
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        places = {
            i: stand_ins[key] for i, p in enumerate(params) if (key := _as_key(p)) in stand_ins
        }
        if set(places.values()) != set(names):
            raise ValueError(f"not every value is a parameter of the query: {sql}")
        for name in self._lists:
            empty = self._build(**self._stand_ins(names, empty=name))
            try:
                empty.query.get_compiler(using=empty.db).as_sql()
            except EmptyResultSet:
                continue  # the ORM finds no rows when the list is empty: nor do we
            raise ValueError(f"an empty {name} would not mean no rows: {sql}")
        self._starts = [m.start() for m in _PLACEHOLDER.finditer(sql) if m.group() == "%s"]
        self._by_lengths = {}
        self._made = sql, tuple(params), places, connection.vendor
        self._made_from(queryset, compiler)

    def _made_from(self, queryset: QuerySet, compiler) -> None:
        """What a subclass keeps of the queryset that made the SQL."""

    def _sql(self) -> tuple[str, tuple, dict[int, str]]:
        made = self._made
        if made is None or made[3] != connection.vendor:
            self._make()
            made = self._made
        return made[0], made[1], made[2]

    def _statement(self, values: dict[str, Any]) -> tuple[str, list] | None:
        """The SQL and parameters for ``values``; None when they can match no row: a
        list is empty, or an id is beyond 64 bits (no row has it, and SQLite refuses
        such a number; the ORM's lookups find no row for it, and a list leaves it out)."""
        sql, params, places = self._sql()
        given, lengths = [], []
        for place, param in enumerate(params):
            name = places.get(place)
            if name is None:
                given.append(param)
            elif name in self._lists:
                ids = [i for i in values[name] if _ID_MIN <= i <= _ID_MAX]
                if not ids:
                    return None
                given.extend(ids)
                lengths.append(len(ids))
            else:
                value = values[name]
                if type(value) is int and not _ID_MIN <= value <= _ID_MAX:
                    return None
                given.append(self._parameter(name, value))
        return (self._sql_for(sql, places, tuple(lengths)) if lengths else sql), given

    def _sql_for(self, sql: str, places: dict[int, str], lengths: tuple[int, ...]) -> str:
        """The SQL with as many placeholders in each list as it has ids."""
        found = self._by_lengths.get(lengths)
        if found is None:
            listed = sorted(p for p, name in places.items() if name in self._lists)
            pieces, end = [], 0
            for place, length in zip(listed, lengths, strict=True):
                start = self._starts[place]
                pieces += [sql[end:start], ", ".join(["%s"] * length)]
                end = start + 2
            found = "".join([*pieces, sql[end:]])
            if len(self._by_lengths) >= _LENGTHS_KEPT:
                self._by_lengths.clear()
            self._by_lengths[lengths] = found
        return found

    def _fetch(self, values: dict[str, Any], many: bool = True):
        statement = self._statement(values)
        if statement is None:
            return [] if many else None
        with connection.cursor() as cursor:
            cursor.execute(*statement)
            return cursor.fetchall() if many else cursor.fetchone()

    def rows(self, **values: Any) -> list[tuple]:
        return self._fetch(values)

    def one(self, **values: Any) -> tuple | None:
        """The first row, or None."""
        return self._fetch(values, many=False)


def _as_key(parameter: Any) -> tuple | None:
    """A parameter as the stand-ins are looked up: with its type (a stand-in id is not
    ``True``, nor a date the same date as text); None for a list."""
    try:
        hash(parameter)
    except TypeError:
        return None
    return type(parameter), parameter


def figures(rows: QuerySet, **specs: str) -> QuerySet:
    """One row of figures over ``rows``, without GROUP BY: ``name="FUNCTION field"``
    (``n="COUNT pk"``, ``latest="MAX published_at"``), in the order given."""
    calls = {}
    for name, spec in specs.items():
        function, field_name = spec.split()
        calls[name] = Func(F(field_name), function=function)
    return rows.order_by().annotate(**calls).values_list(*specs)


class PreparedRows(Prepared):
    """Rows as the queryset's ``values_list`` gives them, with the columns' converters
    applied (dates and times on SQLite, decimals), by SQL made once per process."""

    def _made_from(self, queryset: QuerySet, compiler) -> None:
        self._compiler = compiler

    def rows(self, **values: Any) -> list[tuple]:
        rows = self._fetch(values)
        return list(self._compiler.results_iter([rows], tuple_expected=True)) if rows else []


class PreparedObjects(Prepared):
    """Model instances (with what ``select_related`` joins and the annotations) by SQL
    made once per process: ``objects(**values)`` gives what ``list(queryset)`` would,
    with the columns' converters applied, as the ORM builds them. For the lookups every
    page makes (the pledge of the editor and of the review by key)."""

    def _made_from(self, queryset: QuerySet, compiler) -> None:
        klass_info, select = compiler.klass_info, compiler.select
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        fetch_mode = queryset._fetch_mode
        if fetch_mode.track_peers:
            raise ValueError("a prepared queryset fetches its rows' relations one by one")
        self._compiler = compiler
        self._model_columns = slice(start, end)
        self._init_list = [column[0].target.attname for column in select[start:end]]
        self._from_db = _get_from_db(klass_info["model"], fetch_mode)
        self._related = get_related_populators(klass_info, select, queryset.db, fetch_mode)
        self._annotations = tuple(compiler.annotation_col_map.items())
        self._db = queryset.db

    def objects(self, known: dict[str, Model] | None = None, **values: Any) -> list[Model]:
        """The rows for ``values``; ``known`` names a relation every row shares and its
        object (``known={"pledge": pledge}``), set on each as a related manager would."""
        rows = self._fetch(values)
        if not rows:
            return []
        model = self._compiler.klass_info["model"]
        shared = [(model._meta.get_field(name), obj) for name, obj in (known or {}).items()]
        found = []
        for row in self._compiler.results_iter([rows]):
            obj = self._from_db(self._db, self._init_list, row[self._model_columns])
            for related in self._related:
                related.populate(row, obj)
            for name, position in self._annotations:
                setattr(obj, name, row[position])
            for field, value in shared:
                field.set_cached_value(obj, value)
            found.append(obj)
        return found

    def first(self, **values: Any) -> Model | None:
        """The first of ``objects(**values)``, or None (a queryset that could match many
        rows where one is wanted says so itself: ``[:1]``)."""
        found = self.objects(**values)
        return found[0] if found else None


@contextmanager
def planned_for_their_values() -> Iterator[None]:
    """Queries run inside are not prepared, so PostgreSQL plans each for its values.

    With ``DATABASE_PREPARED_STATEMENTS`` psycopg prepares a query on its fifth run,
    and PostgreSQL may then keep one plan for any values (its generic plan). That is
    what a lookup by key wants; a search does not: the plan for "every activity" is not
    the plan for one rare word, and the generic one made the bench's every-activity
    search 0.49 s against 0.18 s. A no-op on SQLite and with the setting off.
    """
    connection.ensure_connection()
    raw = connection.connection
    threshold = getattr(raw, "prepare_threshold", None)
    if connection.vendor != "postgresql" or threshold is None:
        yield
        return
    raw.prepare_threshold = None
    try:
        yield
    finally:
        raw.prepare_threshold = threshold
