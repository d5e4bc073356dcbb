"""Hostile input, part 2: every URL of the project, GET and POST, with hostile query
strings, bodies and path parameters, as an anonymous user, the user the page is for
and a user of another organisation: never a 5xx. And bodies over the size limit are
refused before anything reads them.

The URLs and their objects come from the isolation registry (tests/isolation.py), so
a new page is walked here as soon as it has its isolation case. Deterministic: the
hostile values are a fixed list, taken in turn.
"""

from __future__ import annotations

import itertools
import re
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse

from tests.hostile.nasty import DEEP_NESTING, NASTY
from tests.hostile.test_forms import project_forms
from tests.isolation import Kind
from tests.test_isolation_gate import _case_for, _walk

#: query parameters the views read (filters, sorting, paging, htmx switches, redirects)
QUERY_KEYS = (
    "q",
    "page",
    "county",
    "municipality",
    "sort",
    "order",
    "status",
    "phase",
    "year",
    "display",
    "cancel",
    "next",
    "direction",
    "reminder",
    "format",
)

RAW_QUERIES = (
    "%ff%fe%00=%00&&==;;%",
    "page=1&page=%00&page=" + "9" * 50,
    "a" * 10_000,
    "county=%E2%80%AE&sort=-" + "x" * 300,
)

RAW_BODIES = (
    ("application/x-www-form-urlencoded", b"\xff\xfe=\x00&title=%ZZ&version=" + b"9" * 400),
    ("application/json", b'{"title": "\\u0000", "version": 1e999}'),
    ("multipart/form-data; boundary=xyz", b"--xyz\r\nContent-Disposition: form-data\r\n\r\n\x00"),
    ("multipart/form-data", b"no boundary at all"),
    ("text/plain", "åäö\x00".encode("utf-16")),
)

#: path values for the converters: huge numbers, hostile text (without "/")
PATH_VALUES = {
    "int": ("0", "9" * 30, "9223372036854775808"),
    "str": tuple(v[:300] for v in NASTY if v and "/" not in v),
    "slug": ("x" * 300, "-", "_-_"),
}

PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def _urls():
    """(name, route, case) of every named URL outside the Django admin."""
    for namespace, name, route in _walk(get_resolver().url_patterns):
        case = _case_for(namespace, name)
        if case is not None and case.kind != Kind.ADMIN:
            yield name, route, case


def _field_names() -> list[str]:
    """Every field name of every form, so bodies reach the views' forms."""
    names = {name for form in project_forms().values() for name in form.base_fields}
    return sorted(names | {"version", "csrfmiddlewaretoken", "file", "username", "password"})


class Hostile:
    """An endless, fixed sequence of hostile values, taken in turn."""

    def __init__(self) -> None:
        self._values = itertools.cycle(NASTY)

    def next(self) -> str:
        return next(self._values)

    def query(self) -> dict[str, str]:
        return {key: self.next() for key in QUERY_KEYS}

    def body(self, names: list[str]) -> dict[str, str]:
        return {name: self.next() for name in names}


def _requests(client, url: str, hostile: Hostile, names: list[str]):
    """Yield (what, response) for each hostile request to ``url``."""
    query = urlencode(hostile.query())
    yield f"GET ?{query[:80]}", client.get(f"{url}?{query}")
    raw = RAW_QUERIES[len(url) % len(RAW_QUERIES)]
    yield f"GET ?{raw[:80]}", client.get(url, QUERY_STRING=raw)
    yield "POST form", client.post(url, hostile.body(names))
    yield "POST htmx form", client.post(url, hostile.body(names), headers={"HX-Request": "true"})
    content_type, body = RAW_BODIES[len(url) % len(RAW_BODIES)]
    yield f"POST {content_type}", client.post(url, body, content_type=content_type)


def _users(cast, case):
    yield "anonymous", None
    yield case.viewer, getattr(cast, case.viewer)
    yield "outsider", cast.outsider


def test_every_url_answers_hostile_requests_without_5xx(client, cast):
    hostile, names, failures = Hostile(), _field_names(), []
    for name, _route, case in _urls():
        url = reverse(name, kwargs=case.build(cast))
        for who, user in _users(cast, case):
            client.logout()
            if user is not None:
                client.force_login(user)
            for what, response in _requests(client, url, hostile, names):
                if response.status_code >= 500:
                    failures.append(f"{who} {what} {url}: {response.status_code}")
    assert not failures, "\n".join(failures)


def _admin_urls() -> list[str]:
    """The list, add and a change page of every model in the Django admin."""
    from django.contrib import admin

    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls += [reverse(f"{prefix}_changelist"), reverse(f"{prefix}_add")]
        if (first := model._default_manager.order_by("pk").first()) is not None:
            urls.append(reverse(f"{prefix}_change", args=[first.pk]))
    return urls


