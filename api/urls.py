from functools import wraps

from django.urls import path, re_path
from django.utils.translation import gettext as _

from api import incidents, views, write  # noqa: F401  (their operations join the router)
from api.base import api
from api.problems import CONTENT_TYPE, problem
from api.read import router

api.add_router("", router)


def _problem_405(view):
    """ninja answers a method an address does not take with a plain-text 405: answer it
    as the rest of the API's errors, ``application/problem+json``."""

    @wraps(view)
    def answer(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and response.get("Content-Type") != CONTENT_TYPE:
            allowed = {"Allow": response["Allow"]} if response.has_header("Allow") else {}
            return problem(405, _("The address does not take this method."), headers=allowed)
        return response

    return answer


def _operations():
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        pattern.callback = _problem_405(pattern.callback)
    return patterns, app_name, namespace


urlpatterns = [
    path("api/v1/", views.reference, name="api-reference"),
    path("api/v1/", _operations()),
    # last: any other address under /api/v1/ is a problem+json 404, not the HTML page
    re_path(r"^api/v1/(?P<rest>.*)$", views.unknown, name="api-unknown"),
    path("accounts/api-tokens/", views.my_tokens, name="api-tokens"),
    path(
        "organisations/<int:pk>/api-tokens/",
        views.organisation_tokens,
        name="api-organisation-tokens",
    ),
    path("api-tokens/<int:pk>/revoke/", views.token_revoke, name="api-token-revoke"),
]
