"""Queries made once per process (``councils.prepared``): the same rows as the ORM for
every value, the queryset built once, and a value the query does not take refused."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Count
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from councils import access
from councils.access import Capability
from councils.models import Membership, Role
from councils.prepared import Prepared, PreparedObjects, figures, planned_for_their_values
from pledges.models import Activity, Comment, Pledge
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_rows_are_the_orms_for_every_value_and_the_queryset_is_built_once(home):
    first, second = f.UserFactory(), f.UserFactory()
    organisation = f.OrganisationFactory(municipality=home)
    Membership.objects.create(user=first, organisation=organisation, role=Role.COORDINATOR)
    Membership.objects.create(user=second, organisation=organisation, role=Role.READER)
    built = []

    def build(user):
        built.append(user)
        return Membership.objects.filter(user_id=user).values_list("role", "organisation_id")

    prepared = Prepared(build)
    for user in (first, second, first):
        expected = list(build(user.pk))
        assert prepared.rows(user=user.pk) == expected
        assert prepared.one(user=user.pk) == expected[0]
    assert prepared.one(user=-1) is None
    assert len(built) == 1 + 3  # once for its SQL, and the three comparisons here


def test_figures_are_one_row_without_grouping(home):
    organisation = f.OrganisationFactory(municipality=home)
    users = [f.UserFactory() for _ in range(3)]
    for user in users:
        Membership.objects.create(user=user, organisation=organisation, role=Role.READER)
    counted = Prepared(
        lambda org: figures(
            Membership.objects.filter(organisation_id=org), n="COUNT pk", top="MAX user_id"
        )
    )
    assert counted.one(org=organisation.pk) == (3, max(u.pk for u in users))
    assert counted.rows(org=-1) == [(0, None)]


def test_a_value_the_query_does_not_take_as_a_parameter_is_refused(db):
    prepared = Prepared(lambda user: Membership.objects.all())
    with pytest.raises(ValueError, match="not every value"):
        prepared.rows(user=1)


# --- model rows (PreparedObjects) and lookups by key (access.ByKey) -------------------


def _as_orm_built(obj) -> dict:
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


def test_objects_are_the_orms_instances_with_their_joins_and_annotations(home, owner):
    pledge = f.PledgeFactory(municipality=home)
    other = f.PledgeFactory(municipality=home)
    first = f.ActivityFactory(pledge=pledge, order=2, responsible_user=owner)
    second = f.ActivityFactory(pledge=pledge, order=1, responsible_user=None)
    f.ActivityFactory(pledge=other)
    Comment.objects.create(pledge=pledge, activity=first, author=owner, text="Öppen fråga")

    def build(pledge):
        return (
            Activity.objects.filter(pledge_id=pledge)
            .select_related("responsible_user", "pledge__municipality")
            .annotate(open_comments=Count("comments"))
            .order_by("order", "pk")
        )

    prepared = PreparedObjects(build)
    for each in (pledge, other, pledge):
        expected = list(build(each.pk))
        found = prepared.objects(pledge=each.pk)
        assert [type(obj) for obj in found] == [Activity] * len(expected)
        assert [_as_orm_built(obj) for obj in found] == [_as_orm_built(e) for e in expected]
        assert [obj.open_comments for obj in found] == [e.open_comments for e in expected]
        assert all(not obj._state.adding and obj._state.db == "default" for obj in found)
    assert [obj.pk for obj in prepared.objects(pledge=pledge.pk)] == [second.pk, first.pk]
    assert prepared.objects(pledge=-1) == []

    with CaptureQueriesContext(connection) as queries:
        found = prepared.objects(pledge=pledge.pk)
    assert len(queries) == 1
    with CaptureQueriesContext(connection) as queries:  # the joins came with the rows
        assert found[1].responsible_user == owner and found[0].responsible_user is None
        assert found[0].pledge.municipality == home


def test_objects_carry_a_relation_every_row_shares(home):
    pledge = f.PledgeFactory(municipality=home)
    f.ActivityFactory(pledge=pledge)
    prepared = PreparedObjects(lambda pledge: Activity.objects.filter(pledge_id=pledge))

    (activity,) = prepared.objects(pledge=pledge.pk, known={"pledge": pledge})

    with CaptureQueriesContext(connection) as queries:
        assert activity.pledge is pledge
    assert len(queries) == 0


def test_a_lookup_by_key_is_the_querysets_and_keeps_others_out(owner, outsider, home):
    pledge = f.PledgeFactory(municipality=home)
    queryset = Pledge.objects.select_related("municipality", "municipality__county")
    by_key = access.ByKey(queryset)

    found = access.get_object_or_404(owner, by_key, Capability.EDIT, pk=pledge.pk)
    expected = access.get_object_or_404(owner, queryset, Capability.EDIT, pk=pledge.pk)
    assert _as_orm_built(found) == _as_orm_built(expected)
    with CaptureQueriesContext(connection) as queries:
        assert found.municipality.county == home.county
    assert len(queries) == 0
    for user, pk in ((outsider, pledge.pk), (owner, pledge.pk + 1000)):
        with pytest.raises(Http404):
            access.get_object_or_404(user, by_key, Capability.EDIT, pk=pk)
    # another lookup than the key asks the queryset
    assert access.get_object_or_404(owner, by_key, Capability.READ, title=pledge.title) == pledge


def test_queries_planned_for_their_values_are_not_prepared_and_the_rest_still_are(owner):
    def run_often() -> None:
        for _ in range(7):
            assert Membership.objects.filter(user_id=owner.pk).values_list("role").count() >= 0

    def prepared() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [row[0] for row in cursor.fetchall() if "councils_membership" in row[0]]

    with planned_for_their_values():
        run_often()
    if connection.vendor != "postgresql":
        return  # nothing to prepare on SQLite: the queries ran as ever
    assert prepared() == []
    assert connection.connection.prepare_threshold == 5  # as it was
    run_often()
    assert len(prepared()) == 1
