"""Writes that matter for geography, organisations and memberships."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from councils.models import (
    ROLES_BY_KIND,
    County,
    LocalPoliceArea,
    Membership,
    Municipality,
    Organisation,
    PoliceRegion,
    User,
)


@transaction.atomic
def organisation_ensure_for_municipality(*, municipality: Municipality) -> Organisation:
    """The municipality's own organisation ("Uppsala kommun"), created when missing."""
    organisation, _created = Organisation.objects.get_or_create(
        municipality=municipality,
        defaults={"name": f"{municipality.name} kommun", "kind": Organisation.Kind.MUNICIPALITY},
    )
    return organisation


@transaction.atomic
def organisation_ensure_for_county(*, county: County) -> Organisation:
    """The county administrative board ("Länsstyrelsen i Uppsala län"), created when missing."""
    organisation, _created = Organisation.objects.get_or_create(
        county=county,
        defaults={"name": f"Länsstyrelsen i {county.name}", "kind": Organisation.Kind.COUNTY_BOARD},
    )
    return organisation


@transaction.atomic
def local_police_area_ensure(
    *, name: str, police_region: PoliceRegion, municipalities: list[Municipality]
) -> LocalPoliceArea:
    """A local police area with exactly these municipalities, and its organisation."""
    area, _created = LocalPoliceArea.objects.get_or_create(name=name, police_region=police_region)
    area.municipalities.set(municipalities)
    Organisation.objects.get_or_create(
        local_police_area=area,
        defaults={"name": name, "kind": Organisation.Kind.POLICE_AREA},
    )
    return area


@transaction.atomic
def membership_grant(*, user: User, organisation: Organisation, role: str) -> Membership:
    """Give ``user`` a role in ``organisation``; the role must exist in its kind."""
    if role not in ROLES_BY_KIND[organisation.kind]:
        raise ValidationError(
            _("The role %(role)s does not exist in a %(kind)s.")
            % {"role": role, "kind": organisation.get_kind_display()}
        )
    membership, _created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role
    )
    return membership
