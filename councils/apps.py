from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouncilsConfig(AppConfig):
    name = "councils"
    verbose_name = _("Geography, organisations and councils")

    def ready(self) -> None:
        # Connect the login receivers: the session's clocks, what a login still owes.
        from councils import lookups, middleware, two_factor  # noqa: F401

        lookups.register()
