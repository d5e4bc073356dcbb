"""The accessibility feedback form (no login) and the admin's statement form (at the
version it showed)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accessibility.models import Feedback, Statement
from councils.concurrency import Conflict, lock_at_version
from councils.dates import DATE_INPUT, DateField
from councils.forms import BoundedModelForm, VersionedModelForm


class FeedbackForm(BoundedModelForm):
    class Meta:
        model = Feedback
        fields = ["message", "page", "email"]
        labels = {
            "message": _("What did not work?"),
            "page": _("Which page or document?"),
            "email": _("Your e-mail address, if you want an answer"),
        }
        help_texts = {
            "message": _("Describe what you tried to do and what happened."),
            "page": _("For example the address of the page, or its heading."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["message"].error_messages["required"] = _("Write what did not work.")
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    def clean_message(self) -> str:
        text = self.cleaned_data["message"].replace("\x00", "").strip()
        if not text:
            raise ValidationError(_("Write what did not work."), code="required")
        return text


class StatementAdminForm(VersionedModelForm):
    """The statement in the admin, saved only at the version the form showed: a save
    after someone else's is refused with the message to reload, never an overwrite.
    The admin's change view runs in one transaction, so the row stays locked from this
    check to the save."""

    class Meta:
        model = Statement
        fields = [
            "operator",
            "conformance",
            "not_accessible",
            "not_covered",
            "assessment",
            "automated_review_on",
            "manual_review_on",
            "contact",
            "contact_email",
            "contact_phone",
        ]
        field_classes = {"automated_review_on": DateField, "manual_review_on": DateField}
        widgets = {"automated_review_on": DATE_INPUT, "manual_review_on": DATE_INPUT}

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None:
            try:
                lock_at_version(self.instance, cleaned.get("version"))
            except Conflict:
                raise ValidationError(
                    _(
                        "Someone else saved the statement after you opened it. Reload the "
                        "page to see their text, then make your change again."
                    ),
                    code="conflict",
                ) from None
        return cleaned
