"""The one answer to "what may this user see and change".

Every page, list, export, PDF and e-mail of the project asks this module. Rights
come from memberships: a role in an organisation grants capabilities on the
municipalities in that organisation's scope.

- Coordinators edit their own municipality.
- Police liaisons see and review the municipalities of their local police area.
- County officers read every municipality in their county.
- National readers (Brå) read everything that is published or signed.
- Partners (housing companies, schools …) report and see the weekly picture where they
  have an active partnership; their contacts follow up their own activities.
- Superusers may do everything.

Objects a user may not know exist answer 404, never 403. Views look objects up with
``get_object_or_404(user, queryset, capability, pk=…)`` and narrow lists with
``filter_visible(queryset, user, capability)`` (the busiest pages by SQL made once:
``ByKey``, ``visible(InScope(queryset), …)``); each model says once how its rows
reach their municipality (``municipality_path``, see ``councils.models.InMunicipality``).
Who must be told or reminded asks ``holders``/``holders_by_municipality``; nothing
outside this module compares membership roles.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, F, Model, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from councils import scoped
from councils.grants import (  # the grant table, read here only
    ALL,
    EDIT,
    GRANTS,
    INTERNAL,  # noqa: F401 (re-exported: access.INTERNAL)
    INVITING_ROLES,
    PICTURE,  # noqa: F401 (re-exported)
    READ,
    REPORT,
    RESPONSIBLE_ROLES,
    REVIEW,
    Capability,
    Kind,
    _granting,
)
from councils.models import (
    County,
    Membership,
    Municipality,
    Organisation,
    Role,
    User,
)
from councils.partners import Partnership
from councils.prepared import PreparedObjects
from councils.scoped import (
    MUNICIPALITY_ID,
    ByKey,
    InScope,
    municipality_path,
)


def _anonymous(user) -> bool:
    return user is None or not user.is_authenticated or not user.is_active


def scope_ids(user, capability: Capability) -> list[int] | None:
    """The ids of the municipalities on which ``user`` holds ``capability``, read from the
    grants the request works out once; None when they hold it on every municipality
    (superusers, and national roles that grant it)."""
    if _anonymous(user):
        return []
    grants = _grants(user)
    if capability in grants.everywhere:
        return None
    return sorted(pk for pk, held in grants.by_municipality.items() if capability in held)


def municipalities_for(user, capability: Capability = READ) -> QuerySet[Municipality]:
    """Every municipality on which ``user`` holds ``capability``. The queryset names the
    ids (``id IN (…)``, from the grants): pages that filter several queries by it pay
    PostgreSQL's planner for a list, not for the memberships, police areas, counties and
    partnerships behind it in each query."""
    ids = scope_ids(user, capability)
    return Municipality.objects.all() if ids is None else Municipality.objects.filter(pk__in=ids)


@dataclass
class _Grants:
    """A user's capabilities per municipality id, worked out once per user object."""

    everywhere: frozenset[Capability] = frozenset()
    by_municipality: dict[int, set[Capability]] = field(default_factory=lambda: defaultdict(set))
    #: what the user's county board and police area memberships grant, per county and area
    by_county: dict[int, set[Capability]] = field(default_factory=lambda: defaultdict(set))
    by_police_area: dict[int, set[Capability]] = field(default_factory=lambda: defaultdict(set))
    analysis_counties: set[int] = field(default_factory=set)  # writes_county_analysis
    partner_roles: set[str] | None = field(default_factory=set)  # in partner organisations
    #: the user's roles per partner organisation (None for superusers: every one)
    partner_roles_in: dict[int, set[str]] | None = field(default_factory=lambda: defaultdict(set))

    def on(self, municipality_id: int) -> frozenset[Capability]:
        return self.everywhere | frozenset(self.by_municipality.get(municipality_id, ()))


