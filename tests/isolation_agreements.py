"""Isolation cases of agreements/views/agreements.py (imported by tests/isolation.py)."""

from __future__ import annotations

from tests import factories as f
from tests.isolation import Case, Kind, register


def _agreement(cast):
    return f.AgreementFactory(municipality=cast.home)


def _object(build, status: int = 200) -> Case:
    return Case(Kind.OBJECT, build=build, ok_status=status)


register("agreement-list", _object(lambda cast: {"code": cast.home.code}))
register("agreement-create", _object(lambda cast: {"code": cast.home.code}))
register("agreement-detail", _object(lambda cast: {"pk": _agreement(cast).pk}))
register(
    "agreement-section",
    _object(lambda cast: {"pk": _agreement(cast).pk, "section": "basics"}),
)
register("focus-area-create", _object(lambda cast: {"agreement_pk": _agreement(cast).pk}))
register(
    "focus-area-edit",
    _object(lambda cast: {"pk": f.FocusAreaFactory(agreement=_agreement(cast)).pk}),
)
register(
    "focus-area-delete",
    _object(lambda cast: {"pk": f.FocusAreaFactory(agreement=_agreement(cast)).pk}),
)
register("goal-create", _object(lambda cast: {"agreement_pk": _agreement(cast).pk}))
register("goal-edit", _object(lambda cast: {"pk": f.GoalFactory(agreement=_agreement(cast)).pk}))
register("goal-delete", _object(lambda cast: {"pk": f.GoalFactory(agreement=_agreement(cast)).pk}))
register(
    "agreement-sign",
    _object(lambda cast: {"pk": _agreement(cast).pk, "party": "municipality"}),
)
# Actions that only take POST: the owner's GET is refused with 405, after the access check.
for name in (
    "agreement-submit",
    "agreement-reopen",
    "agreement-new-version",
    "agreement-renew",
    "agreement-comment",
):
    register(name, _object(lambda cast: {"pk": _agreement(cast).pk}, status=405))
