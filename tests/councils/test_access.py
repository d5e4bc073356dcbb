"""councils.access: who may see, edit and review which municipality."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404
from django.urls import reverse

from councils import access
from councils.access import Capability as C
from councils.models import Organisation, Role
from pledges.models import Activity, Pledge
from tests import factories as f

pytestmark = pytest.mark.django_db


def codes(queryset) -> set[str]:
    return set(queryset.values_list("code", flat=True))


def test_coordinator_reads_and_edits_only_their_municipality(owner, home, neighbour, away):
    assert codes(access.municipalities_for(owner, C.READ)) == {home.code}
    assert codes(access.municipalities_for(owner, C.EDIT)) == {home.code}
    assert codes(access.municipalities_for(owner, C.REVIEW)) == set()
    assert access.capabilities(owner, home) == {C.READ, C.INTERNAL, C.EDIT, C.REPORT, C.PICTURE}
    assert access.capabilities(owner, away) == frozenset()
    assert access.capabilities(owner, neighbour) == frozenset()


def test_reader_in_the_municipality_sees_drafts_but_does_not_edit(colleague, home):
    assert access.capabilities(colleague, home) == {C.READ, C.INTERNAL, C.PICTURE}
    assert not access.can(colleague, C.EDIT, home)


def test_police_liaison_reviews_every_municipality_of_their_police_area(
    liaison, home, neighbour, away
):
    assert codes(access.municipalities_for(liaison, C.REVIEW)) == {home.code, neighbour.code}
    assert codes(access.municipalities_for(liaison, C.EDIT)) == set()
    assert access.capabilities(liaison, neighbour) == {
        C.READ,
        C.INTERNAL,
        C.REVIEW,
        C.REPORT,
        C.PICTURE,
    }
    assert not access.can(liaison, C.READ, away)


def test_county_officer_reads_every_municipality_of_the_county_and_no_drafts(
    county_officer, home, neighbour, away
):
    assert codes(access.municipalities_for(county_officer, C.READ)) == {home.code, neighbour.code}
    assert codes(access.municipalities_for(county_officer, C.INTERNAL)) == set()
    assert access.capabilities(county_officer, home) == {C.READ, C.PICTURE}
    assert access.capabilities(county_officer, away) == frozenset()


def test_national_reader_reads_everything_but_no_drafts(national_reader, home, away):
    assert codes(access.municipalities_for(national_reader, C.READ)) >= {home.code, away.code}
    assert access.reads_everywhere(national_reader)
    assert access.capabilities(national_reader, away) == {C.READ, C.PICTURE}
    assert not access.municipalities_for(national_reader, C.INTERNAL).exists()


def test_superuser_may_do_everything(superuser, away):
    assert access.capabilities(superuser, away) == set(C)
    assert access.reads_everywhere(superuser)


def test_anonymous_and_inactive_users_get_nothing(owner, home):
    assert not access.municipalities_for(AnonymousUser(), C.READ).exists()
    assert access.capabilities(AnonymousUser(), home) == frozenset()
    owner.is_active = False
    assert not access.municipalities_for(owner, C.READ).exists()
    assert access.capabilities(owner, home) == frozenset()


def test_a_user_with_several_memberships_gets_the_union(owner, home, away_org, away):
    f.MembershipFactory(user=owner, organisation=away_org, role=Role.READER)
    assert codes(access.municipalities_for(owner, C.READ)) == {home.code, away.code}
    assert access.capabilities(owner, away) == {C.READ, C.INTERNAL, C.PICTURE}
    assert codes(access.municipalities_for(owner, C.EDIT)) == {home.code}


def test_partner_organisations_grant_no_municipality(db, home):
    partner = f.OrganisationFactory(kind=Organisation.Kind.PARTNER, municipality=None)
    user = f.MembershipFactory(organisation=partner, role=Role.READER).user
    assert not access.municipalities_for(user, C.READ).exists()
    assert access.capabilities(user, home) == frozenset()


@pytest.mark.parametrize("capability", list(C))
def test_the_queryset_and_the_per_object_answer_agree(
    capability,
    owner,
    colleague,
    liaison,
    county_officer,
    national_reader,
    outsider,
    home,
    neighbour,
    away,
):
    for user in (owner, colleague, liaison, county_officer, national_reader, outsider):
        listed = codes(access.municipalities_for(user, capability))
        for municipality in (home, neighbour, away):
            assert (municipality.code in listed) == access.can(user, capability, municipality), (
                user.username,
                capability,
                municipality.code,
            )


def test_get_municipality_or_404(owner, outsider, home):
    assert access.get_municipality_or_404(owner, home.code, C.EDIT) == home
    with pytest.raises(Http404):
        access.get_municipality_or_404(outsider, home.code)
    with pytest.raises(Http404):
        access.get_municipality_or_404(owner, "0000")


def test_organisation_pages_are_for_members(owner, colleague, outsider, home_org, superuser):
    assert access.get_organisation_or_404(colleague, home_org.pk) == home_org
    assert access.get_organisation_or_404(superuser, home_org.pk) == home_org
    with pytest.raises(Http404):
        access.get_organisation_or_404(outsider, home_org.pk)
    f.MembershipFactory(user=owner, organisation=home_org, role=Role.ORG_ADMIN)
    assert access.can_manage_members(owner, home_org)
    assert not access.can_manage_members(colleague, home_org)


def test_capabilities_are_computed_once_per_user_object(
    owner, home, away, django_assert_max_num_queries
):
    access.capabilities(owner, home)
    with django_assert_max_num_queries(0):
        access.capabilities(owner, away)
        access.can(owner, C.EDIT, home)


# --- lookups: the object or 404, and lists --------------------------------------------


def test_get_object_or_404_follows_the_models_path_to_its_municipality(
    owner, liaison, county_officer, outsider, home
):
    activity = f.ActivityFactory(pledge=f.PledgeFactory(municipality=home))
    activities = Activity.objects.select_related("pledge")
    assert access.get_object_or_404(owner, activities, C.EDIT, pk=activity.pk) == activity
    assert access.get_object_or_404(liaison, Activity, C.REVIEW, pk=activity.pk) == activity
    assert access.get_object_or_404(county_officer, Activity, C.READ, pk=activity.pk) == activity
    # not theirs, a capability they lack on it, and no such row: the same 404
    for user, capability, pk in [
        (outsider, C.READ, activity.pk),
        (liaison, C.EDIT, activity.pk),
        (county_officer, C.INTERNAL, activity.pk),
        (owner, C.READ, activity.pk + 1000),
    ]:
        with pytest.raises(Http404):
            access.get_object_or_404(user, activities, capability, pk=pk)


def test_those_who_hold_a_capability_everywhere_see_every_row(
    superuser, national_reader, home, away
):
    pledges = [f.PledgeFactory(municipality=m) for m in (home, away)]
    assert set(access.filter_visible(Pledge.objects.all(), superuser, C.EDIT)) == set(pledges)
    assert set(access.filter_visible(Pledge.objects.all(), national_reader, C.READ)) == set(pledges)
    assert not access.filter_visible(Pledge.objects.all(), national_reader, C.INTERNAL).exists()
    assert not access.filter_visible(Pledge.objects.all(), AnonymousUser(), C.READ).exists()


@pytest.mark.parametrize("capability", list(C))
def test_the_filtered_list_and_the_per_object_answer_agree(
    capability,
    owner,
    colleague,
    liaison,
    county_officer,
    national_reader,
    outsider,
    home,
    neighbour,
    away,
):
    activities = {
        m.code: f.ActivityFactory(pledge=f.PledgeFactory(municipality=m))
        for m in (home, neighbour, away)
    }
    for user in (owner, colleague, liaison, county_officer, national_reader, outsider):
        listed = set(access.filter_visible(Activity.objects.all(), user, capability))
        for municipality in (home, neighbour, away):
            activity = activities[municipality.code]
            assert (activity in listed) == access.can(user, capability, municipality), (
                user.username,
                capability,
                municipality.code,
            )


def test_filter_visible_never_hands_back_the_queryset_it_was_given(owner, home):
    """Pages keep their querysets at module level: evaluating the answer must not fill
    the module's cache."""
    f.PledgeFactory(municipality=home)
    pledges = Pledge.objects.all()
    for user in (owner, f.UserFactory(is_superuser=True)):
        visible = access.filter_visible(pledges, user, C.READ)
        assert visible is not pledges
        list(visible)
    assert pledges._result_cache is None


