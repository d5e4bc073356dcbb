from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouncilsConfig(AppConfig):
    name = "councils"
    verbose_name = _("Geography, organisations and councils")

    def ready(self) -> None:
        # Connect the receivers: the session's clocks, what a login still owes, and the
        # organisation each historical row records.
        from councils import acting, lookups, middleware, two_factor  # noqa: F401

        lookups.register()
