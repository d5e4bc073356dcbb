"""The daily reminder job: find what needs attention, record it, and e-mail digests.

``run_daily`` has two steps, each with a fixed number of queries whatever the size
of the data:

1. ``create_reminders``: every reminder due today becomes a ``Reminder`` row. The
   rows are written with ``bulk_create(ignore_conflicts=True)`` against the unique
   constraint (kind, user, subject, due date), so running the job twice, or two
   runs at once, creates nothing twice. The rows are the truth, not the queue.
2. ``send_due``: for every user whose preference says it is time, one
   ``DigestEmail(user, day)`` row is claimed and the user's unsent reminders are
   marked as e-mailed, in one transaction; ``send_digest`` is queued when that
   transaction commits. A failure to queue (Redis down) gives the claim back, so
   the next run queues the reminders again.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from agreements.models import Agreement
from councils import access, addresses, background, dates, formats
from councils.access import Capability
from councils.models import Municipality, User
from councils.selectors import values_of
from followup.digests import send_digest
from followup.models import DigestEmail, Reminder, ReminderPreference, ReminderSettings
from pledges.models import Activity, Pledge

log = logging.getLogger(__name__)

K = Reminder.Kind
F = ReminderPreference.Frequency

DEFAULT_DAYS_BEFORE = 7
AGREEMENT_ENDING_DAYS = 90
REVIEW_WAITING_DAYS = 14
SIGNATURE_WAITING_DAYS = 14
#: a value for pg_advisory_xact_lock: one claiming step at a time on PostgreSQL
#: (SQLite already takes the write lock when the transaction begins)
CLAIM_LOCK = 0x5A4D_0001


@dataclass
class Candidate:
    kind: str
    user_id: int
    subject: str
    due_date: dt.date
    municipality_id: int
    text: str
    url: str

    @property
    def key(self) -> tuple:
        return (self.kind, self.user_id, self.subject, self.due_date)


@dataclass
class Report:
    today: dt.date
    dry_run: bool = False
    #: reminders found today, by kind (whether new or already recorded)
    found: dict[str, int] = field(default_factory=dict)
    #: reminders recorded by this run (in a dry run: that would be recorded)
    created: int = 0
    new: list[Candidate] = field(default_factory=list)
    #: digests claimed and queued (in a dry run: user ids that would get one)
    digests: int = 0
    digest_user_ids: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        kinds = ", ".join(f"{k}: {n}" for k, n in sorted(self.found.items())) or "none"
        verb = "would be" if self.dry_run else "were"
        return (
            f"{formats.iso(self.today)}: found {kinds}; {self.created} new reminders {verb} "
            f"recorded; {self.digests} digest e-mails {verb} queued"
        )


# --- finding ------------------------------------------------------------------------


def _deadline(today: dt.date, month: int, day: int) -> dt.date:
    """The pledge deadline of ``today``'s year; 31 in a shorter month is its last day."""
    return dt.date(today.year, month, min(day, calendar.monthrange(today.year, month)[1]))


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _people(today: dt.date):
    """Coordinators and liaisons of every municipality (who holds EDIT, who holds REVIEW),
    and per-organisation settings: four queries in all."""
    coordinators = access.holders_by_municipality(Capability.EDIT)
    codes = dict(Municipality.objects.filter(pk__in=list(coordinators)).values_list("pk", "code"))
    liaisons = access.holders_by_municipality(Capability.REVIEW)
    rules = {
        m: (days, month, day)
        for m, days, month, day in ReminderSettings.objects.filter(
            organisation__municipality__isnull=False
        ).values_list(
            "organisation__municipality_id",
            "days_before_follow_up",
            "pledge_deadline_month",
            "pledge_deadline_day",
        )
    }
    return coordinators, codes, liaisons, rules