def _grants(user) -> _Grants:
    cached = getattr(user, "_samverkan_grants", None)
    if cached is not None:
        return cached
    grants = _Grants()
    if user.is_superuser:
        grants.everywhere, grants.partner_roles, grants.partner_roles_in = ALL, None, None
    else:
        police_caps, county_caps = grants.by_police_area, grants.by_county
        partner_caps: dict[int, set[Capability]] = defaultdict(set)
        memberships = scoped.MEMBERSHIPS.rows(user=user.pk)
        for role, kind, org_id, municipality_id, police_area_id, county_id in memberships:
            if kind == Kind.PARTNER:
                grants.partner_roles.add(role)
                grants.partner_roles_in[org_id].add(role)
            caps = GRANTS.get((kind, role), frozenset())
            if not caps:
                continue
            if kind == Kind.NATIONAL:
                grants.everywhere |= caps
            elif kind == Kind.MUNICIPALITY:
                grants.by_municipality[municipality_id] |= caps
            elif kind == Kind.POLICE_AREA:
                police_caps[police_area_id] |= caps
            elif kind == Kind.COUNTY_BOARD:
                county_caps[county_id] |= caps
                if role == Role.COUNTY_OFFICER:
                    grants.analysis_counties.add(county_id)
            elif kind == Kind.PARTNER:
                partner_caps[org_id] |= caps
        if police_caps:
            for area_id, municipality_id in scoped.POLICE_AREAS.rows(areas=sorted(police_caps)):
                grants.by_municipality[municipality_id] |= police_caps[area_id]
        if county_caps:
            for municipality_id, county_id in scoped.COUNTIES.rows(counties=sorted(county_caps)):
                grants.by_municipality[municipality_id] |= county_caps[county_id]
        if partner_caps:
            for org_id, municipality_id in scoped.PARTNERSHIPS.rows(
                organisations=sorted(partner_caps)
            ):
                grants.by_municipality[municipality_id] |= partner_caps[org_id]
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


def holds_anywhere(user, capability: Capability) -> bool:
    """Whether ``user`` holds ``capability`` on any municipality: from the grants the
    request works out once (``municipalities_for(...).exists()`` answers the same with a
    query over every municipality, on every page that asks, e.g. the navigation)."""
    if _anonymous(user):
        return False
    grants = _grants(user)
    return capability in grants.everywhere or any(
        capability in held for held in grants.by_municipality.values()
    )


def reads_everywhere(user) -> bool:
    """Superusers and national readers read every municipality."""
    return not _anonymous(user) and READ in _grants(user).everywhere


def can(user, capability: Capability, municipality: Municipality | int) -> bool:
    return capability in capabilities(user, municipality)


def get_municipality_or_404(
    user,
    code: str,
    capability: Capability = READ,
    queryset: QuerySet | PreparedObjects | None = None,
) -> Municipality:
    """The municipality with SCB ``code`` (from ``queryset``, with what the page shows
    of it, or a ``PreparedObjects`` of a ``code``) if ``user`` holds ``capability`` on
    it, else 404: one query, the grants decide."""
    queryset = Municipality.objects.select_related("county") if queryset is None else queryset
    prepared = isinstance(queryset, PreparedObjects)  # (codes are unique: one row at most)
    municipality = queryset.first(code=code) if prepared else queryset.filter(code=code).first()
    if municipality is None or not can(user, capability, municipality.pk):
        raise Http404(_("No such municipality."))
    return municipality


# --- lookups: the object, or 404 -----------------------------------------------------


def filter_visible(queryset: QuerySet, user, capability: Capability) -> QuerySet:
    """The rows of ``queryset`` on whose municipality ``user`` holds ``capability``: for
    lists, exports and every other read of many rows."""
    path = municipality_path(queryset.model)
    ids = scope_ids(user, capability)
    if ids is None:
        return queryset.all()
    return queryset.filter(**{f"{path}__in": ids})


def visible(scoped: InScope, user, capability: Capability, /, **values) -> list[Model]:
    """``list(filter_visible(scoped.queryset, user, capability))`` by SQL made once (with
    the query's own ``values``, if it takes any)."""
    return scoped.rows(scope_ids(user, capability), **values)


def get_object_or_404(
    user, queryset: QuerySet | ByKey | type[Model], capability: Capability, **lookup
):
    """The row of ``queryset`` (or of a model) matching ``lookup`` if ``user`` holds
    ``capability`` on its municipality; Http404 otherwise, whether the row does not exist
    or is not theirs to see, so a user learns nothing of other organisations' records.

    Pass the queryset with the ``select_related`` the page needs:
    ``get_object_or_404(user, Pledge.objects.select_related("municipality"), EDIT, pk=pk)``.
    The row is fetched as asked (by key: one query that is cheap to plan), with its
    municipality's id alongside; the user's grants (worked out once per request) decide.
    A busy page passes ``ByKey(queryset)``: the same row by SQL made once.
    """
    if isinstance(queryset, ByKey) and lookup.keys() == {"pk"} and type(lookup["pk"]) is int:
        found, model = queryset.by_key(lookup["pk"]), queryset.queryset.model
    else:
        if isinstance(queryset, ByKey):
            queryset = queryset.queryset
        elif isinstance(queryset, type):
            queryset = queryset._default_manager.all()
        path = municipality_path(queryset.model)
        found = queryset.filter(**lookup).annotate(**{MUNICIPALITY_ID: F(path)}).first()
        model = queryset.model
    if found is None or not can(user, capability, getattr(found, MUNICIPALITY_ID)):
        raise Http404(f"No {model._meta.object_name} matches the given query.")
    return found


