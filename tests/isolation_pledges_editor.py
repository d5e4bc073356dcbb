"""Isolation cases of pledges/views/editor.py (imported by tests/isolation.py).

Every object is built for ``cast.home``, where ``cast.owner`` is coordinator: the
owner opens it, a user of another organisation gets 404 on GET and POST.
"""

from __future__ import annotations

from tests import factories as f
from tests.isolation import Case, Kind, register


def _pledge(cast):
    return f.PledgeFactory(municipality=cast.home)


def _activity(cast):
    return f.ActivityFactory(pledge=_pledge(cast))


def _object(build, status: int = 200) -> Case:
    return Case(Kind.OBJECT, build=build, ok_status=status)


register("pledge-list", _object(lambda cast: {"code": cast.home.code}))
register("pledge-create", _object(lambda cast: {"code": cast.home.code}))
register("pledge-detail", _object(lambda cast: {"pk": _pledge(cast).pk}))
register("pledge-section", _object(lambda cast: {"pk": _pledge(cast).pk, "section": "basics"}))
register("dialogue-create", _object(lambda cast: {"pk": _pledge(cast).pk}))
register(
    "dialogue-delete",
    _object(lambda cast: {"pk": f.DialogueFactory(pledge=_pledge(cast)).pk}),
)
register("activity-create", _object(lambda cast: {"pk": _pledge(cast).pk}))
register("activity-edit", _object(lambda cast: {"pk": _activity(cast).pk}))
register("activity-delete", _object(lambda cast: {"pk": _activity(cast).pk}))
# without htmx the row itself is the pledge page, at the row's anchor
register("activity-row", _object(lambda cast: {"pk": _activity(cast).pk}, status=302))
register("pledge-export", _object(lambda cast: {"pk": _pledge(cast).pk, "fmt": "csv"}))
register("pledge-import", _object(lambda cast: {"pk": _pledge(cast).pk}))
# Actions that only take POST: the owner's GET is refused with 405, after the access check.
register("activity-restore", _object(lambda cast: {"pk": _activity(cast).pk}, status=405))
register("activity-move", _object(lambda cast: {"pk": _activity(cast).pk}, status=405))
for name in ("pledge-submit", "pledge-renew", "pledge-new-version"):
    register(name, _object(lambda cast: {"pk": _pledge(cast).pk}, status=405))
