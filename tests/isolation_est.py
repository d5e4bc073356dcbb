"""Isolation cases of est/views (imported by tests/isolation.py).

Every EST page belongs to one municipality: each is an OBJECT case built in the
owner's municipality (Hemby); a coordinator of another municipality gets 404. That a
reporter of one organisation never sees another organisation's raw reports of the
same municipality is tested in tests/est/test_views.py.
"""

from __future__ import annotations

import datetime as dt

from councils import dates
from est import services
from est.models import Category, EstMeeting, Measure, Place, Report, TertialAnalysis
from tests.isolation import Case, Kind, register


def _code(cast):
    return {"code": cast.home.code}


def _place(cast):
    return Place.objects.get_or_create(
        municipality=cast.home, name="Hemby torg", area="Hemby centrum"
    )[0]


def _report(cast):
    report = Report(
        municipality=cast.home,
        organisation=cast.home_org,
        place=_place(cast),
        # the seeded categories are gone after a test that flushes the database
        category=Category.objects.get_or_create(
            municipality=None, code="annat", defaults={"name": "Annat", "order": 11}
        )[0],
        occurred_on=dates.today() - dt.timedelta(days=1),
        description="Hemby klotter",
    )
    return services.report_save(user=cast.owner, report=report)


def _category(cast):
    return Category.objects.get_or_create(municipality=cast.home, name="Hemby glaskross")[0]


def _meeting(cast):
    return EstMeeting.objects.create(municipality=cast.home, held_on=dates.today())


def _measure(cast):
    return Measure.objects.create(
        meeting=_meeting(cast),
        title="Hemby städning",
        responsible=cast.home_org,
        due_on=dates.today(),
    )


def _tertial(cast):
    return TertialAnalysis.objects.get_or_create(
        municipality=cast.home,
        year=dates.today().year,
        tertial=1,
        defaults={"summary": "Hemby tertial"},
    )[0]


def _pk(build):
    return lambda cast: {"pk": build(cast).pk}


register("est-picture", Case(Kind.OBJECT, build=_code))
register("est-picture-export", Case(Kind.OBJECT, build=_code))
register("est-place-list", Case(Kind.OBJECT, build=_code))
register("est-place-create", Case(Kind.OBJECT, build=_code))
register("est-place-edit", Case(Kind.OBJECT, build=_pk(_place)))
register("est-place-delete", Case(Kind.OBJECT, build=_pk(_place)))
register("est-category-list", Case(Kind.OBJECT, build=_code))
register("est-category-delete", Case(Kind.OBJECT, build=_pk(_category)))
# POST only: the owner's GET answers 405 (after the lookup, so others get 404)
register("est-category-in-use", Case(Kind.OBJECT, build=_pk(_category), ok_status=405))
register("est-report-list", Case(Kind.OBJECT, build=_code))
register("est-report-create", Case(Kind.OBJECT, build=_code))
register("est-report-import", Case(Kind.OBJECT, build=_code))
register("est-checklist", Case(Kind.OBJECT, build=_code))
register("est-report-edit", Case(Kind.OBJECT, build=_pk(_report)))
register("est-report-delete", Case(Kind.OBJECT, build=_pk(_report)))
register("est-meeting-list", Case(Kind.OBJECT, build=_code))
register("est-meeting-create", Case(Kind.OBJECT, build=_code))
register("est-meeting-detail", Case(Kind.OBJECT, build=_pk(_meeting)))
register("est-meeting-edit", Case(Kind.OBJECT, build=_pk(_meeting)))
register("est-meeting-delete", Case(Kind.OBJECT, build=_pk(_meeting)))
register("est-measure-delete", Case(Kind.OBJECT, build=_pk(_measure)))
register("est-measure-create", Case(Kind.OBJECT, build=_pk(_meeting)))
register("est-measure-follow-up", Case(Kind.OBJECT, build=_pk(_measure)))
register("est-tertial-create", Case(Kind.OBJECT, build=_code))
register("est-tertial-detail", Case(Kind.OBJECT, build=_pk(_tertial)))
register("est-tertial-edit", Case(Kind.OBJECT, build=_pk(_tertial)))
