"""Queries made once per process (``councils.prepared``): the same rows as the ORM for
every value, the queryset built once, and a value the query does not take refused."""

from __future__ import annotations

import pytest

from councils.models import Membership, Role
from councils.prepared import Prepared, figures
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