def find(today: dt.date) -> list[Candidate]:
    """Every reminder that is due on ``today``; a fixed number of queries."""
    coordinators, codes, liaisons, rules = _people(today)
    default = (DEFAULT_DAYS_BEFORE, 11, 1)
    found: list[Candidate] = []

    def add(kind, user_ids, subject, due, municipality_id, text, url):
        for user_id in dict.fromkeys(u for u in user_ids if u):  # once each, in order
            found.append(Candidate(kind, user_id, subject, due, municipality_id, text, url))

    def add_each(kind, holders, prefix, rows, text, url_name):
        """A reminder about each (pk, title, day, municipality, its name) row, to the
        holders of the role in its municipality."""
        for pk, title, day, municipality_id, name in rows:
            add(
                kind,
                holders.get(municipality_id, []),
                f"{prefix}:{pk}",
                day,
                municipality_id,
                text % {"title": title, "municipality": name, "date": formats.iso(day)},
                reverse(url_name, args=[pk]),
            )

    # follow-ups due within N days (N of the municipality's organisation), and overdue
    horizon = today + dt.timedelta(days=max([default[0], *(r[0] for r in rules.values())]))
    activities = Activity.objects.filter(
        pledge__status=Pledge.Status.PUBLISHED,
        deleted_at__isnull=True,
        next_follow_up__isnull=False,
        next_follow_up__lte=horizon,
    ).exclude(status=Activity.Status.CANCELLED)
    partners = access.responsible_holders()
    for (
        pk,
        title,
        due,
        pledge_id,
        municipality_id,
        name,
        responsible,
        partner,
    ) in activities.values_list(
        "pk",
        "title",
        "next_follow_up",
        "pledge_id",
        "pledge__municipality_id",
        "pledge__municipality__name",
        "responsible_user_id",
        "responsible_organisation_id",
    ).order_by("next_follow_up", "pk"):
        days = rules.get(municipality_id, default)[0]
        if due < today:
            kind = K.FOLLOW_UP_OVERDUE
            text = _("The follow-up of “%(title)s” (%(municipality)s) was due on %(date)s.")
        elif due <= today + dt.timedelta(days=days):
            kind = K.FOLLOW_UP_DUE
            text = _("The follow-up of “%(title)s” (%(municipality)s) is due on %(date)s.")
        else:
            continue
        add(
            kind,
            [responsible, *coordinators.get(municipality_id, [])],
            f"activity:{pk}",
            due,
            municipality_id,
            text % {"title": title, "municipality": name, "date": formats.iso(due)},
            reverse("pledge-detail", args=[pledge_id]) + f"#activity-{pk}",
        )
        # the responsible partner's contacts, to their own page of the activity
        add(
            kind,
            partners.get((partner, municipality_id), []),
            f"activity:{pk}",
            due,
            municipality_id,
            text % {"title": title, "municipality": name, "date": formats.iso(due)},
            reverse("partner-activities") + f"#activity-{pk}",
        )

    # signed agreements that end within 90 days
    agreements = Agreement.objects.filter(
        status=Agreement.Status.SIGNED,
        end_date__gte=today,
        end_date__lte=today + dt.timedelta(days=AGREEMENT_ENDING_DAYS),
    )
    add_each(
        K.AGREEMENT_ENDING,
        coordinators,
        "agreement",
        agreements.values_list(
            "pk", "title", "end_date", "municipality_id", "municipality__name"
        ).order_by("end_date", "pk"),
        _("The agreement “%(title)s” (%(municipality)s) ends on %(date)s."),
        "agreement-detail",
    )

    # municipalities without a pledge for the coming year, once the deadline has passed
    coming = today.year + 1
    with_pledge = set(
        Pledge.objects.filter(period_start__year=coming).values_list("municipality_id", flat=True)
    )
    for municipality_id, users in coordinators.items():
        _days, month, day = rules.get(municipality_id, default)
        deadline = _deadline(today, month, day)
        if today < deadline or municipality_id in with_pledge:
            continue
        code = codes[municipality_id]
        add(
            K.PLEDGE_MISSING,
            users,
            f"municipality:{code}:{coming}",
            deadline,
            municipality_id,
            _("There is no citizen pledge for %(year)s yet.") % {"year": coming},
            reverse("pledge-list", args=[code]),
        )

    # pledges in review for longer than 14 days
    waiting = Pledge.objects.filter(
        status=Pledge.Status.IN_REVIEW,
        submitted_at__lt=_start_of(today - dt.timedelta(days=REVIEW_WAITING_DAYS)),
    )
    add_each(
        K.REVIEW_WAITING,
        liaisons,
        "pledge",
        (
            (pk, title, timezone.localdate(submitted), municipality_id, name)
            for pk, title, submitted, municipality_id, name in waiting.values_list(
                "pk", "title", "submitted_at", "municipality_id", "municipality__name"
            ).order_by("submitted_at", "pk")
        ),
        _("“%(title)s” (%(municipality)s) has waited for review since %(date)s."),
        "pledge-review",
    )
    _signatures_waiting(today, coordinators, liaisons, add)
    return found


