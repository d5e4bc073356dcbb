"""The mixed workload: coordinators saving activity rows with htmx, liaisons reviewing,
county officers on their dashboards and residents on the public pages, all at once
(bench/wrk/mixed.lua)."""

from __future__ import annotations

import os
import re
import urllib.request
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from bench import load
from bench.core import ROOT, Bench, Row, settle
from bench.seed_national import REVIEW_MUNICIPALITY, draft_pledges
from councils.models import Role, User
from pledges.models import Activity, Pledge

#: the mixed workload: simulated users (wrk connections) and seconds
MIXED_USERS = int(os.environ.get("BENCH_MIXED_USERS", "50"))
MIXED_SECONDS = float(os.environ.get("BENCH_MIXED_SECONDS", "30"))
#: the share of the mixed workload's requests per role
MIXED_WEIGHTS = {"edit": 0.30, "review": 0.20, "dashboard": 0.15, "public": 0.35}
#: issue 16's target for the mixed workload
MIXED_P95_MS = 300


def _edit_body(activity: Activity) -> str:
    """The activity row's form as the browser sends it, with the title and the version
    left as placeholders for the wrk script (it alternates the title)."""
    from pledges.forms import ActivityForm

    form = ActivityForm(instance=activity, pledge=activity.pledge, prefix=f"activity-{activity.pk}")
    data = {}
    for name in form.fields:
        value = form[name].value()
        if name == "version":
            value = "__VERSION__"
        elif name == "title":
            value = f"Aktivitet {activity.order}: trygghetsvandring __TITLE__"
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[form.add_prefix(name)] = [str(v) for v in value]
        else:
            data[form.add_prefix(name)] = (
                value.isoformat() if hasattr(value, "isoformat") else str(value)
            )
    return urlencode(data, doseq=True)


def _coordinator_edits(bench: Bench) -> list[dict]:
    """Every activity of the draft pledges, with its coordinator's session and CSRF token
    (from the editor page, as the browser gets them) and its form body."""
    edits = []
    for pledge in draft_pledges().select_related("municipality"):
        cookie = bench.cookie(f"coord{pledge.municipality.code}")
        status, set_cookies, body = bench.get_text(
            reverse("pledge-detail", args=[pledge.pk]), cookie
        )
        assert status == 200, (pledge.pk, status)
        jar = SimpleCookie()
        for header in set_cookies:
            jar.load(header)
        token = re.search(r'"X-CSRFToken": "([^"]+)"', body).group(1)
        csrf_cookie = jar[settings.CSRF_COOKIE_NAME].value
        activities = pledge.activities.filter(deleted_at__isnull=True).select_related(
            "pledge__municipality__county"
        )
        edits += [
            {
                "pk": a.pk,
                "path": reverse("activity-edit", args=[a.pk]),
                "body": _edit_body(a),
                "version": a.version,
                "cookie": f"{cookie}; {settings.CSRF_COOKIE_NAME}={csrf_cookie}",
                "csrf": token,
            }
            for a in activities
        ]
    return edits


