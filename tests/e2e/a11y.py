"""axe-core checks for the browser journeys: WCAG 2.0 and 2.1, levels A and AA.

axe is injected with ``page.evaluate`` (the DevTools protocol's Runtime.evaluate),
which the site's Content-Security-Policy (script-src 'self' plus a nonce) does not
govern, so the policy stays on while axe runs: no ``bypass_csp`` needed.
"""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_TAGS},
    "resultTypes": ["violations"],
}

_axe = Axe()


def axe_violations(page: Page) -> list[dict]:
    """Run axe on the page as it is now and return its violations."""
    page.wait_for_load_state("load")
    results = _axe.run(page, options=AXE_OPTIONS)
    return results.response["violations"]


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact')}): {violation['help']}"
            f"\n  {violation.get('helpUrl', '')}"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    at {target}: {summary}")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """Fail with every WCAG 2.1 A/AA violation axe finds on the page, if any."""
    violations = axe_violations(page)
    assert not violations, (
        f"axe found {len(violations)} WCAG 2.1 A/AA violation(s) on {page.url}:\n"
        + format_violations(violations)
    )
