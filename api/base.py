"""The API object: authentication, body parsing, errors, pagination and versions.

Every operation is under ``/api/v1/``; the OpenAPI 3.1 document is served at
``/api/v1/openapi.json`` and described in words at ``/api/v1/`` (``api.views``).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.core import signing
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.renderers import JSONRenderer

from api import auth
from api.problems import problem
from councils import imports
from councils.concurrency import Conflict
from councils.imports import ImportRefused, parse_json

log = logging.getLogger(__name__)


class UnsupportedMediaType(Exception):
    """A body that is not sent as JSON (415)."""


class TooLarge(Exception):
    """A body larger than ``MAX_BODY`` (413)."""


#: the largest request body the API reads (a batch of 500 rows fits many times over)
MAX_BODY = imports.MAX_BYTES


def _json_type(content_type: str) -> bool:
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind == "application/json" or (
        kind.startswith("application/") and kind.endswith("+json")
    )


class BoundedParser(Parser):
    """Request bodies as JSON only (415 otherwise), at most ``MAX_BODY`` bytes (413),
    through ``imports.parse_json``: nesting bounded, malformed JSON 400."""

    def parse_body(self, request: HttpRequest) -> Any:
        if not _json_type(request.content_type or request.META.get("CONTENT_TYPE", "")):
            raise UnsupportedMediaType
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY:
            raise TooLarge
        try:
            body = request.body
        except RequestDataTooBig as too_big:
            raise TooLarge from too_big
        if len(body) > MAX_BODY:
            raise TooLarge
        return parse_json(body, refusal=_("The request body is not JSON."))


class Renderer(JSONRenderer):
    """JSON in UTF-8 as it reads: "Hembyrådet", not "Hembyr\\u00e5det"."""

    json_dumps_params = {"ensure_ascii": False}


class PreconditionRequired(Exception):
    pass


class Stale(Exception):
    def __init__(self, current: dict[str, Any], etag: str):
        super().__init__("stale")
        self.current = current
        self.etag = etag


api = NinjaAPI(
    title="Samverkan API",
    version="1",
    description=(
        "Samverkan: lägesbilder, samverkansöverenskommelser, medborgarlöften och "
        "uppföljning. Read and write with a bearer token, under the same rules as the pages."
    ),
    urls_namespace="api",
    docs_url=None,
    openapi_url="/openapi.json",
    auth=auth.Bearer(),
    parser=BoundedParser(),
    renderer=Renderer(),
)


def _field_errors(errors: list[dict]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for error in errors:
        where = ".".join(str(part) for part in error.get("loc", ()) if part not in {"body"})
        found.setdefault(where or "request", []).append(_("This value is not accepted."))
    return found


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc):
    return problem(400, _("The request has errors."), errors=_field_errors(exc.errors))


@api.exception_handler(DjangoValidationError)
def _refused(request, exc):
    if hasattr(exc, "error_dict"):
        errors = {key: [str(m) for m in exc.message_dict[key]] for key in exc.message_dict}
    else:
        errors = {"request": [str(m) for m in exc.messages]}
    return problem(400, _("The request has errors."), errors=errors)


@api.exception_handler(HttpError)
def _http_error(request, exc):
    # ninja wraps what the body parser raised (``BoundedParser``) in a 400
    cause = exc.__cause__
    if isinstance(cause, UnsupportedMediaType):
        return problem(415, _("Send the body as JSON (Content-Type: application/json)."))
    if isinstance(cause, TooLarge | RequestDataTooBig):
        return problem(413, _("The request body is larger than 2 MB."))
    if isinstance(cause, ImportRefused):
        return problem(400, str(cause))
    return problem(exc.status_code, _("The request has errors."))


@api.exception_handler(ImportRefused)
def _unreadable(request, exc):
    return problem(400, str(exc))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return problem(
        401,
        _("Send a valid token: Authorization: Bearer …"),
        headers={"WWW-Authenticate": "Bearer"},
    )


@api.exception_handler(Http404)
def _not_found(request, exc):
    return problem(404, _("Nothing here that this token may see."))


@api.exception_handler(PermissionDenied)
def _denied(request, exc):
    # a service's second line of defence: the object is not the caller's to change
    return problem(404, _("Nothing here that this token may see."))


@api.exception_handler(auth.ReadOnlyToken)
def _read_only(request, exc):
    return problem(403, _("This token may only read."))


@api.exception_handler(auth.Throttled)
def _throttled(request, exc):
    return problem(
        429,
        _("Too many requests with this token. Try again later."),
        headers={"Retry-After": str(exc.retry_after)},
    )


@api.exception_handler(PreconditionRequired)
def _precondition_required(request, exc):
    return problem(428, _("Send the ETag you read in If-Match."))


@api.exception_handler(Stale)
def _stale(request, exc):
    return problem(
        412,
        _("Someone else saved it after you read it. Read it again and repeat your change."),
        current=exc.current,
        headers={"ETag": exc.etag},
    )


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def _database_unavailable(request, exc):
    """The database went away or refused (a restart, a fail-over): the caller may retry.
    Reported as a failure of ours, like any 500."""
    _report(request)
    return problem(
        503,
        _(
            "The service is unavailable just now. Try again in a while; read what you wrote "
            "again before you repeat a change."
        ),
        headers={"Retry-After": "30"},
    )


@api.exception_handler(Exception)
def _unexpected(request, exc):
    """A fault of ours: the caller gets a problem document too, never Django's HTML page,
    and the fault is logged and signalled as Django does for any 500. A write's
    transaction has been rolled back by the time the exception reaches here; a fault
    after it committed leaves the change saved, and the version (If-Match) keeps a
    repeated write from acting twice."""
    _report(request)
    return problem(
        500,
        _(
            "Something went wrong on our side. Read what you wrote again before you repeat a "
            "change."
        ),
    )


def _report(request) -> None:
    log.error("API fault: %s %s", request.method, request.path, exc_info=True)
    got_request_exception.send(sender=None, request=request)


# --- versions: ETag and If-Match -------------------------------------------------------


def etag(record) -> str:
    return f'"{record.version}"'


_VERSION = re.compile(r'^(?:W/)?"?(\d{1,9})"?$')


def if_match(request) -> int | None:
    """The version the client read (from ``If-Match``); 428 when there is none, None (so
    the write is refused as stale) when it names no version."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired
    found = _VERSION.match(header)
    return int(found.group(1)) if found else None


def stale(conflict: Conflict, shown: dict[str, Any]) -> Stale:
    return Stale(shown, etag(conflict.current))


# --- pagination ---------------------------------------------------------------------

MAX_LIMIT = 200
_SALT = "api.cursor"


class Page(Schema):
    #: the cursor of the next page (opaque), or null on the last page
    next: str | None = None


def page(queryset: QuerySet, cursor: str | None, limit: int) -> tuple[list, str | None]:
    """One page of ``queryset`` in key order after ``cursor``: (rows, next cursor)."""
    if cursor:
        try:
            after = signing.loads(cursor, salt=_SALT)
        except signing.BadSignature as wrong:
            raise DjangoValidationError({"cursor": [_("The cursor is not valid.")]}) from wrong
        if not isinstance(after, int):
            raise DjangoValidationError({"cursor": [_("The cursor is not valid.")]})
        queryset = queryset.filter(pk__gt=after)
    rows = list(queryset.order_by("pk")[: limit + 1])
    following = None
    if len(rows) > limit:
        rows = rows[:limit]
        following = signing.dumps(rows[-1].pk, salt=_SALT)
    return rows, following
