"""Queries whose SQL is made once per process.

The ORM takes longer to build a small query than PostgreSQL takes to answer it (some
0.3 to 0.6 ms a query; an aggregate with subqueries more). A query asked on every page
(the user's memberships, the unread count) or by every kept page (the data's
fingerprint) is built once, from the queryset, with stand-ins where its values go; each
call fills in the values and runs the SQL as it is:

    UNREAD = Prepared(lambda user: Notification.objects.filter(user_id=user, ...))
    UNREAD.one(user=request.user.pk)

Values are integers (ids): each gets a stand-in no real value has, which must appear
among the query's parameters (a queryset that inlines it into the SQL is refused when
the SQL is made). Rows are tuples, as ``values_list`` gives them; the queryset should
select plain columns, as its converters (choices, dates on SQLite) are not applied.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.db.models import F, Func, QuerySet

#: stand-ins for the values, far below any id
_FIRST_STAND_IN = -7_311_942_519


class Prepared:
    def __init__(self, build: Callable[..., QuerySet]) -> None:
        """``build(**values)`` gives the queryset; the names of its parameters are the
        names ``rows`` and ``one`` take."""
        self._build = build
        self._made: tuple[str, tuple, dict[int, str], str] | None = None

    def _sql(self) -> tuple[str, tuple, dict[int, str]]:
        made = self._made
        if made is None or made[3] != connection.vendor:
            names = self._build.__code__.co_varnames[: self._build.__code__.co_argcount]
            stand_ins = {_FIRST_STAND_IN - i: name for i, name in enumerate(names)}
            query = self._build(**{name: value for value, name in stand_ins.items()})
            sql, params = query.query.sql_with_params()
            places = {
                i: stand_ins[p]
                for i, p in enumerate(params)
                if type(p) is int and p in stand_ins  # not True, nor a list
            }
            if set(places.values()) != set(names):
                raise ValueError(f"not every value is a parameter of the query: {sql}")
            made = self._made = sql, tuple(params), places, connection.vendor
        return made[0], made[1], made[2]

    def _execute(self, cursor, values: dict[str, Any]) -> None:
        sql, params, places = self._sql()
        given = list(params)
        for place, name in places.items():
            given[place] = values[name]
        cursor.execute(sql, given)

    def rows(self, **values: Any) -> list[tuple]:
        with connection.cursor() as cursor:
            self._execute(cursor, values)
            return cursor.fetchall()

    def one(self, **values: Any) -> tuple | None:
        """The first row, or None."""
        with connection.cursor() as cursor:
            self._execute(cursor, values)
            return cursor.fetchone()


def figures(rows: QuerySet, **specs: str) -> QuerySet:
    """One row of figures over ``rows``, without GROUP BY: ``name="FUNCTION field"``
    (``n="COUNT pk"``, ``latest="MAX published_at"``), in the order given."""
    calls = {}
    for name, spec in specs.items():
        function, field_name = spec.split()
        calls[name] = Func(F(field_name), function=function)
    return rows.order_by().annotate(**calls).values_list(*specs)
