"""The signed snapshot reads like the live page: Swedish dates and decimal commas.

The snapshot keeps ISO dates and decimal text in JSON (data); the page and the PDF
show them through councils.formats.
"""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from followup import reports
from followup.models import Report
from tests.agreements.conftest import current_picture, draft, signed  # noqa: F401

pytestmark = pytest.mark.django_db


def _flat(text: str) -> str:
    return "".join(text.split())


def test_the_signed_page_shows_swedish_dates_and_decimal_commas(client_of, owner, signed):  # noqa: F811
    assert signed.signed_snapshot["start_date"] == "2026-01-01"  # data stays ISO
    page = client_of(owner).get(reverse("agreement-detail", args=[signed.pk])).content.decode()
    assert "1 januari 2026 – 31 december 2029" in page
    assert "10 januari 2026" in page and "12 januari 2026" in page
    assert "2,4 (2025)" in page and "2 (2029)" in page
    assert "2026-01-10" not in page and "2.40" not in page and "2.00" not in page


def test_the_agreement_pdf_shows_swedish_dates_and_decimal_commas(
    signed,  # noqa: F811
    owner,
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path
    report = Report.objects.create(
        kind=Report.Kind.AGREEMENT, object_id=signed.pk, requested_by=owner
    )
    pdf = reports.render(report)
    text = _flat("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    assert _flat("1 januari 2026 – 31 december 2029") in text
    assert _flat("10 januari 2026") in text
    assert _flat("2,4 (2025)") in text
    assert "2026-01-10" not in text and "2.40" not in text
