"""Browser journeys: Debian's Chromium driven by Playwright against pytest-django's live server.

One browser for the whole session (starting Chromium is the slow part); a fresh
context and page for every test, so no cookie, language or session leaks from one
test into the next. If Chromium cannot start, every browser test fails: a journey
that did not run is a gap, never a pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Error,
    Page,
    Response,
    expect,
    sync_playwright,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Generous enough for a loaded CI runner, short enough that a hang fails quickly.
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)

E2E_DIR = Path(__file__).parent

#: a form posted back with errors to correct (400) or a conflict to resolve (409)
FORM_SENT_BACK = {400, 409}
FAILED_LOAD = re.compile(
    r"console\.error: Failed to load resource: the server responded with a status of 40[09]\b"
)


def pytest_itemcollected(item: pytest.Item) -> None:
    """Every test in this folder is a browser journey: ``pytest -m e2e`` selects them all."""
    if E2E_DIR in item.path.parents:
        item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the browser journeys last.

    Playwright's sync API keeps an event loop in the main thread from the browser's
    start to the end of the session: no other test should run beside it. And the slow
    journeys should not hold up the fast tests' verdict.
    """
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
        except Error as exc:
            pytest.fail(f"Chromium could not start from {CHROMIUM}: {exc}", pytrace=False)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser: Browser, live_server) -> Iterator[Callable[[], Page]]:
    """``open_page()``: a fresh page in a fresh context, in Swedish like most users' browsers.

    Each call is another person at another computer, with their own cookies and session.
    Fails the test if any of the pages logged a JavaScript error or a
    Content-Security-Policy violation: a script the policy blocks is a feature that
    silently does not work.
    """
    opened: list[BrowserContext] = []
    problems: list[tuple[str, str]] = []  # (message, url)
    #: forms the server sent back with errors (400) or with a conflict to resolve (409)
    forms_sent_back: set[str] = set()

    def open_one() -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            locale="sv-SE",
            timezone_id="Europe/Stockholm",
            viewport={"width": 1280, "height": 800},
        )
        context.set_default_timeout(TIMEOUT_MS)
        opened.append(context)
        page = context.new_page()

        def on_console(message: ConsoleMessage) -> None:
            # every page links its icons (base.html), so Chromium asks no /favicon.ico
            if message.type == "error":
                problems.append((f"console.error: {message.text}", message.location.get("url", "")))

        def on_response(response: Response) -> None:
            if response.status in FORM_SENT_BACK and response.request.method == "POST":
                forms_sent_back.add(response.url)

        page.on("console", on_console)
        page.on("response", on_response)
        page.on("pageerror", lambda exc: problems.append((f"JavaScript error: {exc}", "")))
        return page

    yield open_one
    for context in opened:
        context.close()
    # Chromium logs every 4xx answer as "Failed to load resource"; a form sent back
    # with its errors (400) or a conflict (409), as a page or swapped in by htmx, is
    # the site working as it should.
    real = [
        f"{message} ({url})"
        for message, url in problems
        if not (url in forms_sent_back and FAILED_LOAD.match(message))
    ]
    assert not real, "The browser reported problems:\n" + "\n".join(real)


@pytest.fixture
def page(open_page: Callable[[], Page]) -> Page:
    """The test's first (usually only) page; see ``open_page``."""
    return open_page()


@pytest.fixture
def log_in(page: Page, live_server) -> Callable[..., Page]:
    """``log_in(user)``: give the page a session for ``user`` without the login form.

    The login form has its own journey; the others start from a signed-in session.
    """

    def log_in_as(user) -> Page:
        client = Client()
        client.force_login(user)
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        return page

    return log_in_as
