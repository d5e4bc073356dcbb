"""Two-factor authentication: enrolment with a QR code, the code step at login, an
organisation that requires it, and wrong codes slowed down and counted by django-axes."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from councils.models import Organisation, Role
from tests import factories as f
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def code(device: TOTPDevice, *, later: int = 0) -> str:
    """The code the user's app shows, ``later`` time steps from now."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, later):06d}"


def password_login(client, username: str = "owner"):
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def device_for(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Samverkan", confirmed=True)


def test_enrolment_shows_a_qr_code_and_confirms_with_a_code(client_of, owner):
    with time_machine.travel(START, tick=False) as clock:
        client = client_of(owner)
        page = client.get(reverse("two-factor-enrol"))
        assert page.status_code == 200
        body = page.content.decode()
        device = TOTPDevice.objects.get(user=owner, confirmed=False)
        assert "<svg" in body and "<path" in body  # server-rendered QR code, no external image
        assert "otpauth://totp/Samverkan%3Aowner?secret=" in body
        assert "issuer=Samverkan" in device.config_url
        assert page.context["secret"] in body
        # Opening the page again keeps the same key: the QR code already scanned still works.
        client.get(reverse("two-factor-enrol"))
        assert TOTPDevice.objects.filter(user=owner).count() == 1

        wrong = client.post(reverse("two-factor-enrol"), {"token": "000000"})
        assert wrong.status_code == 400
        assert "data-error-summary" in wrong.content.decode()
        assert 'href="#id_token"' in wrong.content.decode()
        assert not TOTPDevice.objects.get(pk=device.pk).confirmed

        clock.shift(dt.timedelta(seconds=31))  # past django-otp's pause after a failure
        done = client.post(reverse("two-factor-enrol"), {"token": code(device)})
        assert done.status_code == 302
        assert done["Location"] == reverse("two-factor")
        assert TOTPDevice.objects.get(pk=device.pk).confirmed
        status = client.get(reverse("two-factor"))
        assert "Tvåfaktorsinloggning är på." in status.content.decode()


def test_a_malformed_code_is_named_at_the_field(client_of, owner):
    response = client_of(owner).post(reverse("two-factor-enrol"), {"token": "12ab"})
    assert response.status_code == 400
    assert response.context["form"].errors["token"]
    assert 'aria-invalid="true"' in response.content.decode()


def test_a_user_with_a_device_gives_a_code_after_the_password(client, owner):
    device = device_for(owner)
    with time_machine.travel(START, tick=False) as clock:
        password_login(client)
        key_after_password = client.cookies["sessionid"].value
        for url in (reverse("home"), reverse("municipality-list"), reverse("admin:index")):
            response = client.get(url)
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("two-factor-verify") + "?next=")
        response = client.get(reverse("home"), follow=True)
        assert response.redirect_chain[-1][0] == reverse("two-factor-verify") + "?next=/"
        assert "Kod från appen" in response.content.decode()

        wrong = client.post(reverse("two-factor-verify"), {"token": "000000", "next": "/"})
        assert wrong.status_code == 400
        assert client.get(reverse("home")).status_code == 302

        clock.shift(dt.timedelta(seconds=31))
        right = client.post(
            reverse("two-factor-verify"),
            {"token": code(device), "next": reverse("municipality-list")},
        )
        assert right.status_code == 302
        assert right["Location"] == reverse("municipality-list")
        assert client.cookies["sessionid"].value != key_after_password
        assert client.get(reverse("home")).status_code == 200


def test_a_code_cannot_be_used_twice(client, owner):
    device = device_for(owner)
    with time_machine.travel(START, tick=False):
        password_login(client)
        token = code(device)
        assert client.post(reverse("two-factor-verify"), {"token": token}).status_code == 302
        client.post(reverse("logout"))
        password_login(client)
        replay = client.post(reverse("two-factor-verify"), {"token": token})
        assert replay.status_code == 400
        assert client.get(reverse("home")).status_code == 302


