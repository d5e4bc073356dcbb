"""The start page, "Att göra": what needs the signed-in user now (``followup.today``).

The number of things to do is kept in the cache for the navigation's badge
(``followup.context_processors.today_badge``), so other pages show it without a query.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from councils import access, dates, selectors
from councils.cache import kept_fragment, key, template_version
from followup import today as todo

#: how long the badge trusts the last count (seconds)
BADGE_SECONDS = 15 * 60
#: the county's and the country's part of the page, kept rendered
FIGURES_PART = "followup/_today_figures.html"
COUNTS_PART = "followup/_today_counts.html"
#: the user's municipalities, kept rendered
MUNICIPALITIES_PART = "followup/_today_municipalities.html"


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
    # the county's or the country's part is kept rendered under what it shows (the
    # data's generation, the day, the municipalities: ``todo.Today.figures``), the
    # language and the template's source; kept, it is shown as it is
    figures_digest = (
        found.figures
        and key(
            "today-figures:1",
            template_version(FIGURES_PART),
            template_version(COUNTS_PART),
            found.figures,
        )[1]
    )
    # the municipalities the user works with, the way onwards (none for national roles),
    # kept rendered under what the table shows
    rows = selectors.my_municipalities(user)
    rows_digest = (
        rows
        and key(
            "today-municipalities:1",
            template_version(MUNICIPALITIES_PART),
            [
                (
                    row.url,
                    row.municipality.name,
                    row.municipality.county.name,
                    sorted(row.capabilities),
                )
                for row in rows
            ],
        )[1]
    )
    return render(
        request,
        "followup/today.html",
        {
            "today": found,
            "figures_digest": figures_digest,
            "kept_figures": figures_digest
            and kept_fragment("today-figures", figures_digest, get_language()),
            "gap_headers": [todo.gap_labels()[gap] for gap in todo.GAPS],
            "rows": rows,
            "rows_digest": rows_digest,
            "kept_rows": rows_digest
            and kept_fragment("today-municipalities", rows_digest, get_language()),
            # a partner's contacts: the way to their own activities
            "partner_organisations": access.partner_organisation_list(user),
            # a partner's administrators: the partnerships they invite people into
            "managed_partnerships": access.managed_partnership_list(user),
        },
    )
