from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = _("Situational pictures and agreements")

    def ready(self) -> None:
        from agreements import selectors
        from councils import panels

        panels.register(
            "agreements/_compliance_panel.html",
            lambda request, municipality: {
                "items": selectors.compliance(request.user, municipality),
                "municipality": municipality,
            },
        )