def _admin_field_names() -> list[str]:
    from django.contrib import admin

    names = {field.name for model in admin.site._registry for field in model._meta.get_fields()}
    return sorted(names | {"action", "_selected_action", "index", "select_across"})


def test_the_admin_answers_hostile_requests_without_5xx(client, cast, superuser):
    hostile, failures, names = Hostile(), [], _admin_field_names()
    admin_keys = ("q", "o", "p", "e", "_changelist_filters", "id__in", "name__exact", "all")
    urls = _admin_urls()
    for user in (None, cast.owner, superuser):
        client.logout()
        if user is not None:
            client.force_login(user)
        for url in urls:
            query = urlencode({key: hostile.next() for key in admin_keys})
            for response in (
                client.get(f"{url}?{query}"),
                client.get(url, QUERY_STRING=RAW_QUERIES[len(url) % len(RAW_QUERIES)]),
                client.post(url, hostile.body(names)),
                client.post(url, {**hostile.body(names), "_selected_action": "9" * 30}),
            ):
                if response.status_code >= 500:
                    failures.append(f"{url}?{query[:80]}: {response.status_code}")
    assert not failures, "\n".join(failures)


def _garbage_kwargs(route: str, kwargs: dict, turn: int) -> list[dict]:
    """The URL's kwargs with each parameter in turn replaced by hostile values."""
    variants = []
    for match in PARAMETER.finditer(route):
        converter, name = match["converter"] or "str", match["name"]
        for value in PATH_VALUES.get(converter, ()):
            variants.append({**kwargs, name: value})
    return variants[turn % 3 :: 3] or variants  # a third of them per URL, in turn


def test_garbage_in_path_parameters_is_never_a_5xx(client, cast):
    failures = []
    for turn, (name, route, case) in enumerate(_urls()):
        kwargs = case.build(cast)
        user = getattr(cast, case.viewer)
        for garbage in _garbage_kwargs(route, kwargs, turn):
            path = route
            for key, value in garbage.items():
                path = re.sub(rf"<(\w+:)?{key}>", quote(str(value), safe=""), path)
            path = "/" + path.lstrip("^").rstrip("$")
            for who in (None, user):
                client.logout()
                if who is not None:
                    client.force_login(who)
                for response in (client.get(path), client.post(path, {"version": "1"})):
                    if response.status_code >= 500:
                        failures.append(f"{name} {path[:120]}: {response.status_code}")
    assert not failures, "\n".join(failures)


# --- bodies over the limit ------------------------------------------------------------


class Unreadable:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body of a request over the limit was read")

    readline = read

    def __iter__(self):
        return self.read()


def _upload_urls(cast) -> list[str]:
    from tests.isolation import CASES

    return [
        reverse(name, kwargs=CASES[name].build(cast))
        for name in ("pledge-import", "indicator-import", "activity-create", "login")
    ]


@pytest.mark.parametrize("content_type", ["multipart/form-data; boundary=xyz", "text/plain"])
def test_bodies_over_the_limit_are_refused_before_they_are_read(client, cast, content_type):
    too_large = settings.MAX_REQUEST_BYTES + 1
    for url in _upload_urls(cast):
        for user in (None, cast.owner, getattr(cast, "staff", None)):
            client.logout()
            if user is not None:
                client.force_login(user)
            response = client.generic(
                "POST",
                url,
                b"x",
                content_type=content_type,
                CONTENT_LENGTH=str(too_large),
                **{"wsgi.input": Unreadable()},
            )
            assert response.status_code == 413, url
            body = response.content.decode()
            assert "För stor förfrågan" in body, body[:500]
            assert "MB" in body


def test_a_body_within_the_limit_still_reaches_the_view(client_of, owner, home):
    from tests.factories import PledgeFactory

    pledge = PledgeFactory(municipality=home)
    response = client_of(owner).post(
        reverse("pledge-import", args=[pledge.pk]),
        {"file": ("x" * 10).encode()},
    )
    assert response.status_code == 400  # the form's own answer, not the limit's
    assert "För stor förfrågan" not in response.content.decode()


@pytest.mark.django_db  # the login page lists the organisations' sign-in providers
def test_a_malformed_content_length_is_not_an_error(client):
    response = client.generic(
        "POST",
        reverse("login"),
        b"x",
        content_type="text/plain",
        CONTENT_LENGTH="-5",
        **{"wsgi.input": Unreadable()},
    )
    assert response.status_code == 200  # the login page again: nothing was sent


