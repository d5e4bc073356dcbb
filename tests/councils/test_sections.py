"""The one section editor (councils.sections): each section's heading comes from the app's
SECTIONS, with htmx (the form swapped in place) and without (a page of its own)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from agreements.views.agreements import SECTIONS as AGREEMENT_SECTIONS
from pledges.views.editor import SECTIONS as PLEDGE_SECTIONS
from tests import factories as f


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_every_section_form_is_headed_by_its_title(client_of, owner, home, htmx):
    agreement = f.AgreementFactory(municipality=home)
    pledge = f.PledgeFactory(municipality=home)
    client = client_of(owner)
    headers = {"HX-Request": "true"} if htmx else {}
    cases = [
        ("agreement-section", agreement, AGREEMENT_SECTIONS),
        ("pledge-section", pledge, PLEDGE_SECTIONS),
    ]
    for url_name, document, sections in cases:
        for name, section in sections.items():
            url = reverse(url_name, args=[document.pk, name])
            response = client.get(url, headers=headers)
            assert response.status_code == 200, url
            html = response.content.decode()
            with translation.override("sv"):
                heading = f"{translation.gettext('Edit')}: {section.title}"
            assert f'<h2 id="h-edit-{name}">{heading}</h2>' in html, url
            assert f'hx-post="{url}"' in html
            assert ("<html" in html) is not htmx, url


def test_an_unknown_section_is_not_found(client_of, owner, home):
    agreement = f.AgreementFactory(municipality=home)
    response = client_of(owner).get(reverse("agreement-section", args=[agreement.pk, "nope"]))
    assert response.status_code == 404
