from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from councils.admin import ReadOnlyAdmin
from sso.models import Identity, Provider, RoleRule, SignIn, SignInPolicy


@admin.register(SignInPolicy)
class SignInPolicyAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "local_passwords_allowed", "email_domains"]
    autocomplete_fields = ["organisation"]


@admin.register(Provider)
class ProviderAdmin(SimpleHistoryAdmin):
    list_display = ["label", "organisation", "protocol", "enabled"]
    list_filter = ["protocol", "enabled"]
    autocomplete_fields = ["organisation"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "organisation",
                    "protocol",
                    "name",
                    "enabled",
                    "groups_claim",
                    "mfa_values",
                ]
            },
        ),
        (
            _("OpenID Connect"),
            {"fields": ["issuer", "client_id", "client_secret", "client_secret_file", "scopes"]},
        ),
        (
            _("SAML 2.0"),
            {"fields": ["metadata_url", "metadata_file", "sp_entity_id", "key_file", "cert_file"]},
        ),
    ]


@admin.register(RoleRule)
class RoleRuleAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "value", "role"]
    list_filter = ["role"]
    autocomplete_fields = ["organisation"]


@admin.register(Identity)
class IdentityAdmin(admin.ModelAdmin):
    list_display = ["user", "issuer", "subject", "created_at"]
    search_fields = ["user__username", "subject"]
    autocomplete_fields = ["user"]
    readonly_fields = ["created_at"]


@admin.register(SignIn)
class SignInAdmin(ReadOnlyAdmin):
    """The audit trail of single sign-ons: who, which provider, when, from where."""

    list_display = ["at", "user", "provider", "outcome", "ip_address", "reason"]
    list_filter = ["outcome", "provider"]
    search_fields = ["user__username", "subject", "ip_address"]
