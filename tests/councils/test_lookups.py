"""councils.lookups.IntegerIn: values an integer column cannot hold match nothing."""

from __future__ import annotations

from councils.models import Municipality


def test_in_leaves_out_numbers_beyond_the_range_and_text(home, away):
    found = Municipality.objects.filter(pk__in=[home.pk, 10**30, "9" * 30, "abc", -(10**30)])
    assert list(found) == [home]
    assert not Municipality.objects.filter(pk__in=["9" * 30, "\r\nSet-Cookie: x=1"]).exists()
    assert Municipality.objects.filter(pk__in=[str(away.pk)]).get() == away


def test_in_with_a_subquery_still_works(home, away):
    codes = Municipality.objects.filter(code=away.code).values("pk")
    assert list(Municipality.objects.filter(pk__in=codes)) == [away]