def test_nul_in_the_path_or_the_query_is_a_bad_request_in_swedish(client_of, owner, home):
    client = client_of(owner)
    for response in (
        client.get(reverse("municipality-detail", args=["91\x0001"])),
        client.get(reverse("municipality-list"), {"county": "9\x001"}),
        client.post(reverse("municipality-list") + "?county=%00", {"x": "1"}),
    ):
        assert response.status_code == 400
        assert "Felaktig förfrågan" in response.content.decode()
    assert client.get(reverse("municipality-detail", args=[home.code])).status_code == 200


# --- hostile files to the imports -------------------------------------------------------


def _xlsx(rows: list[list[str]]) -> bytes:
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _activity_files() -> list[tuple[str, bytes]]:
    from pledges import importexport

    header = importexport.headers()
    cells = ["_x0000_titel", "a_x0000_b", *NASTY[5:20]][: len(header)]
    csv_rows = ";".join(header) + "\n" + ";".join(v.replace(";", ",") for v in cells) + "\n"
    return [
        ("aktiviteter.xlsx", _xlsx([header, cells])),
        ("aktiviteter.csv", csv_rows.encode()),
        ("aktiviteter.csv", b"titel\n\x00\n"),
        ("aktiviteter.csv", "titel\n" + '"' * 3 + "x" * 200_000 + "\n"),
        ("aktiviteter.xlsx", b"PK\x03\x04 not a zip"),
        *[(f"aktiviteter.{suffix}", deep) for deep in DEEP_NESTING for suffix in ("csv", "xlsx")],
    ]


def _indicator_files() -> list[tuple[str, str, bytes]]:
    kolada = (
        b'{"values": [{"kpi": "N\\u00000", "municipality": "9101", "period": 2024,'
        b' "values": [{"gender": "T", "value": 1}]}]}',
        b'{"values": [{"kpi": "N1", "municipality": "9101", "period": 1e999,'
        b' "values": [{"gender": "T", "value": 1e999}]}]}',
        b'{"values": [{"kpi": "N1", "municipality": "9101", "period": 2024,'
        b' "values": [{"gender": "\\u0000", "value": "NaN"}, {"gender": "T", "value": -1e999}]}]}',
        b'{"values": [[], null, 1, {"kpi": {"a": 1}, "period": [2024], "values": {}}]}',
        b'{"values": ' + b"[" * 5000 + b"]" * 5000 + b"}",
    )
    csv = (
        b"Trygghetsindex;9101;Hemby\x00centrum;2024;T;2,4\n",
        b"Trygghetsindex;9101;<script>alert(1)</script>;2024;T;1e999\n",
        b"Trygghetsindex;9101;;99999999999999999999;T;NaN\n",
    )
    return [("kolada", "kolada.json", body) for body in (*kolada, *DEEP_NESTING)] + [
        ("csv", "värden.csv", body) for body in (*csv, *DEEP_NESTING)
    ]


def test_hostile_files_to_the_imports_are_answered_without_5xx(client, cast, home):
    from followup.models import Indicator, IndicatorValue
    from pledges.models import Activity
    from tests import factories as f
    from tests.isolation import CASES

    f.IndicatorFactory(name="Trygghetsindex", code="TI")
    pledge = f.PledgeFactory(municipality=home)
    client.force_login(cast.owner)
    url = reverse("pledge-import", args=[pledge.pk])
    for name, content in _activity_files():
        upload = SimpleUploadedFile(
            name, content if isinstance(content, bytes) else content.encode()
        )
        response = client.post(url, {"file": upload})
        assert response.status_code == 400, (name, content[:40], response.status_code)
    assert not Activity.objects.filter(pledge=pledge).exists()

    url = reverse("indicator-import", kwargs=CASES["indicator-import"].build(cast))
    client.force_login(cast.staff)
    for kind, name, content in _indicator_files():
        response = client.post(url, {"kind": kind, "file": SimpleUploadedFile(name, content)})
        assert response.status_code < 500, (name, content[:60])
    # (in Python: neither database can be asked about NUL in SQL)
    stored = [
        *Indicator.objects.values_list("code", "name"),
        *IndicatorValue.objects.values_list("area"),
    ]
    assert not [text for row in stored for text in row if "\x00" in text]
    # its value 1e999 is too large: the whole file is refused
    assert not IndicatorValue.objects.filter(area__contains="<script>").exists()


def test_djangos_own_bad_requests_get_the_swedish_page(client):
    too_many = {f"f{n}": "x" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = client.post(reverse("login"), too_many)
    assert response.status_code == 400
    assert "Felaktig förfrågan" in response.content.decode()
