"""A draft shared with the police keeps who it went to, when, and the version exactly
as it was shared: on the document, on its own page and in the history; a later edit
of the draft changes none of it."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from agreements import services as agreement_services
from agreements.models import SharedAgreement
from councils import sharing
from councils.models import LocalPoliceArea
from followup import tasks
from followup.models import Report
from pledges import services as pledge_services
from pledges.models import Activity, SharedPledge
from tests import factories as f
from tests.archive.conftest import SHARED_AT, SHARED_TEXT
from tests.followup.test_reports import archival_metadata

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return " ".join(response.content.decode().split())


def test_an_agreement_sent_for_signature_is_kept_as_it_was_shared(
    client_of, owner, shared_agreement
):
    shared = SharedAgreement.objects.get(agreement=shared_agreement)
    assert shared.shared_at == SHARED_AT
    assert shared.shared_with == "Lokalpolisområde Hemby"
    assert shared.shared_by == owner
    assert shared.snapshot["title"] == "Samverkansöverenskommelse Hemby 2026–2029"
    assert shared.snapshot["signatories"]["police"]["signed_on"] is None

    # taken back and changed: the shared version stays as it was
    agreement = agreement_services.agreement_reopen(user=owner, agreement=shared_agreement)
    agreement.title = "Ändrad titel efter delningen"
    agreement_services.agreement_save(
        user=owner, agreement=agreement, expected_version=agreement.version
    )
    shared.refresh_from_db()
    assert shared.snapshot["title"] == "Samverkansöverenskommelse Hemby 2026–2029"

    client = client_of(owner)
    document = _text(client.get(reverse("agreement-detail", args=[agreement.pk])))
    assert SHARED_TEXT in document
    assert reverse("agreement-shared-version", args=[shared.pk]) in document
    page = _text(client.get(reverse("agreement-shared-version", args=[shared.pk])))
    assert SHARED_TEXT in page
    assert "Samverkansöverenskommelse Hemby 2026–2029" in page
    assert "Ändrad titel efter delningen" not in page
    history = _text(
        client.get(reverse("record-history", args=["agreements.agreement", agreement.pk]))
    )
    assert SHARED_TEXT in history


def test_a_pledge_sent_for_review_is_kept_as_it_was_shared_each_time(
    client_of, owner, liaison, shared_pledge
):
    first = SharedPledge.objects.get(pledge=shared_pledge)
    assert (first.shared_at, first.shared_with) == (SHARED_AT, "Lokalpolisområde Hemby")
    walk = shared_pledge.activities.get()
    assert [a["title"] for a in first.snapshot["activities"].values()] == ["Trygghetsvandring"]

    # the police ask for changes; the coordinator edits and shares again later
    pledge = pledge_services.pledge_request_changes(
        user=liaison, pledge=shared_pledge, message="Mer konkret, tack."
    )
    walk = Activity.objects.get(pk=walk.pk)
    walk.title = "Trygghetsvandring med fastighetsägare"
    pledge_services.activity_save(user=owner, activity=walk, expected_version=walk.version)
    pledge = pledge_services.pledge_submit(user=owner, pledge=pledge)

    versions = list(SharedPledge.objects.filter(pledge=pledge).order_by("shared_at"))
    assert len(versions) == 2
    first.refresh_from_db()
    assert [a["title"] for a in first.snapshot["activities"].values()] == ["Trygghetsvandring"]
    assert [a["title"] for a in versions[1].snapshot["activities"].values()] == [
        "Trygghetsvandring med fastighetsägare"
    ]

    client = client_of(owner)
    document = _text(client.get(reverse("pledge-detail", args=[pledge.pk])))
    assert SHARED_TEXT in document
    page = _text(client.get(reverse("pledge-shared-version", args=[first.pk])))
    assert SHARED_TEXT in page
    assert "Trygghetsvandring" in page and "med fastighetsägare" not in page
    history = _text(client.get(reverse("record-history", args=["pledges.pledge", pledge.pk])))
    assert SHARED_TEXT in history


def test_the_receiver_is_the_police_areas_organisation_or_else_its_name(region, home):
    named = f.LocalPoliceAreaFactory(name="LPO Norr", police_region=region, municipalities=[home])
    areas = LocalPoliceArea.objects.filter(pk=named.pk)
    assert sharing.receivers(areas) == "LPO Norr"
    assert sharing.receivers(LocalPoliceArea.objects.none()) == "Polismyndigheten"


def test_readers_without_internal_access_never_see_shared_versions(
    client_of, county_officer, shared_agreement, shared_pledge
):
    client = client_of(county_officer)  # READ on the county, not INTERNAL
    shared = SharedAgreement.objects.get(agreement=shared_agreement)
    assert client.get(reverse("agreement-shared-version", args=[shared.pk])).status_code == 404
    shared = SharedPledge.objects.get(pledge=shared_pledge)
    assert client.get(reverse("pledge-shared-version", args=[shared.pk])).status_code == 404


def test_the_shared_version_can_be_produced_as_a_pdf_a(client_of, owner, shared_agreement):
    shared = SharedAgreement.objects.get(agreement=shared_agreement)
    client = client_of(owner)
    url = reverse("archive-shared-agreement", args=[shared.pk])
    assert url in client.get(reverse("agreement-shared-version", args=[shared.pk])).content.decode()
    report = Report.objects.get(pk=client.post(url)["Location"].rstrip("/").split("/")[-1])
    assert tasks.render_report.apply(args=[report.pk]).get() is True
    download = client.get(reverse("report-download", args=[report.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert "overenskommelse-delad-hemby-20260312-1014.pdf" in download["Content-Disposition"]
    pdf = b"".join(download.streaming_content)
    assert archival_metadata(pdf)["pdfaid:conformance"] == "A"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert " ".join(SHARED_TEXT.split()) in " ".join(text.split())
