"""The project's apps in layer order: the one list the gates walk.

A lower app never imports a higher one (tests/test_kit_gates_modules.py). A new app is
added here once, and every gate reads it.
"""

from __future__ import annotations

LAYERS = (
    "councils",
    "accessibility",
    "sso",
    "files",
    "agreements",
    "pledges",
    "est",
    "followup",
    "attachments",
    "residents",
    "archive",
    "search",
    "api",
)
#: the apps of the product's features: the files app is storage plumbing (no forms,
#: pages, dates or exports of its own)
FEATURE_APPS = tuple(app for app in LAYERS if app != "files")
