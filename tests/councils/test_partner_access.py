"""What partner roles may do (councils.access): REPORT and PICTURE on the municipalities
with an active partnership, nothing else; an ended partnership gives nothing."""

from __future__ import annotations

import pytest

from councils import access, dates
from councils.access import Capability
from councils.models import Municipality, Role
from councils.partners import Partnership
from pledges.models import Activity
from tests import factories as f
from tests.partner_fixtures import member

C = Capability
pytestmark = pytest.mark.django_db


def test_each_partner_role_grants_what_the_table_says(home, away, reporter, contact, partner_admin):
    assert access.capabilities(reporter, home) == {C.REPORT, C.PICTURE}
    assert access.capabilities(contact, home) == {C.REPORT, C.PICTURE}
    assert access.capabilities(partner_admin, home) == {C.PICTURE}
    for user in (reporter, contact, partner_admin):
        assert access.capabilities(user, away) == frozenset()
        assert not access.can(user, C.READ, home)
        assert not access.can(user, C.INTERNAL, home)


def test_scope_and_grants_agree(home, away, reporter, partner_admin):
    for user in (reporter, partner_admin):
        for capability in C:
            scope = set(access.municipalities_for(user, capability))
            by_grants = {m for m in (home, away) if access.can(user, capability, m)}
            assert scope == by_grants, (user, capability)
    assert list(access.municipalities_for(reporter, C.REPORT)) == [home]


def test_a_partner_reader_gets_nothing(home, housing):
    reader = member("partner_reader", housing, Role.READER)
    assert access.capabilities(reader, home) == frozenset()


def test_an_ended_partnership_gives_nothing(home, housing, contact):
    assert access.can(contact, C.REPORT, home)
    Partnership.objects.filter(organisation=housing).update(ended_on=dates.today())
    contact = type(contact).objects.get(pk=contact.pk)  # grants are cached per user object
    assert access.capabilities(contact, home) == frozenset()
    assert not access.municipalities_for(contact, C.REPORT).exists()
    assert contact.pk not in access.holders(C.REPORT, home).values_list("pk", flat=True)
    assert access.responsible_holders() == {}


def test_holders_reach_partners_of_their_municipality_only(
    home, away, contact, reporter, partner_admin, away_contact
):
    report = set(access.holders(C.REPORT, home).values_list("username", flat=True))
    assert {"contact", "reporter"} <= report
    assert "partner_admin" not in report and "away_contact" not in report
    assert "partner_admin" in set(
        access.holders(C.PICTURE, home).values_list("username", flat=True)
    )
    by_municipality = access.holders_by_municipality(C.REPORT)
    assert contact.pk in by_municipality[home.pk] and reporter.pk in by_municipality[home.pk]
    assert contact.pk not in by_municipality.get(away.pk, [])
    assert away_contact.pk in by_municipality[away.pk]
    assert not set(access.holders(C.READ, home).values_list("pk", flat=True)) & {
        contact.pk,
        reporter.pk,
    }


def test_reporting_organisations(home, away, housing, reporter, partner_admin, owner, home_org):
    assert access.reporting_organisations(reporter, home) == [housing.pk]
    assert access.reporting_organisations(reporter, away) == []
    assert access.reporting_organisations(partner_admin, home) == []
    assert access.reporting_organisations(owner, home) == [home_org.pk]


