"""An agreement goes through the police like a pledge: sending it for signature tells
the police liaisons of its local police areas (in the app and by e-mail, once);
signing tells the municipality's coordinators; the police queue lists it; the signing
forms start from the signer's name, title and today's date.

The clock is frozen and every date is built from the frozen day."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from agreements import services
from agreements.models import Agreement
from councils import dates
from councils.models import Organisation, Role
from pledges.emails import send_notification_email
from pledges.models import Notification, Pledge
from tests import factories as f

pytestmark = pytest.mark.django_db
K = Notification.Kind
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def other_area_liaison(region, home):
    """A liaison of another local police area that also covers ``home``, which the
    agreement does not name."""
    area = f.LocalPoliceAreaFactory(name="LPO Annat", police_region=region, municipalities=[home])
    org = f.OrganisationFactory(
        name="LPO Annat",
        kind=Organisation.Kind.POLICE_AREA,
        municipality=None,
        local_police_area=area,
    )
    user = f.UserFactory(username="annan_kommunpolis")
    f.MembershipFactory(user=user, organisation=org, role=Role.POLICE_LIAISON)
    return user


def submit(owner, agreement, callbacks):
    with callbacks(execute=True):
        services.agreement_submit_for_signature(user=owner, agreement=agreement)
    for pk in Notification.objects.values_list("pk", flat=True):
        send_notification_email.apply(args=[pk])  # as a worker would; a second send is nothing


def test_sending_for_signature_tells_the_agreements_liaisons_once_in_app_and_by_e_mail(
    draft, owner, liaison, colleague, outsider, django_capture_on_commit_callbacks
):
    submit(owner, draft, django_capture_on_commit_callbacks)
    (notice,) = Notification.objects.all()
    assert (notice.user, notice.kind, notice.agreement, notice.pledge) == (
        liaison,
        K.AGREEMENT_SUBMITTED,
        draft,
        None,
    )
    assert [m.to for m in mail.outbox] == [[liaison.email]]
    (message,) = mail.outbox
    assert draft.title in message.subject
    assert reverse("agreement-detail", args=[draft.pk]) in message.body
    assert "Öppna överenskommelsen" in message.body
    send_notification_email.apply(args=[notice.pk])
    assert len(mail.outbox) == 1  # exactly once


def test_a_liaison_of_an_area_the_agreement_does_not_name_is_not_told(
    draft, owner, liaison, other_area_liaison, django_capture_on_commit_callbacks
):
    submit(owner, draft, django_capture_on_commit_callbacks)
    assert set(Notification.objects.values_list("user", flat=True)) == {liaison.pk}


def test_a_refused_submission_tells_nobody(owner, home, police_area):
    empty = services.agreement_create(
        user=owner,
        municipality=home,
        title="Tom",
        start_date=dates.today(),
        end_date=dates.today() + dt.timedelta(days=365),
    )
    with pytest.raises(Exception):  # noqa: B017 - ValidationError: what is missing
        services.agreement_submit_for_signature(user=owner, agreement=empty)
    assert not Notification.objects.exists()


def test_signing_tells_the_coordinators_but_not_the_signer(draft, owner, liaison, home_org):
    second = f.UserFactory(username="andra_samordnaren")
    f.MembershipFactory(user=second, organisation=home_org, role=Role.COORDINATOR)
    services.agreement_submit_for_signature(user=owner, agreement=draft)
    services.agreement_sign(
        user=liaison,
        agreement=draft,
        party="police",
        name="Bengt Chef",
        title="LPO-chef",
        signed_on=dates.today(),
    )
    signed = Notification.objects.filter(kind=K.AGREEMENT_SIGNED)
    assert {n.user for n in signed} == {owner, second}
    assert "polisen har undertecknat" in signed.first().message.lower()
    services.agreement_sign(
        user=owner,
        agreement=draft,
        party="municipality",
        name="Anna Ordförande",
        title="KSO",
        signed_on=dates.today(),
    )
    last = Notification.objects.filter(kind=K.AGREEMENT_SIGNED).order_by("-pk")
    assert [n.user for n in last[:1]] == [second]
    assert "båda parter" in last[0].message


def test_a_notice_is_about_exactly_one_document(owner, draft):
    with transaction.atomic(), pytest.raises(IntegrityError):
        Notification.objects.create(user=owner, kind=K.COMMENT, message="x")
    pledge = f.PledgeFactory(municipality=draft.municipality)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Notification.objects.create(
            user=owner, kind=K.COMMENT, pledge=pledge, agreement=draft, message="x"
        )


def test_the_notification_list_links_an_agreement_notice_to_the_agreement(
    client_of, draft, owner, liaison
):
    services.agreement_submit_for_signature(user=owner, agreement=draft)
    body = client_of(liaison).get(reverse("notification-list")).content.decode()
    assert reverse("agreement-detail", args=[draft.pk]) in body
    assert draft.title in body


def test_the_police_queue_lists_agreements_awaiting_their_signature_oldest_first(
    client_of, draft, owner, liaison, outsider, home, away
):
    older = f.AgreementFactory(municipality=home, title="Äldre överenskommelse")
    Agreement.objects.filter(pk=older.pk).update(
        status=Agreement.Status.AWAITING_SIGNATURE,
        shared_for_signature_at=NOW - dt.timedelta(days=20),
    )
    services.agreement_submit_for_signature(user=owner, agreement=draft)
    elsewhere = f.AgreementFactory(municipality=away, title="Bortbys överenskommelse")
    Agreement.objects.filter(pk=elsewhere.pk).update(
        status=Agreement.Status.AWAITING_SIGNATURE, shared_for_signature_at=NOW
    )
    response = client_of(liaison).get(reverse("review-queue"))
    rows = response.context["agreements"]
    assert [(a.pk, days) for a, days in rows] == [(older.pk, 20), (draft.pk, 0)]
    body = response.content.decode()
    assert reverse("agreement-sign", args=[draft.pk, "police"]) in body
    assert "Bortbys överenskommelse" not in body
    # a coordinator reviews nothing: the queue shows them no agreement
    assert client_of(owner).get(reverse("review-queue")).context["agreements"] == []


def test_the_agreement_signing_form_starts_with_todays_date(client_of, draft, owner, liaison):
    services.agreement_submit_for_signature(user=owner, agreement=draft)
    form = client_of(liaison).get(reverse("agreement-sign", args=[draft.pk, "police"]))
    initial = form.context["form"].initial
    assert initial["signed_on"] == dates.today()
    assert initial["name"] == "Bengt Chef"  # named while drafting: the stored signatory


def test_the_pledge_signing_form_starts_with_the_signers_name_title_and_today(
    client_of, liaison, home
):
    liaison.first_name, liaison.last_name, liaison.title = "Lisa", "Polis", "Kommunpolis"
    liaison.save()
    pledge = f.PledgeFactory(municipality=home)
    Pledge.objects.filter(pk=pledge.pk).update(status=Pledge.Status.APPROVED)
    page = client_of(liaison).get(reverse("pledge-sign", args=[pledge.pk, "police"]))
    assert page.context["form"].initial == {
        "name": "Lisa Polis",
        "title": "Kommunpolis",
        "signed_on": dates.today(),
    }
    body = page.content.decode()
    assert 'value="Lisa Polis"' in body and 'value="Kommunpolis"' in body


def test_the_account_page_shows_the_name_and_title_a_signature_starts_from(client_of, owner):
    owner.first_name, owner.last_name, owner.title = "Sara", "Samordnare", "Samordnare BRÅ"
    owner.save()
    body = client_of(owner).get(reverse("my-organisations")).content.decode()
    assert "Sara Samordnare" in body and "Samordnare BRÅ" in body


def test_a_comment_on_the_agreement_page_swaps_only_the_comments_with_htmx(client_of, draft, owner):
    client = client_of(owner)
    url = reverse("agreement-comment", args=[draft.pk])
    response = client.post(url, {"text": "Lägg till rån."}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="comments"')
    assert "Lägg till rån." in body and "<html" not in body
    assert 'id="section-' not in body  # the sections open elsewhere are not touched
    empty = client.post(url, {"text": ""}, headers={"HX-Request": "true"})
    assert empty.status_code == 400
    assert empty.content.decode().lstrip().startswith('<section id="comments"')
