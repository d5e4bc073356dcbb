from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PledgesConfig(AppConfig):
    name = "pledges"
    verbose_name = _("Citizen pledges")

    def ready(self) -> None:
        from councils import access, panels
        from councils.access import Capability
        from pledges import agreement_notices, public_cache
        from pledges.models import Activity, Pledge

        agreement_notices.connect()
        public_cache.watch(Pledge, Activity)

        def context(request, municipality):
            pledges = Pledge.objects.filter(municipality=municipality).order_by(
                "-period_start", "-pk"
            )
            if not access.can(request.user, Capability.INTERNAL, municipality):
                pledges = pledges.public()
            return {"pledges": list(pledges[:5]), "municipality": municipality}

        panels.register("pledges/_municipality_panel.html", context)
