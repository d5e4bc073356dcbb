"""How rows reach their municipality, and the access-checked reads of the busiest pages
and what the grants read on every signed-in page, by SQL made once per process
(``councils.prepared``). ``councils.access`` decides who may see what and re-exports
these; pages use them through it (``access.ByKey``, ``access.InScope``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import F, Model, QuerySet
from django.db.models.query import ModelIterable, ValuesListIterable

from councils.models import County, LocalPoliceArea, Membership, Municipality, Organisation
from councils.partners import Partnership
from councils.prepared import Prepared, PreparedObjects, PreparedRows

#: the annotation that carries a looked-up row's municipality id
MUNICIPALITY_ID = "_access_municipality_id"


def municipality_path(model: type[Model]) -> str:
    """The ORM path from ``model``'s rows to their municipality, as the model declares it."""
    path = getattr(model, "municipality_path", None)
    if not path:
        raise ImproperlyConfigured(
            f"{model.__name__} declares no municipality_path (councils.models.InMunicipality)"
        )
    return path


class ByKey:
    """A queryset as ``get_object_or_404`` looks its rows up by primary key, with SQL made
    once per process: for the lookups of the busiest pages, whose ``select_related``
    makes the ORM's query take longer to build than to answer.
    ``get_object_or_404(user, ByKey(queryset), …, pk=pk)`` gives what it gives for the
    queryset; any other lookup asks the queryset."""

    def __init__(self, queryset: QuerySet) -> None:
        self.queryset = queryset
        found = {MUNICIPALITY_ID: F(municipality_path(queryset.model))}
        self._prepared = PreparedObjects(lambda pk: queryset.filter(pk=pk).annotate(**found))

    def by_key(self, pk: int) -> Model | None:
        return self._prepared.first(pk=pk)


_SAMPLE_DAY = dt.date(2000, 1, 1)
_SAMPLE_TIME = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


class InScope:
    """A queryset as ``filter_visible`` narrows it to a user's municipalities, with SQL
    made once per process (the ids written as a list of placeholders): for the lists of
    the busiest pages, whose ORM query took five to eight times as long to build as
    PostgreSQL took to answer it. ``access.visible(InScope(queryset), user, capability)``
    gives the rows ``list(filter_visible(queryset, user, capability))`` gives.

    A query with values of its own (a user's id, a day) is given as a function of them,
    those that are dates or times named as ``councils.prepared.Prepared`` takes them:
    ``InScope(lambda today: queryset.filter(ends__gte=today), dates=["today"])``, read
    with ``access.visible(scoped, user, capability, today=today)``."""

    def __init__(
        self,
        queryset: QuerySet | Callable[..., QuerySet],
        *,
        dates: Sequence[str] = (),
        times: Sequence[str] = (),
        path: str = "",
    ) -> None:
        """``path``: how the rows reach their municipality, for a model that declares
        none (``municipality_path``): ``"pk"`` for the municipalities themselves."""
        build = queryset if callable(queryset) else (lambda: queryset)
        self._build = build
        names = build.__code__.co_varnames[: build.__code__.co_argcount]
        self._values = frozenset(names)
        # the queryset's model and kind of rows, from any values of the right kinds
        shape = build(
            **{
                name: _SAMPLE_DAY if name in dates else _SAMPLE_TIME if name in times else 0
                for name in names
            }
        )
        path = f"{path or municipality_path(shape.model)}__in"

        def scoped(municipalities, **values):
            return build(**values).filter(**{path: municipalities})

        iterable = shape._iterable_class
        kinds = {ModelIterable: PreparedObjects, ValuesListIterable: PreparedRows}
        if iterable not in kinds:
            raise ValueError("InScope takes a queryset of objects or of values_list tuples")
        self._objects = iterable is ModelIterable
        self._prepared = kinds[iterable](
            scoped,
            lists=["municipalities"],
            dates=dates,
            times=times,
            names=["municipalities", *names],
        )

    @property
    def queryset(self) -> QuerySet:
        """The queryset (of a query without values of its own)."""
        return self._build().all()

    def rows(self, municipality_ids: list[int] | None, **values: Any) -> list:
        """The rows in these municipalities (every row for None: no limit): objects, or
        tuples for a ``values_list`` queryset."""
        if values.keys() != self._values:
            raise TypeError(f"the query takes {', '.join(sorted(self._values)) or 'no values'}")
        if municipality_ids is None:
            return list(self._build(**values).all())  # (a copy: a given queryset keeps none)
        if self._objects:
            return self._prepared.objects(municipalities=municipality_ids, **values)
        return self._prepared.rows(municipalities=municipality_ids, **values)


# --- what the grants read (``councils.access``), on every signed-in page -------------

#: a user's memberships
MEMBERSHIPS = Prepared(
    lambda user: Membership.objects.filter(user_id=user).values_list(
        "role",
        "organisation__kind",
        "organisation_id",
        "organisation__municipality_id",
        "organisation__local_police_area_id",
        "organisation__county_id",
    )
)
#: the municipalities of local police areas and of counties
POLICE_AREAS = Prepared(
    lambda areas: LocalPoliceArea.municipalities.through.objects.filter(
        localpolicearea_id__in=areas
    ).values_list("localpolicearea_id", "municipality_id"),
    lists=["areas"],
)
COUNTIES = Prepared(
    lambda counties: Municipality.objects.filter(county_id__in=counties).values_list(
        "pk", "county_id"
    ),
    lists=["counties"],
)

#: a county by its SCB code (``access.get_county_or_404``)
COUNTY_BY_CODE = PreparedObjects(lambda code: County.objects.filter(code=code)[:1], texts=["code"])


def _active(organisations) -> QuerySet[Partnership]:
    return Partnership.objects.active().filter(organisation_id__in=organisations)


#: the municipalities of partner organisations' active partnerships
PARTNERSHIPS = Prepared(
    lambda organisations: _active(organisations).values_list("organisation_id", "municipality_id"),
    lists=["organisations"],
)
#: partner organisations, and their active partnerships with what a list shows
ORGANISATIONS = PreparedObjects(lambda ids: Organisation.objects.filter(pk__in=ids), lists=["ids"])
ACTIVE_PARTNERSHIPS = PreparedObjects(
    lambda organisations: _active(organisations).select_related("organisation", "municipality"),
    lists=["organisations"],
)
