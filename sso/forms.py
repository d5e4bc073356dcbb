"""The local login and password forms, refusing members whose organisation signs in
through its identity provider only; and the e-mail field that finds the provider."""

from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from councils.forms import BoundedForm, BoundedTextAreas
from councils.forms import LoginForm as LocalLoginForm
from sso.services import local_password_allowed

NO_LOCAL_PASSWORD = _(
    "Your organisation signs in through its own login service: use the button "
    "“Log in with …” or type your e-mail address above."
)


class LoginForm(LocalLoginForm):
    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if not local_password_allowed(user):
            raise ValidationError(NO_LOCAL_PASSWORD, code="no_local_password")


class PasswordResetForm(BoundedTextAreas, auth_forms.PasswordResetForm):
    """Sends no reset link to a user who may not have a local password."""

    def get_users(self, email):
        return (user for user in super().get_users(email) if local_password_allowed(user))


class _Refusing:
    def clean(self):
        if not local_password_allowed(self.user):
            raise ValidationError(NO_LOCAL_PASSWORD, code="no_local_password")
        return super().clean()


class PasswordChangeForm(_Refusing, BoundedTextAreas, auth_forms.PasswordChangeForm):
    pass


class SetPasswordForm(_Refusing, BoundedTextAreas, auth_forms.SetPasswordForm):
    pass


class FindProviderForm(BoundedForm):
    email = forms.EmailField(
        label=_("Your e-mail address at work"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
