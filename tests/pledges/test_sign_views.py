"""Signing a pledge: each party records its signature; both signed publishes it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from pledges.models import Notification, Pledge
from tests import factories as f

pytestmark = pytest.mark.django_db
S = Pledge.Status


@pytest.fixture
def approved(home):
    return f.PledgeFactory(
        municipality=home,
        title="Medborgarlöfte Hemby 2026",
        status=S.APPROVED,
        municipality_signatory_name="Anna Ordförande",
        municipality_signatory_title="Kommunstyrelsens ordförande",
        police_signatory_name="Per Chef",
        police_signatory_title="Lokalpolisområdeschef",
    )


def sign_url(pledge, party: str) -> str:
    return reverse("pledge-sign", args=[pledge.pk, party])


def signature(**changes) -> dict:
    return {
        "name": "Anna Ordförande",
        "title": "Kommunstyrelsens ordförande",
        "signed_on": timezone.localdate().isoformat(),
        **changes,
    }


def test_the_form_is_prefilled_from_the_pledge(client_of, owner, liaison, approved):
    municipality = client_of(owner).get(sign_url(approved, "municipality"))
    assert municipality.status_code == 200
    assert municipality.context["form"].initial["name"] == "Anna Ordförande"
    assert 'value="Kommunstyrelsens ordförande"' in municipality.content.decode()

    police = client_of(liaison).get(sign_url(approved, "police"))
    assert police.context["form"].initial["name"] == "Per Chef"
    assert police.context["form"].initial["signed_on"] == timezone.localdate()


def test_both_signatures_publish_the_pledge(client_of, owner, liaison, approved):
    response = client_of(owner).post(sign_url(approved, "municipality"), signature())
    assert response.status_code == 302
    approved.refresh_from_db()
    assert approved.status == S.APPROVED
    assert approved.municipality_signed_on == timezone.localdate()
    assert approved.published_at is None

    response = client_of(liaison).post(
        sign_url(approved, "police"), signature(name="Per Chef", title="LPO-chef")
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("pledge-review", args=[approved.pk]) + "#signing"
    approved.refresh_from_db()
    assert approved.status == S.PUBLISHED
    assert approved.published_at is not None
    assert (approved.police_signatory_name, approved.police_signatory_title) == (
        "Per Chef",
        "LPO-chef",
    )
    told = set(
        Notification.objects.filter(kind=Notification.Kind.PUBLISHED).values_list(
            "user__username", flat=True
        )
    )
    assert told == {"owner", "liaison"}


def test_signing_before_approval_is_refused_with_a_clear_message(client_of, owner, home, liaison):
    pledge = f.PledgeFactory(municipality=home, status=S.IN_REVIEW)
    page = client_of(owner).get(sign_url(pledge, "municipality"))
    assert page.status_code == 200
    assert not page.context["approved"]
    assert '<form method="post" novalidate>' not in page.content.decode()

    response = client_of(owner).post(sign_url(pledge, "municipality"), signature())
    assert response.status_code == 400
    errors = response.context["form"].non_field_errors()
    assert errors and ("approved" in errors[0] or "godkänn" in errors[0])
    pledge.refresh_from_db()
    assert pledge.municipality_signed_on is None
    assert pledge.status == S.IN_REVIEW


def test_a_signing_date_in_the_future_is_refused(client_of, owner, approved):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client_of(owner).post(
        sign_url(approved, "municipality"), signature(signed_on=tomorrow)
    )
    assert response.status_code == 400
    assert response.context["form"].errors["signed_on"]
    approved.refresh_from_db()
    assert approved.municipality_signed_on is None


def test_a_party_signs_once(client_of, owner, approved):
    client = client_of(owner)
    assert client.post(sign_url(approved, "municipality"), signature()).status_code == 302
    page = client.get(sign_url(approved, "municipality"))
    assert page.context["signed_on"] == timezone.localdate()
    again = client.post(sign_url(approved, "municipality"), signature(name="Någon annan"))
    assert again.status_code == 400
    approved.refresh_from_db()
    assert approved.municipality_signatory_name == "Anna Ordförande"


@pytest.mark.parametrize(
    ("who", "party"),
    [
        ("colleague", "municipality"),  # reads, but does not edit
        ("owner", "police"),
        ("liaison", "municipality"),
        ("county_officer", "municipality"),
        ("outsider", "municipality"),
        ("owner", "mayor"),
    ],
)
def test_only_those_who_may_sign_see_the_page(client_of, request, approved, who, party):
    client = client_of(request.getfixturevalue(who))
    assert client.get(sign_url(approved, party)).status_code == 404
    assert client.post(sign_url(approved, party), signature()).status_code == 404
    approved.refresh_from_db()
    assert approved.municipality_signed_on is None and approved.police_signed_on is None
