"""pg_trgm and the search's GIN indexes, on PostgreSQL only (a no-op on SQLite).

For each kind the search finds (``search.kinds``): an expression index on its Swedish
full-text document (``to_tsvector('swedish', coalesce(a, '') || ' ' || …)``, built
by the same ``SearchVector`` the queries use, so the planner matches them) and a
trigram index (``gin_trgm_ops``) on each name field. The indexes live in this app's
migration, not in the other apps' models: they exist for the search alone.
``tests/search/test_engine.py`` checks that this list is the kinds' fields and that
PostgreSQL plans a search with the indexes.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import TrigramExtension
from django.contrib.postgres.search import SearchVector
from django.db import migrations

CONFIG = "swedish"

#: (app, model, short name, document fields, name fields)
INDEXED = [
    ("councils", "Municipality", "mun", ("name",), ("name",)),
    ("agreements", "Agreement", "agr", ("title", "documentation"), ("title",)),
    (
        "agreements",
        "PriorityProblem",
        "prb",
        ("title", "description", "place", "cause_analysis"),
        ("title",),
    ),
    ("pledges", "Pledge", "plg", ("title", "public_text", "area"), ("title",)),
    ("pledges", "Activity", "act", ("title", "description"), ("title",)),
    ("councils", "Council", "cnc", ("name", "mandate"), ("name",)),
    ("councils", "Meeting", "mtg", ("agenda", "minutes"), ()),
    ("followup", "Indicator", "ind", ("name", "description", "code"), ("name",)),
]


def indexes():
    """(app, model, index) of every index this migration makes."""
    for app, model, short, text, names in INDEXED:
        document = SearchVector(*text, config=CONFIG)
        yield app, model, GinIndex(document, name=f"search_{short}_fts")
        for name in names:
            index = GinIndex(fields=[name], opclasses=["gin_trgm_ops"], name=f"search_{short}_trgm")
            yield app, model, index


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for app, model, index in indexes():
        schema_editor.add_index(apps.get_model(app, model), index)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for app, model, index in indexes():
        schema_editor.remove_index(apps.get_model(app, model), index)


class Migration(migrations.Migration):
    dependencies = [
        ("councils", "0006_single_line_text"),
        ("agreements", "0005_single_line_text"),
        ("pledges", "0006_single_line_text"),
        ("followup", "0008_single_line_text"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create, drop),
    ]
