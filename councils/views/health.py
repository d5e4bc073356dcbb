"""What answers without a login: the health probe and the benchmark's baseline."""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

log = logging.getLogger(__name__)


def _database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any database failure means "not ready"
        log.exception("health: the database does not answer")
        return False
    return True


def _pages(request: HttpRequest) -> bool:
    """The base template of every page renders, with its static files: a missing
    staticfiles manifest (``collectstatic`` not run) fails here as it fails every page."""
    try:
        render_to_string("base.html", request=request)
    except Exception:  # whatever stops a page from rendering means "not ready"
        log.exception("health: pages cannot be rendered")
        return False
    return True


def _cache() -> bool:
    """A value written to the cache reads back. The cache is a speed-up, not a
    dependency (``councils.cache``): pages work without it, so it is reported, not
    failed on."""
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "1", 10)
        answered = cache.get(key) == "1"
        cache.delete(key)
    except Exception:
        log.exception("health: the cache does not answer")
        return False
    return answered


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness for the load balancer and docker-compose: the database
    answers and a page renders with its static files (503 otherwise); the cache is
    reported."""
    checks = {"database": _database(), "pages": _pages(request)}
    ready = all(checks.values())
    checks["cache"] = _cache()
    body = {"status": "ok" if ready else "unavailable"}
    body |= {name: "up" if ok else "down" for name, ok in checks.items()}
    return JsonResponse(body, status=200 if ready else 503)


@require_safe
def bench_hello(request: HttpRequest) -> HttpResponse:
    """The benchmark's baseline: the whole middleware stack and no database work.

    Answers only when ``BENCH_HELLO`` is on (``make bench`` turns it on for its own
    gunicorn); everywhere else the address does not exist.
    """
    if not settings.BENCH_HELLO:
        raise Http404
    return HttpResponse("hello", content_type="text/plain; charset=utf-8")
