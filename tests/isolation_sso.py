"""Isolation cases of single sign-on (sso/urls.py), imported by tests/isolation.py.

Every page here is for people not yet signed in: it shows nothing of any organisation
but the provider's button label, and a sign-in only ever grants what the provider's own
organisation's rules give (tests/sso)."""

from __future__ import annotations

from sso.models import Provider
from tests.isolation import Case, Kind, register


def _provider(protocol: str):
    def build(cast) -> dict:
        provider = Provider.objects.create(
            organisation=cast.home_org,
            protocol=protocol,
            issuer="http://127.0.0.1:9/",
            client_id="samverkan",
            client_secret="hemlighet",
            metadata_file="/nonexistent/idp-metadata.xml",
        )
        return {"pk": provider.pk}

    return build


register("sso-start", Case(Kind.PUBLIC, build=_provider("oidc"), ok_status=403))
register("sso-find", Case(Kind.PUBLIC, ok_status=405))
register("sso-oidc-callback", Case(Kind.PUBLIC, ok_status=400))
register("sso-saml-acs", Case(Kind.PUBLIC, build=_provider("saml"), ok_status=405))
register("sso-saml-metadata", Case(Kind.PUBLIC, build=_provider("saml")))
register("sso-no-access", Case(Kind.PUBLIC, ok_status=404))
register("sso-saml-slo", Case(Kind.PUBLIC, build=_provider("saml"), ok_status=400))
