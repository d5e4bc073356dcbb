"""How a query matches, on the database the suite runs on (SQLite by default, PostgreSQL
in CI). Each test asserts what its database does: Swedish stemming and trigram
similarity on PostgreSQL, the case-insensitive word match of the fallback on SQLite.
"""

from __future__ import annotations

import importlib

import pytest
from django.db import connection

from pledges.models import Activity
from search import engine
from search.kinds import KINDS
from tests import factories as f

pytestmark = pytest.mark.django_db

POSTGRES = connection.vendor == "postgresql"
MIGRATION = importlib.import_module("search.migrations.0001_trigram_and_search_indexes")
STORED = importlib.import_module("search.migrations.0002_stored_documents")


def _titles(query: str, **fields) -> list[str]:
    found = engine.matching(
        Activity.objects.all(), query, text=("title", "description"), names=("title",), **fields
    )
    return [a.title for a in found]


@pytest.fixture
def walks(home):
    pledge = f.PledgeFactory(municipality=home)
    f.ActivityFactory(pledge=pledge, title="Trygghetsvandring i Ängby", description="")
    f.ActivityFactory(pledge=pledge, title="Läxhjälp på biblioteket", description="")
    return pledge


def test_an_inflected_form_is_found_by_stemming_on_postgres_only(walks):
    found = _titles("trygghetsvandringar")
    if POSTGRES:
        # the Swedish configuration stems both to "trygghetsvandring"
        assert found == ["Trygghetsvandring i Ängby"]
    else:
        # the fallback matches words as they are written: the plural is not in the title
        assert found == []
        assert _titles("trygghetsvandring") == ["Trygghetsvandring i Ängby"]


def test_a_misspelt_or_partial_name_is_found_by_trigrams_on_postgres_only(walks):
    found = _titles("tryghetsvandring")
    if POSTGRES:
        assert found == ["Trygghetsvandring i Ängby"]
    else:
        assert found == []
    # a word's beginning is found on both (a substring in the fallback, trigrams on PostgreSQL)
    assert _titles("trygghets") == ["Trygghetsvandring i Ängby"]


def test_case_is_ignored_for_swedish_letters_too(walks):
    assert _titles("ÄNGBY") == ["Trygghetsvandring i Ängby"]
    assert _titles("ängby") == ["Trygghetsvandring i Ängby"]
    assert _titles("LÄXHJÄLP") == ["Läxhjälp på biblioteket"]


def test_every_word_must_match_in_the_fallback_or_the_document_on_postgres(walks):
    assert _titles("Ängby trygghetsvandring") == ["Trygghetsvandring i Ängby"]
    if POSTGRES:
        # no document holds both words, but most of the query's trigrams are in one
        # title's words: found by similarity
        assert _titles("Ängby biblioteket") == ["Läxhjälp på biblioteket"]
        assert _titles("Ängby skolgården") == []
    else:
        assert _titles("Ängby biblioteket") == []


def test_hostile_queries_are_plain_text(walks):
    for query in ("' OR 1=1 --", "%", "_", "!", "a & b | c", "(", ":*", '"', "\\"):
        assert _titles(query) == [], query


def test_the_total_comes_with_the_rows(walks):
    pledge = walks
    for n in range(4):
        f.ActivityFactory(pledge=pledge, title=f"Nattvandring {n}", description="")
    rows = list(
        engine.matching(Activity.objects.all(), "nattvandring", text=("title",), names=("title",))[
            :2
        ]
    )
    assert len(rows) == 2
    assert {row.total for row in rows} == {4}


def test_the_migrations_index_and_store_the_fields_the_kinds_search():
    indexed = sorted((text, names) for _app, _model, _short, text, names in MIGRATION.INDEXED)
    assert indexed == sorted((kind.text, kind.names) for kind in KINDS)
    # the stored documents: the kinds' fields, the names weighted A, in both lists
    stored = {table: (names, (*names, *others)) for table, _s, names, others in STORED.STORED}
    kinds = {
        kind.visible(f.UserFactory()).model._meta.db_table: (kind.names, kind.text)
        for kind in KINDS
    }
    assert stored == kinds
    assert {table: text for table, (_names, text) in stored.items()} == engine.STORED


