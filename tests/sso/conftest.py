from __future__ import annotations

import pytest
from django.urls import reverse

from councils.models import Role
from sso.models import Provider, RoleRule
from tests.sso import oidc_idp, saml_idp


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


@pytest.fixture(scope="session")
def saml_keys(tmp_path_factory):
    return saml_idp.make_keys(tmp_path_factory.mktemp("saml"))


@pytest.fixture
def saml_provider(saml_keys, police_org):
    RoleRule.objects.create(
        organisation=police_org, value="polis-kommunpolis", role=Role.POLICE_LIAISON
    )
    return Provider.objects.create(
        organisation=police_org,
        protocol=Provider.Protocol.SAML,
        name="Polisen",
        metadata_file=saml_keys.metadata_file,
        sp_entity_id=saml_idp.SP_ENTITY_ID,
        mfa_values=saml_idp.MFA,
    )


@pytest.fixture
def saml_server(client, saml_keys, saml_provider):
    metadata = client.get(reverse("sso-saml-metadata", args=[saml_provider.pk]))
    assert metadata.status_code == 200
    return saml_idp.Idp.for_sp(saml_keys, metadata.content)
