"""``url_maker``: an address reversed once for a list's rows is the one reverse gives."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from councils.http import url_maker


@pytest.mark.parametrize(
    ("name", "args", "key"),
    [
        ("municipality-detail", [], "0380"),
        ("pledge-detail", [], 7),
        ("pledge-review", [], 123456),
    ],
)
def test_the_made_address_is_the_reversed_one(name, args, key):
    assert url_maker(name, *args)(key) == reverse(name, args=[*args, key])


def test_the_script_prefix_is_kept():
    set_script_prefix("/samverkan/")
    try:
        made = url_maker("municipality-detail")("0380")
    finally:
        set_script_prefix("/")
    assert made == "/samverkan/municipalities/0380/"


def test_an_address_without_a_key_is_refused():
    with pytest.raises(NoReverseMatch):
        url_maker("home")
