"""Isolation cases of the account's own pages: two-factor (councils/views/two_factor.py)
and the e-mail address (councils/views/account.py), imported by tests/isolation.py."""

from __future__ import annotations

from councils.models import Role
from tests import factories as f
from tests.isolation import Case, Kind, register


def _org_admin(cast) -> dict:
    """Only an organisation administrator of the home organisation may change the rule:
    the case's viewer is one, made here; members of other organisations get 404."""
    cast.org_admin = f.UserFactory(username="org_admin")
    f.MembershipFactory(user=cast.org_admin, organisation=cast.home_org, role=Role.ORG_ADMIN)
    return {"pk": cast.home_org.pk}


# Each user's own device: nothing of anybody else's is shown or reachable.
register("two-factor", Case(Kind.LOGIN))
register("two-factor-enrol", Case(Kind.LOGIN))
register("two-factor-remove", Case(Kind.LOGIN, ok_status=405))
# The user's own address: nothing of anybody else's is shown or changed.
register("account-email", Case(Kind.LOGIN))
register("account-email-works", Case(Kind.LOGIN, ok_status=405))
register("account-ping", Case(Kind.LOGIN))
# Without a code owed the page sends the user on to the start page.
register("two-factor-verify", Case(Kind.LOGIN, ok_status=302))
register(
    "organisation-two-factor",
    Case(Kind.OBJECT, build=_org_admin, viewer="org_admin", ok_status=405),
)
