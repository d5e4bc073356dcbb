from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from sso import forms as sso_forms
from sso import views as sso_views

admin.site.site_header = _("Samverkan administration")
admin.site.site_title = _("Samverkan")
admin.site.index_title = _("Administration")

auth_patterns = [
    # sso: the login page has the organisations' buttons; the local login, password reset
    # and change refuse members whose organisation has turned local passwords off
    path("login/", sso_views.LoginView.as_view(), name="login"),
    path("logout/", sso_views.LogoutView.as_view(), name="logout"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(form_class=sso_forms.PasswordChangeForm),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            form_class=sso_forms.PasswordResetForm,
            email_template_name="registration/password_reset_email.txt",
            html_email_template_name="registration/password_reset_email.html",
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=sso_forms.SetPasswordForm),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("accounts/", include(auth_patterns)),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("", include("councils.urls")),
    path("", include("accessibility.urls")),
    path("", include("sso.urls")),
    path("", include("agreements.urls")),
    path("", include("pledges.urls")),
    path("", include("est.urls")),
    path("", include("followup.urls")),
    path("", include("attachments.urls")),
    path("", include("residents.urls")),
    path("", include("archive.urls")),
    path("", include("search.urls")),
    path("", include("api.urls")),
]
