"""Reads that pages share, always scoped by the user through councils.access."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from councils import access
from councils.access import Capability
from councils.models import LocalPoliceArea, Membership, Municipality, Organisation, User


@dataclass(frozen=True)
class MunicipalityRow:
    municipality: Municipality
    capabilities: frozenset[Capability]

    @property
    def can_edit(self) -> bool:
        return Capability.EDIT in self.capabilities

    @property
    def can_review(self) -> bool:
        return Capability.REVIEW in self.capabilities

    @property
    def can_see_internal(self) -> bool:
        return Capability.INTERNAL in self.capabilities


def memberships_of(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related(
        "organisation",
        "organisation__municipality",
        "organisation__local_police_area",
        "organisation__county",
    )


def my_municipalities(user: User) -> list[MunicipalityRow]:
    """The municipalities the start page lists: those the user's memberships give rights on."""
    if access.reads_everywhere(user):
        return []  # a list of "my municipalities" would hold all 290
    municipalities = access.municipalities_for(user, Capability.READ).select_related(
        "county", "county__police_region"
    )
    return [MunicipalityRow(m, access.capabilities(user, m)) for m in municipalities]


def municipalities_list(user: User, *, county_code: str | None = None) -> QuerySet[Municipality]:
    municipalities = access.municipalities_for(user, Capability.READ).select_related("county")
    if county_code:
        municipalities = municipalities.filter(county__code=county_code)
    return municipalities.order_by("county__code", "name")


def municipality_detail(user: User, code: str) -> Municipality:
    """One municipality with what its overview shows, or 404."""
    municipality = access.get_municipality_or_404(user, code, Capability.READ)
    return (
        Municipality.objects.select_related("county", "county__police_region", "organisation")
        .prefetch_related(
            Prefetch(
                "local_police_areas",
                queryset=LocalPoliceArea.objects.select_related("police_region"),
            ),
            "vulnerable_areas",
        )
        .get(pk=municipality.pk)
    )


def organisation_members(organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("user").order_by(
        "user__last_name", "user__first_name", "role"
    )
