from __future__ import annotations

import pytest

from councils.models import Role
from sso.models import Provider, RoleRule
from tests.sso import oidc_idp


@pytest.fixture(scope="session")
def oidc_server():
    server = oidc_idp.start()
    yield server
    server.process.terminate()
    server.process.wait(timeout=10)


@pytest.fixture
def oidc_provider(oidc_server, home_org):
    RoleRule.objects.create(
        organisation=home_org, value="samverkan-samordnare", role=Role.COORDINATOR
    )
    return Provider.objects.create(
        organisation=home_org,
        protocol=Provider.Protocol.OIDC,
        name="Hemby kommun",
        issuer=oidc_server.issuer,
        client_id=oidc_idp.CLIENT_ID,
        client_secret=oidc_idp.CLIENT_SECRET,
        scopes="openid email profile groups",
    )
