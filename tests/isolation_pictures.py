"""Isolation cases of agreements/views/pictures.py (imported by tests/isolation.py).

Lägesbilder, sources, problems and action plans are internal to the municipality
and its police: every page is an OBJECT case built in the owner's municipality.
POST-only pages answer the owner's GET with 405 (after the access lookup, so an
outsider still gets 404).
"""

from __future__ import annotations

from tests import factories as f
from tests.isolation import Case, Kind, register


def _picture(cast):
    return f.SituationalPictureFactory(municipality=cast.home, title="Hemby lägesbild")


def _problem(cast):
    return f.PriorityProblemFactory(picture=_picture(cast), title="Hemby problem", rank=1)


def _source(cast):
    return f.SourceFactory(picture=_picture(cast))


def _plan(cast):
    return f.ActionPlanFactory(municipality=cast.home)


def _code(cast):
    return {"code": cast.home.code}


def _pk(build):
    return lambda cast: {"pk": build(cast).pk}


register("picture-list", Case(Kind.OBJECT, build=_code))
register("picture-create", Case(Kind.OBJECT, build=_code))
register("picture-detail", Case(Kind.OBJECT, build=_pk(_picture)))
register("picture-edit", Case(Kind.OBJECT, build=_pk(_picture)))
register("picture-make-current", Case(Kind.OBJECT, build=_pk(_picture), ok_status=405))
register("source-create", Case(Kind.OBJECT, build=_pk(_picture)))
register("source-delete", Case(Kind.OBJECT, build=_pk(_source)))
register("problem-create", Case(Kind.OBJECT, build=_pk(_picture)))
register("problem-detail", Case(Kind.OBJECT, build=_pk(_problem)))
register("problem-edit", Case(Kind.OBJECT, build=_pk(_problem)))
register("problem-delete", Case(Kind.OBJECT, build=_pk(_problem)))
register("problem-move", Case(Kind.OBJECT, build=_pk(_problem), ok_status=405))
register("action-plan-create", Case(Kind.OBJECT, build=_code))
register("action-plan-detail", Case(Kind.OBJECT, build=_pk(_plan)))
register("action-plan-edit", Case(Kind.OBJECT, build=_pk(_plan)))
