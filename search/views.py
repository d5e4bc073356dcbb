"""Search views: the signed-in user's search (the header's field) and the residents'
search of published citizen pledges (no login).

What a user may find is decided kind by kind in ``search.kinds`` through
``councils.access``; these views only parse the query and render.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from pledges import public_cache
from search import selectors
from search.forms import SearchForm
from search.kinds import BY_KEY, KINDS

#: how long a browser may keep a residents' search page (as the other public pages)
PUBLIC_MAX_AGE = 300


def _form(request: HttpRequest) -> SearchForm:
    return SearchForm(request.GET if "q" in request.GET else None, kinds=BY_KEY)


@require_safe
@login_required
def search(request: HttpRequest) -> HttpResponse:
    """Every kind the user may see, grouped; ``kind=`` pages through one kind."""
    form = _form(request)
    context = {"form": form, "kinds": KINDS}
    if form.is_valid():
        query, kind = form.cleaned_data["q"], form.cleaned_data["kind"]
        if kind:
            number = selectors.page_number(request.GET.get("page"))
            group = selectors.search_kind(request.user, query, kind, number)
            context.update(query=query, kind=group.kind, groups=[group], total=group.total)
        else:
            groups = selectors.search(request.user, query)
            context.update(query=query, groups=groups, total=sum(g.total for g in groups))
    return render(request, "search/results.html", context, status=_status(form))


@require_safe
@cache_control(private=True, max_age=PUBLIC_MAX_AGE)
def public_search(request: HttpRequest) -> HttpResponse:
    """Published citizen pledges, for residents. A page of results is kept whole for
    anonymous readers while the published data's generation stands (a save of a pledge
    or an activity begins a new one: ``pledges.public_cache``), for plain queries."""
    form = _form(request)
    if not form.is_valid():  # no query yet, or one the form refuses (400)
        return render(request, "search/public.html", {"form": form}, status=_status(form))
    query = form.cleaned_data["q"]
    number = selectors.page_number(request.GET.get("page"))

    def context() -> dict[str, Any]:
        pledges, page = selectors.public_search(query, number)
        return {"form": form, "query": query, "pledges": pledges, "page": page, "total": page.total}

    return public_cache.render_kept(
        request,
        "search/public.html",
        context,
        version=[public_cache.generation()],
        params=["q", "page"],
    )


def _status(form: SearchForm) -> int:
    """400 for a query the form refuses; 200 for an empty page or results."""
    return 400 if form.is_bound and not form.is_valid() else 200
