"""Forms of the police review and sign-off: validation and cleaning only."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from councils.forms import BoundedForm
from pledges.models import Activity, Comment, Pledge

#: The longest comment or review message accepted: generous, bounded.
MAX_MESSAGE = 5000


class CommentForm(BoundedForm):
    """A comment on the pledge, on one of its activities, or an answer to a comment.

    The hidden ids are looked up among *this* pledge's activities and comments only,
    so an id from another pledge is an error on the form, never a comment there.
    """

    text = forms.CharField(
        label=_("Comment"),
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write a comment.")},
    )
    activity = forms.ModelChoiceField(
        queryset=Activity.objects.none(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("Choose an activity of this pledge.")},
    )
    reply_to = forms.ModelChoiceField(
        queryset=Comment.objects.none(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("Answer a comment on this pledge.")},
    )
    #: where to go back to afterwards (the review page or the coordinator's pledge page)
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, pledge: Pledge, **kwargs):
        super().__init__(*args, **kwargs)
        self.pledge = pledge
        self.fields["activity"].queryset = Activity.objects.filter(
            pledge=pledge, deleted_at__isnull=True
        )
        self.fields["reply_to"].queryset = Comment.objects.filter(pledge=pledge).select_related(
            "activity"
        )


class ApproveForm(BoundedForm):
    message = forms.CharField(
        label=_("Message to the coordinator"),
        required=False,
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RequestChangesForm(BoundedForm):
    message = forms.CharField(
        label=_("What should be changed"),
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say what should be changed.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="id_changes_%s", **kwargs)
