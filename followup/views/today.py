"""The start page, "Att göra": what needs the signed-in user now (``followup.today``).

The number of things to do is kept in the cache for the navigation's badge
(``followup.context_processors.today_badge``), so other pages show it without a query.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from councils import access, dates, selectors
from councils.access import Capability
from councils.cache import kept_fragment, key, template_version
from followup import dashboard
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


def _my_municipalities(user, generation: str) -> tuple[str, SafeString | None, list]:
    """The table of the municipalities the user works with (none for national roles):
    its digest, the table kept rendered under it, or else its rows. What it shows is
    the municipalities' names, codes and counties (watched by ``dashboard.FIGURES``:
    the data's ``generation``) and the user's capabilities on each (their grants)."""
    ids = [] if access.reads_everywhere(user) else access.scope_ids(user, Capability.READ)
    if not ids:
        return "", None, []
    digest = key(
        "today-municipalities:2",
        template_version(MUNICIPALITIES_PART),
        generation,
        [(pk, sorted(access.capabilities(user, pk))) for pk in ids],
    )[1]
    kept = kept_fragment("today-municipalities", digest, get_language())
    return digest, kept, [] if kept else selectors.my_municipalities(user)


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    generation = dashboard.FIGURES.current()
    found = todo.for_user(user, dates.today(), generation)
    count = found.count
    cache.set(badge_key(request.user.pk), count, BADGE_SECONDS)
    request.today_count = count
    # the county's or the country's part is kept rendered under what it shows (the
    # data's generation, the day, the counties: ``todo.Today.figures``), the
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
    rows_digest, kept_rows, rows = _my_municipalities(user, generation)
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
            "kept_rows": kept_rows,
            # a partner's contacts: the way to their own activities
            "partner_organisations": access.partner_organisation_list(user),
            # a partner's administrators: the partnerships they invite people into
            "managed_partnerships": access.managed_partnership_list(user),
        },
    )
