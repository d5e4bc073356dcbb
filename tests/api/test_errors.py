"""Every error under /api/v1/ is application/problem+json with a Swedish title: an
unknown address, a wrong method, a body that is not JSON, malformed or too large, too
many requests, a fault of ours. None is Django's HTML page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.signals import got_request_exception
from django.db import OperationalError

from api.base import MAX_BODY
from api.problems import CONTENT_TYPE, read
from followup.models import FollowUp
from followup.services import follow_up_record
from tests import factories as f
from tests.api.conftest import this_year

JSON = "application/json"


def _problem(response, status: int, title: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == CONTENT_TYPE
    body = read(response)
    assert body["status"] == status
    assert body["title"] == title
    return body


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing", "/api/v1/pledges/1/nothing/else"])
def test_an_unknown_address_is_a_problem_404_with_a_token_or_without(client, owner, bearer, path):
    _problem(client.get(path), 404, "Hittades inte")
    _problem(client.get(path, headers=bearer(owner)), 404, "Hittades inte")
    _problem(client.post(path, "{}", content_type=JSON), 404, "Hittades inte")


def test_a_method_the_address_does_not_take_is_a_problem_405(client, owner, bearer):
    headers = bearer(owner)
    for method, path in (("put", "/api/v1/pledges"), ("delete", "/api/v1/municipalities")):
        response = getattr(client, method)(path, headers=headers)
        _problem(response, 405, "Metoden är inte tillåten")
        assert "GET" in response["Allow"]


def test_a_body_that_is_not_json_is_refused_415_and_malformed_json_400(
    client, owner, bearer, activity
):
    headers = {**bearer(owner), "If-Match": f'"{activity.version}"'}
    url = f"/api/v1/activities/{activity.pk}/follow-ups"
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "application/xml"):
        response = client.post(url, "progress=10", content_type=content_type, headers=headers)
        _problem(response, 415, "Innehållstypen stöds inte")
    malformed = _problem(
        client.post(url, "{", content_type=JSON, headers=headers), 400, "Ogiltig begäran"
    )
    assert malformed["detail"] == "Begärans innehåll är inte JSON."
    # JSON with a parameter, and a +json type, are JSON
    with_charset = client.post(
        url, '{"progress": 300}', content_type="application/json; charset=utf-8", headers=headers
    )
    assert "progress" in _problem(with_charset, 400, "Ogiltig begäran")["errors"]


def test_a_body_over_two_megabytes_is_refused_413(client, owner, bearer, activity):
    headers = {**bearer(owner), "If-Match": f'"{activity.version}"'}
    url = f"/api/v1/activities/{activity.pk}/follow-ups"
    large = '{"done": "' + "x" * MAX_BODY + '"}'
    _problem(
        client.post(url, large, content_type=JSON, headers=headers), 413, "Begäran är för stor"
    )
    batch = '{"entries": [' + ",".join(['{"done": "' + "y" * 1000 + '"}'] * 3000) + "]}"
    _problem(
        client.post("/api/v1/follow-ups", batch, content_type=JSON, headers=headers),
        413,
        "Begäran är för stor",
    )


def test_too_many_requests_is_a_problem_429(client, owner, bearer, settings):
    settings.API_RATE_LIMIT = 1
    headers = bearer(owner)
    assert client.get("/api/v1/municipalities", headers=headers).status_code == 200
    limited = client.get("/api/v1/municipalities", headers=headers)
    _problem(limited, 429, "För många anrop")
    assert limited["Retry-After"].isdigit()


def test_no_token_a_read_token_writing_and_anothers_object_are_problems(
    client, owner, outsider, bearer, activity
):
    url = f"/api/v1/activities/{activity.pk}/follow-ups"
    _problem(client.post(url, "{}", content_type=JSON), 401, "Inte inloggad")
    reading = bearer(owner, scope="read")
    entry = {
        "period_start": "2026-01-01",
        "period_end": "2026-03-31",
        "status": "ongoing",
        "progress": 10,
    }
    _problem(
        client.post(url, entry, content_type=JSON, headers=reading), 403, "Nyckeln får inte skriva"
    )
    hidden = client.get(f"/api/v1/activities/{activity.pk}", headers=bearer(outsider))
    _problem(hidden, 404, "Hittades inte")


# --- a fault of ours -------------------------------------------------------------------


@pytest.fixture
def faulty_client(client):
    """The test client re-raises a view's exception by default; a real client only sees
    the answer."""
    client.raise_request_exception = False
    return client


def test_a_fault_of_ours_is_a_problem_500_logged_and_signalled(
    faulty_client, owner, bearer, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug planted by the test")

    monkeypatch.setattr("api.read._municipality", broken)
    signalled = []

    def receiver(sender, request, **kwargs):
        signalled.append(request.path)

    got_request_exception.connect(receiver)
    try:
        response = faulty_client.get("/api/v1/municipalities", headers=bearer(owner))
    finally:
        got_request_exception.disconnect(receiver)
    body = _problem(response, 500, "Något gick fel")
    assert "Läs det du skrev igen" in body["detail"]
    assert "a bug planted" not in response.content.decode()  # no internals to the caller
    assert signalled == ["/api/v1/municipalities"]
    assert any(
        r.levelname == "ERROR" and r.exc_info and "a bug planted" in str(r.exc_info[1])
        for r in caplog.records
    )


def test_a_database_away_is_a_problem_503_with_retry_after(
    faulty_client, owner, bearer, monkeypatch
):
    def away(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("api.read._municipality", away)
    response = faulty_client.get("/api/v1/municipalities", headers=bearer(owner))
    _problem(response, 503, "Tillfälligt otillgänglig")
    assert response["Retry-After"] == "30"


def test_a_fault_inside_a_batch_leaves_nothing_saved(
    faulty_client, owner, bearer, published, monkeypatch
):
    start, end = this_year()
    first, second = (
        f.ActivityFactory(pledge=published, start_date=start, end_date=end) for _ in range(2)
    )
    calls = []

    def record_then_fail(**kwargs):
        calls.append(kwargs["activity"].pk)
        if len(calls) == 2:  # the first row is saved by now, inside the batch's transaction
            raise RuntimeError("a fault after one row")
        return follow_up_record(**kwargs)

    monkeypatch.setattr("api.write.follow_up_record", record_then_fail)
    rows = [
        {
            "activity": activity.pk,
            "version": activity.version,
            "period_start": start.isoformat(),
            "period_end": (start + dt.timedelta(days=60)).isoformat(),
            "status": "ongoing",
            "progress": 30,
            "done": "Tre vandringar",
        }
        for activity in (first, second)
    ]
    response = faulty_client.post(
        "/api/v1/follow-ups", {"entries": rows}, content_type=JSON, headers=bearer(owner)
    )
    _problem(response, 500, "Något gick fel")
    assert calls == [first.pk, second.pk]
    assert not FollowUp.objects.exists()
