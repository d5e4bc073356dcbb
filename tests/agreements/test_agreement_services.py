"""Cooperation agreements: lifecycle, signing, the frozen signed version, renewal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from agreements import services
from agreements.models import Agreement, Goal
from councils.models import Role
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_new_agreement_takes_the_police_areas_and_the_current_problems(draft, police_area):
    assert list(draft.police_areas.all()) == [police_area]
    assert {p.title for p in draft.problems.all()} == {
        "Otrygghet i centrum",
        "Unga som rekryteras till kriminalitet",
    }
    assert draft.status == Agreement.Status.DRAFT
    assert draft.phase() == "draft"


def test_only_coordinators_of_the_municipality_create_agreements(colleague, outsider, home):
    for user in (colleague, outsider):
        with pytest.raises(PermissionDenied):
            services.agreement_create(
                user=user,
                municipality=home,
                title="X",
                start_date=dt.date(2026, 1, 1),
                end_date=dt.date(2027, 1, 1),
            )


def test_submitting_an_incomplete_draft_lists_what_is_missing(owner, home, police_area):
    agreement = services.agreement_create(
        user=owner,
        municipality=home,
        title="Tom",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2027, 1, 1),
    )
    f.GoalFactory(agreement=agreement, indicator_name="", target_value=None, target_year=None)
    with pytest.raises(ValidationError) as error:
        services.agreement_submit_for_signature(user=owner, agreement=agreement)
    text = " ".join(error.value.messages)
    # the messages are Swedish, the interface's language
    assert "Lägg till minst ett fokusområde." in text
    assert "behöver en indikator" in text
    assert "Beskriv hur arbetet dokumenteras." in text
    assert "Ange namn och titel för kommunens undertecknare." in text
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.DRAFT


def test_signing_needs_the_agreement_sent_for_signature_first(draft, owner):
    with pytest.raises(ValidationError, match="skickas för underskrift"):
        services.agreement_sign(
            user=owner,
            agreement=draft,
            party="municipality",
            name="A",
            title="KSO",
            signed_on=dt.date(2026, 1, 10),
        )


def test_only_the_right_people_sign_each_part(draft, owner, colleague, liaison, region, home):
    services.agreement_submit_for_signature(user=owner, agreement=draft)
    with pytest.raises(PermissionDenied):
        services.agreement_sign(
            user=colleague,
            agreement=draft,
            party="municipality",
            name="A",
            title="B",
            signed_on=dt.date(2026, 1, 10),
        )
    with pytest.raises(PermissionDenied):
        services.agreement_sign(
            user=owner,
            agreement=draft,
            party="police",
            name="A",
            title="B",
            signed_on=dt.date(2026, 1, 10),
        )
    # a liaison of another police area that also covers the municipality, not in the agreement
    other_area = f.LocalPoliceAreaFactory(police_region=region, municipalities=[home])
    other_org = f.OrganisationFactory(
        kind="police_area", municipality=None, local_police_area=other_area
    )
    other_liaison = f.MembershipFactory(organisation=other_org, role=Role.POLICE_LIAISON).user
    with pytest.raises(PermissionDenied):
        services.agreement_sign(
            user=other_liaison,
            agreement=draft,
            party="police",
            name="A",
            title="B",
            signed_on=dt.date(2026, 1, 10),
        )
    with pytest.raises(ValidationError):
        services.agreement_sign(
            user=liaison,
            agreement=draft,
            party="police",
            name="A",
            title="B",
            signed_on=dt.date(2099, 1, 1),
        )


def test_both_signatures_freeze_the_content(signed, owner):
    assert signed.status == Agreement.Status.SIGNED
    assert signed.signed_at is not None
    snapshot = signed.signed_snapshot
    assert snapshot["signatories"]["police"] == {
        "name": "Bengt Chef",
        "title": "LPO-chef",
        "signed_on": "2026-01-12",
    }
    assert snapshot["goals"][0]["baseline_value"] == "2.40"
    assert [p["title"] for p in snapshot["problems"]] == [
        "Otrygghet i centrum",
        "Unga som rekryteras till kriminalitet",
    ]

    signed.title = "Ändrad"
    with pytest.raises(ValidationError, match="ny version"):
        services.agreement_save(user=owner, agreement=signed, expected_version=signed.version)
    goal = signed.goals.get()
    goal.target_value = Decimal("1.00")
    with pytest.raises(ValidationError):
        services.goal_save(user=owner, goal=goal, expected_version=goal.version)
    with pytest.raises(ValidationError):
        services.goal_delete(user=owner, goal=goal, expected_version=goal.version)
    assert Agreement.objects.get(pk=signed.pk).title != "Ändrad"
    assert Goal.objects.get(pk=goal.pk).target_value == Decimal("2.00")


def test_the_signed_version_stays_as_signed_when_the_lagesbild_changes(signed, owner):
    problem = signed.problems.get(title="Otrygghet i centrum")
    problem.title = "Nytt namn på problemet"
    services.problem_save(user=owner, problem=problem, expected_version=problem.version)
    signed.refresh_from_db()
    assert signed.signed_snapshot["problems"][0]["title"] == "Otrygghet i centrum"


def test_a_signed_agreement_cannot_lose_its_snapshot(signed):
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.filter(pk=signed.pk).update(signed_snapshot=None)


def test_phase_is_derived_from_the_dates(signed):
    assert signed.phase(dt.date(2027, 6, 1)) == "in_force"
    assert signed.phase(dt.date(2030, 1, 1)) == "expired"
    assert signed.phase(dt.date(2025, 12, 1)) == "signed"
    assert signed.days_to_expiry(dt.date(2029, 12, 1)) == 30


def test_taking_it_back_to_draft_voids_the_signatures(draft, owner):
    services.agreement_submit_for_signature(user=owner, agreement=draft)
    services.agreement_sign(
        user=owner,
        agreement=draft,
        party="municipality",
        name="A",
        title="KSO",
        signed_on=dt.date(2026, 1, 10),
    )
    services.agreement_reopen(user=owner, agreement=draft)
    draft.refresh_from_db()
    assert draft.status == Agreement.Status.DRAFT
    assert draft.municipality_signed_on is None
    with pytest.raises(ValidationError):
        services.agreement_reopen(user=owner, agreement=draft)


def test_illegal_transitions_are_refused(draft, signed, owner):
    with pytest.raises(ValidationError):
        services.agreement_submit_for_signature(user=owner, agreement=signed)
    with pytest.raises(ValidationError):
        services.agreement_renew(
            user=owner,
            agreement=f.AgreementFactory(municipality=signed.municipality),
        )


def test_a_new_version_replaces_the_signed_one_when_it_is_signed(signed, owner, liaison):
    version_2 = services.agreement_new_version(user=owner, agreement=signed)
    assert version_2.status == Agreement.Status.DRAFT
    assert version_2.predecessor == signed
    assert (version_2.start_date, version_2.end_date) == (signed.start_date, signed.end_date)
    assert version_2.goals.get().baseline_value == Decimal("2.40")
    with pytest.raises(ValidationError, match="efterföljare"):
        services.agreement_new_version(user=owner, agreement=signed)

    services.agreement_submit_for_signature(user=owner, agreement=version_2)
    for user, party in ((owner, "municipality"), (liaison, "police")):
        services.agreement_sign(
            user=user,
            agreement=version_2,
            party=party,
            name="N",
            title="T",
            signed_on=dt.date(2026, 3, 1),
        )
    signed.refresh_from_db()
    assert signed.status == Agreement.Status.REPLACED
    assert signed.phase() == "replaced"
    assert signed.signed_snapshot["title"] == "Samverkansöverenskommelse Hemby 2026–2029"


def test_renewal_copies_into_the_next_period_with_results_as_baselines(signed, owner):
    f.GoalFactory(
        agreement=signed,
        text="Färre rån",
        indicator_name="Anmälda rån",
        baseline_value="40",
        baseline_year=2025,
        target_value="30",
        target_year=2029,
    )
    renewed = services.agreement_renew(user=owner, agreement=signed)
    assert renewed.predecessor == signed
    assert renewed.start_date == dt.date(2030, 1, 1)
    assert renewed.end_date == dt.date(2033, 12, 31)
    assert [a.title for a in renewed.focus_areas.all()] == ["Trygg stadskärna"]
    assert set(renewed.problems.all()) == set(signed.problems.all())
    goals = {g.text: g for g in renewed.goals.all()}
    safety = goals["Ökad trygghet i centrum"]
    assert (safety.baseline_value, safety.baseline_year) == (Decimal("2.10"), 2026)
    assert safety.focus_area.agreement == renewed
    assert safety.latest_value is None
    robberies = goals["Färre rån"]
    assert (robberies.baseline_value, robberies.baseline_year) == (Decimal("40"), 2025)


def test_a_goal_with_a_target_needs_an_indicator(draft, owner):
    goal = Goal(agreement=draft, text="Mål", target_value=Decimal("1"), target_year=2028)
    with pytest.raises(ValidationError) as error:
        services.goal_save(user=owner, goal=goal)
    assert "indicator_name" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Goal.objects.create(agreement=draft, text="Mål", target_value=1, target_year=2028)


def test_comments_come_from_the_two_parties_only(draft, owner, liaison, colleague):
    comment = services.comment_add(user=liaison, agreement=draft, text="Lägg till ett mål om rån.")
    assert comment.organisation_name == "Lokalpolisområde Hemby"
    services.comment_add(user=owner, agreement=draft, text="Klart, tillagt.")
    with pytest.raises(PermissionDenied):
        services.comment_add(user=colleague, agreement=draft, text="Hej")
    assert draft.comments.count() == 2


def test_every_change_is_in_the_history(draft, owner):
    draft.title = "Ny titel"
    services.agreement_save(user=owner, agreement=draft, expected_version=draft.version)
    latest = draft.history.first()
    assert latest.title == "Ny titel"
    assert latest.history_type == "~"
    assert latest.history_user == owner
    assert latest.history_organisation == "Hemby kommun"


def test_reordering_problems_is_kept_in_their_history(owner, current_picture):
    first, second = current_picture.problems.order_by("rank")
    services.problem_move(user=owner, problem=second, direction="up")
    second.refresh_from_db()
    assert second.rank == 1
    latest = second.history.first()
    assert (latest.rank, latest.history_user) == (1, owner)
    assert first.history.first().rank == 2
