"""Sets up the demo's single sign-on: Uppsala kommun signs in through the local OpenID
Connect provider `make sso-demo` starts (tests/sso/idp.js), and writes its configuration
to var/sso-demo-idp.json. Running it again does no harm."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from councils.models import Organisation, Role
from sso.models import Provider, RoleRule, SignInPolicy

CLIENT_ID = "samverkan-demo"
CLIENT_SECRET = "samverkan-demo-secret"  # noqa: S105 (the local demo provider's only)
GROUP = "samverkan-samordnare"


class Command(BaseCommand):
    help = "Configure Uppsala kommun to sign in through the local demo OpenID Connect provider."

    def add_arguments(self, parser):
        parser.add_argument("--issuer", default="http://127.0.0.1:8001")
        parser.add_argument("--site", default="http://127.0.0.1:8000")

    def handle(self, *args, issuer: str, site: str, **options):
        organisation = Organisation.objects.filter(name="Uppsala kommun").first()
        if organisation is None:
            raise CommandError("No Uppsala kommun: run `manage.py seed_demo` first.")
        Provider.objects.update_or_create(
            organisation=organisation,
            protocol=Provider.Protocol.OIDC,
            client_id=CLIENT_ID,
            defaults={
                "name": "Uppsala kommun (demo)",
                "issuer": issuer,
                "client_secret": CLIENT_SECRET,
                "scopes": "openid email profile groups",
                "enabled": True,
            },
        )
        RoleRule.objects.get_or_create(
            organisation=organisation, value=GROUP, role=Role.COORDINATOR
        )
        SignInPolicy.objects.update_or_create(
            organisation=organisation,
            defaults={"email_domains": "uppsala.se", "contact": "Samverkans administratör"},
        )
        site = site.rstrip("/")
        port = int(issuer.rsplit(":", 1)[1].split("/")[0])
        config = {
            "port": port,
            "issuer": issuer,
            "clients": [
                {
                    "client_id": CLIENT_ID,
                    "client_secret": CLIENT_SECRET,
                    "redirect_uris": [f"{site}/sso/oidc/callback/"],
                    "post_logout_redirect_uris": [f"{site}/accounts/login/"],
                    "grant_types": ["authorization_code"],
                    "response_types": ["code"],
                }
            ],
            "accounts": {
                "ny.samordnare": {
                    "email": "ny.samordnare@uppsala.se",
                    "email_verified": True,
                    "given_name": "Nora",
                    "family_name": "Samordnare",
                    "groups": [GROUP],
                    "amr": ["pwd", "mfa"],
                },
                "utan.grupp": {
                    "email": "utan.grupp@uppsala.se",
                    "email_verified": True,
                    "groups": ["kaffeklubben"],
                },
            },
        }
        path = settings.VAR_DIR / "sso-demo-idp.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(config, indent=2), encoding="utf-8")
        self.stdout.write(
            f"Uppsala kommun signs in through {issuer} (accounts: ny.samordnare, utan.grupp); "
            f"configuration in {path}."
        )
