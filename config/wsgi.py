"""The web process's application (gunicorn, each worker on its own)."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()


def settle() -> None:
    """Load every view now rather than at the first request, then set what is loaded
    aside from Python's garbage collector: the code, the settings and the URLs live as
    long as the process, and a full collection that walked them (some 300 000 objects)
    took a worker 0.2 s now and then, in the middle of someone's request."""
    get_resolver().url_patterns  # noqa: B018 (imports every view module)
    gc.freeze()


settle()
