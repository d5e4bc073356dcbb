"""The operator's way to configure single sign-on without the admin: a JSON file (kept
with the deployment, secrets as ``client_secret_file`` paths) applied at every release.

    {"organisations": [{"name": "Uppsala kommun",
                        "policy": {"local_passwords_allowed": false, "email_domains": "uppsala.se",
                                   "contact": "IT-servicedesk, 018-727 00 00"},
                        "providers": [{"protocol": "oidc", "name": "Uppsala kommun",
                                       "issuer": "https://login.microsoftonline.com/<tenant>/v2.0",
                                       "client_id": "…",
                                       "client_secret_file": "/run/secrets/uppsala",
                                       "groups_claim": "groups"}],
                        "rules": [{"value": "<group object id>", "role": "coordinator"}]}]}

Providers are matched by organisation, protocol and ``client_id`` (OIDC) or
``metadata_url``/``metadata_file`` (SAML); rules are added, never removed. Running it
again does no harm."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from councils.models import Organisation
from sso.models import Provider, RoleRule, SignInPolicy

KEYS = ("protocol", "client_id", "metadata_url", "metadata_file")


class Command(BaseCommand):
    help = "Apply a JSON file of identity providers, role rules and sign-in policies."

    def add_arguments(self, parser):
        parser.add_argument("path")

    @transaction.atomic
    def handle(self, *args, path: str, **options):
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            for entry in data["organisations"]:
                self._organisation(entry)
        except (OSError, ValueError, KeyError, TypeError, ValidationError) as error:
            raise CommandError(f"{path}: {error}") from error

    def _organisation(self, entry: dict) -> None:
        organisation = Organisation.objects.filter(name=entry["name"]).first()
        if organisation is None:
            raise CommandError(f"No organisation named {entry['name']!r}")
        if "policy" in entry:
            policy, _created = SignInPolicy.objects.get_or_create(organisation=organisation)
            for field, value in entry["policy"].items():
                setattr(policy, field, value)
            policy.full_clean()
            policy.save()
        for settings in entry.get("providers", []):
            match = {key: settings.get(key, "") for key in KEYS}
            provider = Provider.objects.filter(organisation=organisation, **match).first()
            provider = provider or Provider(organisation=organisation)
            for field, value in settings.items():
                setattr(provider, field, value)
            provider.full_clean()
            provider.save()
        for rule in entry.get("rules", []):
            made = RoleRule(organisation=organisation, value=rule["value"], role=rule["role"])
            made.full_clean(validate_constraints=False)
            RoleRule.objects.get_or_create(
                organisation=organisation, value=rule["value"], role=rule["role"]
            )
        self.stdout.write(f"{organisation}: single sign-on configured.")