def reviews_for_police_areas(user, police_area_ids) -> bool:
    """Whether ``user`` is a police liaison of one of these local police areas (from the
    grants: ``police_area_ids`` is read only for a liaison of some area)."""
    if _anonymous(user) or user.is_superuser:
        return not _anonymous(user)
    mine = {area for area, held in _grants(user).by_police_area.items() if REVIEW in held}
    return bool(mine) and not mine.isdisjoint(police_area_ids)


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
    if organisation.kind == Kind.PARTNER:
        partnered = Partnership.objects.active().filter(organisation=organisation)
        return Municipality.objects.filter(pk__in=partnered.values("municipality"))
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


# --- counties: the county board's view of a whole county -------------------------------


def counties_for(user, capability: Capability = READ) -> QuerySet[County]:
    """The counties whose county board gives ``user`` ``capability`` on the whole county
    (its dashboard and summary); every county for those who hold it everywhere."""
    if _anonymous(user):
        return County.objects.none()
    grants = _grants(user)
    if capability in grants.everywhere:
        return County.objects.all()
    ids = sorted(pk for pk, held in grants.by_county.items() if capability in held)
    return County.objects.filter(pk__in=ids) if ids else County.objects.none()


def follows_counties(user) -> bool:
    """Whether a county board membership gives ``user`` READ on a county (no query)."""
    return not _anonymous(user) and any(READ in held for held in _grants(user).by_county.values())


def get_county_or_404(user, capability: Capability = READ, **lookup) -> County:
    """The county matching ``lookup`` (``code=`` or ``pk=``) if it is one of
    ``counties_for(user, capability)``; 404 otherwise, whether it exists or not."""
    if list(lookup) == ["code"] and not _anonymous(user):  # a page's: by SQL made once
        county, grants = scoped.COUNTY_BY_CODE.first(code=str(lookup["code"])), _grants(user)
        if county and capability not in grants.everywhere | grants.by_county.get(county.pk, set()):
            county = None
    else:
        county = counties_for(user, capability).filter(**lookup).first()
    if county is None:
        raise Http404("No County matches the given query.")
    return county


# --- the county board's own analysis ---------------------------------------------------


def writes_county_analysis(user, county: County | int) -> bool:
    """Whether ``user`` writes the county board's own analysis of ``county`` (the
    introduction and the comments per municipality of the county summary): a county
    officer of that county's county board, or a superuser. Readers of the county board
    and national readers do not: the analysis is internal until the PDF is made."""
    if _anonymous(user):
        return False
    county_id = county if isinstance(county, int) else county.pk
    return user.is_superuser or county_id in _grants(user).analysis_counties


def get_analysis_county_or_404(user, code: str) -> County:
    """The county with SCB code ``code`` if ``user`` writes its analysis; 404 otherwise."""
    county = County.objects.filter(code=code).first()
    if county is None or not writes_county_analysis(user, county):
        raise Http404("No County matches the given query.")
    return county


# --- holders: who is to be told ---------------------------------------------------------

#: how the roles of each kind of organisation reach municipalities, from a membership
#: (national roles reach every municipality)
_REACH = {
    Kind.MUNICIPALITY: "organisation__municipality",
    Kind.POLICE_AREA: "organisation__local_police_area__municipalities",
    Kind.COUNTY_BOARD: "organisation__county__municipalities",
    Kind.PARTNER: "organisation__partnerships__municipality",
}
#: what else a reach must meet (in the same join): a partnership that has not ended
_REACH_ALSO = {Kind.PARTNER: {"organisation__partnerships__ended_on__isnull": True}}


def _granting_kinds(capability: Capability) -> dict[str, list[str]]:
    """kind -> the roles granting ``capability`` in it, for the kinds where one does."""
    kinds = dict.fromkeys(kind for kind, _role in GRANTS)
    return {kind: roles for kind in kinds if (roles := _granting(capability, kind))}


