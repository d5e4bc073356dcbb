"""Errors as ``application/problem+json`` (RFC 9457), with Swedish titles.

Every error the API answers goes through ``problem``: 400 bad input (with the errors
per field or per row; also malformed JSON), 401 no valid token, 403 a read token
writing, 404 what the token may not see (never 403 for another organisation's object)
and an unknown address under ``/api/v1/``, 405 a method the address does not take, 412
a stale ``If-Match`` (with the current state), 413 a body over 2 MB, 415 a body that is
not JSON, 428 a write without ``If-Match``, 429 too many requests; and should a fault of
ours happen, 500 (503 with ``Retry-After`` when the database is away), never an HTML page.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Schema

from councils.imports import parse_json

CONTENT_TYPE = "application/problem+json"


class Problem(Schema):
    type: str = "about:blank"
    title: str
    status: int
    detail: str = ""
    #: per field (or "rows" for a batch): the messages, in Swedish
    errors: dict[str, list[str]] | None = None
    #: the stored state, with a 412
    current: dict[str, Any] | None = None


def titles() -> dict[int, str]:
    return {
        400: _("Invalid request"),
        401: _("Not signed in"),
        403: _("The token may not write"),
        404: _("Not found"),
        405: _("Method not allowed"),
        412: _("Changed since you read it"),
        413: _("The request is too large"),
        415: _("Unsupported content type"),
        428: _("If-Match is required"),
        429: _("Too many requests"),
        500: _("Something went wrong"),
        503: _("Temporarily unavailable"),
    }


def problem(
    status: int,
    detail: str = "",
    *,
    errors: dict[str, list[str]] | None = None,
    current: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": titles().get(status, ""),
        "status": status,
        "detail": str(detail),
    }
    if errors is not None:
        body["errors"] = {key: [str(m) for m in messages] for key, messages in errors.items()}
    if current is not None:
        body["current"] = current
    response = HttpResponse(
        Problem(**body).model_dump_json(exclude_none=True),
        status=status,
        content_type=CONTENT_TYPE,
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def read(response: HttpResponse) -> dict[str, Any]:
    """A problem's body, for tests and clients written in Python."""
    return parse_json(response.content, refusal="not a problem document")


#: the error answers every operation may give, for the OpenAPI document
COMMON = {400: Problem, 401: Problem, 404: Problem, 429: Problem}
WRITES = {**COMMON, 403: Problem, 412: Problem, 413: Problem, 415: Problem, 428: Problem}
