"""The activity import's partner column: a name that matches one of the municipality's
partner organisations (an active partnership; case and spaces aside) assigns the
organisation, any other name is kept as the typed name, and the page says which rows
did which. Hostile names never assign another municipality's partner."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from councils.partner_kinds import PartnerKind
from councils.partners import Partnership
from pledges import importexport
from pledges.models import Activity
from tests.partner_fixtures import partner

pytestmark = pytest.mark.django_db

HEADER = "title;type;responsible_party;partner_name;recurrence\r\n"


def _csv(*partners: str) -> bytes:
    rows = "".join(
        f"Aktivitet {i};social;partner;{name};Varje fredag\r\n" for i, name in enumerate(partners)
    )
    return (HEADER + rows).encode()


def _import(owner, pledge, content: bytes):
    return importexport.import_activities(user=owner, pledge=pledge, name="a.csv", content=content)


def _assigned(pledge) -> list[tuple[str, str | None, str]]:
    return [
        (
            a.title,
            a.responsible_organisation.name if a.responsible_organisation else None,
            a.partner_name,
        )
        for a in Activity.objects.filter(pledge=pledge).order_by("title")
    ]


def test_matching_names_assign_the_organisation_and_the_rest_stay_text(
    owner, pledge, housing, school
):
    report = _import(
        owner,
        pledge,
        _csv(
            "Hembybostäder AB", "  hembybostäder   ab ", "HEMBY SKOLA", "Föreningen Nattvandrarna"
        ),
    )
    assert report.ok
    assert _assigned(pledge) == [
        ("Aktivitet 0", "Hembybostäder AB", ""),
        ("Aktivitet 1", "Hembybostäder AB", ""),
        ("Aktivitet 2", "Hemby skola", ""),
        ("Aktivitet 3", None, "Föreningen Nattvandrarna"),
    ]
    assert report.partners_matched == [
        (2, "Hembybostäder AB"),
        (3, "Hembybostäder AB"),
        (4, "Hemby skola"),
    ]
    assert report.partners_as_text == [(5, "Föreningen Nattvandrarna")]


def test_the_page_says_which_rows_matched(client_of, owner, pledge, housing):
    response = client_of(owner).post(
        reverse("pledge-import", args=[pledge.pk]),
        {
            "file": SimpleUploadedFile(
                "plan.csv", _csv("hembybostäder ab", "Okänd förening"), content_type="text/csv"
            )
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Rad 2: tilldelades partnerorganisationen Hembybostäder AB." in page
    assert "Rad 3: ”Okänd förening” är inte en partnerorganisation i kommunen" in page


def test_a_partner_of_another_municipality_or_an_ended_one_is_never_assigned(
    owner, pledge, housing, away_partner
):
    """Bortbyhem AB works with Bortby only; Hembybostäder's partnership has ended: both
    names are kept as text, and no organisation is assigned."""
    Partnership.objects.filter(organisation=housing).update(ended_on=dt.date(2026, 6, 1))
    report = _import(owner, pledge, _csv("Bortbyhem AB", "Hembybostäder AB"))
    assert report.ok
    assert _assigned(pledge) == [
        ("Aktivitet 0", None, "Bortbyhem AB"),
        ("Aktivitet 1", None, "Hembybostäder AB"),
    ]
    assert report.partners_matched == []


def test_a_name_two_partners_share_assigns_neither(owner, pledge, home, housing):
    partner("HEMBYBOSTÄDER  AB", PartnerKind.HOUSING, home)
    report = _import(owner, pledge, _csv("Hembybostäder AB"))
    assert report.ok
    assert _assigned(pledge) == [("Aktivitet 0", None, "Hembybostäder AB")]


@pytest.mark.parametrize(
    "name",
    [
        "Hembybostäder\u200bAB",  # a zero-width space is not a space
        "=Hembybostäder AB",  # a formula is text, never a match
        "Hembybostäder AB; DROP TABLE",
        "%",  # no pattern matching
        "Hembybostäder_AB",
        "hembybostader ab",  # another letter
    ],
)
def test_hostile_or_near_names_are_kept_as_text(owner, pledge, housing, name):
    report = _import(
        owner, pledge, (HEADER + f'A;social;partner;"{name}";Varje fredag\r\n').encode()
    )
    assert report.ok, report.errors
    activity = Activity.objects.get(pledge=pledge)
    assert activity.responsible_organisation_id is None
    assert activity.partner_name == name


def test_a_line_break_in_a_partners_name_is_refused_not_matched(owner, pledge, housing):
    content = (HEADER + 'A;social;partner;"Hembybostäder\nAB";Varje fredag\r\n').encode()
    report = _import(owner, pledge, content)
    assert not report.ok and len(report.errors) == 1
    assert "radbrytningar" in report.errors[0]
    assert not Activity.objects.filter(pledge=pledge).exists()


def test_the_other_spelling_of_a_matches(owner, pledge, housing):
    """ "ä" typed as "a" followed by a combining diaeresis (as some systems export it)."""
    report = _import(owner, pledge, _csv("Hembybosta\u0308der AB"))
    assert report.partners_matched == [(2, "Hembybostäder AB")]


def test_a_name_longer_than_the_field_is_a_row_error_and_nothing_is_saved(owner, pledge, housing):
    with translation.override("en"):
        report = _import(owner, pledge, _csv("Hembybostäder AB", "x" * 201))
    assert not report.ok
    assert any(line.startswith("Row 3") for line in report.errors)
    assert report.partners_matched == [] and report.created == []
    assert not Activity.objects.filter(pledge=pledge).exists()


def test_an_export_of_an_assigned_activity_imports_to_the_same_organisation(
    client_of, owner, pledge, housing
):
    _import(owner, pledge, _csv("Hembybostäder AB"))
    exported = client_of(owner).get(reverse("pledge-export", args=[pledge.pk, "csv"])).content
    Activity.objects.filter(pledge=pledge).delete()
    report = _import(owner, pledge, exported)
    assert report.ok, report.errors
    assert _assigned(pledge) == [("Aktivitet 0", "Hembybostäder AB", "")]
