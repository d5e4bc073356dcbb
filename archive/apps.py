from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = _("Archive")

    def ready(self) -> None:
        # models are not loaded before ready(): these imports wait for it
        from agreements import extensions as agreement_page
        from archive import attached, contents, jobs
        from followup import report_jobs
        from pledges import extensions as pledge_page

        # the report machinery makes the packages (followup cannot import archive)
        for kind, other in jobs.KINDS.items():
            report_jobs.register_kind(kind, other)
        # the files attached to the agreement or pledge go into its package
        contents.register(attached.attached_files)
        # the buttons on the signed agreement's and the published pledge's pages
        agreement_page.register("archive/_button.html", jobs.agreement_button)
        pledge_page.register("archive/_button.html", jobs.pledge_button)
        # and the PDF of a version as it was shared, on that version's page
        agreement_page.SHARED_PAGE.register(
            "archive/_shared_pdf_button.html", jobs.shared_agreement_button
        )
        pledge_page.SHARED_PAGE.register(
            "archive/_shared_pdf_button.html", jobs.shared_pledge_button
        )
