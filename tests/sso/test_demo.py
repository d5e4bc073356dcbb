"""`manage.py sso_demo` (make sso-demo): Uppsala kommun's button and the provider's file."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from councils.models import Organisation, Role
from sso.models import Provider, RoleRule

pytestmark = pytest.mark.django_db


def test_the_demo_provider_is_set_up_twice_without_harm(home_org, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    Organisation.objects.filter(pk=home_org.pk).update(name="Uppsala kommun")
    for _run in range(2):
        call_command("sso_demo", issuer="http://127.0.0.1:8001", site="http://127.0.0.1:8000")
    provider = Provider.objects.get()
    assert (provider.issuer, provider.organisation_id) == ("http://127.0.0.1:8001", home_org.pk)
    assert RoleRule.objects.get().role == Role.COORDINATOR
    config = json.loads((tmp_path / "sso-demo-idp.json").read_text())
    assert config["port"] == 8001
    assert config["clients"][0]["redirect_uris"] == ["http://127.0.0.1:8000/sso/oidc/callback/"]


def test_the_operator_configures_by_file(home_org, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("hemlighet\n")
    path = tmp_path / "sso.json"
    entry = {
        "name": home_org.name,
        "policy": {"local_passwords_allowed": False, "email_domains": "hemby.se"},
        "providers": [
            {
                "protocol": "oidc",
                "issuer": "https://login.example.test/tenant/v2.0",
                "client_id": "samverkan",
                "client_secret_file": str(secret),
            }
        ],
        "rules": [{"value": "grupp-1", "role": "coordinator"}],
    }
    path.write_text(json.dumps({"organisations": [entry]}))
    call_command("sso_load", str(path))
    call_command("sso_load", str(path))
    provider = Provider.objects.get()
    assert provider.secret() == "hemlighet"
    assert not home_org.sign_in_policy.local_passwords_allowed
    assert RoleRule.objects.count() == 1
    entry["rules"] = [{"value": "grupp-2", "role": "county_officer"}]  # not in a municipality
    path.write_text(json.dumps({"organisations": [entry]}))
    with pytest.raises(CommandError):
        call_command("sso_load", str(path))