def test_a_model_without_a_path_to_a_municipality_has_no_shared_lookup(owner):
    with pytest.raises(ImproperlyConfigured):
        access.filter_visible(Organisation.objects.all(), owner, C.READ)


def test_counties_follow_the_county_board(
    county_officer, owner, national_reader, home_county, other_county
):
    assert set(access.counties_for(county_officer)) == {home_county}
    assert set(access.counties_for(national_reader)) >= {home_county, other_county}
    assert not access.counties_for(owner).exists()  # a coordinator reads one municipality
    assert not access.counties_for(county_officer, C.INTERNAL).exists()
    assert access.get_county_or_404(county_officer, code=home_county.code) == home_county
    assert access.get_county_or_404(national_reader, pk=other_county.pk) == other_county
    for lookup in ({"code": other_county.code}, {"code": "99"}):
        with pytest.raises(Http404):
            access.get_county_or_404(county_officer, **lookup)


def test_counties_come_from_the_grants_and_none_asks_nothing(
    django_assert_num_queries, county_officer, owner, home_county, county_board, other_county
):
    """The grants note each county board membership's county: a user with none has no
    counties without a query (every start page asks), a county officer's are theirs,
    and a second board's role adds its county."""
    access._grants(owner)
    access._grants(county_officer)
    with django_assert_num_queries(0):
        assert not access.counties_for(owner).exists()
        assert not access.counties_for(county_officer, C.INTERNAL).exists()
    with django_assert_num_queries(1):
        assert list(access.counties_for(county_officer)) == [home_county]
    other_board = f.OrganisationFactory(
        kind=Organisation.Kind.COUNTY_BOARD, county=other_county, municipality=None
    )
    other_board.memberships.create(user=county_officer, role=Role.COUNTY_OFFICER)
    officer = type(county_officer).objects.get(pk=county_officer.pk)
    assert set(access.counties_for(officer)) == {home_county, other_county}


