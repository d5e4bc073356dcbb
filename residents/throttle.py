"""How often one address, and one client, may ask to follow: counted in the project's
cache (``councils.cache``: while Redis is down nothing is counted and every request
passes, as the cache is never a dependency)."""

from __future__ import annotations

import hashlib

from axes.helpers import get_client_ip_address
from django.core.cache import cache

from councils.cache import UNAVAILABLE

#: (requests, seconds): one address may ask this often, whatever the client
PER_ADDRESS = (3, 60 * 60)
#: one client (IP address, behind PROXY_COUNT proxies as for the login) this often
PER_CLIENT = (20, 60 * 60)


def _count(key: str, seconds: int) -> int:
    """Count one request under ``key``; the count lives ``seconds`` from the first."""
    try:
        if cache.add(key, 1, seconds):
            return 1
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, seconds)
        return 1
    except UNAVAILABLE:
        return 0


def address_allowed(address: str) -> bool:
    digest = hashlib.sha256(address.strip().lower().encode()).hexdigest()
    limit, seconds = PER_ADDRESS
    return _count(f"residents:follow:address:{digest}", seconds) <= limit


def client_allowed(request) -> bool:
    client = get_client_ip_address(request) or "unknown"
    limit, seconds = PER_CLIENT
    return _count(f"residents:follow:client:{client}", seconds) <= limit
