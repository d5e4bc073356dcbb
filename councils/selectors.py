"""Reads that pages share, always scoped by the user through councils.access."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from councils import access, dates
from councils.access import Capability
from councils.http import url_maker
from councils.models import (
    CoordinationFunction,
    Council,
    CouncilMember,
    LocalPoliceArea,
    Meeting,
    Membership,
    Municipality,
    Organisation,
    User,
    VulnerableArea,
)
from councils.prepared import PreparedObjects


def values_of(source: object, *names: str) -> dict[str, Any]:
    """The named attributes of ``source`` (the keys, of a mapping such as a ``values()``
    row) as keyword arguments: how a row is copied or built from another object with
    the same field names."""
    if isinstance(source, Mapping):
        return {name: source[name] for name in names}
    return {name: getattr(source, name) for name in names}


@dataclass(frozen=True)
class MunicipalityRow:
    municipality: Municipality
    capabilities: frozenset[Capability]
    #: the municipality's page, for lists (``my_municipalities``: reversed once for all)
    url: str = ""

    @property
    def can_edit(self) -> bool:
        return Capability.EDIT in self.capabilities

    @property
    def can_review(self) -> bool:
        return Capability.REVIEW in self.capabilities

    @property
    def can_see_internal(self) -> bool:
        return Capability.INTERNAL in self.capabilities

    @property
    def tags(self) -> list[tuple[str, str]]:
        """(CSS class, text) of each thing the user may do here, for lists of many rows."""
        tags = []
        if self.can_edit:
            tags.append(("tag tag--edit", _("You can edit")))
        if self.can_review:
            tags.append(("tag tag--review", _("You review and sign")))
        tags.append(("tag", _("You see drafts") if self.can_see_internal else _("You can read")))
        return tags


def memberships_of(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related(
        "organisation",
        "organisation__municipality",
        "organisation__local_police_area",
        "organisation__county",
    )


#: the municipalities of the start page, by SQL made once
_MINE = access.InScope(Municipality.objects.select_related("county"), path="pk")


def my_municipalities(user: User) -> list[MunicipalityRow]:
    """The municipalities the start page lists: those the user's memberships give rights on."""
    if access.reads_everywhere(user):
        return []  # a list of "my municipalities" would hold all 290
    municipalities = access.visible(_MINE, user, Capability.READ)
    detail = url_maker("municipality-detail")
    return [
        MunicipalityRow(m, access.capabilities(user, m), detail(m.code)) for m in municipalities
    ]


def municipality_rows(user: User) -> list[tuple[str, str, str, str]]:
    """Every municipality ``user`` may read, by county and name, as (name, code, county
    code, county name): the list, its county filter and its fingerprint are made of
    these, in one query."""
    return list(
        access.municipalities_for(user, Capability.READ)
        .order_by("county__code", "name")
        .values_list("name", "code", "county__code", "county__name")
    )


#: a municipality by code with what its overview shows, its local police areas and its
#: vulnerable areas: by SQL made once
_BY_CODE = PreparedObjects(
    lambda code: Municipality.objects.select_related(
        "county", "county__police_region", "organisation"
    ).filter(code=code)[:1],
    texts=["code"],
)
_POLICE_AREAS_OF = PreparedObjects(
    lambda municipality: LocalPoliceArea.objects.filter(municipalities=municipality).select_related(
        "police_region"
    )
)
_VULNERABLE_AREAS_OF = PreparedObjects(
    lambda municipality: VulnerableArea.objects.filter(municipality_id=municipality)
)


def municipality_detail(user: User, code: str) -> Municipality:
    """One municipality with what its overview shows, or 404."""
    return access.get_municipality_or_404(user, code, Capability.READ, queryset=_BY_CODE)


def areas_of(municipality: Municipality) -> dict[str, list]:
    """The municipality's local police areas and vulnerable areas, as its page lists
    them (``police_areas``, ``vulnerable_areas``)."""
    return {
        "police_areas": _POLICE_AREAS_OF.objects(municipality=municipality.pk),
        "vulnerable_areas": _VULNERABLE_AREAS_OF.objects(municipality=municipality.pk),
    }


def organisation_members(organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("user").order_by(
        "user__last_name", "user__first_name", "role"
    )


# --- Councils, meetings and the coordination function ------------------------------


def councils_of(municipality: Municipality) -> QuerySet[Council]:
    """The municipality's councils for its list page: current members and next meeting."""
    today = dates.today()
    meetings = Meeting.objects.filter(council=OuterRef("pk")).values("held_on")
    return (
        municipality.councils.annotate(
            current_members=Count(
                "members", filter=Q(members__to_date__isnull=True) | Q(members__to_date__gte=today)
            ),
            next_meeting=Subquery(meetings.filter(held_on__gte=today).order_by("held_on")[:1]),
            last_meeting=Subquery(meetings.filter(held_on__lt=today).order_by("-held_on")[:1]),
        )
        .select_related("municipality")
        .order_by("name", "pk")
    )


@dataclass(frozen=True)
class CouncilPage:
    council: Council
    current_members: list[CouncilMember]
    former_members: list[CouncilMember]
    upcoming_meetings: list[Meeting]
    past_meetings: list[Meeting]


def council_page(council: Council) -> CouncilPage:
    """What the council page shows; a fixed number of queries whatever the size."""
    today = dates.today()
    members = list(council.members.select_related("organisation"))
    meetings = list(
        council.meetings.annotate(decision_count=Count("decisions")).order_by("-held_on", "-pk")
    )
    role_order = {CouncilMember.Role.CHAIR: 0, CouncilMember.Role.SECRETARY: 1}
    members.sort(key=lambda m: (role_order.get(m.role, 2), m.person_name.casefold(), m.pk))
    return CouncilPage(
        council=council,
        current_members=[m for m in members if m.is_current(today)],
        former_members=[m for m in members if not m.is_current(today)],
        upcoming_meetings=sorted(
            (m for m in meetings if m.is_upcoming(today)), key=lambda m: (m.held_on, m.pk)
        ),
        past_meetings=[m for m in meetings if not m.is_upcoming(today)],  # newest first
    )


def coordination_function_of(municipality: Municipality) -> CoordinationFunction | None:
    return CoordinationFunction.objects.filter(municipality=municipality).first()


def member_organisations(municipality: Municipality) -> QuerySet[Organisation]:
    """Organisations a council member can sit for: the municipality itself, the local
    police areas and county board that cover it, national authorities and partners."""
    Kind = Organisation.Kind
    return (
        Organisation.objects.filter(
            Q(kind=Kind.MUNICIPALITY, municipality=municipality)
            | Q(kind=Kind.POLICE_AREA, local_police_area__municipalities=municipality)
            | Q(kind=Kind.COUNTY_BOARD, county_id=municipality.county_id)
            | Q(kind__in=[Kind.NATIONAL, Kind.PARTNER])
        )
        .distinct()
        .order_by("name")
    )
