"""Gate: nothing internal reaches a READ-only user.

County officers and national readers (``READ`` only, ``councils.access.GRANTS``) see
what the public pages show plus statuses and counts. This gate builds a demo-like
municipality and every object the isolation registry (tests/isolation.py) builds for
its URLs, plants a marker in every field ``councils.visibility.FIELDS`` calls internal
(and in the content of every draft), then, signed in as each READ-only user, opens
every URL of the URLconf that has an isolation case, follows every link and htmx
``hx-get`` from there, submits the forms they are offered (report requests: their
PDFs render at once) and reads every page, CSV, JSON, XLSX and PDF. Any marker found
fails the suite, naming the URL and the field. A new page is covered by its
isolation case; a new text field must be classified in ``councils.visibility``.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.db import models
from django.urls import reverse

from config.celery import app as celery_app
from councils.models import Role
from councils.visibility import FIELDS
from pledges.models import Activity
from tests import planted
from tests.isolation import CASES, Kind
from tests.partner_fixtures import member, partner
from tests.test_isolation_gate import _url, _walk

pytestmark = pytest.mark.django_db

MOMENT = dt.datetime(2026, 6, 15, 10, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Stockholm"))
READERS = ("county_officer", "national_reader")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _reports_render_at_once():
    """The PDFs the crawl asks for render in-process, so the crawl reads them: with
    REDIS_URL set (CI) the tasks would otherwise wait in Redis for a worker."""
    conf = celery_app.conf
    saved = conf.task_always_eager
    conf.task_always_eager = True
    try:
        yield
    finally:
        conf.task_always_eager = saved


@pytest.fixture
def frozen():
    with time_machine.travel(MOMENT, tick=False):
        yield


def _seeds(cast) -> list[str]:
    """Every URL of the URLconf with an isolation case (admin aside: staff only), at the
    kwargs its case builds in ``cast.home`` and with its query string (a search's ``q``,
    the yearly report's ``year``)."""
    from django.urls import get_resolver

    seeds = []
    for _namespace, name, _route in _walk(get_resolver().url_patterns):
        case = CASES.get(name) if name else None
        if case is None or case.kind == Kind.ADMIN or name in planted.NEVER:
            continue
        seeds.append(_url(name, case, cast))
    return seeds


@pytest.fixture
def world(frozen, cast):
    data = planted.demo(cast)
    seeds = _seeds(cast)
    data["planted"] = planted.plant()
    data["seeds"] = seeds
    return data


def _fresh(user):
    """The user as stored: the planted password is part of the session's check."""
    user.refresh_from_db()
    return user


def _text_fields(model) -> list[str]:
    return [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField) and not field.choices
    ]


def test_every_text_field_is_classified():
    unclassified = []
    for model in planted.project_models():
        visibility = FIELDS.get(model._meta.label_lower)
        names = _text_fields(model)
        if visibility is None:
            if names:
                unclassified.append(f"{model._meta.label_lower}: {', '.join(names)}")
            continue
        missing = [name for name in names if name not in visibility.classified()]
        if missing:
            unclassified.append(f"{model._meta.label_lower}: {', '.join(missing)}")
    assert unclassified == [], (
        "text fields neither internal nor shown to READ-only users: classify them in "
        "councils/visibility.py FIELDS\n" + "\n".join(unclassified)
    )


def test_the_classification_names_real_fields_once():
    wrong = []
    for label, visibility in FIELDS.items():
        model = planted.apps.get_model(label)
        names = {field.name for field in model._meta.get_fields()}
        parts = [visibility.internal, visibility.until_public, visibility.shown]
        wrong += [f"{label}.{n}: no such field" for n in visibility.classified() - names]
        if sum(len(p) for p in parts) != len(visibility.classified()):
            wrong.append(f"{label}: a field is classified twice")
    assert wrong == []


@pytest.mark.fixed_clock
def test_read_only_users_meet_no_internal_value(world, client, request):
    failures = []
    for reader in READERS:
        client.force_login(_fresh(request.getfixturevalue(reader)))
        crawl = planted.crawl(client, world["seeds"], submit_forms=True)
        failures += [f"{reader}: {leak}" for leak in crawl.leaks()]
        failures += [f"{reader}: server error {error}" for error in crawl.errors()]
        # it cannot pass by visiting nothing: pages, exports and PDFs were read
        assert len(crawl.ok("html")) >= 40, f"{reader} opened only {len(crawl.ok('html'))} pages"
        for kind in ("csv", "xlsx", "pdf", "json"):
            assert crawl.ok(kind), f"{reader}: no {kind} was read"
        # the agreement's, the public pledge's and the county summary's PDFs
        assert len(crawl.ok("pdf")) >= 3, [visit.url for visit in crawl.ok("pdf")]
        urls = {visit.url for visit in crawl.ok()}
        # the county board's yearly report (XLSX) was read, at the case's year
        yearly = reverse("county-yearly-report", args=[world["pledge"].municipality.county.code])
        assert any(url.startswith(f"{yearly}?year=") for url in urls), f"{reader}: no yearly"
        for must in (
            reverse("pledge-detail", args=[world["pledge"].pk]),
            reverse("agreement-detail", args=[world["agreement"].pk]),
        ):
            assert must in urls, f"{reader} never reached {must}"
    assert failures == [], "internal values shown to READ-only users:\n" + "\n".join(failures)


