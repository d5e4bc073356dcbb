"""Pages of the lägesbild, its sources and problems, and the action plan.

Who: the owner (coordinator of Hemby) edits; the colleague (reader in Hemby) and
the police liaison see but cannot edit (404 on every edit URL); the county officer
reads only what is published, so these internal pages answer 404, as for the
outsider.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from agreements.models import ActionPlan, PriorityProblem, SituationalPicture, Source
from tests import factories as f
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def picture(home):
    return f.SituationalPictureFactory(
        municipality=home,
        title="Lägesbild Hemby 2025",
        decided_by="Kommunstyrelsen",
        decided_on=dt.date(2026, 2, 1),
    )


@pytest.fixture
def problems(picture):
    return [
        f.PriorityProblemFactory(picture=picture, title=title, rank=rank)
        for rank, title in enumerate(["Otrygghet i centrum", "Unga i riskmiljö", "Bilbränder"], 1)
    ]


def picture_data(picture: SituationalPicture | None = None, **overrides) -> dict:
    """The lägesbild form as a browser sends it (the stored values, or a new one)."""
    data = {
        "title": "Lägesbild Hemby 2026",
        "owner": "joint",
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "mapping": "Anmälda våldsbrott i centrum.",
        "other_information": "",
        "analysis": "Troliga orsaker: belysning.",
        "decided_by": "",
        "decided_on": "",
        "next_review": "",
        "version": "",
    }
    if picture is not None:
        data.update(
            {
                "title": picture.title,
                "owner": picture.owner,
                "period_start": picture.period_start.isoformat(),
                "period_end": picture.period_end.isoformat(),
                "mapping": picture.mapping,
                "other_information": picture.other_information,
                "analysis": picture.analysis,
                "decided_by": picture.decided_by,
                "decided_on": picture.decided_on.isoformat() if picture.decided_on else "",
                "next_review": picture.next_review.isoformat() if picture.next_review else "",
                "version": str(picture.version),
            }
        )
        if picture.is_current:
            data["is_current"] = "on"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def problem_data(problem: PriorityProblem | None = None, **overrides) -> dict:
    data = {
        "title": "Otrygghet vid stationen",
        "perspective": "situational",
        "description": "",
        "place": "",
        "vulnerable_area": "",
        "cause_analysis": "",
        "version": "",
    }
    if problem is not None:
        data.update(
            {
                "title": problem.title,
                "perspective": problem.perspective,
                "description": problem.description,
                "place": problem.place,
                "vulnerable_area": problem.vulnerable_area_id or "",
                "cause_analysis": problem.cause_analysis,
                "version": str(problem.version),
            }
        )
    data.update(overrides)
    return data


def plan_data(**overrides) -> dict:
    data = {
        "title": "Åtgärdsplan 2026–2027",
        "picture": "",
        "decided_by": "Kommunstyrelsen",
        "decided_on": "2026-01-15",
        "valid_from": "2026-01-01",
        "valid_until": "2027-12-31",
        "version": "",
    }
    data.update(overrides)
    return data


def _errors(response, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))


# --- who sees what ---------------------------------------------------------------


@pytest.mark.parametrize("who", ["owner", "colleague", "liaison"])
def test_the_municipality_and_its_police_see_the_pages(
    request, client_of, who, home, picture, problems
):
    client = client_of(request.getfixturevalue(who))
    plan = f.ActionPlanFactory(municipality=home, picture=picture)
    source = f.SourceFactory(picture=picture)
    for url in (
        reverse("picture-list", args=[home.code]),
        reverse("picture-detail", args=[picture.pk]),
        reverse("problem-detail", args=[problems[0].pk]),
        reverse("action-plan-detail", args=[plan.pk]),
    ):
        assert client.get(url).status_code == 200, url
    body = client.get(reverse("picture-detail", args=[picture.pk])).content.decode()
    assert source.note in body
    assert all(p.title in body for p in problems)


@pytest.mark.parametrize("who", ["colleague", "liaison"])
def test_readers_get_404_on_every_edit_url_and_see_no_edit_controls(
    request, client_of, who, home, picture, problems
):
    client = client_of(request.getfixturevalue(who))
    source = f.SourceFactory(picture=picture)
    plan = f.ActionPlanFactory(municipality=home)
    edit_urls = [
        reverse("picture-create", args=[home.code]),
        reverse("picture-edit", args=[picture.pk]),
        reverse("picture-make-current", args=[picture.pk]),
        reverse("source-create", args=[picture.pk]),
        reverse("source-delete", args=[source.pk]),
        reverse("problem-create", args=[picture.pk]),
        reverse("problem-edit", args=[problems[0].pk]),
        reverse("problem-delete", args=[problems[0].pk]),
        reverse("problem-move", args=[problems[0].pk]),
        reverse("action-plan-create", args=[home.code]),
        reverse("action-plan-edit", args=[plan.pk]),
    ]
    for url in edit_urls:
        assert client.get(url).status_code == 404, f"GET {url}"
        assert client.post(url, {"direction": "down", "title": "x"}).status_code == 404, url
    assert Source.objects.filter(pk=source.pk).exists()
    assert list(picture.problems.values_list("rank", flat=True)) == [1, 2, 3]
    picture.refresh_from_db()
    assert not picture.is_current

    body = client.get(reverse("picture-detail", args=[picture.pk])).content.decode()
    assert reverse("picture-edit", args=[picture.pk]) not in body
    assert reverse("problem-move", args=[problems[0].pk]) not in body
    assert reverse("source-create", args=[picture.pk]) not in body
    listing = client.get(reverse("picture-list", args=[home.code])).content.decode()
    assert reverse("picture-create", args=[home.code]) not in listing


@pytest.mark.parametrize("who", ["county_officer", "outsider"])
def test_internal_pages_answer_404_to_readers_of_published_work_and_outsiders(
    request, client_of, who, home, picture, problems
):
    client = client_of(request.getfixturevalue(who))
    plan = f.ActionPlanFactory(municipality=home)
    for url in (
        reverse("picture-list", args=[home.code]),
        reverse("picture-detail", args=[picture.pk]),
        reverse("problem-detail", args=[problems[0].pk]),
        reverse("action-plan-detail", args=[plan.pk]),
    ):
        assert client.get(url).status_code == 404, url


# --- the list --------------------------------------------------------------------


def test_list_shows_the_current_lagesbild_first_and_marked(client_of, owner, home):
    older = f.SituationalPictureFactory(
        municipality=home,
        title="Lägesbild 2026",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )
    current = f.SituationalPictureFactory(
        municipality=home,
        title="Lägesbild 2024",
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
        is_current=True,
        decided_by="Kommunstyrelsen",
        decided_on=timezone.localdate() - dt.timedelta(days=40),
    )
    client = client_of(owner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("picture-list", args=[home.code]))
    assert list(response.context["pictures"]) == [current, older]
    body = response.content.decode()
    assert body.index("Lägesbild 2024") < body.index("Lägesbild 2026")
    assert body.count('class="tag tag--current"') == 1
    assert body.index("tag--current") < body.index("Lägesbild 2026")
    assert "40 days" in body
    assert "Kommunstyrelsen" in body
    assert reverse("picture-create", args=[home.code]) in body
    assert reverse("action-plan-create", args=[home.code]) in body


def test_list_shows_action_plans_with_validity_and_whether_valid_today(client_of, owner, home):
    today = timezone.localdate()
    valid = f.ActionPlanFactory(
        municipality=home,
        title="Gällande plan",
        valid_from=today - dt.timedelta(days=10),
        valid_until=today + dt.timedelta(days=300),
    )
    expired = f.ActionPlanFactory(
        municipality=home,
        title="Gammal plan",
        valid_from=dt.date(2020, 1, 1),
        valid_until=dt.date(2021, 12, 31),
    )
    client = client_of(owner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(reverse("picture-list", args=[home.code])).content.decode()
    rows = {row.split("</tr>")[0] for row in body.split("<tr>")[1:]}
    [valid_row] = [r for r in rows if reverse("action-plan-detail", args=[valid.pk]) in r]
    [expired_row] = [r for r in rows if reverse("action-plan-detail", args=[expired.pk]) in r]
    assert "<strong>Yes</strong>" in valid_row
    assert "No, expired" in expired_row
    assert "1 Jan 2020 – 31 Dec 2021" in expired_row  # a table: short dates


def test_list_query_count_does_not_grow_with_pictures_and_plans(client_of, owner, home):
    picture = f.SituationalPictureFactory(municipality=home, is_current=True)
    f.PriorityProblemFactory(picture=picture)
    f.ActionPlanFactory(municipality=home, picture=picture)

    def grow():
        for _ in range(4):
            more = f.SituationalPictureFactory(municipality=home)
            f.PriorityProblemFactory.create_batch(3, picture=more)
            f.SourceFactory.create_batch(2, picture=more)
            f.ActionPlanFactory(municipality=home, picture=more)

    assert_constant_queries(client_of(owner), reverse("picture-list", args=[home.code]), grow)


# --- the lägesbild page -------------------------------------------------------------


def test_detail_shows_sections_decision_sources_problems_and_history_link(
    client_of, owner, picture, problems
):
    f.SourceFactory(picture=picture, kind="safety_survey", note="Trygghetsmätning 2025")
    response = client_of(owner).get(reverse("picture-detail", args=[picture.pk]))
    body = response.content.decode()
    for text in (picture.mapping, picture.other_information, picture.analysis):
        assert text in body
    assert "Kommunstyrelsen" in body
    assert "Trygghetsmätning 2025" in body
    assert [p.title for p in response.context["problems"]] == [p.title for p in problems]
    assert reverse("picture-edit", args=[picture.pk]) in body
    assert reverse("picture-make-current", args=[picture.pk]) in body
    assert reverse("source-create", args=[picture.pk]) in body
    history = reverse(
        "record-history", kwargs={"label": "agreements.situationalpicture", "pk": picture.pk}
    )
    assert history in body
    assert body.count("<h1") == 1


def test_detail_has_no_make_current_button_when_current(client_of, owner, home):
    current = f.SituationalPictureFactory(municipality=home, is_current=True)
    body = client_of(owner).get(reverse("picture-detail", args=[current.pk])).content.decode()
    assert reverse("picture-make-current", args=[current.pk]) not in body


def test_detail_highlights_a_passed_review_date(client_of, owner, home):
    today = timezone.localdate()
    passed = f.SituationalPictureFactory(
        municipality=home, next_review=today - dt.timedelta(days=1)
    )
    coming = f.SituationalPictureFactory(
        municipality=home, next_review=today + dt.timedelta(days=30)
    )
    client = client_of(owner)
    response = client.get(reverse("picture-detail", args=[passed.pk]))
    assert response.context["review_passed"]
    assert 'class="overdue"' in response.content.decode()
    response = client.get(reverse("picture-detail", args=[coming.pk]))
    assert not response.context["review_passed"]
    assert 'class="overdue"' not in response.content.decode()


def test_detail_query_count_does_not_grow_with_problems_and_sources(
    client_of, owner, home, picture
):
    f.PriorityProblemFactory(picture=picture)
    f.SourceFactory(picture=picture)

    def grow():
        for n in range(5):
            area = f.VulnerableAreaFactory(municipality=home)
            f.PriorityProblemFactory(picture=picture, vulnerable_area=area, place=f"Plats {n}")
            f.SourceFactory(picture=picture, dated=dt.date(2025, 5, n + 1))

    assert_constant_queries(client_of(owner), reverse("picture-detail", args=[picture.pk]), grow)


# --- creating and editing the lägesbild ---------------------------------------------


def test_owner_creates_a_lagesbild(client_of, owner, home):
    client = client_of(owner)
    url = reverse("picture-create", args=[home.code])
    assert client.get(url).status_code == 200
    response = client.post(url, picture_data(is_current="on"))
    picture = SituationalPicture.objects.get(municipality=home)
    assert response.status_code == 302
    assert response["Location"] == reverse("picture-detail", args=[picture.pk])
    assert picture.is_current
    assert picture.version == 1


def test_period_ending_before_it_starts_is_refused(client_of, owner, home):
    url = reverse("picture-create", args=[home.code])
    response = client_of(owner).post(
        url, picture_data(period_start="2026-06-01", period_end="2026-01-01")
    )
    assert response.status_code == 400
    assert _errors(response, "period_end")
    assert 'class="error-summary"' in response.content.decode()
    assert 'href="#id_period_end"' in response.content.decode()
    assert not SituationalPicture.objects.exists()


def test_decided_by_without_a_date_is_refused(client_of, owner, home):
    response = client_of(owner).post(
        reverse("picture-create", args=[home.code]), picture_data(decided_by="Kommunstyrelsen")
    )
    assert response.status_code == 400
    assert _errors(response, "decided_on")
    assert not SituationalPicture.objects.exists()


def test_a_date_without_who_decided_is_refused(client_of, owner, home):
    response = client_of(owner).post(
        reverse("picture-create", args=[home.code]), picture_data(decided_on="2026-02-01")
    )
    assert response.status_code == 400
    assert _errors(response, "decided_by")


def test_a_second_current_lagesbild_asks_to_confirm_the_switch_and_saves_nothing_unconfirmed(
    client_of, owner, home
):
    f.SituationalPictureFactory(municipality=home, title="Lägesbild 2025", is_current=True)
    client = client_of(owner)
    form = client.get(reverse("picture-create", args=[home.code])).content.decode()
    assert "i stället för ”Lägesbild 2025”" in form  # the confirmation names the current one
    response = client.post(
        reverse("picture-create", args=[home.code]), picture_data(is_current="on")
    )
    assert response.status_code == 400
    [message] = _errors(response, "replace_current")
    assert "Lägesbild 2025" in message
    assert 'href="#id_replace_current"' in response.content.decode()
    assert SituationalPicture.objects.filter(municipality=home).count() == 1

    other = f.SituationalPictureFactory(municipality=home, title="Utkast")
    response = client.post(
        reverse("picture-edit", args=[other.pk]),
        picture_data(other, is_current="on", title="Ändrad"),
    )
    assert response.status_code == 400
    assert _errors(response, "replace_current")
    other.refresh_from_db()
    assert (other.title, other.is_current, other.version) == ("Utkast", False, 1)


def test_a_confirmed_switch_makes_the_new_lagesbild_current_and_the_old_one_not(
    client_of, owner, home
):
    old = f.SituationalPictureFactory(municipality=home, title="Lägesbild 2025", is_current=True)
    response = client_of(owner).post(
        reverse("picture-create", args=[home.code]),
        picture_data(is_current="on", replace_current="on", title="Lägesbild 2026"),
    )
    assert response.status_code == 302
    assert list(
        SituationalPicture.objects.filter(is_current=True).values_list("title", flat=True)
    ) == ["Lägesbild 2026"]
    old.refresh_from_db()
    assert (old.is_current, old.version) == (False, 2)


def test_the_make_current_button_says_which_one_it_replaces(client_of, owner, home):
    f.SituationalPictureFactory(municipality=home, title="Lägesbild 2025", is_current=True)
    new = f.SituationalPictureFactory(municipality=home, title="Lägesbild 2026")
    body = client_of(owner).get(reverse("picture-detail", args=[new.pk])).content.decode()
    assert "”Lägesbild 2025” är gällande lägesbild nu" in body
    assert "Byt: gör den här till gällande lägesbild" in body


def test_text_over_20000_characters_is_refused(client_of, owner, home, picture):
    client = client_of(owner)
    long = "x" * 20_001
    response = client.post(
        reverse("picture-create", args=[home.code]), picture_data(mapping=long, analysis=long)
    )
    assert response.status_code == 400
    assert _errors(response, "mapping")
    assert _errors(response, "analysis")
    assert SituationalPicture.objects.filter(municipality=home).count() == 1

    response = client.post(
        reverse("picture-edit", args=[picture.pk]), picture_data(picture, other_information=long)
    )
    assert response.status_code == 400
    assert _errors(response, "other_information")
    picture.refresh_from_db()
    assert len(picture.other_information) < 20_000

    exactly = "y" * 20_000
    response = client.post(
        reverse("picture-edit", args=[picture.pk]), picture_data(picture, mapping=exactly)
    )
    assert response.status_code == 302
    picture.refresh_from_db()
    assert picture.mapping == exactly


def test_script_in_every_text_field_of_the_lagesbild_is_stored_and_shown_escaped(
    client_of, owner, home
):
    client = client_of(owner)
    fields = ["title", "mapping", "other_information", "analysis", "decided_by"]
    data = picture_data(decided_on="2026-02-01", **dict.fromkeys(fields, SCRIPT))
    response = client.post(reverse("picture-create", args=[home.code]), data)
    assert response.status_code == 302
    picture = SituationalPicture.objects.get(municipality=home)
    assert all(getattr(picture, name) == SCRIPT for name in fields)

    f.SituationalPictureFactory(municipality=home, title="Annan")
    for url in (
        reverse("picture-detail", args=[picture.pk]),
        reverse("picture-list", args=[home.code]),
        reverse("picture-edit", args=[picture.pk]),
    ):
        body = client.get(url).content.decode()
        assert SCRIPT not in body, url
        assert ESCAPED in body, url


def test_make_current_swaps_in_one_post(client_of, owner, home):
    old = f.SituationalPictureFactory(municipality=home, title="Gammal", is_current=True)
    new = f.SituationalPictureFactory(municipality=home, title="Ny")
    client = client_of(owner)
    url = reverse("picture-make-current", args=[new.pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302
    assert list(SituationalPicture.objects.filter(is_current=True)) == [new]
    old.refresh_from_db()
    assert not old.is_current
    followed = client.get(response["Location"])
    assert "Ny" in "".join(str(m) for m in followed.context["messages"])


# --- sources -----------------------------------------------------------------------


def test_sources_are_added_from_the_page_and_on_their_own_page(client_of, owner, picture):
    client = client_of(owner)
    url = reverse("source-create", args=[picture.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"kind": "citizen_dialogue", "note": "Medborgardialog i centrum", "dated": ""}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#sources")
    assert picture.sources.get().note == "Medborgardialog i centrum"

    response = client.post(url, {"kind": "no-such-kind", "note": "", "dated": ""})
    assert response.status_code == 400
    assert _errors(response, "kind")
    assert picture.sources.count() == 1


def test_source_note_with_script_is_escaped(client_of, owner, picture):
    client = client_of(owner)
    client.post(
        reverse("source-create", args=[picture.pk]),
        {"kind": "other", "note": SCRIPT, "dated": "2025-05-01"},
    )
    assert picture.sources.get().note == SCRIPT
    body = client.get(reverse("picture-detail", args=[picture.pk])).content.decode()
    assert SCRIPT not in body
    assert ESCAPED in body


def test_source_delete_asks_first_then_removes(client_of, owner, picture):
    source = f.SourceFactory(picture=picture)
    client = client_of(owner)
    url = reverse("source-delete", args=[source.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert Source.objects.filter(pk=source.pk).exists()
    response = client.post(url)
    assert response.status_code == 302
    assert not Source.objects.filter(pk=source.pk).exists()


# --- problems ----------------------------------------------------------------------


def test_owner_adds_a_problem_last_in_the_ranking(client_of, owner, home, picture, problems):
    area = f.VulnerableAreaFactory(municipality=home, name="Norra centrum")
    client = client_of(owner)
    url = reverse("problem-create", args=[picture.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        problem_data(
            perspective="victims",
            place="Resecentrum",
            vulnerable_area=area.pk,
            cause_analysis="Få vuxna ute kvällstid.",
        ),
    )
    problem = picture.problems.get(title="Otrygghet vid stationen")
    assert response.status_code == 302
    assert problem.rank == 4
    body = client.get(reverse("problem-detail", args=[problem.pk])).content.decode()
    for text in ("Resecentrum", "Norra centrum", "Få vuxna ute kvällstid."):
        assert text in body


def test_a_vulnerable_area_of_another_municipality_cannot_be_chosen(
    client_of, owner, away, picture
):
    foreign = f.VulnerableAreaFactory(municipality=away)
    response = client_of(owner).post(
        reverse("problem-create", args=[picture.pk]), problem_data(vulnerable_area=foreign.pk)
    )
    assert response.status_code == 400
    assert _errors(response, "vulnerable_area")
    assert not picture.problems.exists()


def test_script_in_every_text_field_of_a_problem_is_escaped(client_of, owner, picture):
    client = client_of(owner)
    fields = ["title", "description", "place", "cause_analysis"]
    client.post(
        reverse("problem-create", args=[picture.pk]),
        problem_data(**dict.fromkeys(fields, SCRIPT)),
    )
    problem = picture.problems.get()
    assert all(getattr(problem, name) == SCRIPT for name in fields)
    for url in (
        reverse("problem-detail", args=[problem.pk]),
        reverse("picture-detail", args=[picture.pk]),
        reverse("problem-edit", args=[problem.pk]),
        reverse("problem-delete", args=[problem.pk]),
    ):
        body = client.get(url).content.decode()
        assert SCRIPT not in body, url
        assert ESCAPED in body, url


def test_problem_text_over_20000_characters_is_refused(client_of, owner, picture, problems):
    problem = problems[0]
    response = client_of(owner).post(
        reverse("problem-edit", args=[problem.pk]),
        problem_data(problem, cause_analysis="z" * 20_001),
    )
    assert response.status_code == 400
    assert _errors(response, "cause_analysis")
    problem.refresh_from_db()
    assert problem.version == 1


def test_move_without_javascript_posts_and_redirects_back(client_of, owner, picture, problems):
    client = client_of(owner)
    response = client.post(reverse("problem-move", args=[problems[2].pk]), {"direction": "up"})
    assert response.status_code == 302
    assert response["Location"] == reverse("picture-detail", args=[picture.pk]) + "#problems"
    titles = list(picture.problems.order_by("rank").values_list("title", flat=True))
    assert titles == ["Otrygghet i centrum", "Bilbränder", "Unga i riskmiljö"]

    client.post(reverse("problem-move", args=[problems[0].pk]), {"direction": "down"})
    titles = list(picture.problems.order_by("rank").values_list("title", flat=True))
    assert titles == ["Bilbränder", "Otrygghet i centrum", "Unga i riskmiljö"]


def test_move_with_htmx_returns_only_the_problem_list(client_of, owner, picture, problems):
    response = client_of(owner).post(
        reverse("problem-move", args=[problems[1].pk]),
        {"direction": "up"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert "<h1" not in body
    assert body.strip().startswith('<div id="problem-list">')
    assert body.index("Unga i riskmiljö") < body.index("Otrygghet i centrum")
    assert 'hx-target="#problem-list"' in body
    assert 'hx-swap="outerHTML"' in body


def test_the_page_wires_the_move_buttons_for_htmx_with_a_form_fallback(
    client_of, owner, picture, problems
):
    body = client_of(owner).get(reverse("picture-detail", args=[picture.pk])).content.decode()
    move = reverse("problem-move", args=[problems[1].pk])
    assert f'action="{move}" hx-post="{move}"' in body
    assert 'name="direction" value="up"' in body
    assert 'name="direction" value="down"' in body


def test_move_with_another_direction_is_a_bad_request(client_of, owner, picture, problems):
    response = client_of(owner).post(
        reverse("problem-move", args=[problems[1].pk]), {"direction": "sideways"}
    )
    assert response.status_code == 400
    assert list(picture.problems.values_list("rank", flat=True)) == [1, 2, 3]


def test_delete_asks_first_then_renumbers(client_of, owner, picture, problems):
    client = client_of(owner)
    url = reverse("problem-delete", args=[problems[0].pk])
    assert client.get(url).status_code == 200
    assert picture.problems.count() == 3
    response = client.post(url, {"version": problems[0].version})
    assert response.status_code == 302
    ranked = list(picture.problems.order_by("rank").values_list("title", "rank"))
    assert ranked == [("Unga i riskmiljö", 1), ("Bilbränder", 2)]


def test_a_problem_in_an_agreement_awaiting_signature_stays_with_a_message(
    client_of, owner, home, picture, problems
):
    agreement = f.AgreementFactory(municipality=home, status="awaiting_signature")
    agreement.problems.add(problems[0])
    client = client_of(owner)
    response = client.post(reverse("problem-delete", args=[problems[0].pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("problem-detail", args=[problems[0].pk])
    assert PriorityProblem.objects.filter(pk=problems[0].pk).exists()
    [message] = list(response.context["messages"])
    assert message.level_tag == "error"
    assert escape(str(message)) in response.content.decode()


# --- action plans ------------------------------------------------------------------


def test_owner_records_an_action_plan_from_the_current_lagesbild(
    client_of, owner, home, picture, problems
):
    SituationalPicture.objects.filter(pk=picture.pk).update(is_current=True)
    client = client_of(owner)
    url = reverse("action-plan-create", args=[home.code])
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["form"]["picture"].value() == picture.pk
    response = client.post(
        url, {**plan_data(picture=picture.pk), "problems": [problems[0].pk, problems[2].pk]}
    )
    plan = ActionPlan.objects.get(municipality=home)
    assert response.status_code == 302
    assert set(plan.problems.all()) == {problems[0], problems[2]}
    body = client.get(reverse("action-plan-detail", args=[plan.pk])).content.decode()
    assert "Otrygghet i centrum" in body
    assert "Bilbränder" in body


def test_action_plan_validity_out_of_order_is_refused(client_of, owner, home):
    response = client_of(owner).post(
        reverse("action-plan-create", args=[home.code]),
        plan_data(valid_from="2027-01-01", valid_until="2026-01-01"),
    )
    assert response.status_code == 400
    assert _errors(response, "valid_until")
    assert not ActionPlan.objects.exists()


def test_action_plan_of_another_municipalitys_picture_cannot_be_chosen(client_of, owner, home):
    foreign = f.SituationalPictureFactory()
    response = client_of(owner).post(
        reverse("action-plan-create", args=[home.code]), plan_data(picture=foreign.pk)
    )
    assert response.status_code == 400
    assert _errors(response, "picture")


def test_action_plan_text_with_script_is_escaped(client_of, owner, home):
    client = client_of(owner)
    client.post(
        reverse("action-plan-create", args=[home.code]),
        plan_data(title=SCRIPT, decided_by=SCRIPT),
    )
    plan = ActionPlan.objects.get()
    assert (plan.title, plan.decided_by) == (SCRIPT, SCRIPT)
    for url in (
        reverse("action-plan-detail", args=[plan.pk]),
        reverse("picture-list", args=[home.code]),
    ):
        body = client.get(url).content.decode()
        assert SCRIPT not in body
        assert ESCAPED in body


def test_action_plan_page_says_whether_it_is_valid_today(client_of, owner, home):
    today = timezone.localdate()
    plan = f.ActionPlanFactory(
        municipality=home, valid_from=today, valid_until=today + dt.timedelta(days=1)
    )
    response = client_of(owner).get(reverse("action-plan-detail", args=[plan.pk]))
    assert response.context["valid_today"]
    ActionPlan.objects.filter(pk=plan.pk).update(
        valid_from=dt.date(2020, 1, 1), valid_until=dt.date(2020, 12, 31)
    )
    response = client_of(owner).get(reverse("action-plan-detail", args=[plan.pk]))
    assert not response.context["valid_today"]


def test_action_plan_edit_saves_a_new_version(client_of, owner, home):
    plan = f.ActionPlanFactory(municipality=home)
    response = client_of(owner).post(
        reverse("action-plan-edit", args=[plan.pk]),
        plan_data(title="Reviderad plan", version=str(plan.version)),
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.title, plan.version) == ("Reviderad plan", 2)
