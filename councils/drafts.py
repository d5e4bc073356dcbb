"""Text typed in the boxes of a page with several forms survives sending one of them.

A page with several text boxes (the review page: the decision's messages, a comment
on the pledge and on each activity, each answer) puts every box in one form, the
page's ``<form id="drafts">``: each box is a textarea named ``draft-<key>`` with
``form="drafts"``, and each box's button names its key (``name="box"
value="<key>"``) and posts to its own URL (``formaction``). So every POST carries the
text of every box, with or without JavaScript.

- With htmx the button's ``hx-post`` swaps just its own box (``hx-target`` the box,
  ``hx-swap="outerHTML"``): the other boxes are never touched.
- Without JavaScript the view answers with a redirect as before (post/redirect/get),
  after ``keep`` has put the other boxes' non-empty text in the session for the page
  it returns to; that page's GET ``take``s it (once) and prefills the boxes
  (``{% load drafts %}{% draft "comment" key %}``).
"""

from __future__ import annotations

from django.http import HttpRequest

from councils.forms import MAX_TEXT

#: the name of every box on a page: ``draft-<key>``
PREFIX = "draft-"
SESSION_KEY = "drafts"
#: at most this many boxes are carried back, each at most MAX_TEXT characters
MAX_BOXES = 100


def box(request: HttpRequest) -> str:
    """The key of the box whose button was pressed ("" for a form of its own)."""
    return request.POST.get("box", "")[:100]


def text(request: HttpRequest, key: str) -> str:
    return request.POST.get(PREFIX + key, "")


def others(request: HttpRequest, sent: str) -> dict[str, str]:
    """The non-empty text of every box but ``sent`` (what was sent is saved)."""
    found = {}
    for name, value in request.POST.items():
        if name.startswith(PREFIX) and name != PREFIX + sent and value.strip():
            found[name.removeprefix(PREFIX)[:100]] = value[:MAX_TEXT]
            if len(found) >= MAX_BOXES:
                break
    return found


def _page(url: str) -> str:
    return url.split("#", 1)[0].split("?", 1)[0]


def keep(request: HttpRequest, url: str, drafts: dict[str, str]) -> None:
    """Carry ``drafts`` back to the page at ``url`` (the next GET of it takes them)."""
    if drafts:
        request.session[SESSION_KEY] = {"page": _page(url), "boxes": drafts}


def take(request: HttpRequest) -> dict[str, str]:
    """The drafts carried back to this page, once; {} if none or for another page."""
    kept = request.session.get(SESSION_KEY)
    if not kept or kept.get("page") != _page(request.path):
        return {}
    del request.session[SESSION_KEY]
    return dict(kept.get("boxes") or {})
