from django.utils.translation import gettext_lazy as _

from councils.forms import EmailAddressForm


class FollowForm(EmailAddressForm):
    """Following a municipality: an e-mail address, nothing else."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = _(
            "We send a link to confirm. Nothing else is sent before you confirm."
        )