def test_the_search_indexes_exist_on_postgres_and_not_on_sqlite():
    with connection.cursor() as cursor:
        if POSTGRES:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'search_%%'")
            names = {row[0] for row in cursor.fetchall()}
            cursor.execute("SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'")
            assert cursor.fetchone() == ("pg_trgm",)
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
            names = {row[0] for row in cursor.fetchall() if row[0].startswith("search_")}
    expected = {index.name for _app, _model, index in MIGRATION.indexes()}
    assert names == (expected if POSTGRES else set())
    assert len(expected) == 15
    # 0002 gave the full-text indexes' names to the indexes of the stored documents
    assert {f"search_{short}_fts" for _t, short, _n, _o in STORED.STORED} < expected


def test_postgres_plans_a_search_with_the_indexes(walks):
    """With sequential scans off, the planner reaches the rows through the search's GIN
    indexes; a document that differed from the indexed expression could not."""
    found = engine.matching(
        Activity.objects.all(),
        "trygghetsvandringar",
        text=("title", "description"),
        names=("title",),
    )
    if not POSTGRES:
        assert "search_act" not in found.explain()
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = found.explain()
    assert "search_act_fts" in plan
    assert "search_act_trgm" in plan


def _stored(activity: Activity) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_document FROM pledges_activity WHERE id = %s", [activity.pk])
        return cursor.fetchone()[0]


def test_the_stored_document_follows_every_kind_of_write(walks):
    activity = Activity.objects.get(title="Trygghetsvandring i Ängby")
    if not POSTGRES:
        # SQLite keeps no document: the fallback reads the fields themselves
        columns = {
            c.name
            for c in connection.introspection.get_table_description(
                connection.cursor(), "pledges_activity"
            )
        }
        assert engine.COLUMN not in columns and "title" in columns
        return
    assert _stored(activity) == "'trygghetsvandring':1A 'ängby':3A"
    # save(), update() and bulk_create() alike: the trigger keeps it, whatever wrote
    activity.description = "Med fastighetsägaren"
    activity.save()
    assert "'fastighetsäg':5" in _stored(activity)
    Activity.objects.filter(pk=activity.pk).update(title="Nattvandring")
    assert _stored(activity).startswith("'fastighetsäg':3 'nattvandring':1A")
    assert _titles("trygghetsvandringar") == []
    assert _titles("nattvandringar") == ["Nattvandring"]
    (added,) = Activity.objects.bulk_create(
        [f.ActivityFactory.build(pledge=walks, title="Cykelpatrull", description="")]
    )
    assert _stored(added) == "'cykelpatrull':1A"


def test_a_name_that_holds_the_words_ranks_first_then_the_text_then_similarity(walks):
    f.ActivityFactory(pledge=walks, title="Möte", description="Om trygghetsvandringar i parken")
    f.ActivityFactory(pledge=walks, title="Trygghetsvandringen", description="")
    f.ActivityFactory(pledge=walks, title="Tryghetsvandringarna", description="")
    found = _titles("trygghetsvandring")
    if POSTGRES:
        # names first (weight A), then the text (D), then the misspelt one by similarity
        assert found[-2:] == ["Möte", "Tryghetsvandringarna"]
        assert set(found[:2]) == {"Trygghetsvandring i Ängby", "Trygghetsvandringen"}
    else:
        assert found == ["Möte", "Trygghetsvandring i Ängby", "Trygghetsvandringen"]


def test_the_stored_document_is_read_through_a_subquerys_alias_too(walks):
    """``found`` in an ``Exists`` (the residents' search): Django renames the table
    "U0" there, and the stored column must follow."""
    from django.db.models import Exists, OuterRef

    from pledges.models import Pledge

    inner = engine.found(
        Activity.objects.filter(pledge=OuterRef("pk")),
        "trygghetsvandringar" if POSTGRES else "Trygghetsvandring",
        text=("title", "description"),
        names=("title",),
    )
    assert list(Pledge.objects.filter(Exists(inner))) == [walks]
