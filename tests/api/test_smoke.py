def test_smoke(client, owner, bearer, activity, draft):
    h = bearer(owner)
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200, r.content
    r = client.get("/api/v1/")
    assert r.status_code == 200, r.content
    for url in [
        "/api/v1/municipalities",
        "/api/v1/municipalities/9101",
        "/api/v1/councils",
        "/api/v1/meetings",
        "/api/v1/pictures",
        "/api/v1/problems",
        "/api/v1/agreements",
        "/api/v1/pledges",
        f"/api/v1/pledges/{draft.pk}",
        "/api/v1/activities",
        f"/api/v1/activities/{activity.pk}",
        "/api/v1/follow-ups",
        "/api/v1/indicator-values",
        "/api/v1/reports",
    ]:
        r = client.get(url, headers=h)
        print(url, r.status_code, r.content[:300])
