"""The one answer to "what may this user see and change".

Every page, list, export, PDF and e-mail of the project asks this module. Rights
come from memberships: a role in an organisation grants capabilities on the
municipalities in that organisation's scope.

- Coordinators edit their own municipality.
- Police liaisons see and review the municipalities of their local police area.
- County officers read every municipality in their county.
- National readers (Brå) read everything that is published or signed.
- Superusers may do everything.

Objects a user may not know exist answer 404, never 403: use the ``get_*_or_404``
helpers in views.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from councils.models import (
    LocalPoliceArea,
    Membership,
    Municipality,
    Organisation,
    Role,
)

Kind = Organisation.Kind


class Capability(StrEnum):
    #: the municipality's overview, statuses, and what is published or signed
    READ = "read"
    #: drafts, internal comments and internal follow-ups
    INTERNAL = "internal"
    #: write the municipality's documents (lägesbild, agreements, pledges, follow-ups)
    EDIT = "edit"
    #: comment on, approve and co-sign for the police
    REVIEW = "review"


READ, INTERNAL, EDIT, REVIEW = (
    Capability.READ,
    Capability.INTERNAL,
    Capability.EDIT,
    Capability.REVIEW,
)

#: What a role in a kind of organisation grants on the municipalities in its scope.
GRANTS: dict[tuple[str, str], frozenset[Capability]] = {
    (Kind.MUNICIPALITY, Role.COORDINATOR): frozenset({READ, INTERNAL, EDIT}),
    (Kind.MUNICIPALITY, Role.READER): frozenset({READ, INTERNAL}),
    (Kind.MUNICIPALITY, Role.ORG_ADMIN): frozenset({READ, INTERNAL}),
    (Kind.POLICE_AREA, Role.POLICE_LIAISON): frozenset({READ, INTERNAL, REVIEW}),
    (Kind.POLICE_AREA, Role.READER): frozenset({READ, INTERNAL}),
    (Kind.POLICE_AREA, Role.ORG_ADMIN): frozenset({READ, INTERNAL}),
    (Kind.COUNTY_BOARD, Role.COUNTY_OFFICER): frozenset({READ}),
    (Kind.COUNTY_BOARD, Role.READER): frozenset({READ}),
    (Kind.COUNTY_BOARD, Role.ORG_ADMIN): frozenset({READ}),
    (Kind.NATIONAL, Role.READER): frozenset({READ}),
    (Kind.NATIONAL, Role.ORG_ADMIN): frozenset({READ}),
}

ALL = frozenset(Capability)


def _granting(capability: Capability, kind: str) -> list[str]:
    """The roles that grant ``capability`` in an organisation of ``kind``."""
    return [role for (k, role), caps in GRANTS.items() if k == kind and capability in caps]


def _anonymous(user) -> bool:
    return user is None or not user.is_authenticated or not user.is_active


def municipalities_for(user, capability: Capability = READ) -> QuerySet[Municipality]:
    """Every municipality on which ``user`` holds ``capability``, as one query."""
    if _anonymous(user):
        return Municipality.objects.none()
    if user.is_superuser:
        return Municipality.objects.all()
    mine = Membership.objects.filter(user=user)
    if mine.filter(
        organisation__kind=Kind.NATIONAL, role__in=_granting(capability, Kind.NATIONAL)
    ).exists():
        return Municipality.objects.all()
    own = mine.filter(
        organisation__kind=Kind.MUNICIPALITY, role__in=_granting(capability, Kind.MUNICIPALITY)
    ).values("organisation__municipality")
    police_areas = mine.filter(
        organisation__kind=Kind.POLICE_AREA, role__in=_granting(capability, Kind.POLICE_AREA)
    ).values("organisation__local_police_area")
    counties = mine.filter(
        organisation__kind=Kind.COUNTY_BOARD, role__in=_granting(capability, Kind.COUNTY_BOARD)
    ).values("organisation__county")
    via_police = LocalPoliceArea.municipalities.through.objects.filter(
        localpolicearea__in=police_areas
    ).values("municipality")
    return Municipality.objects.filter(
        Q(pk__in=own) | Q(pk__in=via_police) | Q(county__in=counties)
    )


@dataclass
class _Grants:
    """A user's capabilities per municipality id, worked out once per user object."""

    everywhere: frozenset[Capability] = frozenset()
    by_municipality: dict[int, set[Capability]] = field(default_factory=lambda: defaultdict(set))

    def on(self, municipality_id: int) -> frozenset[Capability]:
        return self.everywhere | frozenset(self.by_municipality.get(municipality_id, ()))


