"""How rows reach their municipality, and the access-checked reads of the busiest pages
by SQL made once per process (``councils.prepared``). ``councils.access`` decides who
may see what and re-exports these; pages use them through it (``access.ByKey``,
``access.InScope``)."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.db.models import F, Model, QuerySet
from django.db.models.query import ModelIterable, ValuesListIterable

from councils.prepared import PreparedObjects, PreparedRows

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
        found = self._prepared.objects(pk=pk)
        return found[0] if found else None


class InScope:
    """A queryset as ``filter_visible`` narrows it to a user's municipalities, with SQL
    made once per process (the ids written as a list of placeholders): for the lists of
    the busiest pages, whose ORM query took five to eight times as long to build as
    PostgreSQL took to answer it. ``access.visible(InScope(queryset), user, capability)``
    gives the rows ``list(filter_visible(queryset, user, capability))`` gives."""

    def __init__(self, queryset: QuerySet) -> None:
        self.queryset = queryset
        path = f"{municipality_path(queryset.model)}__in"
        kinds = {ModelIterable: PreparedObjects, ValuesListIterable: PreparedRows}
        if queryset._iterable_class not in kinds:
            raise ValueError("InScope takes a queryset of objects or of values_list tuples")
        self._objects = queryset._iterable_class is ModelIterable
        self._prepared = kinds[queryset._iterable_class](
            lambda municipalities: queryset.filter(**{path: municipalities}),
            lists=["municipalities"],
        )

    def rows(self, municipality_ids: list[int] | None) -> list:
        """The rows in these municipalities (every row for None: no limit): objects, or
        tuples for a ``values_list`` queryset."""
        if municipality_ids is None:
            return list(self.queryset.all())
        if self._objects:
            return self._prepared.objects(municipalities=municipality_ids)
        return self._prepared.rows(municipalities=municipality_ids)
