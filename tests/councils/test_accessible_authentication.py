"""WCAG 2.2 accessible authentication (3.3.8) and focus not obscured (2.4.11) on the
login pages: the browser and password managers may fill in the user name, the password
and the one-time code (autocomplete hints, a numeric keyboard for the code), nothing
blocks pasting, and no sticky or fixed bar covers the field that has focus."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.councils.test_two_factor import device_for, password_login

pytestmark = pytest.mark.django_db

#: attributes that would block or interfere with pasting or filling in
BLOCKING = ("onpaste", "oncopy", "oncut", "ondrop", "oncontextmenu", "readonly")


class _Inputs(HTMLParser):
    """Every ``<input>`` of a page, by id."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: dict[str, dict[str, str | None]] = {}

    def handle_starttag(self, tag, attrs):
        named = dict(attrs)
        if tag == "input" and named.get("id"):
            self.inputs[named["id"]] = named


def _inputs(response) -> dict[str, dict[str, str | None]]:
    assert response.status_code == 200
    parser = _Inputs()
    parser.feed(response.content.decode())
    return parser.inputs


def _fillable(field: dict[str, str | None]) -> None:
    assert not [name for name in BLOCKING if name in field], field


def test_the_login_form_may_be_filled_in_by_a_password_manager(client):
    inputs = _inputs(client.get(reverse("login")))
    assert inputs["id_username"]["autocomplete"] == "username"
    assert inputs["id_password"]["autocomplete"] == "current-password"
    assert inputs["id_password"]["type"] == "password"
    for field in (inputs["id_username"], inputs["id_password"]):
        _fillable(field)


def test_the_two_factor_code_is_a_one_time_code_on_a_numeric_keyboard(client, owner):
    device_for(owner)
    password_login(client)
    token = _inputs(client.get(reverse("two-factor-verify")))["id_token"]
    assert token["autocomplete"] == "one-time-code"
    assert token["inputmode"] == "numeric"
    assert token["type"] == "text"  # not type=number: a leading 0 survives, no spinner
    assert "maxlength" not in token or int(token["maxlength"]) >= 6
    _fillable(token)


def test_the_enrolment_code_is_a_one_time_code_too(client_of, owner):
    token = _inputs(client_of(owner).get(reverse("two-factor-enrol")))["id_token"]
    assert (token["autocomplete"], token["inputmode"]) == ("one-time-code", "numeric")
    _fillable(token)


def test_a_new_password_may_be_generated_by_the_browser(client_of, owner):
    inputs = _inputs(client_of(owner).get(reverse("password_change")))
    assert inputs["id_old_password"]["autocomplete"] == "current-password"
    assert inputs["id_new_password1"]["autocomplete"] == "new-password"
    assert inputs["id_new_password2"]["autocomplete"] == "new-password"


def test_no_script_blocks_pasting():
    scripts = list(Path(settings.BASE_DIR, "static").rglob("*.js"))
    assert scripts
    for script in scripts:
        text = script.read_text(encoding="utf-8", errors="replace")
        assert not re.search(r"""["']paste["']|onpaste""", text), script


def test_no_sticky_or_fixed_bar_can_cover_the_focused_element():
    """A bar stuck to the top or bottom would hide what has focus under it (2.4.11); the
    one sticky element, a wide table's caption, sticks to the left inside its own
    scrolling box. Scrolling to an element leaves a margin above it."""
    css = Path(settings.BASE_DIR, "static", "css", "app.css").read_text(encoding="utf-8")
    rules = re.findall(r"([^{}]+)\{([^{}]*)\}", css)
    stuck = [(selector.strip(), body) for selector, body in rules if "position:" in body]
    assert any("sticky" in body for _selector, body in stuck)  # the caption: CSS was read
    for selector, body in stuck:
        position = re.search(r"position:\s*(\w+)", body).group(1)
        if position == "fixed":
            raise AssertionError(f"{selector} is fixed")
        if position == "sticky":
            assert not re.search(r"(^|;|\s)(top|bottom)\s*:", body), selector
    assert re.search(r"html\s*\{[^}]*scroll-padding-top:\s*[1-9]", css)
