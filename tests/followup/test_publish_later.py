"""Publishing a follow-up later, from the follow-up page.

A follow-up recorded unpublished stays internal: the public page, the open data and
the public PDF keep the status residents saw. Its "Publish" button (for those who may
record the activity's follow-ups) posts the version the user saw; publishing moves the
public status then, and a stale or missing version answers 409 and publishes nothing.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from followup import services
from followup.models import FollowUp
from pledges.models import Activity
from tests import factories as f
from tests.followup.test_public_status import (
    open_data,
    public_page,
    public_pdf_html,
    record,
    shown_status,
)
from tests.pledges.public_helpers import published

pytestmark = pytest.mark.django_db

A = Activity.Status


@pytest.fixture
def activity(home):
    pledge = published(home, title="Tryggare Hemby", period_start=dt.date(2026, 1, 1))
    return f.ActivityFactory(
        pledge=pledge,
        title="Trygghetsvandring",
        responsible_party=Activity.Party.MUNICIPALITY,
        status=A.PLANNED,
    )


@pytest.fixture
def cancelled(owner, activity) -> FollowUp:
    """A cancellation recorded, but not published."""
    return record(owner, activity, status=A.CANCELLED, published=False)


def publish_url(entry) -> str:
    return reverse("follow-up-publish", args=[entry.pk])


def page(client, activity) -> str:
    response = client.get(reverse("pledge-follow-up", args=[activity.pledge_id]))
    assert response.status_code == 200
    return response.content.decode()


def test_an_unpublished_cancellation_leaves_what_residents_see(client, activity, cancelled):
    assert shown_status(activity) == A.PLANNED
    body = public_page(client, activity)
    assert "status--planned" in body and "status--cancelled" not in body
    assert open_data(client, "csv")["Trygghetsvandring"] == ("planned", "planerad")
    assert open_data(client, "json")["Trygghetsvandring"] == ("planned", "planerad")
    assert "Inställd" not in public_pdf_html(activity)


def test_the_page_offers_to_publish_it_to_those_who_may_record(
    client_of, owner, colleague, activity, cancelled
):
    assert publish_url(cancelled) in page(client_of(owner), activity)
    assert f'name="version" value="{cancelled.version}"' in page(client_of(owner), activity)
    assert publish_url(cancelled) not in page(client_of(colleague), activity)


def test_publishing_it_later_moves_the_public_status(client, client_of, owner, activity, cancelled):
    open_data(client, "json")  # cached before: publishing must reach the open data too
    response = client_of(owner).post(publish_url(cancelled), {"version": cancelled.version})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#activity-{activity.pk}")
    cancelled.refresh_from_db()
    assert cancelled.published

    assert shown_status(activity) == A.CANCELLED
    client.logout()
    assert "status--cancelled" in public_page(client, activity)
    assert open_data(client, "csv")["Trygghetsvandring"] == ("cancelled", "inställd")
    assert open_data(client, "json")["Trygghetsvandring"] == ("cancelled", "inställd")
    assert "Inställd" in public_pdf_html(activity)
    # once published, the button is gone
    assert publish_url(cancelled) not in page(client_of(owner), activity)


@pytest.mark.parametrize("version", [None, "0", "x"])
def test_a_stale_or_missing_version_answers_409_and_publishes_nothing(
    client, client_of, owner, activity, cancelled, version
):
    data = {} if version is None else {"version": version}
    response = client_of(owner).post(publish_url(cancelled), data)
    assert response.status_code == 409
    assert "har ändrats sedan du öppnade sidan" in response.content.decode()
    cancelled.refresh_from_db()
    assert not cancelled.published
    assert shown_status(activity) == A.PLANNED


def test_an_edit_in_between_makes_the_seen_version_stale(client_of, owner, activity, cancelled):
    seen = cancelled.version
    services.follow_up_publish(user=owner, entry=cancelled, expected_version=seen)
    FollowUp.objects.filter(pk=cancelled.pk).update(published=False, version=seen + 1)
    response = client_of(owner).post(publish_url(cancelled), {"version": seen})
    assert response.status_code == 409


def test_who_may_publish(client_of, colleague, liaison, county_officer, outsider, cancelled):
    for user in (colleague, county_officer, outsider):
        assert client_of(user).post(publish_url(cancelled), {"version": 1}).status_code == 404
    # the liaison records only the police's activities; this one is the municipality's
    assert client_of(liaison).post(publish_url(cancelled), {"version": 1}).status_code == 404
    cancelled.refresh_from_db()
    assert not cancelled.published


def test_get_is_refused(client_of, owner, cancelled):
    assert client_of(owner).get(publish_url(cancelled)).status_code == 405
