"""Services of councils, members, meetings, decisions and the coordination function:
who may write, what the database refuses, the history they leave."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from councils import services
from councils.concurrency import Conflict
from councils.models import CoordinationFunction, Council, CouncilMember, Decision, Meeting
from tests import factories as f

pytestmark = pytest.mark.django_db

D = date


@pytest.fixture
def council(home):
    return f.CouncilFactory(municipality=home, name="Trygghetsrådet")


# --- who may write ---------------------------------------------------------------


def test_the_coordinator_creates_updates_and_deletes_a_council(owner, home):
    council = services.council_create(
        user=owner, municipality=home, name="BRÅ-rådet", kind=Council.Kind.CRIME_PREVENTION
    )
    assert council.version == 1
    services.council_update(
        user=owner, council=council, expected_version=1, mandate="Samordna arbetet."
    )
    council.refresh_from_db()
    assert (council.mandate, council.version) == ("Samordna arbetet.", 2)
    services.council_delete(user=owner, council=council, expected_version=2)
    assert not Council.objects.filter(pk=council.pk).exists()


@pytest.mark.parametrize("who", ["colleague", "outsider", "liaison", "county_officer"])
def test_only_editors_of_the_municipality_write(request, who, home, council):
    user = request.getfixturevalue(who)
    meeting = f.MeetingFactory(council=council)
    member = f.CouncilMemberFactory(council=council)
    decision = f.DecisionFactory(meeting=meeting)
    attempts = [
        lambda: services.council_create(user=user, municipality=home, name="X"),
        lambda: services.council_update(user=user, council=council, expected_version=1, name="Y"),
        lambda: services.council_delete(user=user, council=council, expected_version=1),
        lambda: services.council_member_create(
            user=user,
            council=council,
            person_name="P",
            organisation_name="O",
            from_date=D(2026, 1, 1),
        ),
        lambda: services.council_member_update(
            user=user, member=member, expected_version=1, person_name="Q"
        ),
        lambda: services.council_member_delete(user=user, member=member, expected_version=1),
        lambda: services.meeting_create(user=user, council=council, held_on=D(2026, 5, 1)),
        lambda: services.meeting_update(user=user, meeting=meeting, expected_version=1, agenda="Z"),
        lambda: services.meeting_delete(user=user, meeting=meeting, expected_version=1),
        lambda: services.decision_create(user=user, meeting=meeting, text="Beslut"),
        lambda: services.decision_update(
            user=user, decision=decision, expected_version=1, text="Annat"
        ),
        lambda: services.decision_delete(user=user, decision=decision, expected_version=1),
        lambda: services.coordination_function_set(
            user=user,
            municipality=home,
            expected_version=None,
            name="Trygghetsenheten",
            contact_email="t@example.se",
            since=D(2023, 7, 1),
        ),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    council.refresh_from_db()
    assert council.name == "Trygghetsrådet"
    assert council.version == 1
    assert Council.objects.count() == 1
    assert CouncilMember.objects.get().version == 1
    assert Meeting.objects.get().version == 1
    assert Decision.objects.get().version == 1
    assert not CoordinationFunction.objects.exists()


def test_an_update_cannot_move_a_record_to_another_council(owner, council, away):
    member = f.CouncilMemberFactory(council=council)
    with pytest.raises(TypeError):
        services.council_member_update(
            user=owner,
            member=member,
            expected_version=1,
            council=f.CouncilFactory(municipality=away),
        )
    with pytest.raises(TypeError):
        services.council_update(user=owner, council=council, expected_version=1, municipality=away)


# --- what the database and the services refuse -----------------------------------


def test_membership_cannot_end_before_it_starts(owner, council):
    with pytest.raises(IntegrityError), transaction.atomic():
        CouncilMember.objects.create(
            council=council,
            person_name="Anna",
            organisation_name="Skolan",
            from_date=D(2026, 5, 1),
            to_date=D(2026, 4, 30),
        )
    with pytest.raises(ValidationError) as error, translation.override("en"):
        services.council_member_create(
            user=owner,
            council=council,
            person_name="Anna",
            organisation_name="Skolan",
            from_date=D(2026, 5, 1),
            to_date=D(2026, 4, 30),
        )
    assert "The membership cannot end before it starts." in error.value.messages
    assert not CouncilMember.objects.exists()


def test_a_member_sits_for_exactly_one_organisation(owner, council, home_org):
    with pytest.raises(IntegrityError), transaction.atomic():
        CouncilMember.objects.create(council=council, person_name="Ingen", from_date=D(2026, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        CouncilMember.objects.create(
            council=council,
            person_name="Båda",
            organisation=home_org,
            organisation_name="Bostadsbolaget",
            from_date=D(2026, 1, 1),
        )
    with pytest.raises(ValidationError):
        services.council_member_create(
            user=owner, council=council, person_name="Ingen", from_date=D(2026, 1, 1)
        )
    member = services.council_member_create(
        user=owner,
        council=council,
        person_name="Eva",
        organisation=home_org,
        from_date=D(2026, 1, 1),
    )
    assert member.organisation_display == "Hemby kommun"


def test_council_names_are_unique_in_a_municipality(owner, home, council, outsider, away):
    with pytest.raises(IntegrityError), transaction.atomic():
        Council.objects.create(municipality=home, name="Trygghetsrådet")
    with pytest.raises(ValidationError) as error:
        services.council_create(user=owner, municipality=home, name="Trygghetsrådet")
    assert "name" in error.value.message_dict
    # the same name in another municipality is fine
    assert services.council_create(user=outsider, municipality=away, name="Trygghetsrådet").pk


def test_a_council_that_has_met_keeps_its_record(owner, council):
    f.MeetingFactory(council=council)
    with pytest.raises(ValidationError):
        services.council_delete(user=owner, council=council, expected_version=council.version)
    assert Council.objects.filter(pk=council.pk).exists()


def test_decisions_are_numbered_in_the_order_they_are_recorded(owner, council):
    meeting = services.meeting_create(user=owner, council=council, held_on=D(2026, 3, 12))
    first = services.decision_create(user=owner, meeting=meeting, text="Första")
    second = services.decision_create(user=owner, meeting=meeting, text="Andra")
    other = services.decision_create(
        user=owner, meeting=f.MeetingFactory(council=council), text="Annat möte"
    )
    assert (first.order, second.order, other.order) == (1, 2, 1)
    assert [d.text for d in meeting.decisions.all()] == ["Första", "Andra"]


def test_deleting_a_meeting_deletes_its_decisions_and_records_who(owner, council):
    meeting = services.meeting_create(user=owner, council=council, held_on=D(2026, 3, 12))
    decision = services.decision_create(user=owner, meeting=meeting, text="Beslut")
    services.meeting_delete(user=owner, meeting=meeting, expected_version=meeting.version)
    assert not Decision.objects.exists()
    deleted = Decision.history.filter(id=decision.pk, history_type="-").get()
    assert deleted.history_user == owner
    assert deleted.history_organisation == "Hemby kommun"


def test_over_long_and_implausible_values_are_refused(owner, council):
    with pytest.raises(ValidationError) as error:
        services.decision_create(
            user=owner, meeting=f.MeetingFactory(council=council), text="x" * 501
        )
    assert "text" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.meeting_create(user=owner, council=council, held_on=D(1066, 10, 14))
    assert "held_on" in error.value.message_dict


# --- concurrency -----------------------------------------------------------------


def test_a_stale_update_raises_conflict_and_changes_nothing(owner, council):
    services.council_update(user=owner, council=council, expected_version=1, name="Rådet A")
    stale = Council.objects.get(pk=council.pk)
    stale.version = 1  # what a second form, opened before the save, still carries
    with pytest.raises(Conflict) as conflict:
        services.council_update(user=owner, council=stale, expected_version=1, name="Rådet B")
    assert conflict.value.current.name == "Rådet A"
    council.refresh_from_db()
    assert (council.name, council.version) == ("Rådet A", 2)


def test_a_stale_delete_raises_conflict(owner, council):
    member = f.CouncilMemberFactory(council=council)
    services.council_member_update(user=owner, member=member, expected_version=1, role="chair")
    with pytest.raises(Conflict):
        services.council_member_delete(user=owner, member=member, expected_version=1)
    assert CouncilMember.objects.filter(pk=member.pk).exists()


def test_coordination_function_is_named_then_changed(owner, home):
    values = {"name": "Trygghetsenheten", "contact_email": "t@example.se", "since": D(2023, 7, 1)}
    function = services.coordination_function_set(
        user=owner, municipality=home, expected_version=None, **values
    )
    assert function.version == 1
    # a second person who also saw none named does not overwrite it
    with pytest.raises(Conflict):
        services.coordination_function_set(
            user=owner, municipality=home, expected_version=None, **values | {"name": "Annan"}
        )
    services.coordination_function_set(
        user=owner,
        municipality=home,
        expected_version=1,
        **values | {"contact_phone": "018-10 00 00"},
    )
    function = CoordinationFunction.objects.get(municipality=home)
    assert (function.name, function.contact_phone, function.version) == (
        "Trygghetsenheten",
        "018-10 00 00",
        2,
    )


# --- history ---------------------------------------------------------------------


def test_every_save_is_recorded_with_user_and_organisation(owner, home):
    council = services.council_create(user=owner, municipality=home, name="Folkhälsorådet")
    services.council_update(
        user=owner, council=council, expected_version=1, mandate="Folkhälsa och trygghet."
    )
    rows = list(council.history.order_by("history_date", "history_id"))
    assert [r.history_type for r in rows] == ["+", "~"]
    assert {r.history_user for r in rows} == {owner}
    assert {r.history_organisation for r in rows} == {"Hemby kommun"}
    delta = rows[1].diff_against(rows[0], excluded_fields=["version"])
    assert delta.changed_fields == ["mandate"]


def test_member_and_decision_history_name_the_municipality_organisation(owner, council):
    member = services.council_member_create(
        user=owner,
        council=council,
        person_name="Per",
        organisation_name="Skolan",
        from_date=D(2026, 1, 1),
    )
    meeting = services.meeting_create(user=owner, council=council, held_on=D(2026, 2, 2))
    decision = services.decision_create(user=owner, meeting=meeting, text="Beslut")
    for record in (member, meeting, decision):
        row = record.history.get()
        assert (row.history_user, row.history_organisation) == (owner, "Hemby kommun")


def test_a_member_sits_only_for_an_organisation_around_the_municipality(
    owner, council, away_org, police_org
):
    with pytest.raises(ValidationError) as error:
        services.council_member_create(
            user=owner,
            council=council,
            person_name="Främling",
            organisation=away_org,
            from_date=D(2026, 1, 1),
        )
    assert "organisation" in error.value.message_dict
    member = services.council_member_create(
        user=owner,
        council=council,
        person_name="Polis",
        organisation=police_org,
        from_date=D(2026, 1, 1),
    )
    with pytest.raises(ValidationError):
        services.council_member_update(
            user=owner, member=member, expected_version=1, organisation=away_org
        )
