"""Renewing an agreement moves its period, the years in its title and its goals' target
years; a period the next one cannot follow answers a Swedish message, never a 500.

The clock is frozen and every date is built from the frozen day inside the test.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from agreements import services
from agreements.models import Agreement
from councils import dates
from tests import factories as f

pytestmark = pytest.mark.django_db

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")


@pytest.fixture
def today():
    with time_machine.travel(dt.datetime(2026, 11, 30, 12, tzinfo=STOCKHOLM), tick=False):
        yield dates.today()


def signed_agreement(home, start: dt.date, end: dt.date, **values) -> Agreement:
    return f.AgreementFactory(
        municipality=home,
        start_date=start,
        end_date=end,
        status=Agreement.Status.SIGNED,
        signed_snapshot={},
        **values,
    )


def test_renewal_moves_the_period_title_and_target_years(owner, home, today):
    first, last = today.year - 3, today.year
    agreement = signed_agreement(
        home,
        dt.date(first, 1, 1),
        dt.date(last, 12, 31),
        title=f"Samverkansöverenskommelse Hemby {first}–{last}",
    )
    f.GoalFactory(
        agreement=agreement,
        baseline_year=first - 1,
        target_year=last,
        latest_value="2.10",
        latest_year=last - 1,
    )

    renewed = services.agreement_renew(user=owner, agreement=agreement)

    assert (renewed.start_date, renewed.end_date) == (
        dt.date(last + 1, 1, 1),
        dt.date(last + 4, 12, 31),
    )
    assert renewed.title == f"Samverkansöverenskommelse Hemby {first + 4}–{last + 4}"
    goal = renewed.goals.get()
    assert (goal.baseline_year, goal.target_year) == (last - 1, last + 4)


def test_a_period_of_days_keeps_its_length(owner, home, today):
    start = dt.date(today.year, 3, 1)
    end = start + dt.timedelta(days=99)
    agreement = signed_agreement(home, start, end)
    renewed = services.agreement_renew(user=owner, agreement=agreement)
    assert renewed.start_date == end + dt.timedelta(days=1)
    assert renewed.end_date - renewed.start_date == end - start


def test_renewing_an_agreement_that_ends_9999_12_31_answers_a_swedish_message(
    client_of, owner, home, today
):
    agreement = signed_agreement(home, dt.date(today.year, 1, 1), dt.date(9999, 12, 31))
    client = client_of(owner)
    response = client.post(reverse("agreement-renew", args=[agreement.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("agreement-detail", args=[agreement.pk])
    page = client.get(response["Location"]).content.decode()
    assert "nästa period skulle hamna utanför" in page
    assert not Agreement.objects.filter(predecessor=agreement).exists()


def test_renewing_into_the_years_after_2100_is_refused(owner, home, today):
    agreement = signed_agreement(home, dt.date(2097, 1, 1), dt.date(2100, 12, 31))
    with pytest.raises(ValidationError, match="2100-12-31"):
        services.agreement_renew(user=owner, agreement=agreement)


def test_renewal_takes_the_problems_from_the_current_lagesbild_and_notes_the_rest(
    owner, client_of, home, today
):
    old = f.SituationalPictureFactory(municipality=home, is_current=False)
    carried = f.PriorityProblemFactory(picture=old, title="Narkotikahandel  i centrum", rank=1)
    dropped = f.PriorityProblemFactory(picture=old, title="Klotter vid stationen", rank=2)
    current = f.SituationalPictureFactory(municipality=home, is_current=True)
    successor = f.PriorityProblemFactory(picture=current, title="narkotikahandel i centrum")
    agreement = signed_agreement(home, dt.date(today.year - 3, 1, 1), dt.date(today.year, 12, 31))
    agreement.problems.set([carried, dropped])

    renewed = services.agreement_renew(user=owner, agreement=agreement)

    assert set(renewed.problems.all()) == {successor, dropped}
    assert renewed.renewal_notes == [{"kind": "problem", "name": "Klotter vid stationen"}]
    page = client_of(owner).get(reverse("agreement-detail", args=[renewed.pk]))
    notes = page.content.decode()
    assert 'id="renewal-notes"' in notes
    assert "Problemet ”Klotter vid stationen” finns inte i den gällande lägesbilden." in notes
    # the signed original keeps what it was signed with
    assert set(agreement.problems.all()) == {carried, dropped}


def test_renewal_without_a_current_lagesbild_keeps_the_problems_and_says_so(owner, home, today):
    old = f.SituationalPictureFactory(municipality=home, is_current=False)
    problem = f.PriorityProblemFactory(picture=old)
    agreement = signed_agreement(home, dt.date(today.year - 3, 1, 1), dt.date(today.year, 12, 31))
    agreement.problems.set([problem])

    renewed = services.agreement_renew(user=owner, agreement=agreement)

    assert list(renewed.problems.all()) == [problem]
    assert renewed.renewal_notes == [{"kind": "no_picture"}]
    assert services.renewal_notices(renewed) == [
        "Kommunen har ingen gällande lägesbild: problemen är den tidigare överenskommelsens."
    ]