def _signatures_waiting(today: dt.date, coordinators, liaisons, add) -> None:
    """Agreements sent for signature, and approved pledges, that a party has not signed
    for longer than 14 days: a reminder to whoever signs for the party still missing
    (the police: the liaisons of the municipality; the municipality: its coordinators).
    Two queries."""
    before = _start_of(today - dt.timedelta(days=SIGNATURE_WAITING_DAYS))
    fields = ("municipality_id", "municipality__name", "municipality_signed_on", "police_signed_on")
    agreements = (
        Agreement.objects.filter(
            status=Agreement.Status.AWAITING_SIGNATURE, shared_for_signature_at__lt=before
        )
        .values_list("pk", "title", "shared_for_signature_at", *fields)
        .order_by("shared_for_signature_at", "pk")
    )
    pledges = (
        Pledge.objects.filter(status=Pledge.Status.APPROVED, reviewed_at__lt=before)
        .values_list("pk", "title", "reviewed_at", *fields)
        .order_by("reviewed_at", "pk")
    )
    text = _("“%(title)s” (%(municipality)s) has waited for your signature since %(date)s.")
    for prefix, rows, urls in (
        ("agreement-signature", agreements, ("agreement-detail", "agreement-detail")),
        ("pledge-signature", pledges, ("pledge-detail", "pledge-review")),
    ):
        for pk, title, since, municipality_id, name, by_municipality, by_police in rows:
            day = timezone.localdate(since)
            words = text % {"title": title, "municipality": name, "date": formats.iso(day)}
            for signed, holders, url_name in (
                (by_municipality, coordinators, urls[0]),
                (by_police, liaisons, urls[1]),
            ):
                if signed is None:
                    users = holders.get(municipality_id, [])
                    url = reverse(url_name, args=[pk])
                    add(
                        K.SIGNATURE_WAITING,
                        users,
                        f"{prefix}:{pk}",
                        day,
                        municipality_id,
                        words,
                        url,
                    )


def create_reminders(candidates: list[Candidate]) -> int:
    """Record the candidates; those already recorded are left as they are. Returns how
    many rows are new (two queries, whatever the number)."""
    if not candidates:
        return 0
    before = Reminder.objects.count()
    Reminder.objects.bulk_create(
        [
            Reminder(
                **values_of(c, "kind", "user_id", "subject", "due_date", "municipality_id"),
                text=c.text[:500],
                url=c.url[:300],
            )
            for c in candidates
        ],
        ignore_conflicts=True,
    )
    return Reminder.objects.count() - before


def _new_only(candidates: list[Candidate]) -> list[Candidate]:
    """The candidates that are not recorded yet (for a dry run; one query)."""
    if not candidates:
        return []
    existing = set(
        Reminder.objects.filter(
            user_id__in={c.user_id for c in candidates},
            due_date__gte=min(c.due_date for c in candidates),
        ).values_list("kind", "user_id", "subject", "due_date")
    )
    return [c for c in candidates if c.key not in existing]


# --- sending ------------------------------------------------------------------------


def _muted(kinds) -> set[str]:
    return {k for k in (kinds or []) if k in K.values and k not in Reminder.MANDATORY}


def _time_for(frequency: str | None, today: dt.date) -> bool:
    """Immediate and daily: every run (the digest claim keeps it to one e-mail a day);
    weekly: on Mondays."""
    if frequency == F.WEEKLY:
        return today.weekday() == calendar.MONDAY
    return True


def _due_for_email(today: dt.date, user_ids=None, force: bool = False) -> dict[int, list[int]]:
    """Unsent, unfailed reminders per user whose preference says it is time, leaving
    out muted kinds and users without a working address or already e-mailed today (an
    address that fails for good gets its reminders once it is cleared)."""
    rows = (
        Reminder.objects.filter(
            emailed_at__isnull=True, failed=False, user__is_active=True, user__email__gt=""
        )
        .exclude(user__in=DigestEmail.objects.filter(day=today).values("user_id"))
        .exclude(addresses.failing("user__"))
    )
    if user_ids is not None:
        rows = rows.filter(user_id__in=user_ids)
    due: dict[int, list[int]] = defaultdict(list)
    for pk, user_id, kind, frequency, muted in rows.values_list(
        "pk",
        "user_id",
        "kind",
        "user__reminder_preference__frequency",
        "user__reminder_preference__muted_kinds",
    ).order_by("user_id", "pk"):
        if (force or _time_for(frequency, today)) and kind not in _muted(muted):
            due[user_id].append(pk)
    return due


def send_due(today: dt.date | None = None, *, user_ids=None, force: bool = False) -> list[int]:
    """Claim today's digest of every user it is time for, mark its reminders, and
    queue the e-mails on commit. Returns the ids of the digests queued.

    ``force`` ignores the weekly rhythm (an admin's retry)."""
    today = today or dates.today()
    now = timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CLAIM_LOCK])
        due = _due_for_email(today, user_ids, force)
        if not due:
            return []
        # no digest of today exists for these users (see _due_for_email), and the lock
        # keeps a concurrent run out, so every digest found below is this run's claim
        DigestEmail.objects.bulk_create(
            [DigestEmail(user_id=u, day=today) for u in due], ignore_conflicts=True
        )
        digests = dict(
            DigestEmail.objects.filter(
                day=today, user_id__in=list(due), sent_at__isnull=True, attempts=0
            ).values_list("user_id", "pk")
        )
        Through = DigestEmail.reminders.through
        Through.objects.bulk_create(
            [
                Through(digestemail_id=digests[u], reminder_id=r)
                for u, reminder_ids in due.items()
                if u in digests
                for r in reminder_ids
            ],
            ignore_conflicts=True,
        )
        Reminder.objects.filter(
            emailed_at__isnull=True, digests__day=today, digests__sent_at__isnull=True
        ).update(emailed_at=now)
        ids = sorted(digests.values())
        queue(ids)
    return ids


