"""The review page keeps its activities rendered (``pledges.views.review.rows_digest``):
an edit, a comment, an answer or a resolved thread shows at once, a reader without the
right to comment is not served the boxes made for a liaison, each language has its
own, text carried back to a box is never hidden behind kept rows, and kept rows cost
no query more than rendered ones.

Each test caches under its own key prefix (tests/conftest.py), so "warm" below means
warmed by the test itself.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.test import Client
from django.urls import reverse

from councils import cache as cache_keys
from pledges import services
from tests import factories as f
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(owner, liaison, pledge, activities):
    return services.pledge_submit(user=owner, pledge=pledge)


def review(pledge) -> str:
    return reverse("pledge-review", args=[pledge.pk])


def signed_in(user, language: str = "sv") -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(user)
    return client


def fragment_key(response) -> str:
    return make_template_fragment_key("pledge-review-rows", [response.context["rows_digest"]])


def rows_of(body: str) -> str:
    start = body.index('<section id="activities"')
    return body[start : body.index("</section>", start)]


def test_the_activities_are_kept_and_served_from_the_cache(liaison, submitted):
    client = signed_in(liaison)
    response = client.get(review(submitted))
    kept = cache.get(fragment_key(response))
    assert kept is not None and "Trygghetsvandring" in kept
    # the kept rows carry no token (the page's one form has it, outside them)
    assert "csrfmiddlewaretoken" not in kept
    cache.set(fragment_key(response), kept.replace("Trygghetsvandring", "Från cachen"))
    assert "Från cachen" in rows_of(client.get(review(submitted)).content.decode())


def test_an_activity_edit_shows_on_the_warm_page(liaison, submitted, activities):
    client = signed_in(liaison)
    assert "Trygghetsvandring" in rows_of(client.get(review(submitted)).content.decode())
    activity = activities[0]
    activity.title = "Kvällsvandring"
    activity.version += 1  # as every service does (councils.concurrency)
    activity.save()
    rows = rows_of(client.get(review(submitted)).content.decode())
    assert "Kvällsvandring" in rows and "Trygghetsvandring" not in rows


def test_a_theme_renamed_elsewhere_shows_on_the_warm_page(liaison, submitted, activities):
    client = signed_in(liaison)
    client.get(review(submitted))
    theme = activities[0].themes.get()
    theme.title = "Ett nytt tema"
    theme.save()
    assert "Ett nytt tema" in rows_of(client.get(review(submitted)).content.decode())


def test_comments_answers_and_resolving_show_on_the_warm_page(
    owner, liaison, submitted, activities
):
    client = signed_in(liaison)
    client.get(review(submitted))
    comment = services.comment_add(
        user=liaison, pledge=submitted, text="Vilka kvällar?", activity=activities[0]
    )
    assert "Vilka kvällar?" in rows_of(client.get(review(submitted)).content.decode())
    services.comment_add(
        user=owner, pledge=submitted, text="Tisdagar och torsdagar.", reply_to=comment
    )
    rows = rows_of(client.get(review(submitted)).content.decode())
    assert "Tisdagar och torsdagar." in rows and "Markera som löst" in rows
    services.comment_resolve(user=liaison, comment=comment)
    rows = rows_of(client.get(review(submitted)).content.decode())
    assert "Löst" in rows and "Markera som löst" not in rows


def test_a_reader_is_not_served_the_liaisons_comment_boxes(
    liaison, colleague, submitted, activities
):
    signed_in(liaison).get(review(submitted))
    response = signed_in(colleague).get(review(submitted))
    assert response.status_code == 200
    rows = rows_of(response.content.decode())
    assert "Trygghetsvandring" in rows
    assert f'value="comment-{activities[0].pk}"' not in rows
    assert f'value="comment-{activities[0].pk}"' in rows_of(
        signed_in(liaison).get(review(submitted)).content.decode()
    )


def test_swedish_and_english_rows_are_kept_apart(liaison, submitted):
    english = rows_of(signed_in(liaison, "en").get(review(submitted)).content.decode())
    swedish = rows_of(signed_in(liaison, "sv").get(review(submitted)).content.decode())
    assert "Responsible party" in english and "Ansvarig part" not in english
    assert "Ansvarig part" in swedish and "Responsible party" not in swedish


def test_text_carried_back_to_a_box_is_not_hidden_behind_kept_rows(liaison, submitted, activities):
    walk, parent = activities
    client = signed_in(liaison)
    client.get(review(submitted))  # the rows are kept, with empty boxes
    response = client.post(
        reverse("pledge-comment", args=[submitted.pk]),
        {
            "next": review(submitted),
            "box": f"comment-{walk.pk}",
            f"draft-comment-{walk.pk}": "Vilka kvällar?",
            f"draft-comment-{parent.pk}": "Utkast om föräldravandringen",
        },
    )
    assert response.status_code == 302
    back = client.get(review(submitted))
    assert back.context["rows_digest"] is None
    assert "Utkast om föräldravandringen" in rows_of(back.content.decode())


def test_kept_rows_cost_no_query_more(liaison, owner, submitted, activities):
    services.comment_add(user=liaison, pledge=submitted, text="Förtydliga", activity=activities[0])
    for n in range(10):
        f.ActivityFactory(pledge=submitted, title=f"Aktivitet {n}", responsible_user=owner)
    client = signed_in(liaison)
    cold = count_queries(client, review(submitted))
    warm = count_queries(client, review(submitted))
    assert warm == cold


def test_a_changed_template_is_not_hidden_behind_kept_rows(liaison, submitted, monkeypatch):
    client = signed_in(liaison)
    before = client.get(review(submitted))
    key = fragment_key(before)
    cache.set(key, cache.get(key).replace("Trygghetsvandring", "Gammal mall"))
    monkeypatch.setattr(cache_keys, "template_version", lambda name: "the next release")
    after = client.get(review(submitted))
    assert after.context["rows_digest"] != before.context["rows_digest"]
    assert "Gammal mall" not in after.content.decode()
