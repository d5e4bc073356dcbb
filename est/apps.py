from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EstConfig(AppConfig):
    name = "est"
    verbose_name = _("Incident reporting and the weekly picture (EST)")

    def ready(self) -> None:
        from agreements import extensions
        from councils import panels
        from est import selectors

        panels.register("est/_municipality_panel.html", selectors.municipality_panel)
        extensions.register_picture("est/_picture_snapshots.html", selectors.picture_snapshots)
