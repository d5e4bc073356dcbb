"""PDF reports: real WeasyPrint, text read back with pypdf; the task; the views."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from agreements.models import PriorityProblem
from followup import reports, tasks
from followup.models import Report
from followup.report_jobs import request_report
from pledges.models import Pledge
from tests import factories as f
from tests.agreements.conftest import current_picture, draft, signed  # noqa: F401

HOSTILE = (
    '<img src="http://127.0.0.1:9/x.png">'
    '<link rel=stylesheet href="file:///etc/passwd">'
    '<img src="file:///etc/passwd">'
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _text(pdf: bytes) -> str:
    """The PDF's text without white space (table cells and long lines wrap)."""
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return "".join(text.split())


def _flat(text: str) -> str:
    return "".join(text.split())


def _report(kind, object_id, user) -> Report:
    return Report.objects.create(kind=kind, object_id=object_id, requested_by=user)


@pytest.fixture
def pledge(home, owner):
    pledge = f.PledgeFactory(
        municipality=home,
        title="Löfte för Hemby",
        public_text="Vi lovar trygghet. " + HOSTILE,
        status=Pledge.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    f.ActivityFactory(pledge=pledge, title="Nattvandring " + HOSTILE)
    f.PledgeCommentFactory(pledge=pledge, author=owner, text="Internt: se över budgeten")
    return pledge


# --- the fetcher ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x.png",
        "http://127.0.0.1/static/fonts/DejaVuSans.ttf",
        "file:///etc/passwd",
        "https://example.org/static/fonts/DejaVuSans.ttf",
        "https://example.org",
        "data:text/css,body{}",
        "data:image/svg+xml;base64,PHN2Zy8+",
        "data:image/png,notbase64",
        "data:image/png;base64,!!!!",
        "/static/../config/settings.py",
        "/static/fonts/../../config/settings.py",
        "/static/img/logo.png",
        "/etc/passwd",
        reports.BASE_URL + "etc/passwd",
    ],
)
def test_the_fetcher_refuses_everything_but_our_static_fonts_and_css(url):
    with pytest.raises(ValueError):
        reports.StaticOnlyFetcher().fetch(url)


def test_the_fetcher_serves_our_font():
    for url in ("/static/fonts/DejaVuSans.ttf", reports.BASE_URL + "static/fonts/DejaVuSans.ttf"):
        response = reports.StaticOnlyFetcher().fetch(url)
        assert response.read(4) == b"\x00\x01\x00\x00"
        response.close()


# --- the PDFs ------------------------------------------------------------------------


def test_agreement_pdf_renders_the_signed_snapshot(signed, owner):  # noqa: F811
    fetcher = reports.StaticOnlyFetcher()
    pdf = reports.render(_report(Report.Kind.AGREEMENT, signed.pk, owner), fetcher)
    text = _text(pdf)
    assert _flat("Samverkansöverenskommelse Hemby 2026–2029") in text
    assert _flat(signed.signed_snapshot["goals"][0]["text"][:20]) in text
    assert _flat("Anna Ordförande") in text and _flat("Bengt Chef") in text
    assert _flat("Otrygghet i centrum") in text
    assert _flat("Sida 1 av") in text
    # the font was fetched through our fetcher, and nothing else
    assert fetcher.requested and all("/static/fonts/" in url for url in fetcher.requested)


def test_agreement_pdf_never_shows_data_changed_after_signing(signed, owner):  # noqa: F811
    PriorityProblem.objects.filter(title="Otrygghet i centrum").update(title="Ändrad titel")
    text = _text(reports.render(_report(Report.Kind.AGREEMENT, signed.pk, owner)))
    assert _flat("Otrygghet i centrum") in text
    assert _flat("Ändrad titel") not in text