def _grants(user) -> _Grants:
    cached = getattr(user, "_samverkan_grants", None)
    if cached is not None:
        return cached
    grants = _Grants()
    if user.is_superuser:
        grants.everywhere = ALL
    else:
        police_caps: dict[int, set[Capability]] = defaultdict(set)
        county_caps: dict[int, set[Capability]] = defaultdict(set)
        for membership in Membership.objects.filter(user=user).select_related("organisation"):
            org = membership.organisation
            caps = GRANTS.get((org.kind, membership.role), frozenset())
            if not caps:
                continue
            if org.kind == Kind.NATIONAL:
                grants.everywhere |= caps
            elif org.kind == Kind.MUNICIPALITY:
                grants.by_municipality[org.municipality_id] |= caps
            elif org.kind == Kind.POLICE_AREA:
                police_caps[org.local_police_area_id] |= caps
            elif org.kind == Kind.COUNTY_BOARD:
                county_caps[org.county_id] |= caps
        if police_caps:
            links = LocalPoliceArea.municipalities.through.objects.filter(
                localpolicearea_id__in=police_caps
            ).values_list("localpolicearea_id", "municipality_id")
            for area_id, municipality_id in links:
                grants.by_municipality[municipality_id] |= police_caps[area_id]
        if county_caps:
            in_counties = Municipality.objects.filter(county_id__in=county_caps).values_list(
                "pk", "county_id"
            )
            for municipality_id, county_id in in_counties:
                grants.by_municipality[municipality_id] |= county_caps[county_id]
    user._samverkan_grants = grants
    return grants


def capabilities(user, municipality: Municipality | int) -> frozenset[Capability]:
    """What ``user`` may do in ``municipality`` (an instance or its id)."""
    if _anonymous(user):
        return frozenset()
    municipality_id = getattr(municipality, "pk", municipality)
    return _grants(user).on(municipality_id)


def require(user, capability: Capability, municipality: Municipality | int) -> None:
    """For services: raise PermissionDenied unless ``user`` holds ``capability`` there.

    (Views answer 404 before a service is called; this is the second line.)
    """
    if not can(user, capability, municipality):
        raise PermissionDenied


def reads_everywhere(user) -> bool:
    """Superusers and national readers read every municipality."""
    return not _anonymous(user) and READ in _grants(user).everywhere


def can(user, capability: Capability, municipality: Municipality | int) -> bool:
    return capability in capabilities(user, municipality)


def get_municipality_or_404(user, code: str, capability: Capability = READ) -> Municipality:
    """The municipality with SCB ``code`` if ``user`` holds ``capability`` on it, else 404."""
    municipality = (
        municipalities_for(user, capability).select_related("county").filter(code=code).first()
    )
    if municipality is None:
        raise Http404(_("No such municipality."))
    return municipality


def reviews_for_police_areas(user, police_area_ids) -> bool:
    """Whether ``user`` is a police liaison of one of these local police areas."""
    if _anonymous(user):
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(
        user=user,
        organisation__kind=Kind.POLICE_AREA,
        organisation__local_police_area__in=list(police_area_ids),
        role__in=_granting(REVIEW, Kind.POLICE_AREA),
    ).exists()


def organisation_scope(organisation: Organisation) -> QuerySet[Municipality]:
    """The municipalities an organisation's roles reach."""
    if organisation.kind == Kind.MUNICIPALITY:
        return Municipality.objects.filter(pk=organisation.municipality_id)
    if organisation.kind == Kind.POLICE_AREA:
        return Municipality.objects.filter(local_police_areas=organisation.local_police_area_id)
    if organisation.kind == Kind.COUNTY_BOARD:
        return Municipality.objects.filter(county=organisation.county_id)
    if organisation.kind == Kind.NATIONAL:
        return Municipality.objects.all()
    return Municipality.objects.none()


def organisations_for(user) -> QuerySet[Organisation]:
    """The organisations whose member pages ``user`` may open: their own, or all for superusers."""
    if _anonymous(user):
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(memberships__user=user).distinct()


def get_organisation_or_404(user, pk: int) -> Organisation:
    organisation = organisations_for(user).filter(pk=pk).first()
    if organisation is None:
        raise Http404(_("No such organisation."))
    return organisation


def can_manage_members(user, organisation: Organisation) -> bool:
    """Organisation administrators (and superusers) see contact details of every member."""
    if _anonymous(user):
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(
        user=user, organisation=organisation, role=Role.ORG_ADMIN
    ).exists()
