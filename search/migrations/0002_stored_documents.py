"""Each searched table keeps its full-text document in a column, on PostgreSQL only (a
no-op on SQLite).

The search used to compute ``to_tsvector`` from the fields for every row it looked at:
to filter, and again to rank. A query that finds most rows ("trygghetsvandringar"
finds every activity) then parsed all 53 000 activities twice and took seconds. Now
the column ``search_document`` holds the document, a trigger keeps it current on every
insert and on every update of its fields (``save``, ``update``, ``bulk_create``, COPY
alike), and the GIN index is on the column.

The name fields carry weight A, the other fields D, so ``ts_rank`` puts a row whose
name holds the words above one whose text mentions them (the ranking used to add the
names' trigram similarity to every row for that, the other half of the seconds).

No model declares the column: pages never load it, and only ``search.engine`` reads
it (``engine.STORED`` must equal ``STORED`` here; ``tests/search/test_engine.py``
checks both against the kinds). Replaces 0001's expression indexes (``search_*_fts``)
by indexes of the same names on the column.
"""

import importlib

from django.db import migrations

CONFIG = "swedish"
COLUMN = "search_document"

#: (table, short name, name fields (weight A), the other fields of the document (D))
STORED = [
    ("councils_municipality", "mun", ("name",), ()),
    ("agreements_agreement", "agr", ("title",), ("documentation",)),
    (
        "agreements_priorityproblem",
        "prb",
        ("title",),
        ("description", "place", "cause_analysis"),
    ),
    ("pledges_pledge", "plg", ("title",), ("public_text", "area")),
    ("pledges_activity", "act", ("title",), ("description",)),
    ("councils_council", "cnc", ("name",), ("mandate",)),
    ("councils_meeting", "mtg", (), ("agenda", "minutes")),
    ("followup_indicator", "ind", ("name",), ("description", "code")),
]


def _vector(fields: tuple[str, ...], weight: str) -> str:
    joined = " || ' ' || ".join(f"coalesce(NEW.{field}::text, '')" for field in fields)
    return f"setweight(to_tsvector('{CONFIG}'::regconfig, {joined}), '{weight}')"


def _document(names: tuple[str, ...], others: tuple[str, ...]) -> str:
    parts = [_vector(names, "A")] if names else []
    parts += [_vector(others, "D")] if others else []
    return " || ".join(parts)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, short, names, others in STORED:
        fields = ", ".join((*names, *others))
        schema_editor.execute(f"ALTER TABLE {table} ADD COLUMN {COLUMN} tsvector")
        schema_editor.execute(
            f"CREATE FUNCTION search_document_{short}() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN NEW.{COLUMN} := {_document(names, others)}; RETURN NEW; END $$"
        )
        schema_editor.execute(
            f"CREATE TRIGGER search_document_{short} BEFORE INSERT OR UPDATE OF {fields} "
            f"ON {table} FOR EACH ROW EXECUTE FUNCTION search_document_{short}()"
        )
        first = (*names, *others)[0]
        schema_editor.execute(f"UPDATE {table} SET {first} = {first}")
        schema_editor.execute(f"DROP INDEX IF EXISTS search_{short}_fts")
        schema_editor.execute(f"CREATE INDEX search_{short}_fts ON {table} USING gin ({COLUMN})")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    earlier = importlib.import_module("search.migrations.0001_trigram_and_search_indexes")
    for table, short, _names, _others in STORED:
        schema_editor.execute(f"DROP INDEX IF EXISTS search_{short}_fts")
        schema_editor.execute(f"DROP TRIGGER search_document_{short} ON {table}")
        schema_editor.execute(f"DROP FUNCTION search_document_{short}()")
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN {COLUMN}")
    for app, model, index in earlier.indexes():
        if index.name.endswith("_fts"):
            schema_editor.add_index(apps.get_model(app, model), index)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_trigram_and_search_indexes")]

    operations = [migrations.RunPython(create, drop)]
