from __future__ import annotations

import datetime as dt

import pytest

from agreements import services
from agreements.models import Agreement
from tests import factories as f


@pytest.fixture
def current_picture(home):
    picture = f.SituationalPictureFactory(
        municipality=home,
        is_current=True,
        decided_by="Kommunstyrelsen",
        decided_on=dt.date(2026, 2, 1),
    )
    f.PriorityProblemFactory(picture=picture, title="Otrygghet i centrum", rank=1)
    f.PriorityProblemFactory(
        picture=picture, title="Unga som rekryteras till kriminalitet", rank=2, perspective="social"
    )
    return picture


@pytest.fixture
def draft(owner, home, police_area, current_picture) -> Agreement:
    """A draft agreement with everything needed for signature."""
    agreement = services.agreement_create(
        user=owner,
        municipality=home,
        title="Samverkansöverenskommelse Hemby 2026–2029",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2029, 12, 31),
    )
    area = f.FocusAreaFactory(agreement=agreement, title="Trygg stadskärna")
    f.GoalFactory(agreement=agreement, focus_area=area, latest_value="2.10", latest_year=2026)
    Agreement.objects.filter(pk=agreement.pk).update(
        documentation="Aktiviteter dokumenteras i Samverkan och följs upp i BRÅ-rådet.",
        follow_up_by="Brottsförebyggande rådet i Hemby",
        follow_up_frequency=Agreement.Frequency.TERTIAL,
        municipality_signatory_name="Anna Ordförande",
        municipality_signatory_title="Kommunstyrelsens ordförande",
        police_signatory_name="Bengt Chef",
        police_signatory_title="Lokalpolisområdeschef",
    )
    agreement.refresh_from_db()
    return agreement


@pytest.fixture
def signed(draft, owner, liaison) -> Agreement:
    services.agreement_submit_for_signature(user=owner, agreement=draft)
    services.agreement_sign(
        user=owner,
        agreement=draft,
        party="municipality",
        name="Anna Ordförande",
        title="KSO",
        signed_on=dt.date(2026, 1, 10),
    )
    services.agreement_sign(
        user=liaison,
        agreement=draft,
        party="police",
        name="Bengt Chef",
        title="LPO-chef",
        signed_on=dt.date(2026, 1, 12),
    )
    draft.refresh_from_db()
    return draft
