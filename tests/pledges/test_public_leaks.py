"""The public pages and the open data leak nothing internal.

A published pledge carries internal comments, a review message, activities with a
responsible person (a user, or a name and e-mail) and a deleted activity; beside it
in the same municipality lie a draft, a pledge in review, one with changes requested
and one approved but signed by one party only. None of their internal texts, names,
e-mails or titles may appear on any public page or in any open-data file — for an
anonymous resident, nor for the coordinator who wrote them (the public version is the
same for everyone, and may be cached).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from pledges.models import Activity, Pledge, Review
from tests import factories as f
from tests.pledges.public_helpers import published

S = Pledge.Status


@pytest.fixture
def secrets(home, owner, liaison) -> tuple[Pledge, list[str]]:
    pledge = published(home, title="Det publicerade löftet")
    responsible = f.UserFactory(
        username="ansvarig",
        first_name="Ansvarsfull",
        last_name="Användarsson",
        email="ansvarsfull.anvandarsson@hemby.example",
    )
    activity = f.ActivityFactory(
        pledge=pledge,
        title="Offentlig aktivitet",
        responsible_party=Activity.Party.POLICE,
        responsible_name="Hemlig Handläggare",
        responsible_email="hemlig.handlaggare@polisen.example",
    )
    f.ActivityFactory(
        pledge=pledge,
        title="Aktivitet med användare",
        responsible_party=Activity.Party.MUNICIPALITY,
        responsible_user=responsible,
    )
    f.ActivityFactory(pledge=pledge, title="Struken hemlig aktivitet", deleted_at=timezone.now())
    f.PledgeCommentFactory(pledge=pledge, author=liaison, text="Intern kommentar om löftet")
    f.PledgeCommentFactory(
        pledge=pledge,
        activity=activity,
        author=liaison,
        organisation_name="Lokalpolisområde Hemby",
        text="Intern kommentar om aktiviteten: Storgatan är ett hotspot",
    )
    Review.objects.create(
        pledge=pledge,
        reviewer=liaison,
        outcome=Review.Outcome.APPROVED,
        message="Internt granskningsmeddelande",
        snapshot={},
    )
    f.NotificationFactory(user=owner, pledge=pledge, message="Intern avisering")

    hidden = [
        "Hemlig Handläggare",
        "hemlig.handlaggare@polisen.example",
        "Ansvarsfull",
        "Användarsson",
        "ansvarsfull.anvandarsson@hemby.example",
        "Struken hemlig aktivitet",
        "Intern kommentar om löftet",
        "Intern kommentar om aktiviteten",
        "Internt granskningsmeddelande",
        "Intern avisering",
        liaison.get_full_name(),
        liaison.email,
    ]
    others = {
        S.DRAFT: "Hemligt utkast",
        S.IN_REVIEW: "Löfte under granskning",
        S.CHANGES_REQUESTED: "Löfte med begärda ändringar",
        S.APPROVED: "Godkänt men bara undertecknat av kommunen",
    }
    for status, title in others.items():
        other = f.PledgeFactory(
            municipality=home,
            status=status,
            title=title,
            public_text=f"Opublicerad text: {title}",
            municipality_signatory_name="Osignerad Ordförande",
            municipality_signed_on=dt.date(2026, 1, 10),
        )
        f.ActivityFactory(pledge=other, title=f"Aktivitet i {title}")
        f.DialogueFactory(pledge=other, summary=f"Dialog i {title}")
        hidden += [title, f"Opublicerad text: {title}", f"Aktivitet i {title}"]
        hidden.append(f"Dialog i {title}")
    hidden.append("Osignerad Ordförande")
    return pledge, hidden


def public_urls(pledge: Pledge) -> dict[str, bool]:
    """Each public URL, and whether it lists activities."""
    county = pledge.municipality.county.code
    urls = {
        reverse("public-index"): False,
        reverse("public-index") + f"?county={county}": False,
        reverse("public-municipality", args=[pledge.municipality.code]): False,
        reverse("public-pledge", args=[pledge.pk]): True,
    }
    for fmt in ("csv", "json"):
        urls[reverse("open-data-pledges", args=[fmt])] = False
        urls[reverse("open-data-activities", args=[fmt])] = True
    return urls


def content(response) -> str:
    """What the page says: for HTML, its main landmark (a signed-in viewer's own name
    is in the header); for open data, the whole file (JSON is written without escapes)."""
    body = response.content.decode("utf-8")
    if response["Content-Type"].startswith("text/html"):
        body = body.split("<main", 1)[1].split("</main>", 1)[0]
    return body


@pytest.mark.parametrize("viewer", [None, "owner", "liaison"])
def test_no_public_page_or_file_shows_internal_content(client, secrets, viewer, request):
    pledge, hidden = secrets
    if viewer:
        client.force_login(request.getfixturevalue(viewer))
    for url, lists_activities in public_urls(pledge).items():
        response = client.get(url)
        assert response.status_code == 200, url
        body = content(response)
        # the published content is there, so the search looks in the right place
        assert "Det publicerade löftet" in body, url
        if lists_activities:
            assert "Offentlig aktivitet" in body, url
            assert "Aktivitet med användare" in body, url
        for text in hidden:
            assert text not in body, f"{url} shows {text!r}"


def test_unpublished_pledges_answer_404_on_the_public_page(client, secrets, home):
    for pledge in Pledge.objects.filter(municipality=home).exclude(status=S.PUBLISHED):
        assert client.get(reverse("public-pledge", args=[pledge.pk])).status_code == 404
