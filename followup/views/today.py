"""The start page, "Att göra": what needs the signed-in user now (``followup.today``).

The number of things to do is kept in the cache for the navigation's badge
(``followup.context_processors.today_badge``), so other pages show it without a query.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from councils import access, dates, selectors
from followup import today as todo

#: how long the badge trusts the last count (seconds)
BADGE_SECONDS = 15 * 60


def badge_key(user_id: int) -> str:
    return f"today:count:{user_id}"


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    found = todo.for_user(user, dates.today())
    count = found.count
    cache.set(badge_key(request.user.pk), count, BADGE_SECONDS)
    request.today_count = count
    return render(
        request,
        "followup/today.html",
        {
            "today": found,
            "gap_headers": [todo.gap_labels()[gap] for gap in todo.GAPS],
            # the municipalities the user works with, the way onwards (none for national roles)
            "rows": selectors.my_municipalities(user),
            # a partner's contacts: the way to their own activities
            "partner_organisations": access.partner_organisation_list(user),
            # a partner's administrators: the partnerships they invite people into
            "managed_partnerships": access.managed_partnership_list(user),
        },
    )
