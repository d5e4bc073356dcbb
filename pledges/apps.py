from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PledgesConfig(AppConfig):
    name = "pledges"
    verbose_name = _("Citizen pledges")

    def ready(self) -> None:
        from councils import access, panels
        from councils.access import Capability
        from pledges import agreement_notices, public_cache, reads
        from pledges.models import Activity, Pledge

        agreement_notices.connect()
        public_cache.watch(Pledge, Activity)

        def context(request, municipality):
            internal = access.can(request.user, Capability.INTERNAL, municipality)
            pledges = reads.latest_pledges(municipality.pk, internal)
            return {"pledges": pledges, "municipality": municipality}

        panels.register("pledges/_municipality_panel.html", context)
