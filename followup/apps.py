from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "followup"
    verbose_name = _("Follow-up and reports")

    def ready(self) -> None:
        # models are not loaded before ready(): these imports wait for it
        from agreements import extensions
        from followup import dashboard, panels, today
        from followup.selectors import public_follow_up
        from pledges.selectors import register_follow_up

        # pledges cannot import followup (imports run one way): followup calls down
        register_follow_up(public_follow_up)
        # ... and what of it changes the kept public pledge page (pledges.public_cache)
        panels.register_public_versions()

        # the agreement page shows goals against their indicators (agreements.extensions)
        extensions.register("followup/indicator_goals_panel.html", panels.agreement_goals)
        # the dashboard's and the start page's rows are kept until a save changes them
        dashboard.watch_figures()
        today.watch_own()
