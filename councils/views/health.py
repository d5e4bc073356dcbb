"""What answers without a login: the health probe and the benchmark's baseline."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness for the load balancer and docker-compose: the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any database failure means "not ready"
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})


@require_safe
def bench_hello(request: HttpRequest) -> HttpResponse:
    """The benchmark's baseline: the whole middleware stack and no database work.

    Answers only when ``BENCH_HELLO`` is on (``make bench`` turns it on for its own
    gunicorn); everywhere else the address does not exist.
    """
    if not settings.BENCH_HELLO:
        raise Http404
    return HttpResponse("hello", content_type="text/plain; charset=utf-8")
