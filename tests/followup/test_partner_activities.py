"""A partner organisation's own activities ("Våra aktiviteter"): the page, the
follow-ups its contacts record (for their organisation, unpublished), their reminders,
and the public pledge page naming the organisation. Partners of another municipality
and other partners of the same municipality reach none of it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from councils.partners import Partnership
from followup import reminders as job
from followup import services
from followup.models import FollowUp
from pledges.forms import ActivityForm
from pledges.models import Activity, Pledge
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]
MONDAY = dt.date(2026, 3, 2)
FORM = {
    "period_start": "2026-01-01",
    "period_end": "2026-04-30",
    "status": "ongoing",
    "progress": "50",
    "done": "Belysning i tre trapphus.",
    "effect": "",
    "obstacles": "",
    "published": "on",  # not a field of the partner's form: ignored
}


@pytest.fixture
def pledge(home):
    return f.PledgeFactory(
        municipality=home,
        title="Medborgarlöfte Hemby 2026",
        status=Pledge.Status.PUBLISHED,
        published_at=timezone.now(),
    )


@pytest.fixture
def lighting(pledge, housing):
    return f.ActivityFactory(
        pledge=pledge,
        title="Belysning i trapphusen",
        responsible_party=Activity.Party.PARTNER,
        responsible_organisation=housing,
        cadence=Activity.Cadence.TERTIAL,
        next_follow_up=dt.date(2026, 4, 30),
    )


@pytest.fixture
def homework(pledge, school):
    return f.ActivityFactory(
        pledge=pledge,
        title="Läxhjälp på fritidsgården",
        responsible_party=Activity.Party.PARTNER,
        responsible_organisation=school,
    )


def _page(client):
    return client.get(reverse("partner-activities")).content.decode()


def test_the_contact_sees_their_activities_only(
    client_of, lighting, homework, contact, pledge, home
):
    f.PledgeCommentFactory(pledge=pledge, text="Intern kommentar om löftet")
    draft = f.PledgeFactory(municipality=home, title="Utkast 2027")
    f.ActivityFactory(
        pledge=draft,
        title="Utkastets aktivitet",
        responsible_party=Activity.Party.PARTNER,
        responsible_organisation=lighting.responsible_organisation,
    )
    page = _page(client_of(contact))
    assert "Belysning i trapphusen" in page and "30 april 2026" in page
    assert "Läxhjälp" not in page  # the school's
    assert "Utkast" not in page  # a draft's
    assert "Intern kommentar" not in page


def test_other_partners_and_municipalities_reach_nothing(
    client_of, lighting, school_contact, away_contact, reporter, partner_admin, outsider
):
    url = reverse("partner-follow-up-create", args=[lighting.pk])
    for user in (school_contact, away_contact, reporter, partner_admin, outsider):
        client = client_of(user)
        assert "Belysning" not in _page(client), user
        assert client.get(url).status_code == 404, user
        assert client.post(url, FORM).status_code == 404, user
    assert not FollowUp.objects.exists()


def test_the_contact_records_a_follow_up_for_their_organisation(
    client_of, lighting, contact, housing, owner
):
    client = client_of(contact)
    url = reverse("partner-follow-up-create", args=[lighting.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, FORM)
    assert response.status_code == 302
    assert response.url == reverse("partner-activities") + f"#activity-{lighting.pk}"
    entry = FollowUp.objects.get()
    assert entry.reported_for == housing and entry.reported_by == contact
    assert not entry.published  # the municipality publishes
    lighting.refresh_from_db()
    assert lighting.status == "ongoing" and lighting.next_follow_up == dt.date(2026, 8, 31)
    assert "Belysning i tre trapphus." in _page(client)
    # the partner does not publish; the coordinator does
    with pytest.raises(PermissionDenied):
        services.follow_up_publish(user=contact, entry=entry, expected_version=entry.version)
    services.follow_up_publish(user=owner, entry=entry, expected_version=entry.version)
    assert FollowUp.objects.get().published
    # the history says which organisation the contact acted for
    assert entry.history.last().history_organisation == "Hembybostäder AB"


def test_an_ended_partnership_closes_the_page(client_of, lighting, contact, housing):
    Partnership.objects.filter(organisation=housing).update(ended_on=MONDAY)
    client = client_of(contact)
    assert "Belysning" not in _page(client)
    url = reverse("partner-follow-up-create", args=[lighting.pk])
    assert client.get(url).status_code == 404


def test_reminders_go_to_the_partners_contacts(lighting, homework, contact, school_contact, owner):
    found = job.find(dt.date(2026, 4, 25))
    about_lighting = {c.user_id: c.url for c in found if c.subject == f"activity:{lighting.pk}"}
    assert about_lighting[contact.pk] == reverse("partner-activities") + f"#activity-{lighting.pk}"
    assert owner.pk in about_lighting and school_contact.pk not in about_lighting


def test_the_public_page_names_the_responsible_organisation(client, lighting, pledge):
    body = client.get(reverse("public-pledge", args=[pledge.pk])).content.decode()
    assert "Hembybostäder AB" in body


def test_the_editor_offers_the_municipalitys_partners(
    client_of, owner, home, housing, school, away_partner
):
    draft = f.PledgeFactory(municipality=home)
    form = ActivityForm(pledge=draft)
    offered = set(form.fields["responsible_organisation"].queryset)
    assert offered == {housing, school}