def holders(capability: Capability, municipality: Municipality | int) -> QuerySet[User]:
    """The active users whose memberships give them ``capability`` on ``municipality``:
    who is notified of what happens there. (Superusers may do everything but are
    nobody's colleague: they are holders only through a membership.)"""
    municipality_id = getattr(municipality, "pk", municipality)
    granted = Q()
    for kind, roles in _granting_kinds(capability).items():
        member = Q(memberships__organisation__kind=kind, memberships__role__in=roles)
        if kind in _REACH:
            also = {f"memberships__{k}": v for k, v in _REACH_ALSO.get(kind, {}).items()}
            member &= Q(**{f"memberships__{_REACH[kind]}": municipality_id}, **also)
        granted |= member
    if not granted:
        return User.objects.none()
    return User.objects.filter(granted, is_active=True).distinct()


def holders_by_municipality(capability: Capability) -> dict[int, list[int]]:
    """``holders`` of every municipality at once: municipality id -> user ids, each once,
    for the municipalities that have any; one query per kind of organisation granting
    ``capability`` (two for national roles), whatever the size of the data."""
    found: dict[int, list[int]] = defaultdict(list)

    def add(municipality_id: int, user_id: int) -> None:
        if user_id not in found[municipality_id]:
            found[municipality_id].append(user_id)

    for kind, roles in _granting_kinds(capability).items():
        members = Membership.objects.filter(
            organisation__kind=kind, role__in=roles, user__is_active=True
        )
        if kind in _REACH:
            reach = _REACH[kind]
            pairs = members.filter(
                **{f"{reach}__isnull": False}, **_REACH_ALSO.get(kind, {})
            ).values_list("user_id", reach)
            for user_id, municipality_id in pairs:
                add(municipality_id, user_id)
        else:  # national: every municipality
            everywhere = list(members.values_list("user_id", flat=True))
            if everywhere:
                for municipality_id in Municipality.objects.values_list("pk", flat=True):
                    for user_id in everywhere:
                        add(municipality_id, user_id)
    return dict(found)


# --- the site's administrators ----------------------------------------------------------


def administers(user) -> bool:
    """Staff and superusers: they change what belongs to every municipality at once
    (indicator imports); nobody's membership grants that."""
    return not _anonymous(user) and (user.is_staff or user.is_superuser)


# --- partner organisations -------------------------------------------------------------


def _partner_memberships(user, roles) -> QuerySet[Membership]:
    held = _grants(user).partner_roles  # none of ``roles``: no query (nor any that uses it)
    if held is not None and held.isdisjoint(roles):
        return Membership.objects.none()
    return Membership.objects.filter(
        user=user, organisation__kind=Kind.PARTNER, role__in=list(roles)
    )


def reporting_organisations(user, municipality: Municipality | int) -> list[int]:
    """The ids of ``user``'s organisations whose role grants them REPORT in
    ``municipality``: a reporter sees the reports of these organisations."""
    if _anonymous(user):
        return []
    municipality_id = getattr(municipality, "pk", municipality)
    found = []
    for membership in Membership.objects.filter(user=user).select_related("organisation"):
        org = membership.organisation
        if REPORT not in GRANTS.get((org.kind, membership.role), frozenset()):
            continue
        if organisation_scope(org).filter(pk=municipality_id).exists() and org.pk not in found:
            found.append(org.pk)
    return found


def partner_organisations(user, roles=RESPONSIBLE_ROLES) -> QuerySet[Organisation]:
    """The partner organisations in which ``user`` holds one of ``roles`` (by default the
    contacts': the organisations whose activities they follow up)."""
    if _anonymous(user):
        return Organisation.objects.none()
    mine = _partner_memberships(user, roles).values("organisation")
    return Organisation.objects.filter(pk__in=mine)


def _partner_ids(user, roles) -> list[int] | None:
    """The ids of the partner organisations in which ``user`` holds one of ``roles``,
    from the grants (None for superusers, whose grants do not list them)."""
    if _anonymous(user):
        return []
    held = _grants(user).partner_roles_in
    return None if held is None else sorted(o for o, mine in held.items() if mine & set(roles))


def partner_organisation_list(user, roles=RESPONSIBLE_ROLES) -> list[Organisation]:
    """``list(partner_organisations(user, roles))`` by SQL made once (none: no query)."""
    ids = _partner_ids(user, roles)
    if ids is None:
        return list(partner_organisations(user, roles))
    return scoped.ORGANISATIONS.objects(ids=ids)