# --- holders: who is told ---------------------------------------------------------------


def test_holders_are_the_members_granted_the_capability(
    owner, colleague, liaison, county_officer, national_reader, outsider, superuser, home, away
):
    assert set(access.holders(C.EDIT, home)) == {owner}
    assert set(access.holders(C.REVIEW, home.pk)) == {liaison}
    assert set(access.holders(C.INTERNAL, home)) == {owner, colleague, liaison}
    assert set(access.holders(C.READ, home)) == {
        owner,
        colleague,
        liaison,
        county_officer,
        national_reader,
    }
    assert set(access.holders(C.EDIT, away)) == {outsider}
    owner.is_active = False
    owner.save()
    assert not access.holders(C.EDIT, home).exists()


@pytest.mark.parametrize("capability", list(C))
def test_holders_of_every_municipality_at_once_are_the_holders_of_each(
    capability,
    owner,
    colleague,
    liaison,
    county_officer,
    national_reader,
    outsider,
    home,
    neighbour,
    away,
):
    everywhere = access.holders_by_municipality(capability)
    for municipality in (home, neighbour, away):
        one = sorted(access.holders(capability, municipality).values_list("pk", flat=True))
        assert sorted(everywhere.get(municipality.pk, [])) == one, (capability, municipality)


def test_administrators_are_staff_and_superusers(owner, superuser):
    staff = f.UserFactory(is_staff=True)
    assert access.administers(staff) and access.administers(superuser)
    assert not access.administers(owner) and not access.administers(AnonymousUser())
    staff.is_active = False
    assert not access.administers(staff)


@pytest.mark.parametrize(
    "who",
    [
        "owner",
        "outsider",
        "liaison",
        "county_officer",
        "national_reader",
        "superuser",
        "reporter",
        "partner_admin",
    ],
)
def test_holding_a_capability_anywhere_is_what_the_municipality_query_says(request, home, who):
    user = request.getfixturevalue(who)
    for capability in C:
        expected = access.municipalities_for(user, capability).exists()
        fresh = type(user).objects.get(pk=user.pk)  # grants not worked out yet
        assert access.holds_anywhere(fresh, capability) is expected, (who, capability)
    assert access.holds_anywhere(AnonymousUser(), C.READ) is False


def test_the_review_link_shows_to_those_who_review(client_of, owner, liaison):
    page, queue = reverse("password_change_done"), f'href="{reverse("review-queue")}"'
    assert queue in client_of(liaison).get(page).content.decode()
    assert queue not in client_of(owner).get(page).content.decode()
