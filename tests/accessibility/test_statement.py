"""The accessibility statement (issue 21): public, linked from every footer, its defaults
true for the product as shipped, edited by the operator in the admin at the version the
form showed (a stale save refused, every version kept), shown on the page."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.template.loader import render_to_string
from django.urls import reverse

from accessibility.models import Statement

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC)
URL = "/accessibility/"


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def test_the_page_is_public_and_its_defaults_say_what_the_law_asks(client):
    assert reverse("accessibility-statement") == URL
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    for expected in (
        "<h1>Tillgänglighetsredogörelse</h1>",
        "delvis förenlig med lagen om tillgänglighet till digital offentlig service",
        "EN 301 549",
        "WCAG) 2.1 på nivå AA",
        # what is not accessible, honestly: the PDFs, the exports, the admin
        "PDF/A-3a",
        "CSV och XLSX",
        "/admin/",
        # how it was assessed, and when
        "axe-core",
        "375 pixlar",
        "Vid varje ändring av programmet",
        "Ingen registrerad ännu.",
        # how to report a problem, and DIGG's complaint form
        'id="feedback-form"',
        'href="https://www.digg.se/tdosanmalan"',
    ):
        assert expected in body, expected
    assert not Statement.objects.exists(), "reading the page stores nothing"


def test_every_footer_links_to_it(client, client_of, owner):
    for url in (reverse("login"), reverse("public-index"), URL):
        assert f'href="{URL}"' in client.get(url).content.decode(), url
    assert f'href="{URL}"' in client_of(owner).get(reverse("home")).content.decode()
    assert f'href="{URL}"' in render_to_string("400.html")
    page = client.get(URL).content.decode()
    assert f'href="{URL}" id="footer-accessibility" aria-current="page"' in page


def _form(**changes) -> dict:
    data = {
        "operator": "Region Exempel",
        "conformance": "full",
        "not_accessible": "Inga kända brister.",
        "not_covered": "",
        "assessment": "Extern granskning av Granskarna AB.",
        "automated_review_on": "2026-06-01",
        "manual_review_on": "2026-05-20",
        "contact": "Skriv till oss.",
        "contact_email": "tillganglighet@example.se",
        "contact_phone": "010-123 45 67",
        "version": "",
    }
    data.update(changes)
    return data


def test_the_operator_edits_it_in_the_admin_and_the_page_shows_it(client, superuser):
    client.force_login(superuser)
    changelist = reverse("admin:accessibility_statement_changelist")
    add = reverse("admin:accessibility_statement_add")
    assert client.get(changelist)["Location"] == add
    assert client.post(add, _form()).status_code == 302
    statement = Statement.objects.get()
    assert statement.version == 1
    change = reverse("admin:accessibility_statement_change", args=[statement.pk])
    assert client.get(changelist)["Location"] == change
    assert client.get(add).status_code == 403, "one statement only"

    page = client.get(URL).content.decode()
    for expected in (
        "Region Exempel står bakom Samverkan",
        "Samverkan är helt förenlig",
        "Inga kända brister.",
        "Extern granskning av Granskarna AB.",
        '<dd id="automated-review">1 juni 2026</dd>',
        '<dd id="manual-review">20 maj 2026</dd>',
        '<dd id="statement-updated">15 juni 2026</dd>',
        'href="mailto:tillganglighet@example.se"',
        "010-123 45 67",
    ):
        assert expected in page, expected
    assert "Innehåll som inte omfattas av lagen" not in page  # left empty: no heading

    # an edit at the version shown is saved as the next version
    form = client.get(change).content.decode()
    assert 'name="version" value="1"' in form
    assert client.post(change, _form(version="1", conformance="partial")).status_code == 302
    # a save from a form opened before that edit is refused, nothing overwritten
    stale = client.post(change, _form(version="1", not_accessible="Gammal text."))
    assert stale.status_code == 200
    assert "Någon annan sparade redogörelsen" in stale.content.decode()
    statement.refresh_from_db()
    assert (statement.version, statement.conformance) == (2, "partial")
    assert statement.not_accessible == "Inga kända brister."
    # every version is kept, with who saved it, and listed on the form
    assert [h.version for h in statement.history.order_by("history_date")] == [1, 2]
    assert {h.history_user for h in statement.history.all()} == {superuser}
    assert "Tidigare versioner" in client.get(change).content.decode()
    # and it is never deleted
    delete = reverse("admin:accessibility_statement_delete", args=[statement.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Statement.objects.count() == 1


def test_only_staff_reach_the_admin(client, owner):
    client.force_login(owner)
    response = client.get(reverse("admin:accessibility_statement_add"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
