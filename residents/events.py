"""What residents are told of: the public events of a municipality.

An event is a pledge published, a new version of a published pledge published, or a
pledge's follow-up published: only what the public pledge page shows (a pledge in
``Pledge.PUBLIC_STATUSES``, a follow-up with ``published_at``). The same reads feed
the Atom feed (live) and the daily job, which records them once as ``Event`` rows for
the digests. A fixed number of queries, whatever the number of pledges.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from councils import dates, formats
from councils.models import Municipality
from councils.selectors import values_of
from followup.models import PledgeFollowUp
from pledges import selectors
from residents.models import Event

#: how far back the daily job looks for events to record
RECORD_DAYS = 30
#: the entries of a feed
FEED_ENTRIES = 50

K = Event.Kind


@dataclass(frozen=True)
class PublicEvent:
    key: str
    kind: str
    municipality_id: int
    pledge_pk: int
    #: the pledge's public title
    title: str
    occurred_at: dt.datetime
    #: the follow-up's period, for a follow-up
    period: tuple[dt.date, dt.date] | None = None

    @property
    def url(self) -> str:
        return reverse("public-pledge", args=[self.pledge_pk])

    @property
    def headline(self) -> str:
        if self.kind == K.FOLLOW_UP and self.period:
            return _("Follow-up of “%(title)s” for %(period)s") % {
                "title": self.title,
                "period": formats.period(*self.period),
            }
        if self.kind == K.NEW_VERSION:
            return _("New version of “%(title)s”") % {"title": self.title}
        return _("Citizen pledge “%(title)s” published") % {"title": self.title}

    @property
    def kind_label(self) -> str:
        return str(K(self.kind).label)


def municipality_id(code: str) -> int | None:
    """The id of the municipality with ``code`` (public knowledge), None if none."""
    return Municipality.objects.filter(code=code).values_list("pk", flat=True).first()


def public_events(
    *, municipality_id: int | None = None, since: dt.datetime | None = None, limit=None
) -> list[PublicEvent]:
    """The public events, newest first: two queries."""
    pledges = selectors.published_pledges().filter(published_at__isnull=False)
    follow_ups = PledgeFollowUp.objects.filter(
        published_at__isnull=False, pledge__in=selectors.published_pledges()
    )
    if municipality_id is not None:
        pledges = pledges.filter(municipality_id=municipality_id)
        follow_ups = follow_ups.filter(pledge__municipality_id=municipality_id)
    if since is not None:
        pledges = pledges.filter(published_at__gte=since)
        follow_ups = follow_ups.filter(published_at__gte=since)
    found = [
        PublicEvent(
            key=f"pledge:{pk}",
            kind=K.NEW_VERSION if replaces else K.PUBLISHED,
            municipality_id=municipality,
            pledge_pk=pk,
            title=title,
            occurred_at=at,
        )
        for pk, municipality, title, at, replaces in pledges.order_by("-published_at")[
            :limit
        ].values_list("pk", "municipality_id", "title", "published_at", "replaces_id")
    ]
    found += [
        PublicEvent(
            key=f"follow-up:{pk}",
            kind=K.FOLLOW_UP,
            municipality_id=municipality,
            pledge_pk=pledge,
            title=title,
            occurred_at=at,
            period=(start, end),
        )
        for pk, municipality, pledge, title, at, start, end in follow_ups.order_by("-published_at")[
            :limit
        ].values_list(
            "pk",
            "pledge__municipality_id",
            "pledge_id",
            "pledge__title",
            "published_at",
            "period_start",
            "period_end",
        )
    ]
    found.sort(key=lambda e: (e.occurred_at, e.key), reverse=True)
    return found[:limit] if limit else found


def record(now: dt.datetime | None = None) -> int:
    """Record the events of the last RECORD_DAYS days that are not recorded yet; running
    it twice, or twice at once, records nothing twice (the unique key). Returns how many
    are new."""
    now = now or dates.now()
    found = public_events(since=now - dt.timedelta(days=RECORD_DAYS))
    if not found:
        return 0
    before = Event.objects.count()
    Event.objects.bulk_create(
        [
            Event(
                **values_of(e, "key", "kind", "municipality_id", "occurred_at"),
                pledge_id=e.pledge_pk,
            )
            for e in found
        ],
        ignore_conflicts=True,
    )
    return Event.objects.count() - before


def still_public(events: list[Event]) -> list[PublicEvent]:
    """The recorded ``events`` as residents see them now, leaving out any whose pledge or
    follow-up is no longer public (two queries)."""
    if not events:
        return []
    pledge_keys = [e.key for e in events if e.key.startswith("pledge:")]
    follow_up_pks = [int(e.key.split(":")[1]) for e in events if e.key.startswith("follow-up:")]
    current = {
        e.key: e
        for e in _by_keys(pledge_keys, follow_up_pks, {ev.municipality_id for ev in events})
    }
    return sorted(
        (current[e.key] for e in events if e.key in current),
        key=lambda e: (e.occurred_at, e.key),
    )


def _by_keys(pledge_keys, follow_up_pks, municipality_ids) -> list[PublicEvent]:
    pledge_pks = [int(k.split(":")[1]) for k in pledge_keys]
    pledges = selectors.published_pledges().filter(pk__in=pledge_pks, published_at__isnull=False)
    follow_ups = PledgeFollowUp.objects.filter(
        Q(pk__in=follow_up_pks),
        published_at__isnull=False,
        pledge__in=selectors.published_pledges(),
    )
    found = [
        PublicEvent(f"pledge:{pk}", K.NEW_VERSION if rep else K.PUBLISHED, m, pk, title, at)
        for pk, m, title, at, rep in pledges.values_list(
            "pk", "municipality_id", "title", "published_at", "replaces_id"
        )
    ]
    found += [
        PublicEvent(f"follow-up:{pk}", K.FOLLOW_UP, m, pledge, title, at, (start, end))
        for pk, m, pledge, title, at, start, end in follow_ups.values_list(
            "pk",
            "pledge__municipality_id",
            "pledge_id",
            "pledge__title",
            "published_at",
            "period_start",
            "period_end",
        )
    ]
    return [e for e in found if e.municipality_id in municipality_ids]
