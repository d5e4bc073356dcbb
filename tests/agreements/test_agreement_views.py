"""Agreement pages: who sees what, sections edited in place, conflicts, signing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agreements import services
from agreements.models import Agreement
from tests import factories as f
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def detail(agreement) -> str:
    return reverse("agreement-detail", args=[agreement.pk])


def section(agreement, name: str) -> str:
    return reverse("agreement-section", args=[agreement.pk, name])


def basics(agreement, **changes) -> dict:
    data = {
        "title": agreement.title,
        "start_date": agreement.start_date.isoformat(),
        "end_date": agreement.end_date.isoformat(),
        "police_areas": [a.pk for a in agreement.police_areas.all()],
        "version": agreement.version,
    }
    data.update(changes)
    return data


def test_coordinator_creates_a_draft_from_the_list(client_of, owner, home, current_picture):
    client = client_of(owner)
    assert client.get(reverse("agreement-list", args=[home.code])).status_code == 200
    response = client.post(
        reverse("agreement-create", args=[home.code]),
        {"title": "Ny överenskommelse", "start_date": "2026-01-01", "end_date": "2025-01-01"},
    )
    assert response.status_code == 400
    assert "data-error-summary" in response.content.decode()
    assert not Agreement.objects.exists()
    response = client.post(
        reverse("agreement-create", args=[home.code]),
        {"title": "Ny överenskommelse", "start_date": "2026-01-01", "end_date": "2029-12-31"},
    )
    agreement = Agreement.objects.get()
    assert response["Location"] == detail(agreement)


def test_a_section_is_edited_in_place_with_htmx(client_of, owner, draft):
    client = client_of(owner)
    form = client.get(section(draft, "basics"), headers=HTMX)
    assert form.status_code == 200
    body = form.content.decode()
    assert "<html" not in body
    assert 'id="section-basics"' in body and "<form" in body

    saved = client.post(
        section(draft, "basics"), basics(draft, title="Hemby 2026–2029"), headers=HTMX
    )
    assert saved.status_code == 200
    body = saved.content.decode()
    assert "<html" not in body
    assert "Hemby 2026–2029" in body
    assert 'id="section-goals"' not in body  # only this section swaps
    draft.refresh_from_db()
    assert draft.title == "Hemby 2026–2029"
    assert draft.version == 2


def test_a_section_works_as_a_plain_form_without_javascript(client_of, owner, draft):
    client = client_of(owner)
    page = client.get(section(draft, "follow-up"))
    assert "<html" in page.content.decode()
    response = client.post(
        section(draft, "follow-up"),
        {
            "documentation": "I Samverkan.",
            "follow_up_by": "BRÅ-rådet",
            "follow_up_frequency": "quarterly",
            "version": draft.version,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == detail(draft) + "#section-follow-up"
    draft.refresh_from_db()
    assert draft.follow_up_frequency == "quarterly"


def test_invalid_section_input_gives_the_error_summary(client_of, owner, draft):
    response = client_of(owner).post(
        section(draft, "basics"),
        basics(draft, end_date="2020-01-01", title="x" * 300),
        headers=HTMX,
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "data-error-summary" in body
    assert 'href="#id_end_date"' in body
    assert 'href="#id_title"' in body
    draft.refresh_from_db()
    assert draft.end_date == dt.date(2029, 12, 31)


def test_two_people_editing_the_same_section_get_a_conflict_not_an_overwrite(
    owner, draft, home_org
):
    colleague_coordinator = f.UserFactory(username="kollega")
    f.MembershipFactory(user=colleague_coordinator, organisation=home_org, role="coordinator")
    first, second = Client(), Client()
    first.force_login(owner)
    second.force_login(colleague_coordinator)
    first.get(section(draft, "basics"))
    second.get(section(draft, "basics"))

    assert (
        first.post(section(draft, "basics"), basics(draft, title="Förstas titel")).status_code
        == 302
    )
    response = second.post(section(draft, "basics"), basics(draft, title="Andras titel"))
    assert response.status_code == 409
    body = response.content.decode()
    assert "Förstas titel" in body and "Andras titel" in body
    draft.refresh_from_db()
    assert draft.title == "Förstas titel"

    # the form now carries the stored version: saving again is a deliberate choice
    assert f'name="version" value="{draft.version}"' in body
    again = second.post(section(draft, "basics"), basics(draft, title="Andras titel"))
    assert again.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Andras titel"


def test_goal_form_refuses_a_target_without_indicator(client_of, owner, draft):
    response = client_of(owner).post(
        reverse("goal-create", args=[draft.pk]),
        {"text": "Färre rån", "target_value": "10", "target_year": "2029"},
    )
    assert response.status_code == 400
    assert 'href="#id_indicator_name"' in response.content.decode()
    assert draft.goals.count() == 1


def test_script_in_text_fields_is_shown_escaped(client_of, owner, draft):
    script = "<script>alert(1)</script>"
    client = client_of(owner)
    client.post(section(draft, "basics"), basics(draft, title=script))
    draft.refresh_from_db()
    client.post(
        section(draft, "follow-up"),
        {
            "documentation": script,
            "follow_up_by": script,
            "follow_up_frequency": "yearly",
            "version": draft.version,
        },
    )
    body = client.get(detail(draft)).content.decode()
    assert script not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_signing_journey_through_the_pages(client_of, owner, liaison, draft):
    client = client_of(owner)
    assert client.post(reverse("agreement-submit", args=[draft.pk])).status_code == 302
    draft.refresh_from_db()
    assert draft.status == Agreement.Status.AWAITING_SIGNATURE
    # while it awaits signature, sections are not editable
    response = client.post(section(draft, "basics"), basics(draft, title="Sent ändrad"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title != "Sent ändrad"

    # the police part is not the coordinator's
    assert client.get(reverse("agreement-sign", args=[draft.pk, "police"])).status_code == 404
    sign = {"name": "Anna Ordförande", "title": "KSO", "signed_on": "2026-01-10"}
    assert (
        client.post(reverse("agreement-sign", args=[draft.pk, "municipality"]), sign).status_code
        == 302
    )

    police = client_of(liaison)
    page = police.get(reverse("agreement-sign", args=[draft.pk, "police"]))
    assert page.status_code == 200
    assert "Bengt Chef" in page.content.decode()  # prefilled signatory
    police.post(
        reverse("agreement-sign", args=[draft.pk, "police"]),
        {"name": "Bengt Chef", "title": "LPO-chef", "signed_on": "2026-01-12"},
    )
    draft.refresh_from_db()
    assert draft.status == Agreement.Status.SIGNED
    body = police.get(detail(draft)).content.decode()
    assert "Bengt Chef" in body and "LPO-chef" in body


def test_county_officers_read_signed_agreements_but_never_drafts(
    client_of, county_officer, signed, draft
):
    client = client_of(county_officer)
    assert client.get(detail(signed)).status_code == 200
    other_draft = f.AgreementFactory(municipality=signed.municipality)
    assert client.get(detail(other_draft)).status_code == 404
    listing = client.get(
        reverse("agreement-list", args=[signed.municipality.code])
    ).content.decode()
    assert signed.title in listing
    assert other_draft.title not in listing
    assert "Comments (internal)" not in client.get(detail(signed)).content.decode()


def test_the_signed_page_shows_the_content_as_signed(client_of, owner, signed):
    problem = signed.problems.get(title="Otrygghet i centrum")
    problem.title = "Omdöpt problem"
    services.problem_save(user=owner, problem=problem, expected_version=problem.version)
    body = client_of(owner).get(detail(signed)).content.decode()
    assert "Otrygghet i centrum" in body
    assert "Omdöpt problem" not in body


def test_renewal_from_the_page_leads_to_the_new_draft(client_of, owner, signed):
    response = client_of(owner).post(reverse("agreement-renew", args=[signed.pk]))
    renewed = Agreement.objects.get(predecessor=signed)
    assert response["Location"] == detail(renewed)
    assert renewed.start_date == dt.date(2030, 1, 1)


def test_liaison_comments_and_the_coordinator_answers(client_of, liaison, owner, draft):
    client_of(liaison).post(
        reverse("agreement-comment", args=[draft.pk]), {"text": "Lägg till rån."}
    )
    client_of(owner).post(reverse("agreement-comment", args=[draft.pk]), {"text": "Gjort."})
    body = client_of(owner).get(detail(draft)).content.decode()
    assert "Lägg till rån." in body and "Gjort." in body
    assert "Lokalpolisområde Hemby" in body


def test_history_page_lists_who_changed_what(client_of, owner, draft, outsider):
    client = client_of(owner)
    client.post(section(draft, "basics"), basics(draft, title="Ändrad titel"))
    url = reverse("record-history", args=["agreements.agreement", draft.pk])
    body = client.get(url).content.decode()
    assert owner.get_full_name() in body
    assert "Hemby kommun" in body
    assert client_of(outsider).get(url).status_code == 404


def test_compliance_panel_on_the_municipality_page(client_of, owner, signed, home):
    body = client_of(owner).get(reverse("municipality-detail", args=[home.code])).content.decode()
    assert "lag 2023:196" in body
    assert detail(signed) in body or reverse("agreement-list", args=[home.code]) in body


def test_compliance_panel_queries_are_the_same_with_a_council_meeting(client_of, owner, home):
    def grow():  # found by make bench: the demo data has a meeting, the national data none
        council = f.CouncilFactory(municipality=home, name="Hemby trygghetsråd")
        f.MeetingFactory(council=council, held_on=timezone.localdate() - dt.timedelta(days=30))

    url = reverse("municipality-detail", args=[home.code])
    assert_constant_queries(client_of(owner), url, grow)
    assert "Hemby trygghetsråd" in client_of(owner).get(url).content.decode()


def test_detail_page_queries_do_not_grow_with_goals(client_of, owner, draft):
    def grow():
        for n in range(6):
            area = f.FocusAreaFactory(agreement=draft, title=f"Område {n}")
            f.GoalFactory(agreement=draft, focus_area=area, text=f"Mål {n}")
            services.comment_add(user=owner, agreement=draft, text=f"Kommentar {n}")

    assert_constant_queries(client_of(owner), detail(draft), grow)


def test_focus_areas_carry_a_version_too(owner, draft, home_org):
    other = f.UserFactory(username="kollega2")
    f.MembershipFactory(user=other, organisation=home_org, role="coordinator")
    area = draft.focus_areas.get()
    url = reverse("focus-area-edit", args=[area.pk])
    first, second = Client(), Client()
    first.force_login(owner)
    second.force_login(other)
    data = {"title": "Trygg stadskärna", "description": "", "version": area.version}
    assert first.post(url, {**data, "title": "Först"}).status_code == 302
    response = second.post(url, {**data, "title": "Sedan"})
    assert response.status_code == 409
    assert "Först" in response.content.decode()
    area.refresh_from_db()
    assert area.title == "Först"
    assert area.history.first().history_user == owner