def _check_edit(bench: Bench, edit: dict) -> None:
    """One save through the served app, so a form the app refuses fails loudly here."""
    body = edit["body"].replace("__VERSION__", str(edit["version"])).replace("__TITLE__", "A")
    request = urllib.request.Request(  # noqa: S310
        bench.url + edit["path"],
        data=body.encode(),
        headers={
            "Cookie": edit["cookie"],
            "X-CSRFToken": edit["csrf"],
            "HX-Request": "true",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        text = response.read().decode()
        assert response.status == 200 and text.lstrip().startswith("<tr"), text[:500]
    edit["version"] += 1


def section_mixed(bench: Bench) -> list[Row]:
    """Coordinators saving rows, liaisons reviewing, county officers on the dashboard,
    residents on the public pages: MIXED_USERS connections for MIXED_SECONDS."""
    settle(bench)
    edits = _coordinator_edits(bench)
    _check_edit(bench, edits[0])
    stockholm_liaisons = User.objects.filter(
        memberships__role=Role.POLICE_LIAISON,
        memberships__organisation__local_police_area__municipalities__code=REVIEW_MUNICIPALITY,
    )
    in_review = Pledge.objects.get(
        municipality__code=REVIEW_MUNICIPALITY, status=Pledge.Status.IN_REVIEW
    )
    queue = reverse("review-queue")
    review = reverse("pledge-review", args=[in_review.pk])
    liaisons = [
        {"cookie": bench.cookie(u.username), "paths": [queue, review]} for u in stockholm_liaisons
    ] + [
        {"cookie": bench.cookie(username), "paths": [queue]}
        for username in User.objects.filter(
            username__startswith="police", memberships__role=Role.POLICE_LIAISON
        )
        .exclude(pk__in=stockholm_liaisons)
        .order_by("username")
        .values_list("username", flat=True)[:10]
    ]
    officers = [
        {"cookie": bench.cookie(f"county{code}"), "path": reverse("county-dashboard", args=[code])}
        for code in ("14", "01", "12", "03")
    ]
    published = Pledge.objects.filter(
        status=Pledge.Status.PUBLISHED, title__startswith="Bench: "
    ).select_related("municipality")
    public = [reverse("public-pledge", args=[p.pk]) for p in published]
    public += [reverse("public-municipality", args=[p.municipality.code]) for p in published[:20]]
    public += [reverse("public-index")] * 10
    data = {
        "weights": MIXED_WEIGHTS,
        "edits": edits,
        "liaisons": liaisons,
        "officers": officers,
        "public": public,
    }
    data_file = ROOT / "var" / "bench-mixed-data.lua"
    data_file.write_text("return " + load.to_lua(data) + "\n", encoding="ascii")
    figures = load.run_wrk(
        bench.url + "/",
        script="mixed.lua",
        seconds=MIXED_SECONDS,
        connections=MIXED_USERS,
        env={"BENCH_MIXED_DATA": str(data_file)},
    )
    settle(bench)
    errors = figures["errors"] + figures["socket_errors"]
    note = (
        f"p99 {figures['p99_ms']:.0f} ms; {figures['conflicts']} version conflicts (409); "
        f"{errors} errors"
    )
    if errors or figures["redirects"]:
        note += f" **{figures['redirects']} redirects; first error: {figures['first_error']}**"
    row = Row(
        f"mixed workload: {MIXED_USERS} users for {MIXED_SECONDS:.0f} s",
        figures["rps"],
        figures["p50_ms"],
        figures["p95_ms"],
        figures["rps"] / bench.hello_median if bench.hello_median else None,
        target=f"p95 ≤ {MIXED_P95_MS} ms, 0 errors",
        met=figures["p95_ms"] <= MIXED_P95_MS and not errors and not figures["redirects"],
        note=note,
    )
    bench.summaries.append(
        "| mixed workload | value |\n|---|---:|\n"
        f"| simulated users (wrk connections) | {MIXED_USERS} |\n"
        f"| duration, s | {figures['seconds']:.1f} |\n"
        f"| requests | {figures['requests']} |\n"
        f"| throughput, req/s | {figures['rps']:.1f} |\n"
        f"| p50 / p95 / p99 ms | {figures['p50_ms']:.1f} / {figures['p95_ms']:.1f} / "
        f"{figures['p99_ms']:.1f} |\n"
        f"| coordinators' htmx saves | {figures['edits']} |\n"
        f"| liaisons' review queue and review page | {figures['reviews']} |\n"
        f"| county officers' dashboards | {figures['dashboards']} |\n"
        f"| residents' public pages | {figures['public']} |\n"
        f"| answered 2xx | {figures['ok']} |\n"
        f"| version conflicts (409, the app's answer to a stale save) | "
        f"{figures['conflicts']} |\n"
        f"| redirects (3xx: none expected) | {figures['redirects']} |\n"
        f"| errors (other non-2xx/3xx, socket errors) | {errors} |"
    )
    return [row]
