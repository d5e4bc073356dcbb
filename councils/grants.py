"""The grant table: what each role in each kind of organisation may do.

Only ``councils.access`` reads it (the role gate in tests/test_kit_gates_lookups.py);
everything else asks access (``can``, ``holders`` …), which re-exports these names.
"""

from __future__ import annotations

from enum import StrEnum

from councils.models import Organisation, Role

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
    #: report incidents by place (EST): the municipality, the police and partners
    REPORT = "report"
    #: the joint weekly picture of incidents: counts, never other organisations' reports
    PICTURE = "picture"


READ, INTERNAL, EDIT, REVIEW, REPORT, PICTURE = (
    Capability.READ,
    Capability.INTERNAL,
    Capability.EDIT,
    Capability.REVIEW,
    Capability.REPORT,
    Capability.PICTURE,
)

#: What a role in a kind of organisation grants on the municipalities in its scope.
GRANTS: dict[tuple[str, str], frozenset[Capability]] = {
    (Kind.MUNICIPALITY, Role.COORDINATOR): frozenset({READ, INTERNAL, EDIT, REPORT, PICTURE}),
    (Kind.MUNICIPALITY, Role.READER): frozenset({READ, INTERNAL, PICTURE}),
    (Kind.MUNICIPALITY, Role.ORG_ADMIN): frozenset({READ, INTERNAL, PICTURE}),
    (Kind.POLICE_AREA, Role.POLICE_LIAISON): frozenset({READ, INTERNAL, REVIEW, REPORT, PICTURE}),
    (Kind.POLICE_AREA, Role.READER): frozenset({READ, INTERNAL, PICTURE}),
    (Kind.POLICE_AREA, Role.ORG_ADMIN): frozenset({READ, INTERNAL, PICTURE}),
    (Kind.COUNTY_BOARD, Role.COUNTY_OFFICER): frozenset({READ, PICTURE}),
    (Kind.COUNTY_BOARD, Role.READER): frozenset({READ, PICTURE}),
    (Kind.COUNTY_BOARD, Role.ORG_ADMIN): frozenset({READ, PICTURE}),
    (Kind.NATIONAL, Role.READER): frozenset({READ, PICTURE}),
    (Kind.NATIONAL, Role.ORG_ADMIN): frozenset({READ, PICTURE}),
    # partners: on the municipalities they have an active partnership with
    (Kind.PARTNER, Role.REPORTER): frozenset({REPORT, PICTURE}),
    (Kind.PARTNER, Role.CONTACT): frozenset({REPORT, PICTURE}),
    (Kind.PARTNER, Role.ORG_ADMIN): frozenset({PICTURE}),
}

#: the partner roles responsible for their organisation's activities (follow-ups, reminders)
RESPONSIBLE_ROLES = (Role.CONTACT,)
#: the partner roles that invite people into their own organisation
INVITING_ROLES = (Role.ORG_ADMIN,)

ALL = frozenset(Capability)


def _granting(capability: Capability, kind: str) -> list[str]:
    """The roles that grant ``capability`` in an organisation of ``kind``."""
    return [role for (k, role), caps in GRANTS.items() if k == kind and capability in caps]
