"""The archive package: asked for on the signed agreement's and the published pledge's
pages, made once by the report task, downloaded as a ZIP and read back: METS lists
every file with a SHA-256 checksum and size that match the bytes, PREMIS has the
objects and the events, the documents are PDF/A, the history is CSV.

PDF rendering is slow: one package of each kind is made, and each test reads all it
needs from it."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements import services as agreement_services
from archive import contents, jobs
from archive.package import DATA, ArchiveFile
from followup import tasks
from followup.models import Report
from pledges.models import Pledge
from tests import factories as f
from tests.followup.test_reports import archival_metadata

pytestmark = pytest.mark.django_db
NS = {
    "mets": "http://www.loc.gov/METS/",
    "xlink": "http://www.w3.org/1999/xlink",
    "premis": "http://www.loc.gov/premis/v3",
}
HREF = "{http://www.w3.org/1999/xlink}href"


@pytest.fixture
def signed_agreement(shared_agreement, owner, liaison):
    for user, party, day in ((owner, "municipality", 10), (liaison, "police", 11)):
        agreement_services.agreement_sign(
            user=user,
            agreement=shared_agreement,
            party=party,
            name=f"Namn {party}",
            title="Titel",
            signed_on=dt.date(2026, 3, day),
        )
    shared_agreement.refresh_from_db()
    return shared_agreement


def _package(client, url: str) -> tuple[Report, bytes]:
    """Ask for the package on the page's URL, let the task make it, download it."""
    response = client.post(url)
    assert response.status_code == 302
    report = Report.objects.get()
    assert response["Location"] == reverse("report-detail", args=[report.pk])
    assert tasks.render_report.apply(args=[report.pk]).get() is True
    report.refresh_from_db()
    assert report.status == Report.Status.DONE
    download = client.get(reverse("report-download", args=[report.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    return report, b"".join(download.streaming_content)


def _check_package(body: bytes) -> tuple[zipfile.ZipFile, ET.Element, ET.Element]:
    """The package's structure, and every file listed in METS with matching checksum,
    size and type; the METS and PREMIS roots."""
    archive = zipfile.ZipFile(io.BytesIO(body))
    names = set(archive.namelist())
    assert "METS.xml" in names
    assert "metadata/preservation/premis.xml" in names
    assert any(name.startswith(DATA) for name in names)
    mets = ET.fromstring(archive.read("METS.xml"))  # noqa: S314  (the package we made)
    header = mets.find("mets:metsHdr", NS)
    assert header is not None and header.get("CREATEDATE")
    listed = {}
    for file in mets.iterfind("mets:fileSec/mets:fileGrp/mets:file", NS):
        path = file.find("mets:FLocat", NS).get(HREF)
        content = archive.read(path)
        assert file.get("CHECKSUMTYPE") == "SHA-256"
        assert file.get("CHECKSUM") == hashlib.sha256(content).hexdigest(), path
        assert int(file.get("SIZE")) == len(content), path
        assert file.get("MIMETYPE"), path
        listed[file.get("ID")] = path
    assert set(listed.values()) == names - {"METS.xml"}
    pointers = {pointer.get("FILEID") for pointer in mets.iterfind("mets:structMap//mets:fptr", NS)}
    # the structMap points at every content file (the PREMIS file through its amdSec)
    assert {listed[i] for i in pointers} == names - {"METS.xml", "metadata/preservation/premis.xml"}
    reference = mets.find("mets:amdSec/mets:digiprovMD/mets:mdRef", NS)
    premis_bytes = archive.read(reference.get(HREF))
    assert reference.get("CHECKSUM") == hashlib.sha256(premis_bytes).hexdigest()
    premis = ET.fromstring(premis_bytes)  # noqa: S314  (the package we made)
    digests = {
        obj.find("premis:objectIdentifier/premis:objectIdentifierValue", NS).text: obj.find(
            "premis:objectCharacteristics/premis:fixity/premis:messageDigest", NS
        ).text
        for obj in premis.iterfind("premis:object", NS)
        if obj.find("premis:objectCharacteristics", NS) is not None
    }
    for path, digest in digests.items():
        assert hashlib.sha256(archive.read(path)).hexdigest() == digest, path
    assert set(digests) == names - {"METS.xml", "metadata/preservation/premis.xml"}
    return archive, mets, premis


def _events(premis: ET.Element) -> list[tuple[str, str]]:
    return [
        (
            event.find("premis:eventType", NS).text,
            event.find("premis:eventDetailInformation/premis:eventDetail", NS).text,
        )
        for event in premis.iterfind("premis:event", NS)
    ]


def test_the_agreement_package_is_complete_checked_and_made_once(
    client_of, owner, signed_agreement
):
    client = client_of(owner)
    page = client.get(reverse("agreement-detail", args=[signed_agreement.pk]))
    url = reverse("archive-agreement", args=[signed_agreement.pk])
    assert url in page.content.decode()
    report, body = _package(client, url)

    archive, mets, premis = _check_package(body)
    assert (
        mets.get("LABEL") == "Samverkansöverenskommelse: Samverkansöverenskommelse Hemby 2026–2029"
    )
    pdfs = sorted(name for name in archive.namelist() if name.endswith(".pdf"))
    assert pdfs == [DATA + "delad-1-20260312-1014.pdf", DATA + "overenskommelse.pdf"]
    for name in pdfs:
        metadata = archival_metadata(archive.read(name))
        assert (metadata["pdfaid:part"], metadata["pdfaid:conformance"]) == ("3", "A"), name
        assert metadata["tagged"], name
    history = archive.read(DATA + "historik.csv").decode("utf-8-sig")
    assert history.splitlines()[0].split(";")[:3] == ["När", "Post", "Händelse"]
    assert "Delad med Lokalpolisområde Hemby 12 mars 2026 kl. 10.14" in history
    events = _events(premis)
    assert ("creation", "Skapad") in events
    assert ("transfer", "Delad med Lokalpolisområde Hemby 12 mars 2026 kl. 10.14") in events
    assert ("signing", "Undertecknad av båda parter") in events
    assert events[-1] == ("information package creation", "Arkivpaketet skapat")
    assert "om-paketet.txt" in " ".join(archive.namelist())

    # the task delivered again (a retry, a second worker) makes no second package
    assert tasks.render_report.apply(args=[report.pk]).get() is False
    assert Report.objects.count() == 1
    stored = Path(report.file.path)
    assert [p.name for p in stored.parent.iterdir() if not p.name.startswith(".")] == [stored.name]
    assert report.file.name.endswith(".zip")
    assert "arkivpaket-overenskommelse-hemby-2026-2029" in report.file.name


def test_the_pledge_package_has_the_follow_ups_and_the_shared_version(
    client_of, owner, liaison, shared_pledge
):
    activity = shared_pledge.activities.get()
    Pledge.objects.filter(pk=shared_pledge.pk).update(
        status=Pledge.Status.PUBLISHED, published_at=timezone.now()
    )
    f.FollowUpFactory(activity=activity, reported_by=owner, obstacles="Internt hinder")
    f.PledgeFollowUpFactory(pledge=shared_pledge, marked_by=owner, published_at=timezone.now())
    client = client_of(owner)
    page = client.get(reverse("pledge-detail", args=[shared_pledge.pk]))
    url = reverse("archive-pledge", args=[shared_pledge.pk])
    assert url in page.content.decode()
    _report, body = _package(client, url)

    archive, _mets, premis = _check_package(body)
    names = set(archive.namelist())
    assert {DATA + "medborgarlofte.pdf", DATA + "delad-1-20260312-1014.pdf"} <= names
    assert archival_metadata(archive.read(DATA + "medborgarlofte.pdf"))["pdfaid:part"] == "3"
    follow_ups = archive.read(DATA + "uppfoljningar.csv").decode("utf-8-sig")
    assert "Internt hinder" in follow_ups and "Trygghetsvandring" in follow_ups
    assert "historik.csv" in " ".join(names)
    kinds = [kind for kind, _detail in _events(premis)]
    assert kinds.count("publication") == 2  # the pledge, and its follow-up


def test_other_apps_add_files_through_the_hook(monkeypatch, signed_agreement):
    monkeypatch.setattr(contents, "CONTRIBUTORS", [])
    monkeypatch.setattr(contents.reports, "html_to_pdf", lambda html: b"%PDF-1.7 fake")
    contents.register(
        lambda document: [ArchiveFile(DATA + "bilagor/karta.txt", b"karta", "text/plain")]
    )
    body = contents.agreement_package(signed_agreement.pk, lambda percent: None)
    archive, _mets, _premis = _check_package(body)
    assert archive.read(DATA + "bilagor/karta.txt") == b"karta"

    contents.register(lambda document: [ArchiveFile("../utanfor.txt", b"x", "text/plain")])
    with pytest.raises(ValueError, match="Not a path inside"):
        contents.agreement_package(signed_agreement.pk, lambda percent: None)


def test_only_a_signed_agreement_and_a_published_pledge_have_packages(
    client_of, owner, colleague, county_officer, shared_agreement, shared_pledge
):
    client = client_of(owner)
    # a draft (awaiting signature, in review) has none
    assert client.post(reverse("archive-agreement", args=[shared_agreement.pk])).status_code == 404
    assert client.post(reverse("archive-pledge", args=[shared_pledge.pk])).status_code == 404
    Pledge.objects.filter(pk=shared_pledge.pk).update(status=Pledge.Status.PUBLISHED)
    # readers without INTERNAL (the county board) never; a colleague with it may
    assert (
        client_of(county_officer)
        .post(reverse("archive-pledge", args=[shared_pledge.pk]))
        .status_code
        == 404
    )
    response = client_of(colleague).post(reverse("archive-pledge", args=[shared_pledge.pk]))
    assert response.status_code == 302
    report = Report.objects.get(kind=jobs.PLEDGE)
    assert (
        client_of(county_officer).get(reverse("report-detail", args=[report.pk])).status_code == 404
    )
    # asked twice while it is made: the same package
    again = client_of(owner).post(reverse("archive-pledge", args=[shared_pledge.pk]))
    assert again["Location"] == response["Location"]
    page = client_of(owner).get(reverse("report-detail", args=[report.pk]))
    assert "arkivpaket för medborgarlöftet" in page.content.decode().lower()


def test_the_attachments_go_into_the_package_byte_for_byte(signed_agreement, owner, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from attachments import services as attachment_services

    monkeypatch.setattr(contents.reports, "html_to_pdf", lambda html: b"%PDF-1.7 fake")
    text = "Underskrifterna finns på papper i kommunens arkiv.\n".encode()
    attachment_services.attach(
        signed_agreement,
        upload=SimpleUploadedFile("om underskrifterna.txt", text),
        title="Om underskrifterna",
        kind="other",
        public=False,
        user=owner,
    )
    body = contents.agreement_package(signed_agreement.pk, lambda percent: None)
    archive, _mets, _premis = _check_package(body)  # listed in METS with its checksum
    assert archive.read(DATA + "bilagor/01-om-underskrifterna.txt") == text