def test_wrong_codes_are_slowed_down(client, owner):
    device = device_for(owner)
    with time_machine.travel(START, tick=False) as clock:
        password_login(client)
        client.post(reverse("two-factor-verify"), {"token": "000000"})
        client.post(reverse("two-factor-verify"), {"token": "000001"})
        # Even the right code waits until the pause after two failures (2 s) is over.
        throttled = client.post(reverse("two-factor-verify"), {"token": code(device)})
        assert throttled.status_code == 400
        assert "För många felaktiga koder" in throttled.content.decode()
        clock.shift(dt.timedelta(seconds=3))
        assert client.post(reverse("two-factor-verify"), {"token": code(device)}).status_code == 302


def test_django_axes_counts_wrong_codes_and_locks_out(client, owner, settings):
    device_for(owner)
    with time_machine.travel(START, tick=False) as clock:
        password_login(client)
        statuses = []
        for n in range(settings.AXES_FAILURE_LIMIT):
            clock.shift(dt.timedelta(minutes=2))
            statuses.append(client.post(reverse("two-factor-verify"), {"token": f"00000{n}"}))
        failures = settings.AXES_FAILURE_LIMIT - 1
        assert [r.status_code for r in statuses[:-1]] == [400] * failures
        assert statuses[-1].status_code == 429
        assert "_auth_user_id" not in client.session
        # The password alone no longer lets the user in either.
        locked = client.post(reverse("login"), {"username": "owner", "password": PASSWORD})
        assert locked.status_code == 429


@pytest.fixture
def org_admin(home_org):
    admin = f.UserFactory(username="org_admin")
    f.MembershipFactory(user=admin, organisation=home_org, role=Role.ORG_ADMIN)
    return admin


def test_an_organisation_admin_requires_two_factor_of_the_members(
    client_of, org_admin, owner, home_org
):
    url = reverse("organisation-two-factor", kwargs={"pk": home_org.pk})
    # A member who is not an administrator cannot change it, nor learn that they could.
    assert client_of(owner).post(url, {"required": "on"}).status_code == 404
    client = client_of(org_admin)
    page = client.get(reverse("organisation-detail", kwargs={"pk": home_org.pk}))
    assert f'action="{url}"' in page.content.decode()
    response = client.post(url, {"required": "on"})
    assert response.status_code == 302
    assert Organisation.objects.get(pk=home_org.pk).two_factor_required
    client.post(url, {})
    assert not Organisation.objects.get(pk=home_org.pk).two_factor_required


def test_members_of_a_requiring_organisation_enrol_before_anything_else(client, owner, home_org):
    Organisation.objects.filter(pk=home_org.pk).update(two_factor_required=True)
    with time_machine.travel(START, tick=False):
        password_login(client)
        response = client.get(reverse("my-organisations"), follow=True)
        assert response.redirect_chain[-1][0].startswith(reverse("two-factor-enrol"))
        assert "Din organisation kräver tvåfaktorsinloggning" in response.content.decode()
        htmx = client.get(
            reverse("home"),
            headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/"},
        )
        assert htmx["HX-Redirect"].startswith(reverse("two-factor-enrol"))

        device = TOTPDevice.objects.get(user=owner, confirmed=False)
        done = client.post(
            reverse("two-factor-enrol"),
            {"token": code(device), "next": reverse("my-organisations")},
        )
        assert done["Location"] == reverse("my-organisations")
        assert client.get(reverse("home")).status_code == 200
        # Required: it cannot be turned off.
        client.post(reverse("two-factor-remove"))
        assert TOTPDevice.objects.filter(user=owner, confirmed=True).exists()


def test_a_user_may_turn_it_off_when_not_required(client, owner):
    device = device_for(owner)
    with time_machine.travel(START, tick=False):
        password_login(client)
        # Turning it off is a page like any other: it needs the code first.
        assert client.post(reverse("two-factor-remove")).status_code == 302
        assert TOTPDevice.objects.filter(user=owner).exists()
        client.post(reverse("two-factor-verify"), {"token": code(device)})
        assert client.get(reverse("two-factor-remove")).status_code == 405
        response = client.post(reverse("two-factor-remove"), follow=True)
        assert not TOTPDevice.objects.filter(user=owner).exists()
        assert "Tvåfaktorsinloggning är av." in response.content.decode()
        client.post(reverse("logout"))
        password_login(client)
        assert client.get(reverse("home")).status_code == 200
