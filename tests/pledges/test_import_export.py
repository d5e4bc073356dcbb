"""The activity plan as CSV and XLSX: export, import, round trips, a row-by-row report
for broken files (and then nothing saved), size and type refused, formulas defused."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from openpyxl import Workbook, load_workbook

from pledges import importexport
from pledges.models import Activity, Pledge
from tests import factories as f

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIELDS = [
    "title",
    "description",
    "type",
    "status",
    "responsible_party",
    "partner_name",
    "responsible_user_id",
    "responsible_name",
    "responsible_email",
    "start_date",
    "end_date",
    "recurrence",
    "problem_id",
    "goal_id",
    "action_plan_id",
    "cadence",
    "next_follow_up",
]


def values(activity: Activity) -> dict:
    return {
        **{name: getattr(activity, name) for name in FIELDS},
        "themes": sorted(t.pk for t in activity.themes.all()),
    }


@pytest.fixture
def plan(home, pledge, themes, owner):
    """A plan that uses every column: links, a partner, a user, dates, a recurrence."""
    picture = f.SituationalPictureFactory(municipality=home, is_current=True)
    problem = f.PriorityProblemFactory(picture=picture, title="Rån i centrum")
    goal = f.GoalFactory(agreement=f.AgreementFactory(municipality=home), text="Färre rån")
    action_plan = f.ActionPlanFactory(municipality=home, title="Åtgärdsplan 2026")
    first = f.ActivityFactory(
        pledge=pledge,
        title="Trygghetsvandring",
        description="Med boende; fastighetsägare och polis.\nTvå rader.",
        responsible_party=Activity.Party.PARTNER,
        partner_name="Bostadsbolaget AB",
        responsible_user=owner,
        start_date=dt.date(2026, 3, 1),
        end_date=dt.date(2026, 10, 31),
        problem=problem,
        goal=goal,
        action_plan=action_plan,
        status=Activity.Status.ONGOING,
        cadence=Activity.Cadence.QUARTERLY,
        next_follow_up=dt.date(2026, 4, 30),
        order=1,
    )
    first.themes.set(themes)
    second = f.ActivityFactory(
        pledge=pledge,
        title="Föräldravandring – Åsen",
        description="",
        responsible_party=Activity.Party.MUNICIPALITY,
        responsible_name="Åsa Öberg",
        responsible_email="asa@example.se",
        start_date=None,
        end_date=None,
        recurrence="Varje fredag kväll",
        type=Activity.Type.SOCIAL,
        order=2,
    )
    second.themes.set([themes[0]])
    f.ActivityFactory(
        pledge=pledge, title="Borttagen", deleted_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC)
    )
    return [first, second]


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def export(client, pledge, fmt: str):
    return client.get(reverse("pledge-export", args=[pledge.pk, fmt]))


def upload(client, pledge, name: str, content: bytes, content_type="text/csv"):
    return client.post(
        reverse("pledge-import", args=[pledge.pk]),
        {"file": SimpleUploadedFile(name, content, content_type=content_type)},
    )


def xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- export --------------------------------------------------------------------------


def test_csv_export_is_an_attachment_in_utf8_with_bom(client_of, owner, pledge, plan):
    response = export(client_of(owner), pledge, "csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".csv" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    text = response.content.decode("utf-8-sig")
    assert "Föräldravandring – Åsen" in text and "Åsa Öberg" in text
    assert "Borttagen" not in text  # removed activities are not part of the plan
    assert text.splitlines()[0].count(";") == len(importexport.COLUMNS) - 1


def test_xlsx_export(client_of, owner, pledge, plan):
    response = export(client_of(owner), pledge, "xlsx")
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3
    assert rows[1][0] == "Trygghetsvandring"
    assert rows[1][importexport.COLUMNS.index("start_date")].date() == dt.date(2026, 3, 1)


def test_control_characters_do_not_break_the_xlsx_export(client_of, owner, pledge):
    f.ActivityFactory(pledge=pledge, title="Klock\x07slag", description="Rad ett\nrad två")
    sheet = load_workbook(io.BytesIO(export(client_of(owner), pledge, "xlsx").content)).active
    assert sheet["A2"].value == "Klockslag"
    assert sheet["B2"].value == "Rad ett\nrad två"


def test_unknown_export_formats_are_404(client_of, owner, pledge):
    assert export(client_of(owner), pledge, "pdf").status_code == 404


def test_formula_injection_is_neutralised(client_of, owner, pledge):
    dangerous = {
        "title": '=HYPERLINK("http://evil.example","klicka")',
        "description": "+1+2",
        "partner_name": "@SUM(A1:A2)",
        "recurrence": "-2+3",
    }
    activity = f.ActivityFactory(pledge=pledge, responsible_party="partner", **dangerous)
    client = client_of(owner)
    text = export(client, pledge, "csv").content.decode("utf-8-sig")
    for value in dangerous.values():
        quoted = "'" + value
        assert quoted in text or '"' + quoted.replace('"', '""') + '"' in text
    sheet = load_workbook(io.BytesIO(export(client, pledge, "xlsx").content)).active
    row = next(sheet.iter_rows(min_row=2, max_row=2))
    for cell in row:
        if isinstance(cell.value, str) and cell.value:
            assert cell.data_type == "s"
            assert not cell.value.startswith(("=", "+", "-", "@"))
    # and the import takes the apostrophe off again
    other = f.PledgeFactory(municipality=pledge.municipality)
    response = upload(client, other, "plan.csv", export(client, pledge, "csv").content)
    assert response.status_code == 302, response.content.decode()
    copy = other.activities.get()
    for name, value in dangerous.items():
        assert getattr(copy, name) == value
    assert activity.title == copy.title


# --- round trips ---------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_round_trips(client_of, owner, pledge, plan, home, fmt):
    client = client_of(owner)
    content = export(client, pledge, fmt).content
    target = f.PledgeFactory(municipality=home, title="Nästa års löfte")
    existing = f.ActivityFactory(pledge=target, title="Finns redan", order=5)
    response = upload(client, target, f"plan.{fmt}", content, XLSX if fmt == "xlsx" else "text/csv")
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == reverse("pledge-detail", args=[target.pk]) + "#activities"
    imported = list(target.activities.exclude(pk=existing.pk).order_by("order"))
    assert [values(a) for a in imported] == [values(a) for a in plan]
    assert all(a.order > existing.order for a in imported)  # appended after the plan
    assert imported[0].history.first().history_user == owner


def test_an_english_export_imports_in_swedish(client_of, owner, pledge, plan, home):
    client = client_of(owner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    content = export(client, pledge, "csv").content
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    target = f.PledgeFactory(municipality=home)
    assert upload(client, target, "plan.csv", content).status_code == 302
    assert [values(a) for a in target.activities.order_by("order")] == [values(a) for a in plan]


def test_a_swedish_excel_csv_in_windows_1252_with_codes(client_of, owner, pledge):
    content = (
        "title;type;responsible_party;recurrence\r\n"
        "Nattvandring på torget;social;joint;Varje fredag\r\n"
    ).encode("cp1252")
    assert upload(client_of(owner), pledge, "PLAN.CSV", content).status_code == 302
    activity = pledge.activities.get()
    assert activity.title == "Nattvandring på torget"
    assert (activity.status, activity.cadence) == ("planned", "tertial")  # the defaults


# --- broken files: a report, and nothing saved --------------------------------------


def test_broken_rows_are_reported_row_by_row_and_nothing_is_saved(english, owner, pledge, themes):
    english.force_login(owner)
    content = xlsx(
        [
            [
                "Activity",
                "Type",
                "Responsible party",
                "From",
                "To",
                "Recurrence",
                "Regional themes",
                "Problem it serves",
            ],
            ["Rätt rad", "social", "jointly", "2026-02-01", "", "", themes[0].title, ""],
            ["", "social", "jointly", "2026-02-01", "", "", "", ""],
            ["Fel datum", "social", "jointly", "2026-13-01", "", "", "Okänt tema", ""],
            [],
            [
                "Fel ordning",
                "sociala",
                "the police",
                "2026-05-01",
                "2026-04-01",
                "",
                "",
                "Inget sådant",
            ],
        ]
    )
    response = upload(english, pledge, "plan.xlsx", content, XLSX)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Nothing has been imported" in body
    assert "Row 3: Activity: This field is required." in body
    assert "Row 4: From: Enter a valid date." in body
    assert "Row 4: Regional themes: “Okänt tema” is not a theme of the police region." in body
    assert "Row 6: Type: “sociala” is not accepted: write social or situational." in body
    assert "Row 6: To: The activity must end after it starts." in body
    assert "Row 6: Problem it serves: there is no priority problem called “Inget sådant”." in body
    assert "Row 2" not in body and "Row 5" not in body
    assert not pledge.activities.exists()


def test_a_service_rule_on_one_row_rolls_back_the_others(client_of, owner, pledge, away):
    foreign_problem = f.PriorityProblemFactory(
        picture=f.SituationalPictureFactory(municipality=away)
    )
    content = (
        "title;type;responsible_party;recurrence;problem\r\n"
        "Första;social;joint;Varje vecka;\r\n"
        f"Andra;social;joint;Varje vecka;{foreign_problem.title}\r\n"
    ).encode()
    response = upload(client_of(owner), pledge, "plan.csv", content)
    assert response.status_code == 400
    assert not pledge.activities.exists()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("plan.txt", b"title\nA\n", "Choose a CSV or XLSX file"),
        ("plan.pdf", b"%PDF-1.4", "Choose a CSV or XLSX file"),
        ("plan.xlsx", b"title;type\nA;social\n", "not an Excel workbook"),
        ("plan.xlsx", b"PK\x03\x04 broken zip", "not an Excel workbook"),
        ("plan.csv", b"title\x00\x01\x02", "not a CSV text file"),
        ("plan.csv", b"", "The submitted file is empty."),
        ("plan.csv", b"Rubrik;Annat\r\nA;B\r\n", "is not one of the export"),
        ("plan.csv", b"title;type\r\n", "no activities below its headers"),
    ],
)
def test_files_that_cannot_be_read_are_refused(english, owner, pledge, name, content, expected):
    english.force_login(owner)
    response = upload(english, pledge, name, content, "application/octet-stream")
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert not pledge.activities.exists()


def test_a_file_over_2_mb_is_refused(english, owner, pledge):
    english.force_login(owner)
    row = "Nattvandring;social;joint;Varje fredag\r\n"
    content = ("title;type;responsible_party;recurrence\r\n" + row * 60_000).encode()
    assert len(content) > 2 * 1024 * 1024
    response = upload(english, pledge, "plan.csv", content)
    assert response.status_code == 400
    assert "larger than 2 MB" in response.content.decode()
    assert not pledge.activities.exists()


def test_too_many_rows_are_refused(owner, pledge):
    content = (
        "title;type;responsible_party;recurrence\r\n"
        + "A;social;joint;Varje fredag\r\n" * (importexport.MAX_ROWS + 1)
    ).encode()
    with pytest.raises(importexport.ImportRefused):
        importexport.import_activities(user=owner, pledge=pledge, name="a.csv", content=content)
    assert not pledge.activities.exists()


def test_an_xlsx_that_unpacks_to_something_huge_is_refused(owner, pledge):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (importexport.MAX_UNPACKED_BYTES + 1))
    assert len(buffer.getvalue()) < 1024 * 1024
    with pytest.raises(importexport.ImportRefused, match="packas upp"):
        importexport.import_activities(
            user=owner, pledge=pledge, name="a.xlsx", content=buffer.getvalue()
        )


def test_a_csv_cell_over_the_csv_limit_is_refused_not_a_crash(owner, pledge):
    content = b'title;description\r\nA;"' + b"x" * 200_000 + b'"\r\n'
    with pytest.raises(importexport.ImportRefused):
        importexport.import_activities(user=owner, pledge=pledge, name="a.csv", content=content)


def test_the_import_page_and_who_may_use_it(client_of, owner, colleague, liaison, pledge):
    url = reverse("pledge-import", args=[pledge.pk])
    page = client_of(owner).get(url).content.decode()
    assert 'enctype="multipart/form-data"' in page
    for header in importexport.headers():
        assert escape(header) in page
    for user in (colleague, liaison):
        assert client_of(user).get(url).status_code == 404
    Pledge.objects.filter(pk=pledge.pk).update(status=Pledge.Status.IN_REVIEW)
    content = b"title;type;responsible_party;recurrence\r\nA;social;joint;Varje fredag\r\n"
    response = upload(client_of(owner), pledge, "plan.csv", content)
    assert response.status_code == 302
    assert not pledge.activities.exists()


def test_a_wrong_choice_lists_the_accepted_values_in_swedish(client_of, owner, pledge):
    content = (
        "title;type;responsible_party;recurrence\r\n"
        "Första;sociala;polisen och kommunen;Varje vecka\r\n"
    ).encode()
    response = upload(client_of(owner), pledge, "plan.csv", content)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Rad 2: Typ: ”sociala” godtas inte: ange socialt eller situationellt." in body
    assert "Rad 2: Ansvarig part: ”polisen och kommunen” godtas inte: ange " in body
    assert not pledge.activities.exists()