@pytest.mark.fixed_clock
def test_read_only_users_meet_no_internal_value_in_kept_tables(world, client, owner, request):
    """The pages that keep a table rendered (the pledge's activity rows, the county
    dashboard's rows) opened first by the coordinator, whose rows show internal values,
    then by each READ-only user with the cache warm: none is served the kept rows."""
    pages = [
        reverse("pledge-detail", args=[world["pledge"].pk]),
        reverse("county-dashboard", args=[world["pledge"].municipality.county.code]),
    ]
    client.force_login(_fresh(owner))
    warm = planted.crawl(client, pages, submit_forms=False, limit=len(pages))
    assert any("pledges.activity.responsible_name" in visit.found for visit in warm.visits)
    failures = []
    for reader in READERS:
        client.force_login(_fresh(request.getfixturevalue(reader)))
        crawl = planted.crawl(client, pages, submit_forms=False, limit=len(pages))
        assert {visit.url for visit in crawl.ok("html")} == set(pages), reader
        failures += [f"{reader}: {leak}" for leak in crawl.leaks()]
    assert failures == [], "kept rows shown to READ-only users:\n" + "\n".join(failures)


@pytest.mark.fixed_clock
def test_the_gate_sees_what_internal_users_see(world, client, owner):
    """The same crawl as the municipality's coordinator finds the markers: planting
    works, and the gate reports a page that shows one."""
    client.force_login(_fresh(owner))
    crawl = planted.crawl(client, world["seeds"], submit_forms=False)
    found = {name for visit in crawl.visits for name in visit.found}
    for expected in (
        "pledges.activity.responsible_name",
        "followup.followup.reported_by",
        "pledges.comment.text",
        "pledges.dialogue.summary",
        "agreements.comment.text",
        "agreements.situationalpicture.analysis",
        "agreements.priorityproblem.title",
        "followup.followup.obstacles",
        "councils.meeting.minutes",
        "pledges.pledge.title",  # the draft's
    ):
        assert expected in found, f"the coordinator's pages never showed {expected}"
    leaking = [leak for leak in crawl.leaks() if "pledges.activity.responsible_name" in leak]
    assert any(reverse("pledge-detail", args=[world["draft"].pk]) in leak for leak in leaking)


def test_every_internal_field_is_planted(world):
    expected = {
        f"{label}.{name}"
        for label, visibility in FIELDS.items()
        for name in visibility.internal | visibility.until_public
    }
    assert set(world["planted"]) == expected


def test_markers_are_found_in_every_format():
    assert planted.markers_in("x PLANTED-pledges.comment-text~12 y") == {"pledges.comment.text"}
    # a PDF wraps long words: white space inside a marker does not hide it
    assert planted.markers_in("PLANTED-pledges.com\nment-text~1") == {"pledges.comment.text"}
    assert planted.markers_in("PLANTED but not a marker") == set()


@pytest.mark.fixed_clock
def test_a_partner_contact_meets_no_internal_value(world, client, home):
    """A housing company's contact, responsible for the published pledge's activities
    and for one of the draft's, crawls every page: their own activities page and
    follow-up form show no internal value (no comment, no draft, no person)."""
    housing = partner("Planterade bostäder AB", "housing", home)
    contact = member("planted_contact", housing, Role.CONTACT)
    Activity.objects.filter(pledge__in=[world["pledge"], world["draft"]]).update(
        responsible_party=Activity.Party.PARTNER, responsible_organisation=housing
    )
    client.force_login(_fresh(contact))
    seeds = [reverse("partner-activities"), *world["seeds"]]
    crawl = planted.crawl(client, seeds, submit_forms=True)
    assert crawl.leaks() == [], "internal values shown to a partner:\n" + "\n".join(crawl.leaks())
    assert crawl.errors() == []
    urls = {visit.url for visit in crawl.ok("html")}
    assert reverse("partner-activities") in urls
    ours = world["pledge"].activities.first()
    assert reverse("partner-follow-up-create", args=[ours.pk]) in urls
