"""Council, member, meeting, decision and coordination pages: owner (a coordinator)
edits, colleague (a reader in the same municipality) reads, outsider gets 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from councils.models import Council, CouncilMember, Decision, Meeting, Role
from tests import factories as f
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def council(home):
    return f.CouncilFactory(municipality=home, name="Trygghetsrådet", mandate="Samordna.")


@pytest.fixture
def meeting(council):
    return f.MeetingFactory(council=council, agenda="Dagordning", minutes="Protokoll")


def _version(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return str(response.context["form"]["version"].value() or "")


def _member_data(**overrides) -> dict[str, str]:
    return {
        "person_name": "Anna Andersson",
        "role": CouncilMember.Role.CHAIR,
        "organisation": "",
        "organisation_name": "Hembybostäder AB",
        "email": "anna@example.se",
        "from_date": "2026-01-01",
        "to_date": "",
        "version": "",
    } | overrides


# --- the owner edits ---------------------------------------------------------------


def test_owner_creates_a_council_and_sees_it_listed(client_of, owner, home):
    client = client_of(owner)
    response = client.post(
        reverse("council-create", args=[home.code]),
        {"name": "Brottsförebyggande rådet", "kind": Council.Kind.CRIME_PREVENTION, "mandate": ""},
    )
    council = Council.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("council-detail", args=[council.pk])
    assert council.municipality == home
    listing = client.get(reverse("council-list", args=[home.code])).content.decode()
    assert "Brottsförebyggande rådet" in listing
    assert reverse("council-create", args=[home.code]) in listing


def test_owner_edits_the_council(client_of, owner, council):
    client = client_of(owner)
    url = reverse("council-edit", args=[council.pk])
    response = client.post(
        url,
        {
            "name": "Trygghetsrådet Hemby",
            "kind": Council.Kind.SAFETY,
            "mandate": "Nytt mandat",
            "version": _version(client, url),
        },
    )
    assert response.status_code == 302
    council.refresh_from_db()
    assert (council.name, council.kind, council.mandate, council.version) == (
        "Trygghetsrådet Hemby",
        Council.Kind.SAFETY,
        "Nytt mandat",
        2,
    )


def test_owner_adds_edits_and_removes_a_member(client_of, owner, council, home_org):
    client = client_of(owner)
    response = client.post(
        reverse("council-member-create", args=[council.pk]),
        _member_data(organisation=str(home_org.pk), organisation_name=""),
    )
    assert response.status_code == 302
    member = CouncilMember.objects.get()
    assert member.organisation == home_org

    url = reverse("council-member-edit", args=[member.pk])
    data = _member_data(to_date="2026-06-30", version=_version(client, url))
    assert client.post(url, data).status_code == 302
    member.refresh_from_db()
    assert (member.organisation, member.organisation_name) == (None, "Hembybostäder AB")
    assert str(member.to_date) == "2026-06-30"

    delete_url = reverse("council-member-delete", args=[member.pk])
    confirm = client.get(delete_url)
    assert confirm.status_code == 200
    assert "Anna Andersson" in confirm.content.decode()
    assert client.post(delete_url, {"version": str(member.version)}).status_code == 302
    assert not CouncilMember.objects.exists()


def test_owner_plans_a_meeting_and_records_decisions(client_of, owner, council):
    client = client_of(owner)
    response = client.post(
        reverse("meeting-create", args=[council.pk]),
        {"held_on": "2026-09-10", "agenda": "1. Lägesbild", "minutes": ""},
    )
    meeting = Meeting.objects.get()
    assert response["Location"] == reverse("meeting-detail", args=[meeting.pk])

    new_decision = reverse("decision-create", args=[meeting.pk])
    assert client.post(new_decision, {"text": "Rådet antar lägesbilden."}).status_code == 302
    assert client.post(new_decision, {"text": "Nästa möte i december."}).status_code == 302
    page = client.get(reverse("meeting-detail", args=[meeting.pk])).content.decode()
    assert page.index("§ 1 Rådet antar lägesbilden.") < page.index("§ 2 Nästa möte i december.")

    decision = Decision.objects.get(order=2)
    edit = reverse("decision-edit", args=[decision.pk])
    client.post(edit, {"text": "Nästa möte i november.", "version": _version(client, edit)})
    decision.refresh_from_db()
    assert decision.text == "Nästa möte i november."

    delete = reverse("decision-delete", args=[decision.pk])
    assert client.post(delete, {"version": decision.version}).status_code == 302
    assert list(meeting.decisions.values_list("order", flat=True)) == [1]

    edit = reverse("meeting-edit", args=[meeting.pk])
    data = {"held_on": "2026-09-11", "agenda": "1. Lägesbild", "minutes": "Protokoll."}
    assert client.post(edit, data | {"version": _version(client, edit)}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes == "Protokoll."

    response = client.post(
        reverse("meeting-delete", args=[meeting.pk]), {"version": meeting.version}
    )
    assert response["Location"] == reverse("council-detail", args=[council.pk])
    assert not Meeting.objects.exists()
    assert not Decision.objects.exists()


def test_a_council_with_meetings_cannot_be_deleted_one_without_can(
    client_of, owner, council, meeting, home
):
    client = client_of(owner)
    url = reverse("council-delete", args=[council.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["blocked"]
    assert client.post(url).status_code == 400
    assert Council.objects.filter(pk=council.pk).exists()

    empty = f.CouncilFactory(municipality=home)
    f.CouncilMemberFactory(council=empty)
    response = client.post(reverse("council-delete", args=[empty.pk]), {"version": empty.version})
    assert response["Location"] == reverse("council-list", args=[home.code])
    assert not Council.objects.filter(pk=empty.pk).exists()


def test_owner_names_and_changes_the_coordination_function(client_of, owner, home):
    client = client_of(owner)
    page = client.get(reverse("coordination-function", args=[home.code]))
    assert page.context["function"] is None
    assert reverse("coordination-function-edit", args=[home.code]) in page.content.decode()

    url = reverse("coordination-function-edit", args=[home.code])
    data = {
        "name": "Trygghetsenheten",
        "contact_email": "trygghet@hemby.se",
        "contact_phone": "",
        "since": "2023-07-01",
    }
    response = client.post(url, data | {"version": _version(client, url)})
    assert response["Location"] == reverse("coordination-function", args=[home.code])
    response = client.post(url, data | {"contact_phone": "0171-52 50 00", "version": "1"})
    assert response.status_code == 302
    home.coordination_function.refresh_from_db()
    assert home.coordination_function.contact_phone == "0171-52 50 00"
    page = client.get(reverse("coordination-function", args=[home.code])).content.decode()
    assert "Trygghetsenheten" in page
    assert "0171-52 50 00" in page


def test_the_municipality_page_links_to_councils_and_coordination(client_of, colleague, home):
    page = client_of(colleague).get(reverse("municipality-detail", args=[home.code]))
    body = page.content.decode()
    assert reverse("council-list", args=[home.code]) in body
    assert reverse("coordination-function", args=[home.code]) in body


# --- the colleague reads, the outsider sees nothing --------------------------------


def _edit_urls(council, meeting, home) -> list[str]:
    member = f.CouncilMemberFactory(council=council)
    decision = f.DecisionFactory(meeting=meeting)
    return [
        reverse("council-create", args=[home.code]),
        reverse("council-edit", args=[council.pk]),
        reverse("council-delete", args=[council.pk]),
        reverse("council-member-create", args=[council.pk]),
        reverse("council-member-edit", args=[member.pk]),
        reverse("council-member-delete", args=[member.pk]),
        reverse("meeting-create", args=[council.pk]),
        reverse("meeting-edit", args=[meeting.pk]),
        reverse("meeting-delete", args=[meeting.pk]),
        reverse("decision-create", args=[meeting.pk]),
        reverse("decision-edit", args=[decision.pk]),
        reverse("decision-delete", args=[decision.pk]),
        reverse("coordination-function-edit", args=[home.code]),
    ]


def _read_urls(council, meeting, home) -> list[str]:
    return [
        reverse("council-list", args=[home.code]),
        reverse("council-detail", args=[council.pk]),
        reverse("meeting-detail", args=[meeting.pk]),
        reverse("coordination-function", args=[home.code]),
    ]


@pytest.mark.parametrize("reader", ["colleague", "liaison", "county_officer", "national_reader"])
def test_readers_see_the_pages_without_edit_links_and_get_404_on_edit_pages(
    request, client_of, reader, council, meeting, home
):
    client = client_of(request.getfixturevalue(reader))
    edit_urls = _edit_urls(council, meeting, home)
    for url in _read_urls(council, meeting, home):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert not any(edit_url in body for edit_url in edit_urls), url
    for url in edit_urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"name": "Kapat", "text": "Kapat"}).status_code == 404, url
    council.refresh_from_db()
    assert (council.name, council.version) == ("Trygghetsrådet", 1)
    assert Meeting.objects.count() == 1
    assert Decision.objects.count() == 1


def test_outsider_gets_404_everywhere(client_of, outsider, council, meeting, home):
    client = client_of(outsider)
    for url in _read_urls(council, meeting, home) + _edit_urls(council, meeting, home):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"name": "Kapat"}).status_code == 404, url
    council.refresh_from_db()
    assert council.name == "Trygghetsrådet"


def test_other_methods_answer_405_only_after_the_access_check(
    client_of, owner, outsider, council, meeting
):
    for url in (
        reverse("council-detail", args=[council.pk]),
        reverse("meeting-detail", args=[meeting.pk]),
    ):
        assert client_of(owner).post(url).status_code == 405
        assert client_of(outsider).post(url).status_code == 404
    assert client_of(owner).put(reverse("council-edit", args=[council.pk])).status_code == 405


# --- bad input -----------------------------------------------------------------------


def test_membership_ending_before_it_starts_is_refused_at_the_field(client_of, owner, council):
    response = client_of(owner).post(
        reverse("council-member-create", args=[council.pk]),
        _member_data(from_date="2026-05-01", to_date="2026-04-30"),
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["to_date"]
    body = response.content.decode()
    assert "Det finns ett problem" in body
    assert 'href="#id_to_date"' in body
    assert not CouncilMember.objects.exists()


def test_a_member_needs_an_organisation_or_its_name_but_not_both(
    client_of, owner, council, home_org
):
    client = client_of(owner)
    url = reverse("council-member-create", args=[council.pk])
    neither = client.post(url, _member_data(organisation_name=""))
    assert neither.status_code == 400
    assert list(neither.context["form"].errors) == ["organisation"]
    both = client.post(url, _member_data(organisation=str(home_org.pk)))
    assert both.status_code == 400
    assert list(both.context["form"].errors) == ["organisation_name"]
    assert not CouncilMember.objects.exists()


def test_members_sit_only_for_organisations_around_the_municipality(
    client_of, owner, council, away_org, police_org, county_board
):
    client = client_of(owner)
    url = reverse("council-member-create", args=[council.pk])
    choices = set(client.get(url).context["form"].fields["organisation"].queryset)
    assert {police_org, county_board} <= choices
    assert away_org not in choices
    response = client.post(url, _member_data(organisation=str(away_org.pk), organisation_name=""))
    assert response.status_code == 400
    assert "organisation" in response.context["form"].errors


def test_absurdly_long_text_gets_a_clear_swedish_message(client_of, owner, council):
    client = client_of(owner)
    url = reverse("council-edit", args=[council.pk])
    data = {"name": "Rådet", "kind": "other", "mandate": "x" * 20_001}
    response = client.post(url, data | {"version": "1"})
    assert response.status_code == 400
    assert "som mest 20000 tecken" in response.content.decode()
    response = client.post(url, data | {"name": "n" * 201, "mandate": "", "version": "1"})
    assert "som mest 200 tecken" in response.content.decode()
    council.refresh_from_db()
    assert council.name == "Trygghetsrådet"

    meeting = f.MeetingFactory(council=council)
    response = client.post(reverse("decision-create", args=[meeting.pk]), {"text": "x" * 501})
    assert response.status_code == 400
    assert "som mest 500 tecken" in response.content.decode()


def test_implausible_dates_and_bad_contact_details_are_refused(client_of, owner, council, home):
    client = client_of(owner)
    response = client.post(
        reverse("meeting-create", args=[council.pk]), {"held_on": "0202-02-02", "agenda": ""}
    )
    assert response.status_code == 400
    assert "held_on" in response.context["form"].errors
    response = client.post(
        reverse("coordination-function-edit", args=[home.code]),
        {
            "name": "Enheten",
            "contact_email": "inte en adress",
            "contact_phone": SCRIPT,
            "since": "",
        },
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"contact_email", "contact_phone", "since"}
    assert SCRIPT not in response.content.decode()
    assert not Meeting.objects.exists()


def test_script_in_every_text_field_is_stored_and_shown_escaped(client_of, owner, home):
    client = client_of(owner)
    client.post(
        reverse("council-create", args=[home.code]),
        {"name": SCRIPT, "kind": "other", "mandate": SCRIPT},
    )
    council = Council.objects.get()
    assert council.name == council.mandate == SCRIPT
    client.post(
        reverse("council-member-create", args=[council.pk]),
        _member_data(person_name=SCRIPT, organisation_name=SCRIPT),
    )
    client.post(
        reverse("meeting-create", args=[council.pk]),
        {"held_on": "2026-03-12", "agenda": SCRIPT, "minutes": SCRIPT},
    )
    meeting = Meeting.objects.get()
    client.post(reverse("decision-create", args=[meeting.pk]), {"text": SCRIPT})
    client.post(
        reverse("coordination-function-edit", args=[home.code]),
        {"name": SCRIPT, "contact_email": "t@example.se", "since": "2023-07-01"},
    )
    member = CouncilMember.objects.get()
    assert member.person_name == member.organisation_name == SCRIPT
    assert meeting.decisions.get().text == SCRIPT

    pages = {
        reverse("council-list", args=[home.code]): 1,
        reverse("council-detail", args=[council.pk]): 4,  # name, mandate, person, organisation
        reverse("meeting-detail", args=[meeting.pk]): 3,  # agenda, minutes, decision
        reverse("coordination-function", args=[home.code]): 1,
        reverse("council-edit", args=[council.pk]): 2,
        reverse("record-history", kwargs={"label": "councils.council", "pk": council.pk}): 2,
    }
    for url, at_least in pages.items():
        body = client.get(url).content.decode()
        assert SCRIPT not in body, url
        assert body.count("&lt;script&gt;alert(1)") >= at_least, url


# --- the council page -------------------------------------------------------------


def test_upcoming_meetings_ascending_and_past_meetings_descending(client_of, colleague, council):
    today = timezone.localdate()
    dates = [today + timedelta(days=d) for d in (-400, 30, 0, -1, 90, -30)]
    for held_on in dates:
        f.MeetingFactory(council=council, held_on=held_on)
    f.MeetingFactory(held_on=today + timedelta(days=5))  # another council's
    page = client_of(colleague).get(reverse("council-detail", args=[council.pk])).context["page"]
    assert [m.held_on for m in page.upcoming_meetings] == [
        today,
        today + timedelta(days=30),
        today + timedelta(days=90),
    ]
    assert [m.held_on for m in page.past_meetings] == [
        today - timedelta(days=1),
        today - timedelta(days=30),
        today - timedelta(days=400),
    ]


def test_current_and_former_members_with_the_chair_first(client_of, colleague, council):
    today = timezone.localdate()
    f.CouncilMemberFactory(council=council, person_name="Örjan", role="member")
    f.CouncilMemberFactory(council=council, person_name="Åsa", role="chair")
    f.CouncilMemberFactory(council=council, person_name="Bo", to_date=today)
    f.CouncilMemberFactory(
        council=council,
        person_name="Gunnel",
        from_date=today - timedelta(days=800),
        to_date=today - timedelta(days=1),
    )
    page = client_of(colleague).get(reverse("council-detail", args=[council.pk])).context["page"]
    assert [m.person_name for m in page.current_members] == ["Åsa", "Bo", "Örjan"]
    assert [m.person_name for m in page.former_members] == ["Gunnel"]


def test_the_council_list_shows_next_and_last_meeting(client_of, colleague, council, home):
    today = timezone.localdate()
    f.MeetingFactory(council=council, held_on=today + timedelta(days=10))
    f.MeetingFactory(council=council, held_on=today + timedelta(days=40))
    f.MeetingFactory(council=council, held_on=today - timedelta(days=20))
    f.CouncilMemberFactory(council=council)
    f.CouncilMemberFactory(council=council, to_date=today - timedelta(days=1))
    response = client_of(colleague).get(reverse("council-list", args=[home.code]))
    (listed,) = response.context["councils"]
    assert listed.next_meeting == today + timedelta(days=10)
    assert listed.last_meeting == today - timedelta(days=20)
    assert listed.current_members == 1


def test_council_page_queries_do_not_grow(client_of, owner, council, home_org):
    def grow():
        today = timezone.localdate()
        for n in range(6):
            f.CouncilMemberFactory(council=council, organisation=home_org if n % 2 else None)
            f.CouncilMemberFactory(council=council, to_date=today - timedelta(days=1))
            meeting = f.MeetingFactory(council=council, held_on=today + timedelta(days=n * 7 - 20))
            f.DecisionFactory(meeting=meeting)

    url = reverse("council-detail", args=[council.pk])
    assert_constant_queries(client_of(owner), url, grow)


def test_meeting_page_queries_do_not_grow(client_of, owner, meeting):
    def grow():
        for _ in range(8):
            f.DecisionFactory(meeting=meeting)

    assert_constant_queries(client_of(owner), reverse("meeting-detail", args=[meeting.pk]), grow)


def test_council_list_queries_do_not_grow(client_of, colleague, home):
    def grow():
        for _ in range(5):
            council = f.CouncilFactory(municipality=home)
            f.CouncilMemberFactory(council=council)
            f.MeetingFactory(council=council)

    f.CouncilFactory(municipality=home)
    assert_constant_queries(client_of(colleague), reverse("council-list", args=[home.code]), grow)


# --- history -------------------------------------------------------------------------


def test_history_page_shows_who_for_which_organisation_and_what_changed(
    client_of, owner, colleague, outsider, home
):
    f.MembershipFactory(
        user=owner, organisation=f.OrganisationFactory(partner=True), role=Role.READER
    )
    client = client_of(owner)
    client.post(
        reverse("council-create", args=[home.code]),
        {"name": "Trygghetsrådet", "kind": "safety", "mandate": ""},
    )
    council = Council.objects.get()
    client.post(
        reverse("council-edit", args=[council.pk]),
        {"name": "Trygghetsrådet", "kind": "safety", "mandate": "Nytt mandat", "version": "1"},
    )
    url = reverse("record-history", kwargs={"label": "councils.council", "pk": council.pk})
    council_page = client.get(reverse("council-detail", args=[council.pk])).content.decode()
    assert url in council_page

    response = client_of(colleague).get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert str(owner) in body
    assert "(Hemby kommun)" in body
    with translation.override("sv"):
        mandate = str(Council._meta.get_field("mandate").verbose_name).capitalize()
        kind = str(Council._meta.get_field("kind").verbose_name).capitalize()
    changes = [change.field for change in response.context["rows"][0][1]]
    assert changes == [str(Council._meta.get_field("mandate").verbose_name)]
    assert f"<li>{mandate}</li>" in body
    assert f"<li>{kind}</li>" not in body

    assert client_of(outsider).get(url).status_code == 404


@pytest.mark.parametrize(
    ("label", "build"),
    [
        ("councils.councilmember", lambda home: f.CouncilMemberFactory(council__municipality=home)),
        ("councils.meeting", lambda home: f.MeetingFactory(council__municipality=home)),
        ("councils.decision", lambda home: f.DecisionFactory(meeting__council__municipality=home)),
        (
            "councils.coordinationfunction",
            lambda home: f.CoordinationFunctionFactory(municipality=home),
        ),
    ],
)
def test_every_record_has_a_history_page_that_outsiders_cannot_open(
    client_of, owner, outsider, home, label, build
):
    record = build(home)
    url = reverse("record-history", kwargs={"label": label, "pk": record.pk})
    assert client_of(owner).get(url).status_code == 200
    assert client_of(outsider).get(url).status_code == 404


def test_every_page_has_one_h1_and_forms_without_browser_validation(client_of, owner, home):
    council = f.CouncilFactory(municipality=home)
    member = f.CouncilMemberFactory(council=council)
    meeting = f.MeetingFactory(council=council)
    decision = f.DecisionFactory(meeting=meeting)
    f.CoordinationFunctionFactory(municipality=home)
    client = client_of(owner)
    form_pages = [
        reverse("council-create", args=[home.code]),
        reverse("council-edit", args=[council.pk]),
        reverse("council-delete", args=[f.CouncilFactory(municipality=home).pk]),
        reverse("council-member-create", args=[council.pk]),
        reverse("council-member-edit", args=[member.pk]),
        reverse("council-member-delete", args=[member.pk]),
        reverse("meeting-create", args=[council.pk]),
        reverse("meeting-edit", args=[meeting.pk]),
        reverse("meeting-delete", args=[meeting.pk]),
        reverse("decision-create", args=[meeting.pk]),
        reverse("decision-edit", args=[decision.pk]),
        reverse("decision-delete", args=[decision.pk]),
        reverse("coordination-function-edit", args=[home.code]),
    ]
    for url in _read_urls(council, meeting, home) + form_pages:
        body = client.get(url).content.decode()
        assert body.count("<h1") == 1, url
        if url in form_pages:
            assert '<form method="post" novalidate' in body, url