def test_a_contact_is_responsible_for_their_organisations_activities_only(
    home, housing, school, contact, school_contact, away_partner, away_contact
):
    pledge = f.PledgeFactory(municipality=home)
    ours = f.ActivityFactory(
        pledge=pledge, responsible_party="partner", responsible_organisation=housing
    )
    theirs = f.ActivityFactory(
        pledge=pledge, responsible_party="partner", responsible_organisation=school
    )
    # a partner of another municipality named on this one's activity reaches nothing
    foreign = f.ActivityFactory(
        pledge=pledge, responsible_party="partner", responsible_organisation=away_partner
    )
    rows = Activity.objects.all()
    assert list(access.filter_responsible(rows, contact)) == [ours]
    assert list(access.filter_responsible(rows, school_contact)) == [theirs]
    assert list(access.filter_responsible(rows, away_contact)) == []
    assert access.responsible_for(contact, housing.pk, home.pk)
    assert not access.responsible_for(contact, school.pk, home.pk)
    assert not access.responsible_for(away_contact, away_partner.pk, home.pk)
    assert foreign.pk not in access.filter_responsible(rows, contact).values_list("pk", flat=True)
    holders = access.responsible_holders()
    assert holders[(housing.pk, home.pk)] == [contact.pk]
    assert (away_partner.pk, home.pk) not in holders


def test_organisation_scope_of_a_partner_is_its_active_partnerships(home, away, housing):
    assert list(access.organisation_scope(housing)) == [home]
    Partnership.objects.create(organisation=housing, municipality=away, started_on=dates.today())
    assert set(access.organisation_scope(housing)) == {home, away}
    assert Municipality.objects.count() >= 2


def test_partners_for_coordinators_and_partner_admins(
    home, housing, school, owner, partner_admin, contact, outsider
):
    assert set(access.partners_for(owner, home).values_list("organisation", flat=True)) == {
        housing.pk,
        school.pk,
    }
    assert list(
        access.partners_for(partner_admin, home).values_list("organisation", flat=True)
    ) == [housing.pk]
    assert not access.partners_for(contact, home).exists()
    assert not access.partners_for(outsider, home).exists()


def test_a_partners_lists_cost_no_query_for_one_who_holds_no_partner_role(
    django_assert_num_queries, owner, contact, partner_admin, superuser, housing, home
):
    """Whether a user holds a role in a partner organisation is read with their grants
    (on every page); who holds none gets a partner's lists without a query (the start
    page asks them of everyone), who holds one gets theirs, and a superuser's are read."""
    access.capabilities(owner, home)  # the grants: read once per user object
    with django_assert_num_queries(0):
        assert list(access.partner_organisations(owner)) == []
        assert list(access.managed_partnerships(owner)) == []
        assert not access.responsible_for(owner, housing.pk, home.pk)
    assert list(access.partner_organisations(contact)) == [housing]
    assert list(access.managed_partnerships(contact)) == []  # a contact invites no one
    assert [p.organisation for p in access.managed_partnerships(partner_admin)] == [housing]
    access.capabilities(superuser, home)
    with django_assert_num_queries(1):
        assert list(access.partner_organisations(superuser)) == []


def test_a_partners_lists_by_sql_made_once_are_the_querysets(
    django_assert_num_queries, owner, contact, partner_admin, superuser, housing, school, home
):
    """The start page's lists (``partner_organisation_list``, ``managed_partnership_list``)
    give what the querysets give, for each role, from the organisations the grants read;
    one who holds no partner role costs no query, nor does a role in no organisation."""
    both = member("both", school, Role.ORG_ADMIN)
    member("both", housing, Role.CONTACT)
    for user in (owner, contact, partner_admin, superuser, both):
        assert access.partner_organisation_list(user) == list(access.partner_organisations(user))
        assert access.managed_partnership_list(user) == list(access.managed_partnerships(user))
    assert access.partner_organisation_list(both) == [housing]
    assert [p.organisation for p in access.managed_partnership_list(both)] == [school]
    assert access.managed_partnership_list(both)[0].municipality == home
    access.capabilities(owner, home)
    with django_assert_num_queries(0):
        assert access.partner_organisation_list(owner) == []
        assert access.managed_partnership_list(owner) == []
        assert access.managed_partnership_list(contact) == []  # a contact invites no one
    Partnership.objects.filter(organisation=school).update(ended_on=dates.today())
    both = type(both).objects.get(pk=both.pk)
    assert access.managed_partnership_list(both) == []
