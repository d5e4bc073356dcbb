"""The API's rules: tokens, versions, batches, history, errors, pagination, limits."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.urls import reverse

from api import tokens
from api.models import ApiToken
from api.problems import read
from councils import dates
from councils.models import Role
from followup.models import FollowUp, IndicatorValue
from pledges.models import Activity, Pledge
from tests import factories as f
from tests.api.conftest import this_year

JSON = "application/json"


def _entry(activity: Activity, **changes) -> dict:
    start, _end = this_year()
    return {
        "period_start": start.isoformat(),
        "period_end": (start + dt.timedelta(days=60)).isoformat(),
        "status": "ongoing",
        "progress": 30,
        "done": "Tre vandringar",
        "obstacles": "Personalbrist",
        **changes,
    }


def test_a_follow_up_needs_the_activitys_version_and_names_the_token(
    client, owner, bearer, activity
):
    headers = bearer(owner, name="Stratsys")
    url = f"/api/v1/activities/{activity.pk}/follow-ups"

    missing = client.post(url, _entry(activity), content_type=JSON, headers=headers)
    assert missing.status_code == 428
    assert missing["Content-Type"] == "application/problem+json"
    assert read(missing)["title"] == "If-Match krävs"

    read_first = client.get(f"/api/v1/activities/{activity.pk}", headers=headers)
    etag = read_first["ETag"]
    assert etag == f'"{activity.version}"'

    made = client.post(
        url, _entry(activity), content_type=JSON, headers={**headers, "If-Match": etag}
    )
    assert made.status_code == 201, made.content
    assert made.json()["obstacles"] == "Personalbrist"
    assert made["ETag"] == f'"{activity.version + 1}"'

    again = client.post(
        url, _entry(activity), content_type=JSON, headers={**headers, "If-Match": etag}
    )
    assert again.status_code == 412
    problem = read(again)
    assert problem["current"]["version"] == activity.version + 1
    assert again["ETag"] == f'"{activity.version + 1}"'

    entry = FollowUp.objects.get()
    assert entry.history.first().history_change_reason == "API: Stratsys"
    assert entry.history.first().history_user == owner
    assert Activity.objects.get(pk=activity.pk).history.first().history_change_reason == (
        "API: Stratsys"
    )


def test_a_batch_of_follow_ups_is_saved_whole_or_not_at_all(client, owner, bearer, published):
    start, end = this_year()
    first, second = (
        f.ActivityFactory(pledge=published, start_date=start, end_date=end) for _ in range(2)
    )
    headers = bearer(owner)
    rows = [
        {**_entry(first), "activity": first.pk, "version": first.version},
        {
            **_entry(second, progress=30, period_end="1900-01-01"),
            "activity": second.pk,
            "version": second.version,
        },
        {**_entry(second), "activity": 999_999, "version": 1},
    ]
    refused = client.post(
        "/api/v1/follow-ups", {"entries": rows}, content_type=JSON, headers=headers
    )
    assert refused.status_code == 400
    errors = read(refused)["errors"]["rows"]
    assert [line.split(":")[0] for line in errors] == ["Rad 2", "Rad 3"]
    assert not FollowUp.objects.exists()

    saved = client.post(
        "/api/v1/follow-ups", {"entries": rows[:1]}, content_type=JSON, headers=headers
    )
    assert saved.status_code == 200
    assert saved.json() == {"saved": 1}
    assert FollowUp.objects.count() == 1


def test_activities_of_a_draft_are_written_at_their_version(client, owner, bearer, draft):
    headers = bearer(owner)
    start, end = this_year()
    body = {
        "title": "Trygghetsvandring",
        "type": "situational",
        "responsible_party": "joint",
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "cadence": "tertial",
    }
    url = f"/api/v1/pledges/{draft.pk}/activities"
    made = client.post(url, body, content_type=JSON, headers={**headers, "If-Match": '"1"'})
    assert made.status_code == 201, made.content
    activity = Activity.objects.get(pk=made.json()["id"])

    wrong = {**body, "end_date": (start - dt.timedelta(days=1)).isoformat()}
    refused = client.put(
        f"/api/v1/activities/{activity.pk}",
        wrong,
        content_type=JSON,
        headers={**headers, "If-Match": made["ETag"]},
    )
    assert refused.status_code == 400
    assert "end_date" in read(refused)["errors"]

    changed = client.put(
        f"/api/v1/activities/{activity.pk}",
        {**body, "title": "Ny titel"},
        content_type=JSON,
        headers={**headers, "If-Match": made["ETag"]},
    )
    assert changed.status_code == 200
    stale = client.delete(
        f"/api/v1/activities/{activity.pk}", headers={**headers, "If-Match": made["ETag"]}
    )
    assert stale.status_code == 412
    assert read(stale)["current"]["title"] == "Ny titel"

    url = f"/api/v1/activities/{activity.pk}"
    assert client.delete(url, headers=headers).status_code == 428
    assert Activity.objects.get(pk=activity.pk).deleted_at is None
    gone = client.delete(url, headers={**headers, "If-Match": changed["ETag"]})
    assert gone.status_code == 204
    assert Activity.objects.get(pk=activity.pk).deleted_at is not None

    other = f.ActivityFactory(pledge=draft, start_date=start, end_date=end)
    Pledge.objects.filter(pk=draft.pk).update(status=Pledge.Status.IN_REVIEW)
    closed = client.delete(f"/api/v1/activities/{other.pk}", headers={**headers, "If-Match": '"1"'})
    assert closed.status_code == 404


def test_indicator_values_follow_the_import_rules(client, home, superuser, owner, bearer):
    indicator = f.IndicatorFactory(code="N07403")
    rows = [
        {"indicator": "N07403", "municipality": home.code, "year": 2025, "value": "12,5"},
        {"indicator": "okänd", "municipality": home.code, "year": 2025, "value": "1"},
    ]
    headers = bearer(superuser)
    refused = client.post(
        "/api/v1/indicator-values", {"values": rows}, content_type=JSON, headers=headers
    )
    assert refused.status_code == 400
    assert read(refused)["errors"]["rows"][0].startswith("Rad 2")
    assert not IndicatorValue.objects.exists()

    saved = client.post(
        "/api/v1/indicator-values", {"values": rows[:1]}, content_type=JSON, headers=headers
    )
    assert saved.json() == {"created": 1, "updated": 0}
    assert str(IndicatorValue.objects.get(indicator=indicator).value) == "12.5000"

    coordinator = client.post(
        "/api/v1/indicator-values",
        {"values": rows[:1]},
        content_type=JSON,
        headers=bearer(owner),
    )
    assert coordinator.status_code == 404


def test_bad_input_is_a_swedish_problem_never_a_crash(client, owner, bearer, activity):
    headers = {**bearer(owner), "If-Match": '"1"'}
    url = f"/api/v1/activities/{activity.pk}/follow-ups"
    for body in ("{", '{"progress": 300}', "[" * 500 + "]" * 500):
        response = client.post(url, body, content_type=JSON, headers=headers)
        assert response.status_code == 400, body[:20]
        assert response["Content-Type"] == "application/problem+json"
        assert read(response)["title"] == "Ogiltig begäran"
    cursor = client.get("/api/v1/pledges?cursor=forged", headers=headers)
    assert cursor.status_code == 400
    assert "cursor" in read(cursor)["errors"]


def test_lists_page_with_an_opaque_cursor(client, owner, bearer, published):
    start, end = this_year()
    made = [f.ActivityFactory(pledge=published, start_date=start, end_date=end) for _ in range(5)]
    headers = bearer(owner)
    seen, url = [], "/api/v1/activities?limit=2"
    while url:
        page = client.get(url, headers=headers).json()
        seen += [item["id"] for item in page["items"]]
        url = page["next"] and f"/api/v1/activities?limit=2&cursor={page['next']}"
    assert seen == [a.pk for a in made]
    assert client.get("/api/v1/activities?municipality=9201", headers=headers).json()["items"] == []
    filtered = client.get("/api/v1/pledges?status=draft", headers=headers).json()
    assert filtered["items"] == []


def test_read_only_users_see_public_documents_only(
    client, county_officer, bearer, published, draft, home
):
    headers = bearer(county_officer)
    ids = [p["id"] for p in client.get("/api/v1/pledges", headers=headers).json()["items"]]
    assert ids == [published.pk]
    assert client.get(f"/api/v1/pledges/{draft.pk}", headers=headers).status_code == 404
    f.SituationalPictureFactory(municipality=home)
    assert client.get("/api/v1/pictures", headers=headers).json()["items"] == []
    entry = f.FollowUpFactory(
        activity=f.ActivityFactory(pledge=published), published=True, obstacles="Hemligt"
    )
    shown = client.get("/api/v1/follow-ups", headers=headers).json()["items"]
    assert [(e["id"], e["obstacles"]) for e in shown] == [(entry.pk, None)]


def test_an_organisation_token_stays_inside_its_organisation(
    client, owner, home_org, away_org, home, away, bearer
):
    f.MembershipFactory(user=owner, organisation=away_org, role=Role.COORDINATOR)
    f.MembershipFactory(user=owner, organisation=home_org, role=Role.ORG_ADMIN)
    start, end = this_year()
    abroad = f.PledgeFactory(municipality=away, period_start=start, period_end=end)
    personal = client.get("/api/v1/municipalities", headers=bearer(owner)).json()
    assert {m["code"] for m in personal["items"]} == {home.code, away.code}

    scoped = bearer(owner, organisation=home_org)
    listed = client.get("/api/v1/municipalities", headers=scoped).json()
    assert {m["code"] for m in listed["items"]} == {home.code}
    assert client.get(f"/api/v1/municipalities/{away.code}", headers=scoped).status_code == 404
    assert client.get(f"/api/v1/pledges/{abroad.pk}", headers=scoped).status_code == 404
    assert client.get(f"/api/v1/pledges/{abroad.pk}", headers=bearer(owner)).status_code == 200


def test_each_token_has_its_rate_limit(client, owner, bearer, settings, request):
    settings.API_RATE_LIMIT = 2
    # the window is a clock minute: held still at its start, a slow machine cannot
    # carry the third request into the next minute
    start = dates.now().replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    clock = time_machine.travel(start, tick=False)
    clock.start()
    request.addfinalizer(clock.stop)
    headers = bearer(owner)
    other = bearer(owner, name="Annan")
    assert client.get("/api/v1/municipalities", headers=headers).status_code == 200
    assert client.get("/api/v1/municipalities", headers=headers).status_code == 200
    limited = client.get("/api/v1/municipalities", headers=headers)
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert client.get("/api/v1/municipalities", headers=other).status_code == 200


def test_a_token_records_its_last_use(client, owner, bearer):
    headers = bearer(owner)
    client.get("/api/v1/municipalities", headers=headers, REMOTE_ADDR="192.0.2.7")
    token = ApiToken.objects.get()
    assert token.last_used_from == "192.0.2.7"
    assert token.last_used_at is not None
    assert len(token.digest) == 64
    assert token.prefix not in token.digest


def test_tokens_are_made_shown_once_and_revoked_on_the_account_page(client, owner):
    client.force_login(owner)
    page = client.post(reverse("api-tokens"), {"name": "Stratsys", "scope": "read"})
    assert page.status_code == 200
    secret = page.context["made"]
    assert secret.startswith("sv_")
    assert secret not in client.get(reverse("api-tokens")).content.decode()
    token = ApiToken.objects.get()
    assert tokens.find(secret) == token
    client.post(reverse("api-token-revoke", args=[token.pk]))
    assert tokens.find(secret) is None
    refused = client.post(
        reverse("api-tokens"), {"name": "x", "scope": "read", "expires_on": "2020-01-01"}
    )
    assert refused.status_code == 400


def test_organisation_tokens_are_for_its_administrators(client, owner, colleague, home_org):
    url = reverse("api-organisation-tokens", args=[home_org.pk])
    client.force_login(colleague)
    assert client.get(url).status_code == 404
    f.MembershipFactory(user=owner, organisation=home_org, role=Role.ORG_ADMIN)
    client.force_login(owner)
    client.post(url, {"name": "Ärendesystem", "scope": "write"})
    token = ApiToken.objects.get()
    assert (token.organisation, token.user) == (home_org, owner)
    client.force_login(colleague)
    assert client.post(reverse("api-token-revoke", args=[token.pk])).status_code == 404
