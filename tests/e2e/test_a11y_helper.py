"""The axe helper itself: it runs under our Content-Security-Policy and it can fail."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.e2e.a11y import assert_accessible


def test_axe_runs_under_the_csp_and_reports_violations(page: Page):
    response = page.goto("/accounts/login/")
    assert response is not None
    csp = response.headers.get("content-security-policy", "")
    assert "script-src 'self' 'nonce-" in csp, csp

    # Break the page on purpose: an image without a text alternative, an unlabelled field.
    page.evaluate(
        """() => document.querySelector('main').insertAdjacentHTML('beforeend',
            '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" id="no-alt">'
            + '<input type="text" id="no-label">')"""
    )
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page)

    message = str(failure.value)
    assert "image-alt" in message
    assert "#no-alt" in message
    assert "label" in message
    assert "#no-label" in message
