from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResidentsConfig(AppConfig):
    name = "residents"
    verbose_name = _("Residents following pledges")

    def ready(self) -> None:
        # the public pages belong to pledges, which imports no higher app: the box that
        # offers to follow a municipality is registered with them
        from pledges import extensions

        extensions.register_public_panel(
            "residents/_follow_box.html", lambda request, municipality: {}
        )
