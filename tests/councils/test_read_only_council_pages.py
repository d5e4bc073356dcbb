"""READ-only users (county officers, national readers) see a council, its mandate, the
organisations at its table and its meetings' dates and counts; not the people on it,
nor a meeting's agenda, minutes or decisions (found by tests/test_internal_values_gate.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db

HIDDEN = (
    "Hemlig Ledamot",
    "hemlig@example.se",
    "Intern dagordning",
    "Internt protokoll",
    "Internt beslut",
)


@pytest.fixture
def meeting(home):
    council = f.CouncilFactory(municipality=home, name="Trygghetsrådet")
    f.CouncilMemberFactory(
        council=council,
        person_name="Hemlig Ledamot",
        email="hemlig@example.se",
        organisation_name="Bostadsbolaget AB",
    )
    meeting = f.MeetingFactory(
        council=council, agenda="Intern dagordning", minutes="Internt protokoll"
    )
    f.DecisionFactory(meeting=meeting, text="Internt beslut")
    return meeting


def bodies(client, meeting) -> str:
    pages = [
        client.get(reverse("council-detail", args=[meeting.council_id])),
        client.get(reverse("meeting-detail", args=[meeting.pk])),
    ]
    assert [page.status_code for page in pages] == [200, 200]
    return "".join(page.content.decode() for page in pages)


@pytest.mark.parametrize("reader", ["county_officer", "national_reader"])
def test_read_only_users_see_no_members_or_minutes(request, client_of, meeting, reader):
    body = bodies(client_of(request.getfixturevalue(reader)), meeting)
    assert "Trygghetsrådet" in body and "Bostadsbolaget AB" in body
    assert "1 beslut" in body
    assert [value for value in HIDDEN if value in body] == []


def test_the_municipality_sees_them(client_of, owner, meeting):
    body = bodies(client_of(owner), meeting)
    assert [value for value in HIDDEN if value not in body] == []
