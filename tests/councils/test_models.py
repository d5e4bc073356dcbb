"""Constraints that live in the database, and role validation."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from councils.models import County, Membership, Municipality, Organisation, Role
from councils.services import membership_grant
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_municipality_codes_must_be_four_digits(home_county):
    with pytest.raises(IntegrityError), transaction.atomic():
        Municipality.objects.create(code="114", name="Kort", county=home_county)
    with pytest.raises(ValidationError):
        Municipality(code="01x4", name="Fel", county=home_county).full_clean()


def test_county_codes_must_be_two_digits(region):
    with pytest.raises(IntegrityError), transaction.atomic():
        County.objects.create(
            code="1", letter_code="ZZ", name="X", short_name="X", police_region=region
        )


def test_an_organisation_is_linked_as_its_kind_says(home, police_area):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(
            name="Fel", kind=Organisation.Kind.POLICE_AREA, municipality=home
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="Utan", kind=Organisation.Kind.MUNICIPALITY)
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(
            name="Båda",
            kind=Organisation.Kind.NATIONAL,
            local_police_area=police_area,
        )


def test_one_role_per_user_and_organisation(owner, home_org):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=owner, organisation=home_org, role=Role.COORDINATOR)


def test_a_role_must_exist_in_the_kind_of_organisation(police_org, home_org):
    user = f.UserFactory()
    with pytest.raises(ValidationError):
        membership_grant(user=user, organisation=police_org, role=Role.COORDINATOR)
    with pytest.raises(ValidationError) as error:
        Membership(user=user, organisation=home_org, role=Role.POLICE_LIAISON).full_clean()
    assert "role" in error.value.message_dict
    assert membership_grant(user=user, organisation=police_org, role=Role.POLICE_LIAISON).pk
    # granting again is harmless
    membership_grant(user=user, organisation=police_org, role=Role.POLICE_LIAISON)
    assert user.memberships.count() == 1
