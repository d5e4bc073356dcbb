"""Hostile input, part 3: stored XSS and formula injection everywhere.

Every text field of every model of the apps (found by walking the models' CharField
and TextField, so a new field is covered) is filled with script, HTML, a
``javascript:`` URL and a spreadsheet formula. Then everything that shows them is
rendered: every page of the URL registry (tests/isolation.py) as the user it is for,
the notification and reminder e-mails through the Celery tasks, the CSV/XLSX exports
and the open data, and the PDFs through the report task.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.apps import apps
from django.core import mail
from django.db import models
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from councils.exports import FORMULA_START
from tests import factories as f
from tests.hostile.nasty import FORMULAS, IMG, JAVASCRIPT_URL, SCRIPT
from tests.isolation import CASES, Kind

APPS = ("councils", "agreements", "pledges", "est", "followup")

ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
#: what must never appear in HTML: the payloads as live markup
LIVE = (
    "<script>alert(1)",
    "<img src=x onerror",
    'href="javascript:',
    "href='javascript:",
    'src="javascript:',
)

#: fields that hold keys or addresses the system sets, not text people write
NOT_TEXT = {("followup", "reminder", "subject"), ("followup", "reminder", "url")}


def _text_fields(model) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not field.choices
        and not isinstance(field, models.EmailField | models.SlugField | models.URLField)
        and field.name not in {"code", "letter_code", "password", "username"}
        and (model._meta.app_label, model._meta.model_name, field.name) not in NOT_TEXT
    ]


def payload(field: models.Field, turn: int, pk) -> str:
    """The longest hostile text the field holds; it starts with a formula."""
    formula = FORMULAS[turn % len(FORMULAS)]
    for text in (
        f"{formula} {SCRIPT}{IMG} {JAVASCRIPT_URL} #{pk}",
        f"{formula}{SCRIPT}{pk}",
        SCRIPT,
    ):
        if field.max_length is None or len(text) <= field.max_length:
            return text
    return formula


def poison_everything() -> int:
    """Hostile text into every text field of every row of the apps' models."""
    rows = 0
    for model in apps.get_models():
        if model._meta.app_label not in APPS or not (fields := _text_fields(model)):
            continue
        for pk in model._default_manager.values_list("pk", flat=True):
            values = {field.name: payload(field, turn, pk) for turn, field in enumerate(fields)}
            model._default_manager.filter(pk=pk).update(**values)
            rows += 1
    return rows


@pytest.fixture
def furnished(cast, police_org, county_board):
    """Objects of every kind in ``home``, so that the pages have something to show."""
    home, owner = cast.home, cast.owner
    picture = f.SituationalPictureFactory(municipality=home, is_current=True)
    f.SourceFactory(picture=picture)
    problem = f.PriorityProblemFactory(picture=picture)
    f.ActionPlanFactory(municipality=home)
    agreement = f.AgreementFactory(municipality=home)
    agreement.problems.add(problem)
    f.FocusAreaFactory(agreement=agreement)
    goal = f.GoalFactory(agreement=agreement)
    f.GoalIndicatorFactory(goal=goal)
    council = f.CouncilFactory(municipality=home)
    f.CouncilMemberFactory(council=council)
    f.DecisionFactory(meeting=f.MeetingFactory(council=council))
    f.CoordinationFunctionFactory(municipality=home)
    pledge = f.PledgeFactory(
        municipality=home,
        agreement=agreement,
        status="published",
        published_at=timezone.now(),
    )
    pledge.problems.add(problem)
    f.DialogueFactory(pledge=pledge)
    activity = f.ActivityFactory(pledge=pledge, problem=problem, partner_name="Partner")
    f.FollowUpFactory(activity=activity, published=True, reported_by=owner)
    f.PledgeFollowUpFactory(pledge=pledge, marked_by=owner, published_at=timezone.now())
    f.PledgeCommentFactory(pledge=pledge, author=cast.liaison, activity=activity)
    f.NotificationFactory(user=owner, pledge=pledge)
    f.IndicatorValueFactory(municipality=home, area="Centrum")
    f.ReminderFactory(user=owner, municipality=home)
    return {"pledge": pledge, "agreement": agreement, "activity": activity}


def _urls(cast) -> list[tuple[str, str, object]]:
    """(name, url, viewer) of every page of the registry, exports in every format."""
    urls = []
    for name, case in CASES.items():
        if case.kind == Kind.ADMIN:
            continue
        kwargs = case.build(cast)
        formats = ("csv", "xlsx", "json") if "fmt" in kwargs else (None,)
        for fmt in formats:
            if fmt:
                kwargs = {**kwargs, "fmt": fmt}
            viewer = None if case.kind == Kind.PUBLIC else getattr(cast, case.viewer)
            urls.append((name, reverse(name, kwargs=kwargs), viewer))
    return urls


def assert_escaped_html(where: str, html: str) -> None:
    lowered = html.lower()
    for live in LIVE:
        assert live not in lowered, f"{where}: {live!r} is live markup"


def _cells_of(response) -> list[str]:
    kind = response["Content-Type"]
    if kind.startswith("text/csv"):
        text = response.content.decode("utf-8-sig")
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=";,\t")
        return [cell for row in csv.reader(io.StringIO(text), dialect) for cell in row]
    workbook = load_workbook(io.BytesIO(response.content))
    cells = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"a formula in {cell.coordinate}: {cell.value}"
                if isinstance(cell.value, str):
                    cells.append(cell.value)
    return cells


