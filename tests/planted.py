"""Planted internal values and a crawler, for tests/test_internal_values_gate.py.

- ``demo(cast)``: a demo-like municipality (``cast.home``): a current lägesbild with
  sources and problems, an action plan, a signed agreement and a draft one with
  comments, a council with members, a meeting and decisions, a published pledge with
  activities, dialogues, comments, a review, notifications, published and unpublished
  follow-ups, a draft pledge, indicators and a reminder.
- ``plant()``: writes a marker (``PLANTED-<model>-<field>~<pk>``) into every field
  ``councils.visibility.FIELDS`` calls internal, on every row, and into every
  ``until_public`` field of the rows whose document is still a draft.
- ``crawl(client, seeds)``: opens every page reachable from ``seeds`` by links (and
  htmx ``hx-get``), follows redirects, optionally submits the POST forms offered
  (report requests: their PDFs are rendered at once), and reads each response's text
  (HTML, CSV, JSON, XLSX cells, PDF text).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.apps import apps
from django.conf import settings
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.urls import Resolver404, resolve
from django.utils import timezone

from agreements import services as agreement_services
from agreements.models import Agreement
from agreements.models import Comment as AgreementComment
from councils.visibility import FIELDS
from followup import services as follow_up_services
from pledges.models import Activity, Pledge, Review
from tests import factories as f
from tests.pledges.public_helpers import published

MARKER = re.compile(r"PLANTED-([a-z_]+\.[a-z_]+)-([a-z_]+)~")

#: label of a document -> the lookups of those READ-only users may read
DOCUMENT_PUBLIC: dict[str, dict] = {
    "pledges.pledge": {"status__in": list(Pledge.PUBLIC_STATUSES)},
    "agreements.agreement": {"status__in": [Agreement.Status.SIGNED, Agreement.Status.REPLACED]},
    "followup.followup": {"published": True},
    "followup.pledgefollowup": {"published_at__isnull": False},
    "attachments.attachment": {"public": True},
}


def marker(label: str, name: str) -> str:
    return f"PLANTED-{label}-{name}"


# --- the data ---------------------------------------------------------------------------


def _signed_agreement(cast, picture) -> Agreement:
    owner, liaison, home = cast.owner, cast.liaison, cast.home
    agreement = agreement_services.agreement_create(
        user=owner,
        municipality=home,
        title="Samverkansöverenskommelse Hemby 2026–2029",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2029, 12, 31),
    )
    area = f.FocusAreaFactory(agreement=agreement, title="Trygg stadskärna")
    f.GoalFactory(agreement=agreement, focus_area=area, latest_value="2.10", latest_year=2026)
    Agreement.objects.filter(pk=agreement.pk).update(
        documentation="Aktiviteter dokumenteras i Samverkan.",
        follow_up_by="Brottsförebyggande rådet i Hemby",
        follow_up_frequency=Agreement.Frequency.TERTIAL,
        municipality_signatory_name="Anna Ordförande",
        municipality_signatory_title="Kommunstyrelsens ordförande",
        police_signatory_name="Bengt Chef",
        police_signatory_title="Lokalpolisområdeschef",
    )
    agreement.refresh_from_db()
    agreement_services.agreement_submit_for_signature(user=owner, agreement=agreement)
    for user, party, name in ((owner, "municipality", "Anna"), (liaison, "police", "Bengt")):
        agreement_services.agreement_sign(
            user=user,
            agreement=agreement,
            party=party,
            name=name,
            title="Undertecknare",
            signed_on=dt.date(2026, 1, 12),
        )
    AgreementComment.objects.create(agreement=agreement, author=owner, text="Intern")
    agreement.refresh_from_db()
    return agreement


def _councils(home):
    council = f.CouncilFactory(municipality=home)
    f.CouncilMemberFactory(council=council)
    meeting = f.MeetingFactory(council=council, held_on=dt.date(2026, 3, 12), minutes="Protokoll")
    decision = f.DecisionFactory(meeting=meeting)
    f.CoordinationFunctionFactory(municipality=home)
    return decision


def _published_pledge(cast, agreement, problem, plan, decision) -> Pledge:
    owner, liaison, home = cast.owner, cast.liaison, cast.home
    goal = agreement.goals.first()
    pledge = published(home, agreement=agreement, period_start=dt.date(2026, 1, 1), area="C")
    pledge.problems.add(problem)
    walk = f.ActivityFactory(
        pledge=pledge,
        responsible_party=Activity.Party.MUNICIPALITY,
        responsible_name="Någon",
        responsible_email="nagon@example.se",
        responsible_user=owner,
        recurrence="Varje fredag",
        problem=problem,
        goal=goal,
        action_plan=plan,
        decision=decision,
    )
    patrol = f.ActivityFactory(
        pledge=pledge, responsible_party=Activity.Party.PARTNER, partner_name="Bostadsbolaget"
    )
    f.DialogueFactory(pledge=pledge)
    comment = f.PledgeCommentFactory(pledge=pledge, author=liaison)
    f.PledgeCommentFactory(pledge=pledge, activity=walk, reply_to=comment, author=owner)
    Review.objects.create(
        pledge=pledge, reviewer=liaison, outcome=Review.Outcome.APPROVED, snapshot={}
    )
    f.NotificationFactory(user=owner, pledge=pledge)
    for activity, shown in ((walk, True), (patrol, False)):
        follow_up_services.follow_up_record(
            user=owner,
            activity=activity,
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 4, 30),
            status=Activity.Status.ONGOING if shown else Activity.Status.CANCELLED,
            progress=40,
            done="Gjort",
            effect="Effekt",
            obstacles="Hinder",
            published=shown,
        )
    f.PledgeFollowUpFactory(pledge=pledge, marked_by=owner, published_at=timezone.now())
    f.PledgeFollowUpFactory(
        pledge=pledge,
        marked_by=owner,
        period_start=dt.date(2026, 5, 1),
        period_end=dt.date(2026, 8, 31),
    )
    return pledge


def demo(cast) -> dict:
    """The demo-like data of ``cast.home``; the objects the gate needs by name."""
    home, owner = cast.home, cast.owner
    picture = f.SituationalPictureFactory(
        municipality=home,
        is_current=True,
        decided_by="Kommunstyrelsen",
        decided_on=dt.date(2026, 2, 1),
    )
    f.SourceFactory(picture=picture)
    problem = f.PriorityProblemFactory(picture=picture, place="Resecentrum", cause_analysis="Orsak")
    plan = f.ActionPlanFactory(municipality=home, picture=picture)
    agreement = _signed_agreement(cast, picture)
    draft_agreement = f.AgreementFactory(municipality=home, documentation="Utkast")
    f.GoalFactory(
        agreement=draft_agreement, focus_area=f.FocusAreaFactory(agreement=draft_agreement)
    )
    AgreementComment.objects.create(agreement=draft_agreement, author=owner, text="Utkast")
    decision = _councils(home)
    pledge = _published_pledge(cast, agreement, problem, plan, decision)
    draft = f.PledgeFactory(municipality=home, agreement=draft_agreement, area="Norr")
    f.ActivityFactory(pledge=draft, responsible_name="Utkastperson", partner_name="Partner")
    f.PledgeCommentFactory(pledge=draft, author=cast.liaison)
    f.DialogueFactory(pledge=draft)
    indicator = f.IndicatorFactory(description="Beskrivning")
    for year in (2024, 2025):
        f.IndicatorValueFactory(indicator=indicator, municipality=home, year=year)
    f.GoalIndicatorFactory(goal=agreement.goals.first(), indicator=indicator)
    f.ReminderFactory(user=owner, municipality=home)
    return {"pledge": pledge, "draft": draft, "agreement": agreement, "picture": picture}


# --- planting ---------------------------------------------------------------------------


def _document_lookups(model, visibility) -> dict:
    """The lookups, from ``model``, of the rows whose document READ-only users may read."""
    target = model
    path = [part for part in visibility.document.split("__") if part]
    for part in path:
        target = target._meta.get_field(part).related_model
    public = DOCUMENT_PUBLIC.get(target._meta.label_lower)
    if public is None:
        raise AssertionError(
            f"{model._meta.label_lower}: no rule for when a {target._meta.label_lower} is public "
            "(tests/planted.py DOCUMENT_PUBLIC)"
        )
    prefix = "__".join(path)
    return {f"{prefix}__{key}" if prefix else key: value for key, value in public.items()}


def _plant_field(model, rows, label: str, name: str) -> None:
    value = marker(label, name)
    model_field = model._meta.get_field(name)
    if model_field.is_relation:  # a person: their name carries the marker
        person = f.UserFactory(
            username=f"planted.{label}.{name}", first_name=value + "~0", last_name=value + "~0"
        )
        rows.update(**{name: person})
        return
    rows.update(**{name: Concat(Value(value + "~"), Cast("pk", output_field=CharField()))})


def plant() -> list[str]:
    """Plant the markers; returns the "<model>.<field>" planted."""
    planted = []
    for label, visibility in FIELDS.items():
        model = apps.get_model(label)
        rows = model._base_manager.all()
        for name in sorted(visibility.internal):
            _plant_field(model, rows, label, name)
            planted.append(f"{label}.{name}")
        if visibility.until_public:
            drafts = rows.exclude(**_document_lookups(model, visibility))
            for name in sorted(visibility.until_public):
                _plant_field(model, drafts, label, name)
                planted.append(f"{label}.{name}")
    return planted


# --- reading responses ---------------------------------------------------------------------


def body_of(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def text_of(response, content: bytes) -> tuple[str, str]:
    """(kind, text) of a response: html, csv, json, xlsx (cells), pdf (text), other."""
    kind = response.get("Content-Type", "")
    if "pdf" in kind:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError

        try:
            pages = PdfReader(io.BytesIO(content)).pages
            return "pdf", "".join(page.extract_text() for page in pages)
        except PdfReadError:  # not a PDF (the isolation cases' stand-in file): its bytes
            return "bytes", content.decode("latin-1")
    if "spreadsheetml" in kind:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True)
        cells = [
            str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
        ]
        return "xlsx", "\n".join(c for c in cells if c != "None")
    text = content.decode("utf-8", "replace")
    for name in ("html", "csv", "json", "calendar"):
        if name in kind:
            return name, text
    return "other", text


def markers_in(text: str) -> set[str]:
    """ "<model>.<field>" of every marker in ``text`` (white space ignored: PDFs wrap)."""
    return {f"{label}.{name}" for label, name in MARKER.findall("".join(text.split()))}


# --- the crawler ----------------------------------------------------------------------------


class _Page(HTMLParser):
    """The links (href, hx-get) and POST forms of a page."""

    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, bool]] = []
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("href"):
            self.links.append((attrs["href"], False))
        if attrs.get("hx-get"):
            self.links.append((attrs["hx-get"], True))
        if tag == "form":
            method = (attrs.get("method") or "get").lower()
            self._form = {"method": method, "action": attrs.get("action") or "", "data": {}}
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "textarea"):
            name = attrs.get("name")
            checkable = attrs.get("type") in ("checkbox", "radio")
            if name and name not in self._form["data"] and (not checkable or "checked" in attrs):
                self._form["data"][name] = attrs.get("value") or ""
        elif self._form is not None and tag == "select":
            self._select = attrs.get("name")
        elif (
            self._form is not None
            and tag == "option"
            and self._select
            # the selected option, or else the first with a value
            and ("selected" in attrs or not self._form["data"].get(self._select))
        ):
            self._form["data"][self._select] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


#: URL names the crawler never opens: they end the session or leave the site
NEVER = {"logout", "set_language"}


@dataclass
class Visit:
    url: str
    status: int
    kind: str = ""
    found: set[str] = field(default_factory=set)


@dataclass
class Crawl:
    visits: list[Visit] = field(default_factory=list)

    def ok(self, kind: str | None = None) -> list[Visit]:
        return [v for v in self.visits if v.status == 200 and kind in (None, v.kind)]

    def leaks(self) -> list[str]:
        return [f"{v.url}: {sorted(v.found)}" for v in self.visits if v.found]

    def errors(self) -> list[str]:
        return [f"{v.url}: {v.status}" for v in self.visits if v.status >= 500]


def _local(url: str, base: str) -> str | None:
    """The site's own path (with query) of a link, or None for another site or a file."""
    parts = urlsplit(urljoin(base, url))
    if parts.scheme not in ("http", "https", "") or parts.netloc not in ("", "testserver"):
        return None
    path = parts.path
    if path.startswith(("/static/", "/media/", "/admin/")):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.url_name in NEVER or match.namespace == "admin":
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def crawl(client, seeds, *, submit_forms: bool, limit: int = 1500) -> Crawl:
    result = Crawl()
    queue: deque[tuple[str, bool]] = deque((seed, False) for seed in seeds)
    seen: set[tuple[str, bool]] = set()
    posted: set[str] = set()
    while queue and len(result.visits) < limit:
        url, htmx = queue.popleft()
        if (url, htmx) in seen:
            continue
        seen.add((url, htmx))
        headers = {"HX-Request": "true"} if htmx else {}
        response = client.get(url, headers=headers)
        _read(result, url, response, queue)
        if submit_forms and response.status_code == 200:
            for action in _forms(response, url):
                if action[0] not in posted:
                    posted.add(action[0])
                    _submit(client, result, action, queue)
    return result