def queue(digest_ids: list[int]) -> None:
    """Queue ``send_digest`` for each digest once the transaction commits. When
    queueing fails (Redis down), the claim is given back: the reminders are unsent
    again and the digest row goes, so the next run claims them again."""
    for digest_id in digest_ids:
        background.enqueue(send_digest, digest_id, on_failure=functools.partial(release, digest_id))


def release(digest_id: int) -> None:
    """Give a digest's claim back if it was never attempted (the queue failed)."""
    try:
        with transaction.atomic():
            unsent = DigestEmail.objects.filter(pk=digest_id, sent_at__isnull=True, attempts=0)
            if not unsent.exists():
                return  # the task ran (eagerly) and recorded its own outcome
            Reminder.objects.filter(digests=digest_id, failed=False).update(emailed_at=None)
            unsent.delete()
    except Exception:
        log.exception("could not release digest %s", digest_id)


def requeue_stale(today: dt.date) -> list[int]:
    """Unsent digests of earlier days whose reminders have not finally failed: the
    process died between the commit and the queue, or (run eagerly, without Redis) the
    one attempt failed. They are queued again; the task's claim on sent_at makes a
    duplicate send nothing. One query."""
    return list(
        DigestEmail.objects.filter(day__lt=today, sent_at__isnull=True, reminders__failed=False)
        .exclude(addresses.failing("user__"))
        .values_list("pk", flat=True)
        .distinct()
        .order_by("pk")
    )


@transaction.atomic
def retry_failed(reminder_ids) -> list[int]:
    """An admin's retry: the failed reminders are unsent again, their dead digests go,
    and a digest is claimed and queued for each of their users (at most one e-mail a
    day still: a user already e-mailed today gets them with the next run)."""
    failed = Reminder.objects.filter(pk__in=list(reminder_ids), failed=True)
    user_ids = set(failed.values_list("user_id", flat=True))
    DigestEmail.objects.filter(reminders__in=failed, sent_at__isnull=True).delete()
    failed.update(failed=False, emailed_at=None, send_error="")
    return send_due(user_ids=user_ids, force=True)


# --- the job ------------------------------------------------------------------------


def run_daily(today: dt.date | None = None, dry_run: bool = False) -> Report:
    """Find, record and send: the daily job (Celery beat, or ``manage.py send_reminders``)."""
    today = today or dates.today()
    report = Report(today=today, dry_run=dry_run)
    with translation.override(settings.LANGUAGE_CODE):
        candidates = find(today)
    for c in candidates:
        report.found[c.kind] = report.found.get(c.kind, 0) + 1
    if dry_run:
        report.new = _new_only(candidates)
        report.created = len(report.new)
        users = set(_due_for_email(today))
        users |= _would_email(report.new, today)
        report.digest_user_ids = sorted(users)
        report.digests = len(users)
        return report
    report.created = create_reminders(candidates)
    stale = requeue_stale(today)
    if stale:
        queue(stale)
    report.digests = len(send_due(today))
    return report


def _would_email(new: list[Candidate], today: dt.date) -> set[int]:
    """Users of not yet recorded reminders who would get a digest today (two queries)."""
    user_ids = {c.user_id for c in new}
    if not user_ids:
        return set()
    preferences = {
        u: (frequency, _muted(muted))
        for u, frequency, muted in ReminderPreference.objects.filter(
            user_id__in=list(user_ids)
        ).values_list("user_id", "frequency", "muted_kinds")
    }
    emailed_today = set(
        DigestEmail.objects.filter(day=today, user_id__in=list(user_ids)).values_list(
            "user_id", flat=True
        )
    )
    with_address = set(
        User.objects.filter(pk__in=list(user_ids), is_active=True, email__gt="")
        .exclude(addresses.failing())
        .values_list("pk", flat=True)
    )
    return {
        c.user_id
        for c in new
        if c.user_id in with_address
        and c.user_id not in emailed_today
        and _time_for(preferences.get(c.user_id, (F.DAILY, set()))[0], today)
        and c.kind not in preferences.get(c.user_id, (F.DAILY, set()))[1]
    }
