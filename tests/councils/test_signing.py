"""Two-party signing (councils.signing): one rule for who signs for the police on either
document, one rule for the signing date, one set of signatory fields."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from agreements.models import Agreement
from councils import signing
from councils.forms import SignForm
from councils.models import Organisation, Role
from pledges.models import Pledge
from tests import factories as f


def _liaison_of(area):
    org = f.OrganisationFactory(
        kind=Organisation.Kind.POLICE_AREA, municipality=None, local_police_area=area
    )
    return f.MembershipFactory(organisation=org, role=Role.POLICE_LIAISON).user


@pytest.fixture
def other_area(region, home):
    """A second local police area that also covers the home municipality."""
    return f.LocalPoliceAreaFactory(police_region=region, municipalities=[home])


@pytest.fixture
def away_area(region, away):
    return f.LocalPoliceAreaFactory(police_region=region, municipalities=[away])


def test_the_police_sign_an_agreement_through_a_liaison_of_an_area_it_names(
    home, police_area, other_area, away_area, liaison, owner, police_org
):
    agreement = f.AgreementFactory(municipality=home)
    agreement.police_areas.set([police_area])
    assert signing.may_sign(liaison, agreement, "police")
    # covers the municipality, but the agreement does not name it
    assert not signing.may_sign(_liaison_of(other_area), agreement, "police")
    assert not signing.may_sign(_liaison_of(away_area), agreement, "police")
    reader = f.MembershipFactory(organisation=police_org, role=Role.READER).user
    assert not signing.may_sign(reader, agreement, "police")
    assert not signing.may_sign(owner, agreement, "police")
    assert signing.may_sign(owner, agreement, "municipality")
    assert not signing.may_sign(liaison, agreement, "municipality")
    assert not signing.may_sign(liaison, agreement, "partner")


def test_the_police_sign_a_pledge_through_a_liaison_of_an_area_that_covers_it(
    home, police_area, other_area, away_area, liaison, owner, police_org
):
    pledge = f.PledgeFactory(municipality=home)
    assert signing.may_sign(liaison, pledge, "police")
    # a pledge names no areas: every area that covers its municipality is its own
    assert signing.may_sign(_liaison_of(other_area), pledge, "police")
    assert not signing.may_sign(_liaison_of(away_area), pledge, "police")
    reader = f.MembershipFactory(organisation=police_org, role=Role.READER).user
    assert not signing.may_sign(reader, pledge, "police")
    assert not signing.may_sign(owner, pledge, "police")
    assert signing.may_sign(owner, pledge, "municipality")
    assert not signing.may_sign(liaison, pledge, "municipality")


def test_a_superuser_may_sign_for_either_party(home):
    admin = f.UserFactory(is_superuser=True)
    agreement, pledge = f.AgreementFactory(municipality=home), f.PledgeFactory(municipality=home)
    for document in (agreement, pledge):
        assert all(signing.may_sign(admin, document, party) for party in signing.PARTIES)


def test_a_signing_date_in_the_future_is_refused_by_the_form_and_by_the_service(db):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    form = SignForm({"name": "A", "title": "B", "signed_on": tomorrow.isoformat()})
    assert not form.is_valid()
    assert form.errors["signed_on"] == ["Datumet för underskrift kan inte ligga i framtiden."]
    with pytest.raises(ValidationError) as refused:
        signing.record_signature(Pledge(), party="police", name="A", title="B", signed_on=tomorrow)
    assert refused.value.message_dict["signed_on"] == form.errors["signed_on"]
    today = timezone.localdate()
    assert SignForm({"name": "A", "title": "B", "signed_on": today.isoformat()}).is_valid()


def test_both_documents_declare_the_same_signatory_fields():
    names = [
        f"{party}_{what}"
        for party in signing.PARTIES
        for what in ("signatory_name", "signatory_title", "signed_on")
    ]
    for name in names:
        theirs = Agreement._meta.get_field(name).deconstruct()[1:]
        ours = Pledge._meta.get_field(name).deconstruct()[1:]
        assert theirs == ours, name


def test_the_signatures_rows_link_only_where_the_user_may_sign(home):
    pledge = f.PledgeFactory(
        municipality=home,
        municipality_signatory_name="Kim",
        municipality_signed_on=dt.date(2026, 1, 10),
    )
    municipality, police = signing.signatures(
        pledge, {"municipality": True, "police": False}, "pledge-sign"
    )
    assert (municipality.name, municipality.signed_on) == ("Kim", dt.date(2026, 1, 10))
    assert municipality.sign_url.endswith(f"/pledges/{pledge.pk}/sign/municipality/")
    assert police.signed_on is None and police.sign_url == ""
