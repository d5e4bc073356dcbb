"""What residents see of an activity's status comes only from published follow-ups.

An unpublished follow-up moves the internal status (the follow-up page, the editor)
but not the public one: the pledge page, the open data (CSV and JSON) and the public
PDF keep the status of the latest published follow-up, or the plan's while none is.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import io

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from followup import reports, services
from followup.models import FollowUp
from pledges import selectors
from pledges.models import Activity
from tests import factories as f
from tests.pledges.public_helpers import published

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


def record(user, activity, *, status, published, end=dt.date(2026, 4, 30)) -> FollowUp:
    return services.follow_up_record(
        user=user,
        activity=activity,
        period_start=dt.date(2026, 1, 1),
        period_end=end,
        status=status,
        progress=40,
        done="Två vandringar.",
        published=published,
    )


def public_page(client, activity) -> str:
    response = client.get(reverse("public-pledge", args=[activity.pledge_id]))
    assert response.status_code == 200
    return response.content.decode()


def open_data(client, fmt: str) -> dict[str, str]:
    """The status of each activity in the open data, by title."""
    response = client.get(reverse("open-data-activities", args=[fmt]))
    assert response.status_code == 200
    if fmt == "csv":
        text = response.content.decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    else:
        rows = response.json()
    return {row["activity_title"]: (row["status"], row["status_label"]) for row in rows}


def public_pdf_html(activity) -> str:
    return reports.pledge_html(activity.pledge_id, internal=False)


def shown_status(activity) -> str:
    return selectors.public_pledge(activity.pledge_id).activities[0].status


def test_an_unpublished_cancellation_stays_internal(client, client_of, owner, activity):
    record(owner, activity, status=A.CANCELLED, published=False)
    activity.refresh_from_db()
    assert activity.status == A.CANCELLED  # the internal status runs ahead

    body = public_page(client, activity)
    assert "status--cancelled" not in body
    assert "status--planned" in body
    assert "Inställd" not in body
    assert open_data(client, "csv")["Trygghetsvandring"] == ("planned", "planerad")
    assert open_data(client, "json")["Trygghetsvandring"] == ("planned", "planerad")
    pdf = public_pdf_html(activity)
    assert "Planerad" in pdf
    assert "Inställd" not in pdf

    internal = client_of(owner).get(reverse("pledge-follow-up", args=[activity.pledge_id]))
    assert "Inställd" in internal.content.decode()
    internal_pdf = reports.pledge_html(activity.pledge_id, internal=True)
    assert "Inställd" in internal_pdf
    assert "Planerad" not in internal_pdf


def test_a_published_entry_moves_the_public_status_at_once(client, owner, activity):
    record(owner, activity, status=A.ONGOING, published=True)
    assert "status--ongoing" in public_page(client, activity)
    assert open_data(client, "csv")["Trygghetsvandring"] == ("ongoing", "pågående")
    assert open_data(client, "json")["Trygghetsvandring"] == ("ongoing", "pågående")
    assert "Pågående" in public_pdf_html(activity)

    # an unpublished later entry leaves it where the published one put it
    record(owner, activity, status=A.CANCELLED, published=False, end=dt.date(2026, 8, 31))
    assert shown_status(activity) == A.ONGOING
    assert open_data(client, "csv")["Trygghetsvandring"] == ("ongoing", "pågående")


def test_publishing_later_moves_the_public_status_then(client, owner, activity):
    entry = record(owner, activity, status=A.CANCELLED, published=False)
    assert shown_status(activity) == A.PLANNED
    assert open_data(client, "json")["Trygghetsvandring"][0] == "planned"  # now cached

    services.follow_up_publish(user=owner, entry=entry, expected_version=entry.version)
    assert shown_status(activity) == A.CANCELLED
    assert "status--cancelled" in public_page(client, activity)
    assert open_data(client, "json")["Trygghetsvandring"] == ("cancelled", "inställd")
    assert open_data(client, "csv")["Trygghetsvandring"] == ("cancelled", "inställd")
    assert "Inställd" in public_pdf_html(activity)


def test_the_latest_published_period_decides(owner, activity):
    later = record(owner, activity, status=A.DONE, published=False, end=dt.date(2026, 8, 31))
    record(owner, activity, status=A.ONGOING, published=True)
    assert shown_status(activity) == A.ONGOING
    services.follow_up_publish(user=owner, entry=later, expected_version=later.version)
    assert shown_status(activity) == A.DONE


def test_publishing_needs_the_right_to_record(owner, outsider, activity):
    entry = record(owner, activity, status=A.CANCELLED, published=False)
    with pytest.raises(PermissionDenied):
        services.follow_up_publish(user=outsider, entry=entry, expected_version=entry.version)
    assert shown_status(activity) == A.PLANNED


def test_an_activity_without_follow_ups_shows_its_plan(client, activity):
    assert activity.public_status == ""
    assert shown_status(activity) == A.PLANNED
    assert "status--planned" in public_page(client, activity)


def test_the_migration_sets_the_public_status_from_published_entries(owner, home):
    pledge = published(home, period_start=dt.date(2026, 1, 1))
    moved = f.ActivityFactory(pledge=pledge, title="Publicerad")
    hidden = f.ActivityFactory(pledge=pledge, title="Opublicerad", status=A.ONGOING)
    f.ActivityFactory(pledge=pledge, title="Orörd", status=A.ONGOING)
    record(owner, moved, status=A.DONE, published=True)
    record(owner, hidden, status=A.CANCELLED, published=False)
    # as the rows stood before the migration: the status copied, no public status
    Activity.objects.update(public_status="")

    migration = importlib.import_module(
        "followup.migrations.0007_activity_public_status_from_published_entries"
    )
    migration.forwards(django_apps, None)

    public = dict(Activity.objects.values_list("title", "public_status"))
    assert public["Publicerad"] == A.DONE
    assert public["Opublicerad"] == A.ONGOING  # its status before the first entry
    assert public["Orörd"] == ""  # no follow-up: its status is the plan's