def test_hostile_user_text_is_escaped_and_never_fetched(pledge, owner):
    fetcher = reports.StaticOnlyFetcher()
    html = reports.pledge_html(pledge.pk, internal=True)
    assert "<img" not in html and "&lt;img src=&quot;http://127.0.0.1:9/x.png&quot;&gt;" in html
    assert "&lt;link rel=stylesheet" in html
    pdf = reports.html_to_pdf(html, fetcher)
    text = _text(pdf)
    assert _flat('<img src="http://127.0.0.1:9/x.png">') in text
    assert _flat("Internt: se över budgeten") in text
    assert not [u for u in fetcher.requested if "127.0.0.1" in u or "passwd" in u]


def test_hostile_markup_that_reached_weasyprint_is_refused_by_the_fetcher():
    fetcher = reports.StaticOnlyFetcher()
    pdf = reports.html_to_pdf(f"<p>Hej</p>{HOSTILE}", fetcher)
    assert "Hej" in _text(pdf)
    asked = [u for u in fetcher.requested if "127.0.0.1" in u or "passwd" in u]
    assert asked  # asked, and refused: the PDF still rendered without them
    for url in asked:
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_public_pledge_pdf_has_no_internal_comments(pledge, owner):
    text = _text(reports.render(_report(Report.Kind.PLEDGE_PUBLIC, pledge.pk, owner)))
    assert _flat("Löfte för Hemby") in text and "Nattvandring" in text
    assert _flat("budgeten") not in text


# --- the task ------------------------------------------------------------------------


def test_the_task_renders_a_queued_report_once(pledge, owner):
    report = request_report(owner, Report.Kind.PLEDGE_PUBLIC, pledge.pk)
    assert request_report(owner, Report.Kind.PLEDGE_PUBLIC, pledge.pk) == report
    Report.objects.filter(pk=report.pk).update(status=Report.Status.RUNNING)
    assert request_report(owner, Report.Kind.PLEDGE_PUBLIC, pledge.pk) == report
    Report.objects.filter(pk=report.pk).update(status=Report.Status.QUEUED)

    assert tasks.render_report.apply(args=[report.pk]).get() is True
    report.refresh_from_db()
    assert report.status == Report.Status.DONE and report.progress == 100
    assert report.started_at and report.finished_at
    assert report.file.read(5) == b"%PDF-"
    # a redelivered task finds nothing to claim
    assert tasks.render_report.apply(args=[report.pk]).get() is False
    # once done, a new request makes a new report
    assert request_report(owner, Report.Kind.PLEDGE_PUBLIC, pledge.pk) != report


def test_a_failed_render_is_recorded_and_can_be_retried(client, pledge, owner):
    report = request_report(owner, Report.Kind.PLEDGE_PUBLIC, pledge.pk)
    Pledge.objects.filter(pk=pledge.pk).update(status=Pledge.Status.DRAFT)
    assert tasks.render_report.apply(args=[report.pk]).get() is False
    report.refresh_from_db()
    assert report.status == Report.Status.FAILED
    assert "finns inte längre" in report.error or "no longer" in report.error

    Pledge.objects.filter(pk=pledge.pk).update(status=Pledge.Status.PUBLISHED)
    client.force_login(owner)
    page = client.get(reverse("report-detail", kwargs={"pk": report.pk}))
    assert report.error in page.content.decode()
    assert reverse("report-retry", kwargs={"pk": report.pk}) in page.content.decode()
    response = client.post(reverse("report-retry", kwargs={"pk": report.pk}))
    again = Report.objects.exclude(pk=report.pk).get()
    assert response["Location"] == reverse("report-detail", kwargs={"pk": again.pk})
    assert again.status == Report.Status.QUEUED
    tasks.render_report.apply(args=[again.pk])
    again.refresh_from_db()
    assert again.status == Report.Status.DONE


# --- the views -----------------------------------------------------------------------


