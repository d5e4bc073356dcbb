"""Hostile values shared by the tests in this folder: what an attacker or a careless
paste puts into a field, a query string or a body."""

from __future__ import annotations

from hypothesis import strategies as st

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
JAVASCRIPT_URL = "javascript:alert(1)"
FORMULAS = ("=cmd|' /C calc'!A0", "+1", "-1", "@SUM(1)")

#: a fixed list, so the URL walk is deterministic; the form fuzzing adds generated text
NASTY: tuple[str, ...] = (
    "",
    " ",
    "\x00",
    "a\x00b",
    "%00",
    SCRIPT,
    IMG,
    JAVASCRIPT_URL,
    *FORMULAS,
    "ÅÄÖ åäö ÆØ ß 𝕳𝖊𝖏 🙂 \u202e\u200b\ufeff",
    "x" * 30_000,
    "å" * 25_000,
    "9" * 400,
    "-9223372036854775809",
    "1e309",
    "NaN",
    "2024-02-30",
    "0000-00-00",
    "../../../etc/passwd",
    "' OR 1=1 --",
    "{{ 7*7 }}{% now 'Y' %}",
    "\r\nSet-Cookie: x=1",
)

#: files nested deeper than any parser's stack (100 000 levels): every import gets them
DEPTH = 100_000
DEEP_NESTING: tuple[bytes, ...] = (
    b"[" * DEPTH + b"]" * DEPTH,
    b'{"a":' * DEPTH + b"1" + b"}" * DEPTH,
    b"[" * DEPTH,
    b'{"values": ' + b"[" * DEPTH + b"]" * DEPTH + b"}",
)

#: text for any field: the fixed nasties, generated Unicode, and text with NUL in it
nasty_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.text(min_size=1, max_size=12).map(lambda s: s[: len(s) // 2] + "\x00" + s[len(s) // 2 :]),
)