def _read(result: Crawl, url: str, response, queue) -> None:
    visit = Visit(url, response.status_code)
    result.visits.append(visit)
    if response.status_code in (301, 302, 303):
        target = _local(response["Location"], url)
        if target:
            queue.append((target, False))
        return
    if response.status_code != 200:
        return
    content = body_of(response)
    visit.kind, text = text_of(response, content)
    visit.found = markers_in(text + response.get("Content-Disposition", ""))
    if visit.kind == "html":
        page = _Page()
        page.feed(text)
        for link, htmx in page.links:
            target = _local(link, url)
            if target:
                queue.append((target, htmx))
        response._planted_page = page


def _forms(response, url: str):
    page = getattr(response, "_planted_page", None)
    for form in page.forms if page else []:
        if form["method"] == "post":
            target = _local(form["action"] or url, url)
            if target:
                yield target, form["data"]


def _submit(client, result: Crawl, action, queue) -> None:
    from django.db import connection

    target, data = action
    with _on_commit(connection):
        response = client.post(target, data)
    _read(result, f"POST {target}", response, queue)


class _on_commit:
    """Run what the request queued on commit (the report renders) when it returns."""

    def __init__(self, connection):
        self.connection = connection

    def __enter__(self):
        self.start = len(self.connection.run_on_commit)

    def __exit__(self, *exc):
        callbacks = self.connection.run_on_commit[self.start :]
        self.connection.run_on_commit[self.start :] = []
        for _sids, callback, _robust in callbacks:
            callback()
        return False


def project_models():
    """Every model of the project's own apps (not the history copies)."""
    root = str(settings.BASE_DIR)
    for config in apps.get_app_configs():
        if config.path.startswith(root) and "/.venv/" not in config.path:
            for model in config.get_models():
                if not model._meta.object_name.startswith("Historical"):
                    yield model
