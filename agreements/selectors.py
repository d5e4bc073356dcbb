"""Reads shared by pages: the compliance panel of a municipality (Lag 2023:196)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from agreements.models import ActionPlan, Agreement, PriorityProblem, SituationalPicture
from councils import access, dates, formats
from councils.access import Capability
from councils.models import CoordinationFunction, Meeting, Municipality
from councils.prepared import PreparedObjects


@dataclass(frozen=True)
class ComplianceItem:
    label: str
    ok: bool
    detail: str
    url: str | None
    link_text: str
    #: a warning shown in words beside the detail (not only as colour)
    warning: str = ""


def picture_age(months: int) -> str:
    """How old a lägesbild is, in words: "mindre än en månad gammal", "1 månad gammal"."""
    if months < 1:
        return _("less than a month old")
    return ngettext("%(months)d month old", "%(months)d months old", months) % {"months": months}


def _first(queryset: QuerySet) -> QuerySet:
    """``queryset.first()`` as a query: in its order, else by key; one row."""
    return (queryset if queryset.ordered else queryset.order_by("pk"))[:1]


# the panel's reads, by SQL made once per process (``councils.prepared``)
_PICTURE = PreparedObjects(
    lambda municipality: _first(
        SituationalPicture.objects.filter(municipality_id=municipality, is_current=True)
    )
)
#: the decided action plan valid on a day, the latest decided
_PLAN = PreparedObjects(
    lambda municipality, today: ActionPlan.objects.filter(
        municipality_id=municipality, valid_from__lte=today, valid_until__gte=today
    ).order_by("-decided_on")[:1],
    dates=["today"],
)
_FUNCTION = PreparedObjects(
    lambda municipality: _first(CoordinationFunction.objects.filter(municipality_id=municipality))
)
#: the signed agreement in force on a day that runs longest
_AGREEMENT = PreparedObjects(
    lambda municipality, today: Agreement.objects.filter(
        signed_covering(today), municipality_id=municipality
    ).order_by("-end_date")[:1],
    dates=["today"],
)
#: the latest council meeting held after one day, up to another
_MEETING = PreparedObjects(
    lambda municipality, since, today: (
        Meeting.objects.filter(
            council__municipality_id=municipality, held_on__gt=since, held_on__lte=today
        )
        .select_related("council")
        .order_by("-held_on")[:1]
    ),
    dates=["since", "today"],
)


def compliance(user, municipality: Municipality) -> list[ComplianceItem]:
    """The five duties at a glance, each linking to where it is put right.

    Links to internal pages are given only to users who may open them.
    """
    today = dates.today()
    internal = access.can(user, Capability.INTERNAL, municipality)
    pictures_url = reverse("picture-list", args=[municipality.code]) if internal else None
    items = []

    picture = _PICTURE.first(municipality=municipality.pk)
    if picture is None:
        items.append(
            ComplianceItem(
                _("Current lägesbild"),
                False,
                _("None is marked current."),
                pictures_url,
                _("Lägesbilder"),
            )
        )
    else:
        months = picture.age_in_months(today)
        stale = picture.staleness(today)
        detail = picture_age(months)
        items.append(
            ComplianceItem(
                _("Current lägesbild"),
                picture.decided and stale is None,
                f"{picture.title}: {detail}" if internal else detail,
                reverse("picture-detail", args=[picture.pk]) if internal else None,
                _("Open the lägesbild"),
                warning=stale.message if stale else "",
            )
        )

    plan = _PLAN.first(municipality=municipality.pk, today=today)
    items.append(
        ComplianceItem(
            _("Action plan decided"),
            plan is not None,
            _("%(body)s decided it on %(date)s, valid until %(until)s")
            % {
                "body": plan.decided_by,
                "date": formats.iso(plan.decided_on),
                "until": formats.iso(plan.valid_until),
            }
            if plan
            else _("No decided action plan is valid today."),
            pictures_url,
            _("Action plans"),
        )
    )

    function = _FUNCTION.first(municipality=municipality.pk)
    items.append(
        ComplianceItem(
            _("Coordination function named"),
            bool(function and function.name),
            function.name if function else _("Not named."),
            reverse("coordination-function", args=[municipality.code]),
            _("Coordination function"),
        )
    )

    agreement = _AGREEMENT.first(municipality=municipality.pk, today=today)
    items.append(
        ComplianceItem(
            _("Cooperation agreement in force"),
            agreement is not None,
            ngettext(
                "%(title)s, %(days)d day to expiry",
                "%(title)s, %(days)d days to expiry",
                agreement.days_to_expiry(today),
            )
            % {"title": agreement.title, "days": agreement.days_to_expiry(today)}
            if agreement
            else _("No signed agreement is in force today."),
            reverse("agreement-detail", args=[agreement.pk])
            if agreement
            else reverse("agreement-list", args=[municipality.code]),
            _("Cooperation agreements"),
        )
    )

    since = today - timedelta(days=365)
    meeting = _MEETING.first(municipality=municipality.pk, since=since, today=today)
    items.append(
        ComplianceItem(
            _("Council meeting in the last 12 months"),
            meeting is not None,
            _("%(council)s met on %(date)s")
            % {"council": meeting.council.name, "date": formats.iso(meeting.held_on)}
            if meeting
            else _("No council meeting in the last 12 months."),
            reverse("council-list", args=[municipality.code]),
            _("Councils and meetings"),
        )
    )
    return items


def signed_covering(start: date, end: date | None = None, *, via: str = "") -> Q:
    """A signed agreement whose period covers ``start``–``end`` (the day ``start`` when no
    end is given); ``via`` reaches it from a related model (``"agreement__"``)."""
    return Q(
        **{
            f"{via}status": Agreement.Status.SIGNED,
            f"{via}start_date__lte": start,
            f"{via}end_date__gte": start if end is None else end,
        }
    )


def agreement_in_force(municipality_id: int, start: date, end: date) -> Agreement | None:
    """The signed agreement (not replaced) whose period covers ``start``–``end``: the
    one a pledge for that period is the public part of. The latest one if several do."""
    return (
        Agreement.objects.filter(
            signed_covering(start, end),
            municipality_id=municipality_id,
        )
        .order_by("-start_date", "-pk")
        .first()
    )


def same_text(a: str, b: str) -> bool:
    """Equal but for case and spacing: how a carried-over problem or goal is recognised."""
    return _title_key(a) == _title_key(b)


class CurrentProblems:
    """A problem of an older lägesbild → the same problem in the municipality's current
    one: itself if it is in the current lägesbild, else the current one's problem with
    the same title (a problem carried into a new lägesbild keeps its title); None if
    there is none. Used by the renewals of agreements and pledges, which note a problem
    without a current counterpart in the words of ``NOT_CURRENT``."""

    #: the renewal note of a problem the current lägesbild lacks (``%(name)s``: its title)
    NOT_CURRENT = gettext_lazy("The problem “%(name)s” is not in the current lägesbild.")

    def __init__(self, municipality_id: int):
        self.picture = SituationalPicture.objects.filter(
            municipality_id=municipality_id, is_current=True
        ).first()
        self.by_title: dict[str, PriorityProblem] = {}
        if self.picture is not None:
            for problem in self.picture.problems.order_by("-rank", "-pk"):
                self.by_title[_title_key(problem.title)] = problem  # the highest ranked wins

    def __call__(self, problem: PriorityProblem) -> PriorityProblem | None:
        if self.picture is None or problem.picture_id == self.picture.pk:
            return problem
        return self.by_title.get(_title_key(problem.title))


def _title_key(text: str) -> str:
    return " ".join(text.split()).casefold()
