"""The API's lists (and a pledge with its activities) make as many queries at two
sizes of data: nothing per row."""

from __future__ import annotations

import pytest

from agreements.models import Agreement
from bench import api as bench_api
from followup.models import FollowUp
from pledges.models import Pledge
from tests import factories as f
from tests.api.conftest import this_year
from tests.queries import assert_constant_queries


def _grow(home, published):
    start, end = this_year()

    def grow():
        for _ in range(3):
            activity = f.ActivityFactory(pledge=published, start_date=start, end_date=end)
            f.FollowUpFactory(activity=activity, published=True)
            f.PledgeFactory(municipality=home)
            council = f.CouncilFactory(municipality=home)
            f.MeetingFactory(council=council)
            picture = f.SituationalPictureFactory(municipality=home)
            f.PriorityProblemFactory(picture=picture)
            agreement = f.AgreementFactory(municipality=home)
            goal = f.GoalFactory(agreement=agreement)
            f.GoalIndicatorFactory(goal=goal)
            f.IndicatorValueFactory(municipality=home)
            Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.DRAFT)

    return grow


@pytest.mark.parametrize(
    "path",
    [
        "municipalities",
        "councils",
        "meetings",
        "pictures",
        "problems",
        "agreements",
        "pledges",
        "activities",
        "follow-ups",
        "indicator-values",
        "reports",
    ],
)
def test_lists_make_the_same_queries_at_two_sizes(client, owner, bearer, home, published, path):
    client.defaults["HTTP_AUTHORIZATION"] = bearer(owner)["Authorization"]
    grow = _grow(home, published)
    grow()  # every kind present once before the first count
    client.get(f"/api/v1/{path}")  # the token's first use is recorded: not counted
    assert_constant_queries(client, f"/api/v1/{path}", grow)


def test_a_pledge_with_its_activities_makes_the_same_queries(client, owner, bearer, published):
    client.defaults["HTTP_AUTHORIZATION"] = bearer(owner)["Authorization"]
    start, end = this_year()

    def grow():
        for _ in range(5):
            f.ActivityFactory(pledge=published, start_date=start, end_date=end)

    grow()
    client.get(f"/api/v1/pledges/{published.pk}")  # the token's first use: not counted
    assert_constant_queries(client, f"/api/v1/pledges/{published.pk}", grow)


def test_the_bench_api_requests_make_the_same_queries_at_two_sizes(
    owner, national_reader, home, published
):
    """The three requests of the API's bench rows (bench/api.py), counted as the bench
    counts them: a pledge with its activities, a follow-up write at the activity's ETag,
    the first page of every activity the national reader sees."""
    start, end = this_year()
    activity = f.ActivityFactory(pledge=published, start_date=start, end_date=end)

    def requests():
        return bench_api.calls(
            pledge=published,
            pledge_user=owner.username,
            activity=activity,
            activity_user=owner.username,
            reader=national_reader.username,
        )

    small = bench_api.query_counts(requests())
    for _ in range(12):
        f.ActivityFactory(pledge=published, start_date=start, end_date=end)
        other = f.PledgeFactory(municipality=home, status=Pledge.Status.PUBLISHED)
        f.ActivityFactory(pledge=other, start_date=start, end_date=end)
    f.FollowUpFactory(activity=activity, published=True)
    large = bench_api.query_counts(requests())
    assert set(small) == {"api-pledge", "api-follow-up", "api-activities"}
    assert small == large


def test_the_bench_removes_what_its_earlier_runs_wrote_and_nothing_else(db):
    """The bench's follow-up write goes to ``WRITTEN_CODE``'s pledge and is removed before
    the next run, so the pages it measures read the seeded data every time: another
    municipality's follow-up with the same words, and the written municipality's own
    follow-ups, stay."""
    kiruna = f.MunicipalityFactory(code=bench_api.WRITTEN_CODE)
    written = f.ActivityFactory(pledge=f.PledgeFactory(municipality=kiruna))
    ours = [f.FollowUpFactory(activity=written, done=bench_api.WRITTEN_DONE) for _ in range(2)]
    theirs = f.FollowUpFactory(activity=written)
    elsewhere = f.FollowUpFactory(done=bench_api.WRITTEN_DONE)

    assert bench_api.forget_written() == 2

    assert not FollowUp.objects.filter(pk__in=[row.pk for row in ours]).exists()
    assert set(FollowUp.objects.values_list("pk", flat=True)) >= {theirs.pk, elsewhere.pk}
    assert bench_api.forget_written() == 0
