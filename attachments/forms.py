from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from attachments import sniffing
from attachments.models import Attachment
from attachments.services import check_size
from attachments.sniffing import Refused
from councils.forms import BoundedForm


class AttachmentForm(BoundedForm):
    """A file to attach: its title, kind, and (on a published pledge or a signed
    agreement, when the uploader says so) whether residents may download it."""

    file = forms.FileField(
        label=_("File"),
        help_text=_("Accepted file types: %(accepted)s.") % {"accepted": sniffing.ACCEPTED},
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Attachment.Kind.choices)
    public = forms.BooleanField(
        label=_("Public: residents may download it on the public page"), required=False
    )

    def __init__(self, *args, may_be_public: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_be_public:
            del self.fields["public"]
        self.fields["kind"].initial = Attachment.Kind.APPENDIX

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            check_size(upload.size)
        except Refused as refused:
            raise forms.ValidationError(str(refused)) from refused
        return upload