def filter_responsible(
    queryset: QuerySet, user, organisation_field: str = "responsible_organisation"
):
    """The rows of ``queryset`` (activities) whose responsible organisation ``user`` is a
    contact of, where it has an active partnership (superusers too: a partner's list)."""
    if _anonymous(user):
        return queryset.none()
    path = municipality_path(queryset.model)
    active = Partnership.objects.active().filter(
        organisation=OuterRef(organisation_field), municipality=OuterRef(path)
    )
    mine = _partner_memberships(user, RESPONSIBLE_ROLES).values("organisation")
    return queryset.filter(**{f"{organisation_field}__in": mine}).filter(Exists(active))


def get_responsible_or_404(user, queryset: QuerySet, **lookup):
    """A row of ``filter_responsible(queryset, user)`` matching ``lookup``, else 404."""
    found = filter_responsible(queryset, user).filter(**lookup).first()
    if found is None:
        raise Http404(f"No {queryset.model._meta.object_name} matches the given query.")
    return found


def responsible_for(user, organisation_id: int | None, municipality_id: int) -> bool:
    """Whether ``user`` is a contact of partner ``organisation_id``, partnered with
    ``municipality_id``: they follow up that organisation's activities there."""
    if _anonymous(user) or organisation_id is None:
        return False
    return (
        _partner_memberships(user, RESPONSIBLE_ROLES)
        .filter(
            organisation_id=organisation_id,
            organisation__partnerships__municipality_id=municipality_id,
            organisation__partnerships__ended_on__isnull=True,
        )
        .exists()
    )


def responsible_holders() -> dict[tuple[int, int], list[int]]:
    """(partner organisation id, municipality id) -> the active contacts responsible for
    its activities there, for every active partnership: one query (reminders)."""
    found: dict[tuple[int, int], list[int]] = defaultdict(list)
    pairs = Membership.objects.filter(
        organisation__kind=Kind.PARTNER,
        role__in=list(RESPONSIBLE_ROLES),
        user__is_active=True,
        organisation__partnerships__ended_on__isnull=True,
    ).values_list("organisation_id", "organisation__partnerships__municipality_id", "user_id")
    for org_id, municipality_id, user_id in pairs:
        if user_id not in found[(org_id, municipality_id)]:
            found[(org_id, municipality_id)].append(user_id)
    return dict(found)


def partners_for(user, municipality: Municipality | int) -> QuerySet[Partnership]:
    """The partnerships of ``municipality`` that ``user`` manages (starts, ends, invites
    into): all of them for who holds EDIT there, their own organisation's for a partner's
    organisation administrators."""
    municipality_id = getattr(municipality, "pk", municipality)
    rows = Partnership.objects.filter(municipality_id=municipality_id)
    if can(user, EDIT, municipality_id):
        return rows
    if _anonymous(user):
        return rows.none()
    admins = _partner_memberships(user, INVITING_ROLES).values("organisation")
    return rows.filter(organisation__in=admins)


def managed_partnerships(user) -> QuerySet[Partnership]:
    """The active partnerships of the partner organisations ``user`` administers."""
    if _anonymous(user):
        return Partnership.objects.none()
    admins = _partner_memberships(user, INVITING_ROLES).values("organisation")
    return (
        Partnership.objects.active()
        .filter(organisation__in=admins)
        .select_related("organisation", "municipality")
    )


def managed_partnership_list(user) -> list[Partnership]:
    """``list(managed_partnerships(user))`` by SQL made once (none: no query)."""
    ids = _partner_ids(user, INVITING_ROLES)
    if ids is None:
        return list(managed_partnerships(user))
    return scoped.ACTIVE_PARTNERSHIPS.objects(organisations=ids)


def get_partnership_or_404(user, queryset: QuerySet, **lookup):
    """A partnership ``user`` manages (``partners_for``: coordinators of its municipality,
    administrators of its partner organisation), else 404. Also an invitation (any row
    with ``organisation`` and ``municipality``): one into a partnership ``user`` manages."""
    found = queryset.filter(**lookup).first()
    managed = found is not None and (
        partners_for(user, found.municipality_id)
        .filter(organisation_id=found.organisation_id)
        .exists()
    )
    if not managed:
        raise Http404(f"No {queryset.model._meta.object_name} matches the given query.")
    return found
