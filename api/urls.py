from django.urls import path

from api import views, write  # noqa: F401  (write: its operations join the router)
from api.base import api
from api.read import router

api.add_router("", router)

urlpatterns = [
    path("api/v1/", views.reference, name="api-reference"),
    path("api/v1/", api.urls),
    path("accounts/api-tokens/", views.my_tokens, name="api-tokens"),
    path(
        "organisations/<int:pk>/api-tokens/",
        views.organisation_tokens,
        name="api-organisation-tokens",
    ),
    path("api-tokens/<int:pk>/revoke/", views.token_revoke, name="api-token-revoke"),
]
