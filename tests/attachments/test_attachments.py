"""Attachments: content sniffing on real files, the services, the views and downloads."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from attachments import selectors, services, sniffing
from attachments.models import Attachment
from attachments.sniffing import Refused
from councils.concurrency import Conflict
from files import cleanup
from followup import reports
from pledges.models import Pledge
from tests import factories as f
from tests.attachments import samples

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


ACCEPTED = [
    (samples.pdf, "a.pdf", sniffing.PDF, "PDF"),
    (samples.pdf_a, "a.pdf", sniffing.PDF, "PDF/A"),
    (samples.docx, "a.docx", sniffing.DOCX, "DOCX"),
    (samples.xlsx, "a.xlsx", sniffing.XLSX, "XLSX"),
    (lambda: samples.odf("application/vnd.oasis.opendocument.text"), "a.odt", sniffing.ODT, "ODT"),
    (
        lambda: samples.odf("application/vnd.oasis.opendocument.spreadsheet"),
        "a.ods",
        sniffing.ODS,
        "ODS",
    ),
    (lambda: samples.image("PNG"), "a.png", sniffing.PNG, "PNG"),
    (lambda: samples.image("JPEG"), "a.jpg", sniffing.JPEG, "JPEG"),
    (lambda: "kommun;värde\nUppsala;3,5\n".encode(), "a.csv", sniffing.CSV, "CSV"),
    (lambda: b"Anteckningar fr\xe5n dialogen", "a.txt", sniffing.TEXT, "TXT"),
]


@pytest.mark.parametrize(("make", "name", "fmt", "label"), ACCEPTED)
def test_accepted_types_are_recognised_by_content(make, name, fmt, label):
    found = sniffing.sniff(io.BytesIO(make()), name)
    assert (found.fmt, found.label) == (fmt, label)
    # the name does not decide: the same content under another name is the same type
    assert sniffing.sniff(io.BytesIO(make()), "x.exe").fmt in (fmt, sniffing.TEXT)


def test_clean_name_keeps_display_text_only():
    name = services.clean_name("..\\..\\etc/pass\x00wd\u202e" + "å" * 300 + ".pdf")
    assert "/" not in name and "\\" not in name and "\x00" not in name and "\u202e" not in name
    assert len(name) <= services.NAME_LENGTH and name.endswith(".pdf")
    assert services.clean_name("") == "fil" or services.clean_name("")


def _upload(data: bytes, name: str = "protokoll.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.fixture
def meeting(home):
    return f.MeetingFactory(council=f.CouncilFactory(municipality=home))


@pytest.fixture
def published(home):
    return f.PledgeFactory(
        municipality=home, status=Pledge.Status.PUBLISHED, published_at=timezone.now()
    )


def test_attach_stores_under_a_name_the_user_never_chose(meeting, owner):
    attachment = services.attach(
        meeting,
        upload=_upload(samples.pdf(), "../../protokoll.html"),
        title="Protokoll",
        kind=Attachment.Kind.MINUTES,
        public=False,
        user=owner,
    )
    assert (
        attachment.file.name.startswith("attachments/") and "protokoll" not in attachment.file.name
    )
    assert attachment.original_name == "protokoll.html"
    assert (
        attachment.content_type == "application/pdf"
        and attachment.municipality_id == meeting.council.municipality_id
    )
    assert list(selectors.for_object(meeting)) == [attachment]


def test_limits_per_file_and_per_object_name_the_limit(meeting, owner, settings):
    settings.ATTACHMENT_MAX_FILE_BYTES = 1024 * 1024
    settings.ATTACHMENT_MAX_OBJECT_BYTES = 12_000
    big = _upload(b"x" * (1024 * 1024 + 1), "stor.txt")
    with pytest.raises(Refused, match="1,0 MB"):
        services.attach(meeting, upload=big, title="t", kind="other", public=False, user=owner)
    services.attach(
        meeting,
        upload=_upload(b"a" * 7000, "a.txt"),
        title="a",
        kind="other",
        public=False,
        user=owner,
    )
    with pytest.raises(Refused, match=r"tillsammans|together"):
        services.attach(
            meeting,
            upload=_upload(b"b" * 7000, "b.txt"),
            title="b",
            kind="other",
            public=False,
            user=owner,
        )


def test_public_only_on_published_pledges_and_signed_agreements(meeting, published, owner):
    with pytest.raises(Refused):
        services.attach(
            meeting, upload=_upload(samples.pdf()), title="t", kind="other", public=True, user=owner
        )
    printed = services.attach(
        published,
        upload=_upload(samples.pdf()),
        title="Tryckt",
        kind="other",
        public=True,
        user=owner,
    )
    assert list(selectors.public_attachments()) == [printed]


def test_frozen_on_a_published_pledge_and_removals_on_drafts_are_in_history(
    meeting, published, owner
):
    kept = services.attach(
        published,
        upload=_upload(samples.pdf()),
        title="Tryckt",
        kind="other",
        public=False,
        user=owner,
    )
    with pytest.raises(Refused):
        services.remove(kept, expected_version=kept.version, user=owner)
    draft = services.attach(
        meeting,
        upload=_upload(samples.pdf()),
        title="Dagordning",
        kind="other",
        public=False,
        user=owner,
    )
    with pytest.raises(Conflict):
        services.remove(draft, expected_version=draft.version + 1, user=owner)
    draft_pk = draft.pk
    services.remove(draft, expected_version=draft.version, user=owner)
    removal = Attachment.history.filter(id=draft_pk).order_by("-history_date").first()
    assert (
        removal.history_type == "-"
        and removal.history_user == owner
        and removal.title == "Dagordning"
    )


# --- views --------------------------------------------------------------------------------


def test_upload_in_place_and_download_byte_for_byte(client, meeting, owner):
    client.force_login(owner)
    data = samples.pdf()
    url = reverse("attachment-upload", args=["meeting", meeting.pk])
    response = client.post(
        url,
        {"title": "Protokoll", "kind": "minutes", "file": _upload(data, "Protokoll 3 mars.pdf")},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and "Protokoll" in response.content.decode()
    attachment = Attachment.objects.get()
    page = client.get(reverse("meeting-detail", args=[meeting.pk])).content.decode()
    assert reverse("attachment-download", args=[attachment.pk]) in page
    download = client.get(reverse("attachment-download", args=[attachment.pk]))
    assert b"".join(download.streaming_content) == data
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''Protokoll%203%20mars.pdf" in download["Content-Disposition"]


def test_upload_without_javascript_redirects_and_refusals_are_in_swedish(client, meeting, owner):
    client.force_login(owner)
    url = reverse("attachment-upload", args=["meeting", meeting.pk])
    ok = client.post(
        url, {"title": "Bilaga", "kind": "appendix", "file": _upload(samples.docx(), "a.docx")}
    )
    assert ok.status_code == 302 and ok["Location"].endswith("#attachments")
    refused = client.post(
        url, {"title": "Bild", "kind": "other", "file": _upload(samples.SVG, "bild.png")}
    )
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "SVG" in text and "DOCX" in text and Attachment.objects.count() == 1


def test_delete_at_a_stale_version_is_409(client, meeting, owner):
    client.force_login(owner)
    attachment = services.attach(
        meeting, upload=_upload(samples.pdf()), title="t", kind="other", public=False, user=owner
    )
    url = reverse("attachment-delete", args=[attachment.pk])
    assert client.post(url, {"version": attachment.version + 1}).status_code == 409
    assert client.post(url, {"version": attachment.version}).status_code == 302
    assert not Attachment.objects.exists()


def test_a_resident_downloads_a_public_attachment_on_the_public_page(client, published, owner):
    data = samples.pdf()
    printed = services.attach(
        published,
        upload=_upload(data),
        title="Tryckt version",
        kind="other",
        public=True,
        user=owner,
    )
    secret = services.attach(
        published,
        upload=_upload(data),
        title="Dialoganteckningar",
        kind="other",
        public=False,
        user=owner,
    )
    page = client.get(reverse("public-pledge", args=[published.pk])).content.decode()
    assert "Tryckt version" in page and "Dialoganteckningar" not in page
    download = client.get(reverse("public-attachment", args=[printed.pk]))
    assert b"".join(download.streaming_content) == data
    assert download["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert client.get(reverse("public-attachment", args=[secret.pk])).status_code == 404


def test_an_oversized_body_is_refused_before_it_is_read(client, meeting, owner, settings):
    settings.ATTACHMENT_MAX_FILE_BYTES = 1000
    settings.MAX_REQUEST_BYTES = 1000
    client.force_login(owner)
    url = reverse("attachment-upload", args=["meeting", meeting.pk])
    response = client.post(
        url, {"title": "t", "kind": "other", "file": _upload(b"x" * 200_000, "a.txt")}
    )
    assert response.status_code == 413 and not Attachment.objects.exists()


def test_the_pledge_pdfs_list_the_attachments(published, owner):
    for title, public in (("Tryckt version", True), ("Dialoganteckningar", False)):
        services.attach(
            published,
            upload=_upload(samples.pdf()),
            title=title,
            kind="other",
            public=public,
            user=owner,
        )
    internal = reports.pledge_html(published.pk, internal=True)
    assert "Tryckt version" in internal and "Dialoganteckningar" in internal
    public = reports.pledge_html(published.pk, internal=False)
    assert "Tryckt version" in public and "Dialoganteckningar" not in public


def test_the_nightly_clean_up_keeps_attached_files_and_removes_removed_ones(meeting, owner):
    kept = services.attach(
        meeting, upload=_upload(samples.pdf()), title="a", kind="other", public=False, user=owner
    )
    gone = services.attach(
        meeting, upload=_upload(samples.pdf()), title="b", kind="other", public=False, user=owner
    )
    gone_name = gone.file.name
    services.remove(gone, expected_version=gone.version, user=owner)
    with time_machine.travel(timezone.now() + cleanup.GRACE + timedelta(minutes=1)):
        assert cleanup.remove_unreferenced() == [gone_name]
    assert default_storage.exists(kept.file.name) and not default_storage.exists(gone_name)


def test_the_upload_page_alone_accepts_a_body_over_the_general_limit(
    client, meeting, owner, settings
):
    settings.MAX_REQUEST_BYTES = 1000
    settings.ATTACHMENT_MAX_FILE_BYTES = 100_000
    client.force_login(owner)
    url = reverse("attachment-upload", args=["meeting", meeting.pk])
    body = {"title": "t", "kind": "other", "file": _upload(b"x" * 5000, "a.txt")}
    assert client.post(url, body).status_code == 302
    other = reverse("meeting-edit", args=[meeting.pk])
    assert client.post(other, {"agenda": "x" * 5000}).status_code == 413
