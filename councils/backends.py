"""How a login is checked: Django's ModelBackend, with the signed-in user of every request
read by SQL made once per process.

Every signed-in request reads its user (``django.contrib.auth.get_user``); building that
query through the ORM costs about as much again as PostgreSQL takes to answer it. This
backend reads the same row with the same SQL (``councils.prepared``) and builds the user
from it as a queryset would. Everything else (passwords, permissions, refusing an
inactive user) is ModelBackend's.
"""

from __future__ import annotations

from django.contrib.auth import backends

from councils.models import User
from councils.prepared import PreparedObjects

#: the backend's path, as a login records it in the session
PATH = "councils.backends.ModelBackend"

#: the signed-in user's row
_USER = PreparedObjects(lambda user: User._default_manager.filter(pk=user))


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None  # (Django's would raise: a session holds what a login put there)
        user = _USER.first(user=pk)
        return user if user is not None and self.user_can_authenticate(user) else None
