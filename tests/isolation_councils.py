"""Isolation cases of the councils pages: councils, members, meetings, decisions and the
coordination function (imported by tests/isolation.py).

Each builds its object in ``cast.home``, where the owner is a coordinator (and so may
open the edit pages too); an outsider gets 404 on GET and POST.
"""

from __future__ import annotations

from tests import factories as f
from tests.isolation import Case, Kind, register


def _object(build) -> Case:
    return Case(Kind.OBJECT, build=build)


def _council(cast):
    return f.CouncilFactory(municipality=cast.home)


def _member(cast):
    return f.CouncilMemberFactory(council=_council(cast))


def _meeting(cast):
    return f.MeetingFactory(council=_council(cast))


def _decision(cast):
    return f.DecisionFactory(meeting=_meeting(cast))


def _home(cast):
    return {"code": cast.home.code}


register("council-list", _object(_home))
register("council-create", _object(_home))
register("council-detail", _object(lambda cast: {"pk": _council(cast).pk}))
register("council-edit", _object(lambda cast: {"pk": _council(cast).pk}))
register("council-delete", _object(lambda cast: {"pk": _council(cast).pk}))
register("council-member-create", _object(lambda cast: {"pk": _council(cast).pk}))
register("council-member-edit", _object(lambda cast: {"pk": _member(cast).pk}))
register("council-member-delete", _object(lambda cast: {"pk": _member(cast).pk}))
register("meeting-create", _object(lambda cast: {"pk": _council(cast).pk}))
register("meeting-detail", _object(lambda cast: {"pk": _meeting(cast).pk}))
register("meeting-edit", _object(lambda cast: {"pk": _meeting(cast).pk}))
register("meeting-delete", _object(lambda cast: {"pk": _meeting(cast).pk}))
register("decision-create", _object(lambda cast: {"pk": _meeting(cast).pk}))
register("decision-edit", _object(lambda cast: {"pk": _decision(cast).pk}))
register("decision-delete", _object(lambda cast: {"pk": _decision(cast).pk}))
register("coordination-function", _object(_home))
register("coordination-function-edit", _object(_home))
