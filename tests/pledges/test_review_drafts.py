"""The review page never loses typed text (councils.drafts).

Every box of the page belongs to its one form: sending one box posts them all. With
htmx only the box that was sent comes back; without JavaScript the page comes back
(post/redirect/get) with the other boxes' text carried in the session. The browser
journey (tests/e2e/test_pledge_review_journey.py) types two drafts and sends a third.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from pledges import services
from pledges.models import Comment, Pledge
from pledges.views.editor import detail_url

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
REQUEST = "Förtydliga sträckan för trygghetsvandringen."
DRAFT = "Utkast: vem leder föräldravandringen?"


@pytest.fixture
def submitted(owner, liaison, pledge, activities):
    return services.pledge_submit(user=owner, pledge=pledge)


def boxes(walk, parent, **typed) -> dict:
    """Every box of the review page as the browser posts it, with what is typed."""
    data = {
        "next": reverse("pledge-review", args=[walk.pledge_id]),
        "draft-approve-message": "",
        "draft-changes-message": "",
        "draft-comment-pledge": "",
        f"draft-comment-{walk.pk}": "",
        f"draft-comment-{parent.pk}": "",
    }
    data.update(typed)
    return data


def test_without_javascript_a_sent_comment_brings_the_other_drafts_back(
    client_of, liaison, submitted, activities
):
    walk, parent = activities
    client = client_of(liaison)
    review = reverse("pledge-review", args=[submitted.pk])
    response = client.post(
        reverse("pledge-comment", args=[submitted.pk]),
        boxes(
            walk,
            parent,
            box=f"comment-{walk.pk}",
            **{
                "draft-changes-message": REQUEST,
                f"draft-comment-{walk.pk}": "Vilka kvällar?",
                f"draft-comment-{parent.pk}": DRAFT,
            },
        ),
    )
    comment = Comment.objects.get()
    assert (comment.text, comment.activity) == ("Vilka kvällar?", walk)
    assert response.status_code == 302
    assert response["Location"] == f"{review}#comment-{comment.pk}"
    page = client.get(review)
    body = page.content.decode()
    assert page.context["changes_form"]["message"].value() == REQUEST
    assert f">{DRAFT}</textarea>" in body
    assert ">Vilka kvällar?</textarea>" not in body  # what was sent is a comment now
    # carried back once: a later visit starts empty
    assert f">{DRAFT}</textarea>" not in client.get(review).content.decode()


def test_without_javascript_a_failed_decision_keeps_every_box(
    client_of, liaison, submitted, activities
):
    walk, parent = activities
    response = client_of(liaison).post(
        reverse("pledge-request-changes", args=[submitted.pk]),
        boxes(walk, parent, box="changes-message", **{f"draft-comment-{parent.pk}": DRAFT}),
    )
    assert response.status_code == 400
    assert response.context["changes_form"].errors["message"]
    assert f">{DRAFT}</textarea>" in response.content.decode()
    assert submitted.status == Pledge.Status.IN_REVIEW


def test_a_decision_carries_the_comment_drafts_to_the_page_after_it(
    client_of, liaison, submitted, activities
):
    walk, parent = activities
    client = client_of(liaison)
    response = client.post(
        reverse("pledge-request-changes", args=[submitted.pk]),
        boxes(
            walk,
            parent,
            box="changes-message",
            **{"draft-changes-message": REQUEST, f"draft-comment-{parent.pk}": DRAFT},
        ),
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Pledge.Status.CHANGES_REQUESTED
    assert submitted.reviews.get().message == REQUEST
    page = client.get(reverse("pledge-review", args=[submitted.pk])).content.decode()
    assert f">{DRAFT}</textarea>" in page
    assert "Polisen har begärt ändringar" in page


def test_with_htmx_only_the_sent_box_comes_back(client_of, liaison, submitted, activities):
    walk, parent = activities
    response = client_of(liaison).post(
        reverse("pledge-comment", args=[submitted.pk]),
        boxes(
            walk,
            parent,
            box=f"comment-{walk.pk}",
            **{f"draft-comment-{walk.pk}": "Vilka kvällar?", f"draft-comment-{parent.pk}": DRAFT},
        ),
        headers=HTMX,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Vilka kvällar?" in body  # the new comment's thread
    assert f'id="box-comment-{walk.pk}"' in body  # the box again, empty
    assert f'id="box-comment-{parent.pk}"' not in body and DRAFT not in body
    assert "<html" not in body


def test_with_htmx_an_empty_comment_answers_its_box_with_the_error(
    client_of, liaison, submitted, activities
):
    walk, parent = activities
    response = client_of(liaison).post(
        reverse("pledge-comment", args=[submitted.pk]),
        boxes(walk, parent, box="comment-pledge", **{f"draft-comment-{parent.pk}": DRAFT}),
        headers=HTMX,
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="box-comment-pledge"' in body and 'aria-invalid="true"' in body
    assert "Skriv en kommentar." in body
    assert not Comment.objects.exists()


def test_with_htmx_an_answer_swaps_its_thread_and_opens_a_resolved_comment_again(
    client_of, liaison, owner, submitted, activities
):
    question = services.comment_add(user=liaison, pledge=submitted, text="Vem leder?")
    services.comment_resolve(user=liaison, comment=question)
    response = client_of(owner).post(
        reverse("pledge-comment", args=[submitted.pk]),
        {"box": f"reply-{question.pk}", f"draft-reply-{question.pk}": "Fältassistenterna."},
        headers=HTMX,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith(f'<article class="comment" id="comment-{question.pk}"')
    assert "Fältassistenterna." in body
    question.refresh_from_db()
    assert question.resolved_at is None  # the answer opened it again
    assert reverse("comment-resolve", args=[question.pk]) in body


def test_with_htmx_a_failed_decision_answers_its_box_and_a_made_one_reloads_the_page(
    client_of, liaison, submitted, activities
):
    walk, parent = activities
    client = client_of(liaison)
    url = reverse("pledge-request-changes", args=[submitted.pk])
    failed = client.post(url, boxes(walk, parent, box="changes-message"), headers=HTMX)
    assert failed.status_code == 400
    assert 'id="box-changes"' in failed.content.decode()
    assert "data-error-summary" in failed.content.decode()
    made = client.post(
        url,
        boxes(walk, parent, box="changes-message", **{"draft-changes-message": REQUEST}),
        headers=HTMX,
    )
    assert made["HX-Redirect"] == reverse("pledge-review", args=[submitted.pk])


def test_the_coordinators_page_gets_the_drafts_back_too(
    client_of, owner, liaison, submitted, activities
):
    question = services.comment_add(user=liaison, pledge=submitted, text="Vem leder?")
    client = client_of(owner)
    page = detail_url(submitted.pk)
    response = client.post(
        reverse("pledge-comment", args=[submitted.pk]),
        {
            "next": page,
            "box": "comment-pledge",
            "draft-comment-pledge": "Vi svarar i morgon.",
            f"draft-reply-{question.pk}": DRAFT,
        },
    )
    assert response["Location"].startswith(page)
    body = client.get(page).content.decode()
    assert f">{DRAFT}</textarea>" in body  # the answer being written, its box open
    assert "<details open>" in body