def test_requesting_twice_reuses_the_running_report(client, signed, owner):  # noqa: F811
    client.force_login(owner)
    url = reverse("agreement-report", kwargs={"pk": signed.pk})
    first, second = client.post(url), client.post(url)
    report = Report.objects.get()
    assert first["Location"] == second["Location"] == reverse("report-detail", args=[report.pk])
    page = client.get(first["Location"]).content.decode()
    assert "<progress" in page and 'hx-trigger="every 2s"' in page
    partial = client.get(first["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "<progress" in partial and "<html" not in partial


def test_download_only_when_done_and_only_for_readers(client, signed, owner, outsider):  # noqa: F811
    report = request_report(owner, Report.Kind.AGREEMENT, signed.pk)
    url = reverse("report-download", kwargs={"pk": report.pk})
    client.force_login(owner)
    assert client.get(url).status_code == 404  # not done yet

    tasks.render_report.apply(args=[report.pk])
    page = client.get(reverse("report-detail", kwargs={"pk": report.pk})).content.decode()
    assert url in page and "<progress" not in page and "hx-get" not in page
    response = client.get(url)
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="overenskommelse-hemby-')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")

    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.get(reverse("report-detail", kwargs={"pk": report.pk})).status_code == 404


def test_internal_pledge_report_needs_internal_access(client, pledge, county_officer):
    client.force_login(county_officer)  # READ, not INTERNAL
    internal = reverse("pledge-report", kwargs={"pk": pledge.pk, "kind": "internal"})
    public = reverse("pledge-report", kwargs={"pk": pledge.pk, "kind": "public"})
    assert client.post(internal).status_code == 404
    assert client.post(public).status_code == 302
    unknown = reverse("pledge-report", kwargs={"pk": pledge.pk, "kind": "x"})
    assert client.post(unknown).status_code == 404


# --- archival: PDF/A with title and language ----------------------------------------


def archival_metadata(pdf: bytes) -> dict:
    """What an archive checks, read back: the XMP PDF/A claim, /Lang, /Title, tagging."""
    reader = PdfReader(io.BytesIO(pdf))
    claim = {}
    for description in reader.xmp_metadata.rdf_root.getElementsByTagName("rdf:Description"):
        for name in ("pdfaid:part", "pdfaid:conformance"):
            if description.getAttribute(name):
                claim[name] = description.getAttribute(name)
    root = reader.trailer["/Root"]
    return {
        **claim,
        "lang": root.get("/Lang"),
        "title": reader.metadata.get("/Title"),
        "tagged": "/StructTreeRoot" in root
        and bool(root.get("/MarkInfo", {}).get_object().get("/Marked")),
    }


def test_every_kind_of_report_is_pdf_a_with_title_and_language(
    signed,  # noqa: F811
    pledge,
    owner,
):
    for kind, object_id, title in (
        (Report.Kind.AGREEMENT, signed.pk, signed.signed_snapshot["title"]),
        (Report.Kind.PLEDGE_PUBLIC, pledge.pk, "Löfte för Hemby"),
        (Report.Kind.PLEDGE_INTERNAL, pledge.pk, "Löfte för Hemby"),
    ):
        metadata = archival_metadata(reports.render(_report(kind, object_id, owner)))
        assert metadata == {
            "pdfaid:part": "3",
            "pdfaid:conformance": "A",
            "lang": "sv",
            "title": title,
            "tagged": True,
        }, kind


def test_report_file_names_say_what_and_whose(signed, pledge, owner):  # noqa: F811
    agreement = _report(Report.Kind.AGREEMENT, signed.pk, owner)
    years = "-".join(sorted({str(signed.start_date.year), str(signed.end_date.year)}))
    assert reports.filename(agreement) == f"overenskommelse-hemby-{years}"
    internal = _report(Report.Kind.PLEDGE_INTERNAL, pledge.pk, owner)
    start, end = pledge.period_start.year, pledge.period_end.year
    expected = "medborgarlofte-internt-hemby-" + (f"{start}" if start == end else f"{start}-{end}")
    assert reports.filename(internal) == expected
    gone = _report(Report.Kind.PLEDGE_PUBLIC, 999999, owner)
    assert reports.filename(gone) == "medborgarlofte-999999"