def assert_neutral_cells(where: str, response) -> int:
    """Every cell with hostile text is neutralised; returns how many there were."""
    hostile = [cell for cell in _cells_of(response) if "alert(1)" in cell]
    for cell in hostile:
        assert not cell.startswith(FORMULA_START), f"{where}: formula cell {cell[:40]!r}"
    return len(hostile)


SHOWN_ON = {
    # pages that show the hostile text, each must show it escaped
    "municipality-detail",
    "council-detail",
    "meeting-detail",
    "picture-detail",
    "problem-detail",
    "agreement-detail",
    "pledge-detail",
    "pledge-review",
    "public-index",
    "public-municipality",
    "public-pledge",
    "pledge-follow-up",
    "county-dashboard",
    "indicator-detail",
    "reminder-list",
    "notification-list",
    "record-history",
}


def test_stored_script_renders_escaped_on_every_page_and_neutralised_in_exports(
    client, cast, furnished
):
    from pledges.models import Pledge

    urls = _urls(cast)
    for pledge in Pledge.objects.filter(activities__isnull=True):
        f.ActivityFactory(pledge=pledge)  # an activity plan for every export
    assert poison_everything() > 50
    shown, exported = set(), 0
    for name, url, viewer in urls:
        client.logout()
        if viewer is not None:
            client.force_login(viewer)
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code != 200:
            continue
        kind = response.get("Content-Type", "")
        if kind.startswith("text/html"):
            html = response.content.decode()
            assert_escaped_html(url, html)
            if ESCAPED_SCRIPT in html:
                shown.add(name)
        elif kind.startswith("application/json"):
            data = json.loads(response.content)  # valid JSON
            if name.startswith("open-data"):
                assert SCRIPT in json.dumps(data, ensure_ascii=False), url
                exported += 1
        elif kind.startswith(("text/csv", "application/vnd.openxmlformats")):
            assert assert_neutral_cells(url, response), f"{url}: no hostile cell exported"
            exported += 1
    missing = SHOWN_ON - shown
    assert not missing, f"pages that did not show the escaped text: {sorted(missing)}"
    assert exported >= 7  # pledge csv/xlsx, open data csv/json ×2, dashboard csv/xlsx


# --- e-mails -------------------------------------------------------------------------


def _html_part(message) -> str:
    (html,) = [content for content, kind in message.alternatives if kind == "text/html"]
    return html


def test_notification_and_reminder_emails_escape_the_hostile_text(cast, furnished):
    from followup.models import DigestEmail, Reminder
    from followup.tasks import send_digest
    from pledges.models import Notification
    from pledges.tasks import send_notification_email

    owner = cast.owner
    digest = DigestEmail.objects.create(user=owner, day=timezone.localdate())
    digest.reminders.set(Reminder.objects.filter(user=owner))
    poison_everything()
    mail.outbox.clear()

    for pk in Notification.objects.values_list("pk", flat=True):
        assert send_notification_email.apply(args=[pk]).get() is True
    assert send_digest.apply(args=[digest.pk]).get() is True

    assert len(mail.outbox) >= 2
    for message in mail.outbox:
        assert "\n" not in message.subject and "\r" not in message.subject
        html = _html_part(message)
        assert_escaped_html(message.subject, html)
        assert ESCAPED_SCRIPT in html, message.subject
        assert SCRIPT in message.body  # plain text shows the text as written


# --- PDFs ------------------------------------------------------------------------------


def _pdf_text(pdf: bytes) -> str:
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", "", text)


def test_pdfs_show_the_hostile_text_as_text(cast, furnished):
    from agreements.models import Agreement
    from agreements.services import agreement_snapshot
    from followup import reports, tasks
    from followup.models import Report

    poison_everything()
    agreement = furnished["agreement"]
    agreement.refresh_from_db()
    agreement.municipality_signed_on = agreement.police_signed_on = timezone.localdate()
    Agreement.objects.filter(pk=agreement.pk).update(
        status=Agreement.Status.SIGNED, signed_snapshot=agreement_snapshot(agreement)
    )
    pledge = furnished["pledge"]
    jobs = [
        (Report.Kind.AGREEMENT, agreement.pk, reports.agreement_html(agreement.pk)),
        (Report.Kind.PLEDGE_PUBLIC, pledge.pk, reports.pledge_html(pledge.pk, internal=False)),
        (Report.Kind.PLEDGE_INTERNAL, pledge.pk, reports.pledge_html(pledge.pk, internal=True)),
    ]
    for kind, object_id, html in jobs:
        assert_escaped_html(kind, html)  # what WeasyPrint is given
        assert ESCAPED_SCRIPT in html, kind
        report = Report.objects.create(kind=kind, object_id=object_id, requested_by=cast.owner)
        assert tasks.render_report.apply(args=[report.pk]).get() is True, kind
        report.refresh_from_db()
        with report.file.open("rb") as pdf:
            text = _pdf_text(pdf.read())
        assert re.sub(r"\s+", "", SCRIPT) in text, kind
        assert "onerror=alert(1)" in text, kind
