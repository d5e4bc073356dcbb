from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouncilsConfig(AppConfig):
    name = "councils"
    verbose_name = _("Geography, organisations and councils")

    def ready(self) -> None:
        from councils import lookups

        lookups.register()
