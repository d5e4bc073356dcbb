"""Partnerships and invitations: services and pages (councils.partner_services,
councils.views.partners), and the data migration linking typed partner names."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
import time_machine
from django.apps import apps
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from councils import dates
from councils import partner_services as services
from councils.models import Membership, Organisation, Role, User
from councils.partners import Invitation, Partnership
from councils.two_factor import ENROL, PENDING
from pledges.models import Activity
from tests import factories as f
from tests.partner_fixtures import partner

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]
MOMENT = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(MOMENT, tick=False) as traveller:
        yield traveller


def _partnership(organisation, municipality) -> Partnership:
    return Partnership.objects.get(organisation=organisation, municipality=municipality)


# --- partnerships ------------------------------------------------------------------


def test_a_coordinator_adds_a_partner_and_ends_the_partnership(client_of, frozen, owner, home):
    client = client_of(owner)
    response = client.post(
        reverse("partner-create", args=[home.code]),
        {"name": "  Hembybostäder   AB ", "partner_kind": "housing"},
    )
    organisation = Organisation.objects.get(name="Hembybostäder AB")
    assert organisation.kind == Organisation.Kind.PARTNER and organisation.partner_kind == "housing"
    partnership = _partnership(organisation, home)
    assert response.url == reverse("partnership-detail", args=[partnership.pk])
    assert partnership.started_on == dt.date(2026, 3, 2) and partnership.is_active
    page = client.get(reverse("partner-list", args=[home.code])).content.decode()
    assert "Hembybostäder AB" in page and "Bostadsbolag" in page
    end = reverse("partnership-end", args=[partnership.pk])
    assert client.post(end, {"version": partnership.version + 5}).status_code == 409
    assert client.post(end, {"version": partnership.version}).status_code == 302
    partnership.refresh_from_db()
    assert partnership.ended_on == dt.date(2026, 3, 2)  # kept, as history
    assert partnership.history.count() == 2
    # and it can start again, as a new partnership
    client.post(reverse("partnership-start", args=[home.code]), {"organisation": organisation.pk})
    assert Partnership.objects.filter(organisation=organisation).count() == 2


def test_a_name_taken_and_a_second_active_partnership_are_refused(owner, home, housing):
    with pytest.raises(ValidationError):
        services.partner_create(
            user=owner, municipality=home, name="hembybostäder ab", partner_kind="housing"
        )
    with pytest.raises(ValidationError):
        services.partnership_start(user=owner, municipality=home, organisation=housing)


def test_only_the_municipalitys_coordinators_manage_its_partners(
    client_of, owner, outsider, colleague, home, housing, partner_admin
):
    with pytest.raises(PermissionDenied):
        services.partnership_start(user=outsider, municipality=home, organisation=housing)
    for user in (outsider, colleague, partner_admin):
        client = client_of(user)
        assert client.get(reverse("partner-list", args=[home.code])).status_code == 404
        partnership = _partnership(housing, home)
        end = reverse("partnership-end", args=[partnership.pk])
        assert client.post(end, {"version": partnership.version}).status_code == 404
    assert _partnership(housing, home).is_active


# --- invitations ------------------------------------------------------------------------


def _invite(user, organisation, municipality, email="ny@example.se", role=Role.CONTACT):
    return services.invitation_create(
        user=user,
        partnership=_partnership(organisation, municipality),
        email=email,
        role=role,
    )


def _link(invitation) -> str:
    return reverse("invitation-accept", args=[invitation.token()])


ACCOUNT = {
    "first_name": "Nina",
    "last_name": "Nyberg",
    "password1": "ett-langt-losenord-42",
    "password2": "ett-langt-losenord-42",
}


def test_an_invitation_is_sent_accepted_once_and_logged(
    client, frozen, owner, home, housing, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = _invite(owner, housing, home)
    assert invitation.expires_at == MOMENT + dt.timedelta(days=7)
    [message] = mail.outbox
    assert message.to == ["ny@example.se"] and _link(invitation) in message.body
    assert "Hembybostäder AB" in message.subject
    response = client.post(_link(invitation), ACCOUNT)
    assert response.status_code == 302
    user = User.objects.get(username="ny@example.se")
    assert user.check_password(ACCOUNT["password1"]) and user.first_name == "Nina"
    assert Membership.objects.filter(user=user, organisation=housing, role=Role.CONTACT).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_by == user and invitation.accepted_at == dates.now()
    # single use: the link opens no more, for anyone
    client.logout()
    again = client.post(_link(invitation), {**ACCOUNT, "password1": "x"})
    assert again.status_code == 410
    assert User.objects.filter(email="ny@example.se").count() == 1
    # every step in the history: sent, accepted
    assert [h.history_type for h in invitation.history.order_by("history_id")] == ["+", "~"]


def test_an_invitation_expires_after_seven_days(client, frozen, owner, home, housing):
    invitation = _invite(owner, housing, home)
    frozen.move_to(MOMENT + dt.timedelta(days=7, seconds=-1))
    assert client.get(_link(invitation)).status_code == 200
    frozen.move_to(MOMENT + dt.timedelta(days=7))
    response = client.post(_link(invitation), ACCOUNT)
    assert response.status_code == 410
    assert "har gått ut" in response.content.decode()
    assert not User.objects.filter(username="ny@example.se").exists()


def test_a_withdrawn_invitation_opens_no_more(client_of, client, frozen, owner, home, housing):
    invitation = _invite(owner, housing, home)
    coordinator = client_of(owner)
    withdraw = reverse("invitation-withdraw", args=[invitation.pk])
    coordinator.post(withdraw, {"version": invitation.version})
    invitation.refresh_from_db()
    assert invitation.withdrawn_at == dates.now()
    client.logout()
    assert client.post(_link(invitation), ACCOUNT).status_code == 410
    assert invitation.history.count() == 2


def test_a_tampered_link_is_not_found(client, owner, home, housing):
    invitation = _invite(owner, housing, home)
    assert client.get(_link(invitation)[:-3] + "xyz/").status_code == 404
    other = Invitation.objects.filter(pk=invitation.pk)
    other.update(nonce="changed")
    assert client.get(_link(invitation)).status_code == 404


def test_two_factor_is_set_up_first_when_the_organisation_requires_it(
    client, frozen, owner, home, housing
):
    housing.two_factor_required = True
    housing.save()
    invitation = _invite(owner, housing, home)
    response = client.post(_link(invitation), ACCOUNT)
    assert response.status_code == 302
    assert client.session[PENDING] == ENROL
    home_page = client.get(reverse("home"))
    assert home_page.status_code == 302 and reverse("two-factor-enrol") in home_page.url


def test_a_partner_admin_invites_into_their_own_organisation_only(
    owner, home, housing, school, partner_admin, outsider, away_partner, away
):
    invitation = _invite(partner_admin, housing, home, role=Role.REPORTER)
    assert invitation.invited_by == partner_admin
    with pytest.raises(PermissionDenied):
        _invite(partner_admin, school, home)
    with pytest.raises(PermissionDenied):
        _invite(outsider, housing, home)
    with pytest.raises(PermissionDenied):
        _invite(owner, away_partner, away)
    with pytest.raises(ValidationError):
        _invite(owner, housing, home, role=Role.COORDINATOR)


def test_ending_a_partnership_withdraws_its_open_invitations(frozen, owner, home, housing):
    invitation = _invite(owner, housing, home)
    partnership = _partnership(housing, home)
    services.partnership_end(user=owner, partnership=partnership, expected_version=1)
    invitation.refresh_from_db()
    assert invitation.withdrawn_at is not None
    with pytest.raises(ValidationError):
        _invite(owner, housing, home)


def test_the_partnership_page_lists_members_and_invites(
    client_of, frozen, owner, home, housing, contact, partner_admin
):
    _invite(owner, housing, home, email="vakt@example.se")
    partnership = _partnership(housing, home)
    start = client_of(partner_admin).get(reverse("home")).content.decode()
    assert reverse("partnership-detail", args=[partnership.pk]) in start
    for user in (owner, partner_admin):
        page = client_of(user).get(reverse("partnership-detail", args=[partnership.pk]))
        text = page.content.decode()
        assert page.status_code == 200 and "vakt@example.se" in text and str(contact) in text
    response = client_of(owner).post(
        reverse("invitation-create", args=[partnership.pk]), {"email": "nej", "role": "contact"}
    )
    assert response.status_code == 400


# --- the data migration -------------------------------------------------------------------


def test_the_migration_links_matching_partner_names(home):
    migration = importlib.import_module("pledges.migrations.0010_activity_partner_names_linked")
    housing = partner("Hembybostäder AB", "housing")
    pledge = f.PledgeFactory(municipality=home)
    exact = f.ActivityFactory(
        pledge=pledge, responsible_party="partner", partner_name="  hembybostäder ab "
    )
    unknown = f.ActivityFactory(
        pledge=pledge, responsible_party="partner", partner_name="Föreningen Nattvandrarna"
    )
    municipality = f.ActivityFactory(pledge=pledge, partner_name="")
    assert migration.link_partner_names(apps) == 1
    exact.refresh_from_db()
    unknown.refresh_from_db()
    assert exact.responsible_organisation == housing and exact.partner_name == ""
    assert exact.partner_display == "Hembybostäder AB"
    assert unknown.responsible_organisation is None
    assert unknown.partner_name == "Föreningen Nattvandrarna"
    assert Activity.objects.get(pk=municipality.pk).responsible_organisation is None
    assert migration.link_partner_names(apps) == 0  # run twice: nothing more
