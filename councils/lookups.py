"""Database lookups the project adds to Django's (registered in CouncilsConfig.ready)."""

from __future__ import annotations

from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerIn(In):
    """``__in`` on an integer column, leaving out values the column cannot hold.

    A value that is no integer, or one beyond the column's range, can match no row.
    Django's exact, lt, gt… lookups already treat a number out of range so
    (``IntegerFieldOverflow``); ``__in`` sent it to the database, which raised
    OverflowError (SQLite) or DataError (PostgreSQL), and raised ValueError for text.
    Posted ids reach ``__in`` unchecked in places Django owns: ModelMultipleChoiceField
    asks ``pk__in`` with every posted id, the admin's autocomplete widget re-renders
    an invalid form with ``id__in`` of the posted text. Each was a 500; now such a
    value is an unknown id like any other.
    """

    def get_prep_lookup(self):
        if self.rhs_is_direct_value() and isinstance(self.rhs, list | tuple | set | frozenset):
            field = self.lhs.output_field
            self.rhs = [value for value in self.rhs if _fits(field, value)]
        return super().get_prep_lookup()

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            kind = self.lhs.output_field.get_internal_type()
            low, high = connection.ops.integer_field_ranges.get(kind, (None, None))
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


def _fits(field, value) -> bool:
    if value is None or hasattr(value, "resolve_expression"):
        return True
    try:
        field.get_prep_value(value)
    except (TypeError, ValueError):
        return False
    return True


def register() -> None:
    IntegerField.register_lookup(IntegerIn)
