from django.urls import path

from sso import views

urlpatterns = [
    path("sso/<int:pk>/start/", views.start, name="sso-start"),
    path("sso/find/", views.find, name="sso-find"),
    path("sso/oidc/callback/", views.oidc_callback, name="sso-oidc-callback"),
    path("sso/saml/<int:pk>/acs/", views.saml_acs, name="sso-saml-acs"),
    path("sso/saml/<int:pk>/slo/", views.saml_slo, name="sso-saml-slo"),
    path("sso/saml/<int:pk>/metadata/", views.saml_metadata, name="sso-saml-metadata"),
    path("sso/no-access/", views.no_access, name="sso-no-access"),
]
