"""The search field: one line of text."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from councils.forms import BoundedForm
from councils.validators import single_line

#: the longest query the search reads
MAX_QUERY = 200


class SearchForm(BoundedForm):
    q = forms.CharField(
        label=_("Search"),
        max_length=MAX_QUERY,
        validators=[single_line],
        error_messages={"required": _("Enter what you are looking for.")},
    )
    kind = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = set(kinds)

    def clean_kind(self) -> str:
        """One of the kinds, or blank for all of them (an unknown kind is all of them)."""
        kind = self.cleaned_data.get("kind", "")
        return kind if kind in self.kinds else ""
