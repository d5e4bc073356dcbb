"""The pages' sections: every main page, the open-data file asked again with its ETag,
and the EST report form's save, each in interleaved rounds with hello (``core.rounds``)."""

from __future__ import annotations

import re
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from bench.core import Bench, Row, rounds
from bench.pages import Page, Post


def warm(bench: Bench, path: str, cookie: str) -> None:
    """Every worker has compiled the templates and filled its caches."""
    from concurrent.futures import ThreadPoolExecutor

    from bench import server

    with ThreadPoolExecutor(2 * server.WORKERS) as pool:
        for status, _headers, _body in pool.map(
            lambda _n: bench.get(path, cookie), range(2 * server.WORKERS)
        ):
            assert status == 200, (path, status)


def page_row(bench: Bench, page: Page) -> Row:
    cookie = bench.cookie(page.username)
    warm(bench, page.url, cookie)
    row = rounds(
        bench,
        page.label,
        page.url,
        key=page.key,
        headers={"Cookie": cookie} if cookie else None,
    )
    return with_queries(bench, row, page.key)


def with_queries(bench: Bench, row: Row, key: str) -> Row:
    """The query counts beside the row; flagged when demo and national differ."""
    row.queries_demo = bench.queries_demo.get(key)
    row.queries_national = bench.queries_national.get(key)
    if bench.queries_demo and row.queries_demo != row.queries_national:
        row.note = f"{row.note} **query count differs**".strip()
    return row


def section_pages(bench: Bench) -> list[Row]:
    """Each main page in rounds beside hello; the hello row sums up every hello run."""
    rows = [page_row(bench, page) for page in bench.pages]
    return [hello_row(bench), *rows]


def hello_row(bench: Bench) -> Row:
    runs = bench.hello_rps
    return Row(
        "hello (baseline: middleware, no database)",
        bench.hello_median,
        vs_hello=1.0,
        note=f"median of {len(runs)} runs between the pages: {min(runs):.0f}–{max(runs):.0f} req/s",
    )


def section_open_data_conditional(bench: Bench) -> list[Row]:
    """The activities CSV asked again with the ETag it answered with (If-None-Match):
    a 304 without the body is the target. Says whether the answer is gzipped."""
    path = reverse("open-data-activities", args=["csv"])
    status, headers, body = bench.get(path, headers={"Accept-Encoding": "gzip"})
    assert status == 200, (path, status)
    etag = headers.get("ETag")
    encoding = headers.get("Content-Encoding") or "none"
    label = "open data: activities CSV again with its ETag (If-None-Match), anonymous"
    about = f"a full answer is {len(body) / 1e6:.1f} MB sent, Content-Encoding {encoding}"
    if not etag:
        return [Row(label, target="≥ 0.50", note=f"no ETag in the answer: not measured; {about}")]
    again, _headers, _body = bench.get(path, headers={"If-None-Match": etag})
    if again != 304:
        return [Row(label, target="≥ 0.50", note=f"answered {again}, not 304; {about}")]
    row = rounds(bench, label, path, key="open-data-conditional", headers={"If-None-Match": etag})
    row.note = f"{row.note} 304 Not Modified; {about}".strip()
    return [row]


def _form_session(bench: Bench, post: Post) -> tuple[str, str]:
    """The session and CSRF cookies and the form's token, as the browser gets them
    from the form page."""
    cookie = bench.cookie(post.username)
    status, set_cookies, body = bench.get_text(post.url, cookie)
    assert status == 200, (post.url, status)
    jar = SimpleCookie()
    for header in set_cookies:
        jar.load(header)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    return f"{cookie}; {settings.CSRF_COOKIE_NAME}={jar[settings.CSRF_COOKIE_NAME].value}", token


def post_row(bench: Bench, post: Post) -> Row:
    """A form's save over HTTP: one checked save (the redirect) first, then rounds of
    saves beside hello; every answer but the redirect counts as a failure."""
    import urllib.request

    cookie, token = _form_session(bench, post)
    body = urlencode({**post.data, "csrfmiddlewaretoken": token})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(  # noqa: S310
        bench.url + post.url,
        data=body.encode(),
        headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
    )
    try:
        with opener.open(request, timeout=60) as response:
            raise AssertionError(f"{post.url} saved nothing: {response.status}")
    except urllib.error.HTTPError as error:
        assert error.code == 302, (post.url, error.code, error.read().decode()[:500])
    row = rounds(
        bench,
        post.label,
        post.url,
        key=post.key,
        script="post.lua",
        headers={"Cookie": cookie},
        env={"BENCH_POST_BODY": body, "BENCH_POST_STATUS": "302"},
    )
    return with_queries(bench, row, post.key)


def section_est_save(bench: Bench) -> list[Row]:
    """The EST report form's save by a partner reporter of a big municipality (each
    save is a new report and its weekly total, in one transaction)."""
    from bench.pages import national_posts
    from est.models import Report

    before = Report.objects.count()
    rows = [post_row(bench, post) for post in national_posts()]
    saved = Report.objects.count() - before
    rows[0].note = f"{rows[0].note} {saved} reports saved by the rounds".strip()
    return rows
