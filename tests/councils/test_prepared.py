"""Queries made once per process (``councils.prepared``): the same rows as the ORM for
every value, the queryset built once, and a value the query does not take refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from councils import access, dates
from councils.access import Capability
from councils.models import Membership, Municipality, Role
from councils.prepared import (
    Prepared,
    PreparedObjects,
    PreparedRows,
    figures,
    planned_for_their_values,
)
from pledges.models import Activity, Comment, Pledge
from tests import factories as f
from tests.queries import built_by_the_orm

pytestmark = pytest.mark.django_db


def test_rows_are_the_orms_for_every_value_and_the_queryset_is_built_once(home):
    first, second = f.UserFactory(), f.UserFactory()
    organisation = f.OrganisationFactory(municipality=home)
    Membership.objects.create(user=first, organisation=organisation, role=Role.COORDINATOR)
    Membership.objects.create(user=second, organisation=organisation, role=Role.READER)
    built = []

    def build(user):
        built.append(user)
        return Membership.objects.filter(user_id=user).values_list("role", "organisation_id")

    prepared = Prepared(build)
    for user in (first, second, first):
        expected = list(build(user.pk))
        assert prepared.rows(user=user.pk) == expected
        assert prepared.one(user=user.pk) == expected[0]
    assert prepared.one(user=-1) is None
    assert len(built) == 1 + 3  # once for its SQL, and the three comparisons here


def test_figures_are_one_row_without_grouping(home):
    organisation = f.OrganisationFactory(municipality=home)
    users = [f.UserFactory() for _ in range(3)]
    for user in users:
        Membership.objects.create(user=user, organisation=organisation, role=Role.READER)
    counted = Prepared(
        lambda org: figures(
            Membership.objects.filter(organisation_id=org), n="COUNT pk", top="MAX user_id"
        )
    )
    assert counted.one(org=organisation.pk) == (3, max(u.pk for u in users))
    assert counted.rows(org=-1) == [(0, None)]


def test_a_list_of_ids_gives_the_orms_rows_for_every_length(home, neighbour, home_county):
    third = f.MunicipalityFactory(code="9103", name="Tredby", county=home_county)
    municipalities = [home, neighbour, third]
    built = []

    def build(ids, county):
        built.append(ids)
        return (
            Municipality.objects.filter(pk__in=ids, county_id=county)
            .order_by("name")
            .values_list("name", "code")
        )

    prepared = Prepared(build, lists=["ids"])
    gone = f.MunicipalityFactory(code="9104", name="Borta", county=home_county).pk
    Municipality.objects.filter(pk=gone).delete()
    for ids in (
        [home.pk],
        [home.pk, third.pk],
        [m.pk for m in municipalities],
        [third.pk, home.pk],
        [home.pk],
        [gone, home.pk],
    ):
        assert prepared.rows(ids=ids, county=home_county.pk) == list(build(ids, home_county.pk))
    assert prepared.rows(ids=[home.pk], county=-1) == []
    assert len(built) == 2 + 6  # the SQL (and its empty list's check) once; the ORM's here


def test_an_empty_list_is_no_rows_and_no_query(home):
    prepared = PreparedObjects(lambda ids: Municipality.objects.filter(pk__in=ids), lists=["ids"])
    assert [m.pk for m in prepared.objects(ids=[home.pk])] == [home.pk]
    assert prepared.first(ids=[home.pk]) == home and prepared.first(ids=[-1]) is None
    with CaptureQueriesContext(connection) as queries:
        assert prepared.objects(ids=[]) == []
        assert prepared.first(ids=[]) is None
        assert (
            Prepared(
                lambda ids: Municipality.objects.filter(pk__in=ids).values_list("pk"), lists=["ids"]
            ).one(ids=[])
            is None
        )
    assert len(queries) == 0


def test_an_id_beyond_64_bits_matches_no_row_as_in_the_orm(home, neighbour):
    """A hostile URL's id (``/pledges/99999999999999999999/``): SQLite refuses the number;
    the ORM finds no row for it, and so does a prepared query (a list leaves it out)."""
    huge = 2**64
    one = PreparedObjects(lambda pk: Municipality.objects.filter(pk=pk))
    many = Prepared(
        lambda ids: Municipality.objects.filter(pk__in=ids).order_by("pk").values_list("pk"),
        lists=["ids"],
    )
    assert not Municipality.objects.filter(pk=huge).exists()
    assert one.objects(pk=huge) == [] and one.objects(pk=-huge) == []
    assert [m.pk for m in one.objects(pk=home.pk)] == [home.pk]
    assert many.rows(ids=[huge, neighbour.pk]) == [(neighbour.pk,)]
    assert many.rows(ids=[huge]) == []


def test_a_list_whose_emptiness_would_not_mean_no_rows_is_refused(db):
    """``pk__in=[] OR …`` and ``exclude(pk__in=[])`` find rows with an empty list: a
    list that may be empty must be a condition every row meets."""
    either = Prepared(
        lambda ids: Municipality.objects.filter(Q(pk__in=ids) | Q(code="9101")).values_list("pk"),
        lists=["ids"],
    )
    with pytest.raises(ValueError, match="empty ids"):
        either.rows(ids=[1])
    excluded = Prepared(
        lambda ids: Municipality.objects.exclude(pk__in=ids).values_list("pk"), lists=["ids"]
    )
    with pytest.raises(ValueError, match="empty ids"):
        excluded.rows(ids=[1])
    with pytest.raises(ValueError, match="no value other"):
        Prepared(lambda ids: Municipality.objects.filter(pk__in=ids), lists=["other"]).rows(ids=[1])


def test_a_literal_percent_sign_stays_as_it_is_around_a_list(home, neighbour):
    """Placeholders are found as Django writes them: ``%%`` is a percent sign, not one."""
    prepared = Prepared(
        lambda ids: (
            Municipality.objects.filter(pk__in=ids)
            .annotate(share=RawSQL("'50 %%'", []))
            .order_by("pk")
            .values_list("pk", "share")
        ),
        lists=["ids"],
    )
    assert prepared.rows(ids=[home.pk, neighbour.pk]) == [(home.pk, "50 %"), (neighbour.pk, "50 %")]


def test_a_value_the_query_does_not_take_as_a_parameter_is_refused(db):
    prepared = Prepared(lambda user: Membership.objects.all())
    with pytest.raises(ValueError, match="not every value"):
        prepared.rows(user=1)


# --- model rows (PreparedObjects) and lookups by key (access.ByKey) -------------------


def _as_orm_built(obj) -> dict:
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


def test_objects_are_the_orms_instances_with_their_joins_and_annotations(home, owner):
    pledge = f.PledgeFactory(municipality=home)
    other = f.PledgeFactory(municipality=home)
    first = f.ActivityFactory(pledge=pledge, order=2, responsible_user=owner)
    second = f.ActivityFactory(pledge=pledge, order=1, responsible_user=None)
    f.ActivityFactory(pledge=other)
    Comment.objects.create(pledge=pledge, activity=first, author=owner, text="Öppen fråga")

    def build(pledge):
        return (
            Activity.objects.filter(pledge_id=pledge)
            .select_related("responsible_user", "pledge__municipality")
            .annotate(open_comments=Count("comments"))
            .order_by("order", "pk")
        )

    prepared = PreparedObjects(build)
    for each in (pledge, other, pledge):
        expected = list(build(each.pk))
        found = prepared.objects(pledge=each.pk)
        assert [type(obj) for obj in found] == [Activity] * len(expected)
        assert [_as_orm_built(obj) for obj in found] == [_as_orm_built(e) for e in expected]
        assert [obj.open_comments for obj in found] == [e.open_comments for e in expected]
        assert all(not obj._state.adding and obj._state.db == "default" for obj in found)
    assert [obj.pk for obj in prepared.objects(pledge=pledge.pk)] == [second.pk, first.pk]
    assert prepared.objects(pledge=-1) == []

    with CaptureQueriesContext(connection) as queries:
        found = prepared.objects(pledge=pledge.pk)
    assert len(queries) == 1
    with CaptureQueriesContext(connection) as queries:  # the joins came with the rows
        assert found[1].responsible_user == owner and found[0].responsible_user is None
        assert found[0].pledge.municipality == home


def test_objects_carry_a_relation_every_row_shares(home):
    pledge = f.PledgeFactory(municipality=home)
    f.ActivityFactory(pledge=pledge)
    prepared = PreparedObjects(lambda pledge: Activity.objects.filter(pledge_id=pledge))

    (activity,) = prepared.objects(pledge=pledge.pk, known={"pledge": pledge})

    with CaptureQueriesContext(connection) as queries:
        assert activity.pledge is pledge
    assert len(queries) == 0


def test_a_lookup_by_key_is_the_querysets_and_keeps_others_out(owner, outsider, home):
    pledge = f.PledgeFactory(municipality=home)
    queryset = Pledge.objects.select_related("municipality", "municipality__county")
    by_key = access.ByKey(queryset)

    found = access.get_object_or_404(owner, by_key, Capability.EDIT, pk=pledge.pk)
    expected = access.get_object_or_404(owner, queryset, Capability.EDIT, pk=pledge.pk)
    assert _as_orm_built(found) == _as_orm_built(expected)
    with CaptureQueriesContext(connection) as queries:
        assert found.municipality.county == home.county
    assert len(queries) == 0
    for user, pk in ((outsider, pledge.pk), (owner, pledge.pk + 1000)):
        with pytest.raises(Http404):
            access.get_object_or_404(user, by_key, Capability.EDIT, pk=pk)
    # another lookup than the key asks the queryset
    assert access.get_object_or_404(owner, by_key, Capability.READ, title=pledge.title) == pledge


def test_rows_in_scope_are_the_visible_rows_for_every_reader(
    owner, outsider, liaison, county_officer, national_reader, home, neighbour, away
):
    """``access.visible(InScope(queryset), …)`` lists what ``filter_visible`` lists, in
    its order, for a coordinator, a liaison, a county officer, a national reader (no
    limit) and a user of another municipality; a user who sees nothing costs no query."""
    for municipality in (home, neighbour, away, home):
        f.PledgeFactory(municipality=municipality)
    queryset = Pledge.objects.select_related("municipality").order_by("-pk")
    scoped = access.InScope(queryset)
    nobody = f.UserFactory()
    for user in (owner, outsider, liaison, county_officer, national_reader, nobody):
        for capability in (Capability.READ, Capability.EDIT, Capability.REVIEW):
            expected = list(access.filter_visible(queryset, user, capability))
            found = access.visible(scoped, user, capability)
            assert [_as_orm_built(p) for p in found] == [_as_orm_built(p) for p in expected]
    assert {p.municipality for p in access.visible(scoped, owner, Capability.EDIT)} == {home}
    nobody = type(nobody).objects.get(pk=nobody.pk)  # the grants not yet worked out
    with CaptureQueriesContext(connection) as queries:
        assert access.visible(scoped, nobody, Capability.READ) == []
    assert len(queries) == 1  # the memberships (the grants), not the pledges


def test_tuples_in_scope_are_the_orms_with_their_converters(owner, home, neighbour):
    """A ``values_list`` queryset in scope gives the ORM's tuples, a submitted time as a
    time (SQLite stores it as text: the column's converter makes it one again)."""
    submitted = dt.datetime(
        dates.today().year, 3, 4, 10, 30, tzinfo=timezone.get_current_timezone()
    )
    for municipality in (home, neighbour, home):
        f.PledgeFactory(municipality=municipality, submitted_at=submitted)
    queryset = Pledge.objects.values_list("pk", "submitted_at", "municipality__name").order_by("pk")
    scoped = access.InScope(queryset)
    found = access.visible(scoped, owner, Capability.EDIT)
    assert found == list(access.filter_visible(queryset, owner, Capability.EDIT))
    assert [type(row) for row in found] == [tuple, tuple]
    assert {row[1] for row in found} == {submitted}
    with pytest.raises(ValueError, match="objects or of values_list"):
        access.InScope(Pledge.objects.values("pk"))


def test_queries_planned_for_their_values_are_not_prepared_and_the_rest_still_are(owner):
    def run_often() -> None:
        for _ in range(7):
            assert Membership.objects.filter(user_id=owner.pk).values_list("role").count() >= 0

    def prepared() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [row[0] for row in cursor.fetchall() if "councils_membership" in row[0]]

    with planned_for_their_values():
        run_often()
    if connection.vendor != "postgresql":
        return  # nothing to prepare on SQLite: the queries ran as ever
    assert prepared() == []
    assert connection.connection.prepare_threshold == 5  # as it was
    run_often()
    assert len(prepared()) == 1


# --- dates and times as values (the start page) ---------------------------------------


def test_dates_and_times_give_the_orms_rows_for_every_value(home):
    """A date and a time as values: the ORM's rows for each (on SQLite the ORM passes
    them as text, and so does the prepared query), the queryset built once."""
    year = dates.today().year
    starts = [dt.date(year, month, 1) for month in (2, 5, 9)]
    for start in starts:
        f.PledgeFactory(municipality=home, period_start=start)
    built = []

    def build(first, last, since):
        built.append(first)
        return (
            Pledge.objects.filter(
                period_start__gte=first, period_start__lte=last, updated_at__gte=since
            )
            .order_by("period_start")
            .values_list("period_start", flat=False)
        )

    prepared = PreparedRows(build, dates=["first", "last"], times=["since"])
    long_ago = timezone.now() - dt.timedelta(days=3)
    soon = timezone.now() + dt.timedelta(days=3)
    for first, last, since in [
        (starts[0], starts[2], long_ago),
        (starts[1], starts[2], long_ago),
        (starts[0], starts[0], long_ago),
        (starts[2] + dt.timedelta(days=1), dt.date(year, 12, 31), long_ago),
        (starts[0], starts[2], soon),
    ]:
        expected = list(build(first, last, since))
        assert prepared.rows(first=first, last=last, since=since) == expected
    assert prepared.rows(first=starts[0], last=starts[2], since=long_ago) == [
        (start,) for start in starts
    ]
    assert len(built) == 1 + 5


def test_a_date_the_orm_turns_into_other_values_is_refused(db):
    """A queryset that passes another date than the one given (a day later) is refused:
    the stand-in is not among its parameters."""
    later = Prepared(
        lambda first: Pledge.objects.filter(
            period_start__gte=first + dt.timedelta(days=1)
        ).values_list("pk"),
        dates=["first"],
    )
    with pytest.raises(ValueError, match="not every value"):
        later.rows(first=dates.today())
    with pytest.raises(ValueError, match="no value when"):
        Prepared(lambda first: Pledge.objects.all(), dates=["when"]).rows(first=1)


def test_rows_in_scope_with_values_of_their_own_are_the_visible_rows(
    owner, liaison, national_reader, home, neighbour, away
):
    """``InScope`` of a function of the query's own values (a day, an id): the rows
    ``filter_visible`` gives for each, every row where the reader sees everything; a
    path for a model without ``municipality_path`` (the municipalities themselves)."""
    year = dates.today().year
    for municipality, month in ((home, 2), (neighbour, 5), (away, 9), (home, 11)):
        f.PledgeFactory(municipality=municipality, period_start=dt.date(year, month, 1))

    def build(first, other):
        return (
            Pledge.objects.filter(period_start__gte=first)
            .exclude(pk=other)
            .order_by("period_start")
            .values_list("pk", "period_start")
        )

    scoped = access.InScope(build, dates=["first"])
    days = [dt.date(year, 1, 1), dt.date(year, 5, 1), dt.date(year, 12, 1)]
    for user in (owner, liaison, national_reader):
        for first in days:
            expected = list(access.filter_visible(build(first, 0), user, Capability.READ))
            found = access.visible(scoped, user, Capability.READ, first=first, other=0)
            assert found == expected
    assert (
        len(access.visible(scoped, national_reader, Capability.READ, first=days[0], other=0)) == 4
    )
    with pytest.raises(TypeError, match="first, other"):
        access.visible(scoped, owner, Capability.READ, first=days[0])
    municipalities = access.InScope(Municipality.objects.order_by("code"), path="pk")
    assert access.visible(municipalities, liaison, Capability.REVIEW) == list(
        access.municipalities_for(liaison, Capability.REVIEW).order_by("code")
    )
    assert {m.pk for m in access.visible(municipalities, liaison, Capability.REVIEW)} == {
        home.pk,
        neighbour.pk,
    }


def test_strings_as_values_are_passed_as_they_are(home, neighbour):
    """A string value (a municipality's code from the address): the ORM's rows for each,
    however odd the string (quotes, a percent sign, a placeholder, very long)."""
    by_code = PreparedObjects(lambda code: Municipality.objects.filter(code=code), texts=["code"])
    for code in (home.code, neighbour.code):
        assert [m.pk for m in by_code.objects(code=code)] == [
            m.pk for m in Municipality.objects.filter(code=code)
        ]
    for odd in ("x' OR '1'='1", "50 %", "%s", "%(code)s", "ö" * 5000, ""):
        assert by_code.objects(code=odd) == []


@pytest.mark.parametrize("who", ["owner", "liaison", "county_officer"])
def test_the_municipality_page_is_read_by_sql_made_once(request, client_of, who, home, monkeypatch):
    """The municipality page (its lookup, areas and every panel) builds no query through
    the ORM once the process has made its SQL (issue 16)."""
    f.PledgeFactory(municipality=home, status=Pledge.Status.PUBLISHED, title="Publicerat löfte")
    f.PledgeFactory(municipality=home, status=Pledge.Status.DRAFT, title="Utkast till löfte")
    client = client_of(request.getfixturevalue(who))
    url = reverse("municipality-detail", args=[home.code])
    assert built_by_the_orm(client, url, monkeypatch) == []
    # the pledges' panel: drafts for those who see them, the published pledge for all
    page = client.get(url).content.decode()
    assert "Publicerat löfte" in page
    assert ("Utkast till löfte" in page) == (who != "county_officer")


def test_rows_in_scope_for_a_reader_of_everything_are_read_each_time(
    national_reader, home, neighbour
):
    """A national reader's rows (no limit: the queryset itself) are read again on each
    call: a queryset given once keeps no rows between calls."""
    scoped = access.InScope(Pledge.objects.order_by("pk"))
    f.PledgeFactory(municipality=home)
    assert len(access.visible(scoped, national_reader, Capability.READ)) == 1
    f.PledgeFactory(municipality=neighbour)
    assert len(access.visible(scoped, national_reader, Capability.READ)) == 2
    assert len(list(scoped.queryset)) == 2
