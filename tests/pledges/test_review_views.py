"""The police review: queue, review page with "what changed", decisions, comments."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from councils.models import Organisation, Role
from pledges import selectors, services
from pledges.models import Activity, Comment, Notification, Pledge, Review
from tests import factories as f
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db
S = Pledge.Status


# --- fixtures ------------------------------------------------------------------------


@pytest.fixture
def away_liaison(region, away):
    """The police liaison of another local police area: the one that covers ``away``."""
    area = f.LocalPoliceAreaFactory(
        name="Lokalpolisområde Bortby", police_region=region, municipalities=[away]
    )
    organisation = f.OrganisationFactory(
        name="Lokalpolisområde Bortby",
        kind=Organisation.Kind.POLICE_AREA,
        municipality=None,
        local_police_area=area,
    )
    user = f.UserFactory(username="away_liaison")
    f.MembershipFactory(user=user, organisation=organisation, role=Role.POLICE_LIAISON)
    return user


@pytest.fixture
def submitted(owner, liaison, pledge, activities, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.pledge_submit(user=owner, pledge=pledge)


def review_url(pledge) -> str:
    return reverse("pledge-review", args=[pledge.pk])


def status_of(pledge) -> str:
    pledge.refresh_from_db()
    return pledge.status


# --- the review page and what changed ----------------------------------------------


def test_first_review_shows_every_activity_as_new_and_the_decision_forms(
    client_of, liaison, submitted, activities
):
    response = client_of(liaison).get(review_url(submitted))
    assert response.status_code == 200
    body = response.content.decode()
    changes = response.context["changes"]
    assert [a["title"] for a in changes["added"]] == ["Trygghetsvandring", "Föräldravandring"]
    assert changes["fields"] == [] and changes["removed"] == [] and changes["changed"] == []
    assert response.context["last_review"] is None
    assert reverse("pledge-approve", args=[submitted.pk]) in body
    assert reverse("pledge-request-changes", args=[submitted.pk]) in body
    # a comment form for each activity, with its id
    for activity in activities:
        assert f'name="box" value="comment-{activity.pk}"' in body


def test_what_changed_since_the_last_review_field_by_field_and_per_activity(
    client_of, owner, liaison, submitted, activities, django_capture_on_commit_callbacks
):
    trygghetsvandring, foraldravandring = activities
    services.pledge_request_changes(user=liaison, pledge=submitted, message="Förtydliga.")

    pledge = Pledge.objects.get(pk=submitted.pk)
    pledge.title = "Medborgarlöfte Hemby 2026, reviderat"
    services.pledge_save(user=owner, pledge=pledge, expected_version=pledge.version)
    trygghetsvandring.refresh_from_db()
    trygghetsvandring.recurrence = "Varannan fredag"
    services.activity_save(
        user=owner, activity=trygghetsvandring, expected_version=trygghetsvandring.version
    )
    services.activity_delete(
        user=owner, activity=foraldravandring, expected_version=foraldravandring.version
    )
    added = f.ActivityFactory(pledge=pledge, title="Nattvandring", order=9)
    added.themes.set(foraldravandring.themes.all())
    with django_capture_on_commit_callbacks(execute=True):
        services.pledge_submit(user=owner, pledge=pledge)

    response = client_of(liaison).get(review_url(pledge))
    assert response.status_code == 200
    changes = response.context["changes"]
    assert [(before, after) for _label, before, after in changes["fields"]] == [
        ("Medborgarlöfte Hemby 2026", "Medborgarlöfte Hemby 2026, reviderat")
    ]
    assert [a["title"] for a in changes["added"]] == ["Nattvandring"]
    assert [a["title"] for a in changes["removed"]] == ["Föräldravandring"]
    [(title, rows)] = changes["changed"]
    assert title == "Trygghetsvandring"
    assert [(before, after) for _label, before, after in rows] == [("", "Varannan fredag")]
    body = response.content.decode()
    assert "<del>Medborgarlöfte Hemby 2026</del>" in body
    assert "<ins>Medborgarlöfte Hemby 2026, reviderat</ins>" in body
    assert "<ins>Nattvandring</ins>" in body
    assert "<del>Föräldravandring</del>" in body
    assert "<ins>Varannan fredag</ins>" in body
    # the earlier review is listed with its message
    assert "Förtydliga." in body
    assert response.context["last_review"].outcome == Review.Outcome.CHANGES_REQUESTED


def test_nothing_changed_since_the_last_review(client_of, owner, liaison, submitted, activities):
    services.pledge_request_changes(user=liaison, pledge=submitted, message="Titta igen.")
    services.pledge_submit(user=owner, pledge=Pledge.objects.get(pk=submitted.pk))
    response = client_of(liaison).get(review_url(submitted))
    assert not response.context["has_changes"]


def test_text_from_the_coordinator_is_escaped(client_of, liaison, submitted, activities):
    Activity.objects.filter(pk=activities[0].pk).update(title="<script>alert(1)</script>")
    body = client_of(liaison).get(review_url(submitted)).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_the_coordinator_reads_the_review_page_without_decision_forms(client_of, owner, submitted):
    response = client_of(owner).get(review_url(submitted))
    assert response.status_code == 200
    assert not response.context["may_decide"]
    assert reverse("pledge-approve", args=[submitted.pk]) not in response.content.decode()


@pytest.mark.parametrize("who", ["county_officer", "outsider", "away_liaison"])
def test_the_review_page_is_404_for_those_without_internal_access(
    client_of, request, submitted, who
):
    client = client_of(request.getfixturevalue(who))
    assert client.get(review_url(submitted)).status_code == 404


# --- decisions ---------------------------------------------------------------------


def test_the_liaison_approves_and_the_coordinators_are_told(
    client_of, owner, colleague, liaison, submitted
):
    response = client_of(liaison).post(
        reverse("pledge-approve", args=[submitted.pk]), {"message": "Bra jobbat."}
    )
    assert response.status_code == 302
    assert response["Location"] == review_url(submitted)
    assert status_of(submitted) == S.APPROVED
    review = Review.objects.get(pledge=submitted)
    assert (review.reviewer, review.outcome, review.message) == (
        liaison,
        Review.Outcome.APPROVED,
        "Bra jobbat.",
    )
    approved = Notification.objects.filter(kind=Notification.Kind.APPROVED)
    assert [n.user for n in approved] == [owner]


def test_request_changes_needs_a_message(client_of, liaison, submitted):
    url = reverse("pledge-request-changes", args=[submitted.pk])
    response = client_of(liaison).post(url, {"message": "  "})
    assert response.status_code == 400
    assert "Det finns ett problem" in response.content.decode() or (
        "There is a problem" in response.content.decode()
    )
    assert response.context["changes_form"].errors["message"]
    assert status_of(submitted) == S.IN_REVIEW
    assert not Review.objects.exists()

    response = client_of(liaison).post(url, {"message": "Lägg till en aktivitet för unga."})
    assert response.status_code == 302
    assert status_of(submitted) == S.CHANGES_REQUESTED
    notice = Notification.objects.get(kind=Notification.Kind.CHANGES_REQUESTED)
    assert notice.message == "Lägg till en aktivitet för unga."


def test_a_draft_cannot_be_approved(client_of, liaison, pledge, activities):
    response = client_of(liaison).post(reverse("pledge-approve", args=[pledge.pk]), {})
    assert response.status_code == 400
    assert response.context["approve_form"].non_field_errors()
    assert status_of(pledge) == S.DRAFT
    assert not Review.objects.exists()


def test_an_approved_pledge_cannot_be_approved_again_or_sent_back(client_of, liaison, submitted):
    client = client_of(liaison)
    assert client.post(reverse("pledge-approve", args=[submitted.pk])).status_code == 302
    again = client.post(reverse("pledge-approve", args=[submitted.pk]))
    back = client.post(reverse("pledge-request-changes", args=[submitted.pk]), {"message": "Ändra"})
    assert again.status_code == back.status_code == 400
    assert status_of(submitted) == S.APPROVED
    assert Review.objects.count() == 1


def test_the_coordinator_cannot_approve_their_own_pledge(client_of, owner, submitted):
    client = client_of(owner)
    assert client.post(reverse("pledge-approve", args=[submitted.pk])).status_code == 404
    assert (
        client.post(
            reverse("pledge-request-changes", args=[submitted.pk]), {"message": "x"}
        ).status_code
        == 404
    )
    assert status_of(submitted) == S.IN_REVIEW


def test_a_liaison_who_submitted_the_pledge_cannot_review_it(
    client_of, home_org, police_org, pledge, activities
):
    both = f.UserFactory(username="both")
    f.MembershipFactory(user=both, organisation=home_org, role=Role.COORDINATOR)
    f.MembershipFactory(user=both, organisation=police_org, role=Role.POLICE_LIAISON)
    services.pledge_submit(user=both, pledge=pledge)

    client = client_of(both)
    page = client.get(review_url(pledge))
    assert not page.context["may_decide"]
    assert reverse("pledge-approve", args=[pledge.pk]) not in page.content.decode()
    response = client.post(reverse("pledge-approve", args=[pledge.pk]))
    assert response.status_code == 400
    assert "someone else must review it" in str(response.context["approve_form"].errors) or (
        "någon annan" in str(response.context["approve_form"].errors)
    )
    assert status_of(pledge) == S.IN_REVIEW


def test_a_liaison_of_another_police_area_gets_404_everywhere(
    client_of, away_liaison, submitted, activities
):
    client = client_of(away_liaison)
    pk = submitted.pk
    assert client.get(review_url(submitted)).status_code == 404
    assert client.post(reverse("pledge-approve", args=[pk])).status_code == 404
    assert (
        client.post(reverse("pledge-request-changes", args=[pk]), {"message": "x"}).status_code
        == 404
    )
    assert client.post(reverse("pledge-comment", args=[pk]), {"text": "x"}).status_code == 404
    assert client.get(reverse("pledge-sign", args=[pk, "police"])).status_code == 404
    comment = f.PledgeCommentFactory(pledge=submitted)
    assert client.post(reverse("comment-resolve", args=[comment.pk])).status_code == 404
    assert status_of(submitted) == S.IN_REVIEW
    comment.refresh_from_db()
    assert comment.resolved_at is None and Comment.objects.count() == 1


def test_decisions_only_take_post(client_of, liaison, submitted):
    client = client_of(liaison)
    assert client.get(reverse("pledge-approve", args=[submitted.pk])).status_code == 405
    assert client.get(reverse("pledge-request-changes", args=[submitted.pk])).status_code == 405


# --- comments ----------------------------------------------------------------------


def comment(client, pledge, **data):
    return client.post(reverse("pledge-comment", args=[pledge.pk]), data)


def test_the_liaison_comments_on_an_activity_and_the_coordinator_answers(
    client_of, owner, liaison, submitted, activities
):
    activity = activities[0]
    response = comment(
        client_of(liaison), submitted, text="Vem leder vandringen?", activity=activity.pk
    )
    question = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{review_url(submitted)}#comment-{question.pk}"
    assert (question.activity, question.author, question.reply_to) == (activity, liaison, None)
    assert question.organisation_name == "Lokalpolisområde Hemby"
    # the coordinator is told in the app (comments are not e-mailed)
    assert Notification.objects.filter(user=owner, kind=Notification.Kind.COMMENT).exists()

    pledge_page = "/somewhere/on/this/site/"
    response = comment(
        client_of(owner),
        submitted,
        text="Trygghetssamordnaren.",
        reply_to=question.pk,
        next=pledge_page,
    )
    answer = Comment.objects.exclude(pk=question.pk).get()
    assert response["Location"] == f"{pledge_page}#comment-{answer.pk}"
    assert (answer.reply_to, answer.activity) == (question, activity)

    page = client_of(liaison).get(review_url(submitted))
    rows = dict(page.context["activity_rows"])
    [thread] = rows[activity]
    assert thread.root == question and thread.replies == [answer]
    body = page.content.decode()
    assert "Vem leder vandringen?" in body and "Trygghetssamordnaren." in body


def test_a_comment_on_the_pledge_as_a_whole(client_of, liaison, submitted):
    comment(client_of(liaison), submitted, text="Texten till invånarna är bra.")
    page = client_of(liaison).get(review_url(submitted))
    [thread] = page.context["comment_threads"]
    assert thread.root.text == "Texten till invånarna är bra."
    assert thread.root.activity is None


def test_an_activity_of_another_pledge_is_refused(client_of, liaison, submitted, home):
    other = f.ActivityFactory(pledge=f.PledgeFactory(municipality=home))
    response = comment(client_of(liaison), submitted, text="Hej", activity=other.pk)
    assert response.status_code == 400
    assert response.context["form"].errors["activity"]
    assert not Comment.objects.exists()


def test_an_answer_to_a_comment_of_another_pledge_is_refused(client_of, liaison, submitted, home):
    elsewhere = f.PledgeCommentFactory(pledge=f.PledgeFactory(municipality=home))
    response = comment(client_of(liaison), submitted, text="Hej", reply_to=elsewhere.pk)
    assert response.status_code == 400
    assert response.context["form"].errors["reply_to"]
    assert Comment.objects.count() == 1


def test_an_empty_comment_shows_the_error_summary(client_of, liaison, submitted, activities):
    response = comment(client_of(liaison), submitted, text=" ", activity=activities[0].pk)
    assert response.status_code == 400
    assert response.context["activity"] == activities[0]
    assert 'href="#id_text"' in response.content.decode()
    assert not Comment.objects.exists()


def test_comments_never_redirect_off_site(client_of, liaison, submitted):
    response = comment(client_of(liaison), submitted, text="Hej", next="https://evil.example/")
    assert response["Location"].startswith(review_url(submitted))


def test_a_reader_sees_comments_but_cannot_write(client_of, colleague, liaison, submitted):
    comment(client_of(liaison), submitted, text="Synpunkt")
    page = client_of(colleague).get(review_url(submitted))
    assert page.status_code == 200
    assert "Synpunkt" in page.content.decode()
    assert reverse("pledge-comment", args=[submitted.pk]) not in page.content.decode()
    assert comment(client_of(colleague), submitted, text="Får jag?").status_code == 404
    question = Comment.objects.get()
    resolve = client_of(colleague).post(reverse("comment-resolve", args=[question.pk]))
    assert resolve.status_code == 404
    assert Comment.objects.count() == 1


def test_resolved_comments_stay_in_the_history(client_of, owner, liaison, submitted, activities):
    comment(client_of(liaison), submitted, text="Saknas datum?", activity=activities[0].pk)
    question = Comment.objects.get()
    comment(client_of(owner), submitted, text="Nu finns det.", reply_to=question.pk)

    response = client_of(owner).post(reverse("comment-resolve", args=[question.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"{review_url(submitted)}#comment-{question.pk}"
    question.refresh_from_db()
    assert question.resolved_by == owner
    resolved_at = question.resolved_at
    assert resolved_at is not None

    # resolving again changes nothing; both comments are kept and shown
    client_of(liaison).post(reverse("comment-resolve", args=[question.pk]))
    question.refresh_from_db()
    assert (question.resolved_at, question.resolved_by) == (resolved_at, owner)
    assert Comment.objects.count() == 2
    page = client_of(liaison).get(review_url(submitted))
    body = page.content.decode()
    assert "Saknas datum?" in body and "Nu finns det." in body
    assert page.context["open_comments"] == 0
    [(_activity, [thread])] = [row for row in page.context["activity_rows"] if row[1]]
    assert thread.resolved


def test_comment_and_resolve_only_take_post(client_of, owner, submitted):
    question = f.PledgeCommentFactory(pledge=submitted, author=owner)
    client = client_of(owner)
    assert client.get(reverse("pledge-comment", args=[submitted.pk])).status_code == 405
    assert client.get(reverse("comment-resolve", args=[question.pk])).status_code == 405


def test_the_comments_partial_renders_on_the_coordinators_page(
    rf, owner, liaison, submitted, activities
):
    """The editor includes templates/pledges/_comments.html with ``comment_context``."""
    question = services.comment_add(
        user=liaison, pledge=submitted, text="Vem ansvarar?", activity=activities[1]
    )
    services.comment_add(user=liaison, pledge=submitted, text="Bra text.")
    services.comment_resolve(user=owner, comment=question)
    pledge_page = reverse("pledge-detail", args=[submitted.pk])
    request = rf.get(pledge_page)
    request.user = owner

    context = selectors.comment_context(owner, submitted, next_url=pledge_page)
    html = render_to_string("pledges/_comments.html", context, request=request)
    drafts_form = render_to_string("pledges/_comments.html#drafts-form", context, request=request)

    assert [t.root.text for t in context["comment_threads"]] == ["Bra text."]
    assert [(a, [t.root for t in threads]) for a, threads in context["activity_threads"]] == [
        (activities[1], [question])
    ]
    assert context["open_comments"] == 1 and context["may_comment"]
    assert "Vem ansvarar?" in html and "Bra text." in html
    assert f'name="next" value="{pledge_page}"' in drafts_form  # the page's one form
    assert 'form="drafts"' in html
    assert reverse("comment-resolve", args=[question.pk]) not in html  # already resolved
    # a resolved comment can still be answered (an answer opens it again)
    assert f'value="reply-{question.pk}"' in html


# --- the review queue ----------------------------------------------------------------


def days_ago(days: int) -> dt.datetime:
    """Noon, local time, ``days`` calendar days ago."""
    day = timezone.localdate() - dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def in_review(municipality, title, days, submitted_by=None):
    return f.PledgeFactory(
        municipality=municipality,
        title=title,
        status=S.IN_REVIEW,
        submitted_at=days_ago(days),
        submitted_by=submitted_by,
    )


def test_the_queue_lists_pledges_in_review_oldest_first_within_the_liaisons_areas(
    client_of, liaison, away_liaison, home, neighbour, away
):
    newest = in_review(home, "Hemby nytt", 1)
    oldest = in_review(neighbour, "Grannby gammalt", 12)
    middle = in_review(home, "Hemby mitten", 5)
    in_review(away, "Bortby", 30)
    f.PledgeFactory(municipality=home, title="Hemby utkast")
    f.PledgeFactory(municipality=home, title="Hemby ändras", status=S.CHANGES_REQUESTED)

    response = client_of(liaison).get(reverse("review-queue"))
    assert response.status_code == 200
    assert response.context["in_review"] == [(oldest, 12), (middle, 5), (newest, 1)]
    body = response.content.decode()
    assert body.index("Grannby gammalt") < body.index("Hemby mitten") < body.index("Hemby nytt")
    for hidden in ("Bortby", "Hemby utkast", "Hemby ändras"):
        assert hidden not in body

    away_queue = client_of(away_liaison).get(reverse("review-queue"))
    assert [p.title for p, _days in away_queue.context["in_review"]] == ["Bortby"]


def test_the_queue_lists_approved_pledges_awaiting_the_police_signature(client_of, liaison, home):
    waiting = f.PledgeFactory(
        municipality=home,
        title="Väntar på polisen",
        status=S.APPROVED,
        reviewed_at=days_ago(3),
    )
    f.PledgeFactory(
        municipality=home,
        title="Polisen har skrivit under",
        status=S.APPROVED,
        police_signed_on=dt.date(2026, 1, 2),
    )
    f.PledgeFactory(municipality=home, title="Publicerat", status=S.PUBLISHED)
    response = client_of(liaison).get(reverse("review-queue"))
    assert response.context["awaiting_signature"] == [(waiting, 3)]
    assert reverse("pledge-sign", args=[waiting.pk, "police"]) in response.content.decode()


def test_the_queue_reads_both_lists_of_pledges_in_one_query_oldest_first(
    client_of, liaison, home, neighbour
):
    """In review and awaiting the police's signature come from one query, each list in
    its own order: the approved one never reviewed (no date) last."""
    late = in_review(home, "Sent inskickat", 2)
    early = in_review(neighbour, "Tidigt inskickat", 9)
    undated = f.PledgeFactory(municipality=home, title="Utan datum", status=S.APPROVED)
    recent = f.PledgeFactory(
        municipality=home, title="Nyss", status=S.APPROVED, reviewed_at=days_ago(1)
    )
    older = f.PledgeFactory(
        municipality=neighbour, title="Länge sedan", status=S.APPROVED, reviewed_at=days_ago(6)
    )
    with CaptureQueriesContext(connection) as queries:
        response = client_of(liaison).get(reverse("review-queue"))
    assert [p for p, _days in response.context["in_review"]] == [early, late]
    assert [p for p, _days in response.context["awaiting_signature"]] == [older, recent, undated]
    pledge_queries = [q for q in queries if 'FROM "pledges_pledge"' in q["sql"]]
    assert len(pledge_queries) == 1


def test_a_coordinator_has_nothing_to_review(client_of, owner, home):
    in_review(home, "Hemby", 2)
    response = client_of(owner).get(reverse("review-queue"))
    assert response.status_code == 200
    assert response.context["in_review"] == []


# --- query counts --------------------------------------------------------------------


def test_the_review_page_makes_the_same_number_of_queries_at_two_sizes(
    client_of, owner, liaison, submitted, activities, themes, home
):
    problem = f.PriorityProblemFactory(picture__municipality=home)
    services.pledge_request_changes(user=liaison, pledge=submitted, message="Första varvet.")
    Pledge.objects.filter(pk=submitted.pk).update(status=S.IN_REVIEW)
    f.PledgeCommentFactory(pledge=submitted, author=liaison, activity=activities[0])

    def grow():
        for n in range(15):
            activity = f.ActivityFactory(
                pledge=submitted, title=f"Ny aktivitet {n}", problem=problem
            )
            activity.themes.set(themes)
            question = f.PledgeCommentFactory(
                pledge=submitted, author=liaison, activity=activity, text=f"Fråga {n}"
            )
            f.PledgeCommentFactory(
                pledge=submitted, author=owner, reply_to=question, activity=activity
            )
            f.PledgeCommentFactory(pledge=submitted, author=owner, text=f"Allmänt {n}")
        Review.objects.create(
            pledge=submitted,
            reviewer=liaison,
            outcome=Review.Outcome.CHANGES_REQUESTED,
            message="Andra varvet.",
            snapshot=services.snapshot(submitted),
        )
        Activity.objects.filter(pledge=submitted, title__startswith="Ny aktivitet 1").update(
            description="Ändrad"
        )

    assert_constant_queries(client_of(liaison), review_url(submitted), grow)


def test_the_review_queue_makes_the_same_number_of_queries_at_two_sizes(
    client_of, liaison, home, neighbour
):
    in_review(home, "Första", 3)
    f.PledgeFactory(municipality=home, status=S.APPROVED, reviewed_at=timezone.now())

    def grow():
        for n in range(10):
            in_review(home if n % 2 else neighbour, f"Löfte {n}", n, submitted_by=None)
            f.PledgeFactory(municipality=neighbour, status=S.APPROVED, reviewed_at=timezone.now())

    assert_constant_queries(client_of(liaison), reverse("review-queue"), grow)
