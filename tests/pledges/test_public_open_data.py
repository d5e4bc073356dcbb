"""Open data: every published pledge and its activities as CSV and JSON."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from councils.exports import neutralise
from pledges.models import Activity, Pledge
from pledges.views import public
from pledges.views.public import ACTIVITY_COLUMNS, PLEDGE_COLUMNS
from tests import factories as f
from tests.pledges.public_helpers import published

S = Pledge.Status


def url(name: str, fmt: str) -> str:
    return reverse(name, args=[fmt])


def rows_of(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


@pytest.fixture
def plan(home, away):
    """Two published pledges with activities, and a draft that must stay out."""
    hemby = published(
        home,
        title="Tryggare Hemby – åäö",
        area="Centrum",
        public_text="Vi lovar mer ljus i gångtunnlarna.",
    )
    f.ActivityFactory(
        pledge=hemby,
        title="Belysning i gångtunneln",
        responsible_party=Activity.Party.MUNICIPALITY,
        type=Activity.Type.SITUATIONAL,
        status=Activity.Status.DONE,
        start_date=dt.date(2026, 2, 1),
        end_date=dt.date(2026, 4, 30),
        order=1,
    )
    f.ActivityFactory(
        pledge=hemby,
        title="Nattvandring",
        responsible_party=Activity.Party.PARTNER,
        partner_name="Nattvandrarna",
        start_date=None,
        end_date=None,
        recurrence="Varje fredag",
        type=Activity.Type.SOCIAL,
        order=2,
    )
    f.ActivityFactory(pledge=hemby, title="Struken aktivitet", deleted_at=timezone.now())
    bortby = published(away, title="Tryggare Bortby")
    f.ActivityFactory(pledge=bortby, title="Polisens närvaro", responsible_party="police")
    draft = f.PledgeFactory(municipality=home, title="Utkast 2027")
    f.ActivityFactory(pledge=draft, title="Utkastets aktivitet")
    return hemby, bortby


def test_pledges_csv(client, plan):
    hemby, _ = plan
    response = client.get(url("open-data-pledges", "csv"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('inline; filename="medborgarloften.csv";')
    rows = rows_of(response)
    assert list(rows[0]) == PLEDGE_COLUMNS
    # sorted by county code: Hemlän (91) before Bortlän (92)
    assert [r["pledge_title"] for r in rows] == ["Tryggare Hemby – åäö", "Tryggare Bortby"]
    first = rows[0]
    assert first["municipality_code"] == "9101"
    assert first["municipality"] == "Hemby"
    assert first["county_code"] == "91"
    assert first["county"] == "Hemlän"
    assert first["period_start"] == "2026-01-01"
    assert first["period_end"] == "2026-12-31"
    assert first["area"] == "Centrum"
    assert first["public_text"] == "Vi lovar mer ljus i gångtunnlarna."
    assert first["status"] == "published"
    assert first["pledge_url"].endswith(reverse("public-pledge", args=[hemby.pk]))
    assert first["pledge_url"].startswith("http")


def test_activities_csv_has_the_party_never_the_person(client, plan):
    rows = rows_of(client.get(url("open-data-activities", "csv")))

    assert list(rows[0]) == ACTIVITY_COLUMNS
    assert [r["activity_title"] for r in rows] == [
        "Belysning i gångtunneln",
        "Nattvandring",
        "Polisens närvaro",
    ]
    lighting, walk, police = rows
    assert lighting["responsible_party"] == "municipality"
    assert lighting["status"] == "done"
    assert lighting["type"] == "situational"
    assert (lighting["start_date"], lighting["end_date"]) == ("2026-02-01", "2026-04-30")
    assert walk["responsible"] == "Nattvandrarna"
    assert walk["recurrence"] == "Varje fredag"
    assert walk["start_date"] == ""
    assert police["municipality_code"] == "9201"
    for column in ACTIVITY_COLUMNS:
        assert "email" not in column and "responsible_name" not in column


def test_json_is_a_list_of_objects_with_the_same_fields(client, plan):
    for name, columns in (
        ("open-data-pledges", PLEDGE_COLUMNS),
        ("open-data-activities", ACTIVITY_COLUMNS),
    ):
        response = client.get(url(name, "json"))
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert response["Content-Disposition"].startswith("inline; filename=")
        assert '.json";' in response["Content-Disposition"]
        data = response.json()
        assert isinstance(data, list) and data
        assert all(list(item) == columns for item in data)
    pledges = client.get(url("open-data-pledges", "json")).json()
    assert pledges[0]["pledge_title"] == "Tryggare Hemby – åäö"
    assert "åäö" in client.get(url("open-data-pledges", "json")).content.decode("utf-8")
    assert isinstance(pledges[0]["pledge_id"], int)


def test_files_leave_out_replaced_versions_and_unpublished_pledges(client, home):
    old = published(home, title="Gamla versionen")
    published(home, title="Nya versionen", replaces=old)
    for status in (S.DRAFT, S.IN_REVIEW, S.CHANGES_REQUESTED, S.APPROVED):
        f.PledgeFactory(municipality=home, status=status, title=f"Ej publicerat {status}")
    titles = [r["pledge_title"] for r in rows_of(client.get(url("open-data-pledges", "csv")))]
    assert titles == ["Nya versionen"]


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_csv_neutralises_formulas(client, home, start):
    formula = f'{start}HYPERLINK("http://evil.example")'
    pledge = published(home, title=formula, area=f"{start}1+1")
    f.ActivityFactory(pledge=pledge, title=formula, recurrence=f"{start}cmd")

    pledge_row = rows_of(client.get(url("open-data-pledges", "csv")))[0]
    activity_row = rows_of(client.get(url("open-data-activities", "csv")))[0]

    assert pledge_row["pledge_title"] == "'" + formula
    assert pledge_row["area"] == f"'{start}1+1"
    assert activity_row["activity_title"] == "'" + formula
    assert activity_row["recurrence"] == f"'{start}cmd"
    # JSON is data, not a spreadsheet: kept as written
    assert client.get(url("open-data-pledges", "json")).json()[0]["pledge_title"] == formula


def test_neutralise_leaves_ordinary_values_alone():
    assert neutralise("Trygghetsvandring") == "Trygghetsvandring"
    assert neutralise("2026-01-01") == "2026-01-01"
    assert neutralise(42) == 42
    assert neutralise("\t=1") == "'\t=1"


def test_empty_files_have_their_header(client, db):
    body = client.get(url("open-data-activities", "csv")).content
    # the one export format: UTF-8 with a byte order mark, semicolons
    assert body == ("\ufeff" + ";".join(ACTIVITY_COLUMNS) + "\r\n").encode()
    assert client.get(url("open-data-pledges", "json")).json() == []


@pytest.mark.parametrize("name", ["open-data-pledges", "open-data-activities"])
def test_unknown_format_is_404(client, db, name):
    assert client.get(f"/public/open-data/{name.split('-')[-1]}.xml").status_code == 404
    assert client.get(url(name, "xlsx")).status_code == 404


def test_open_data_may_be_cached_by_anyone_and_sets_no_cookie(client, plan):
    response = client.get(url("open-data-activities", "csv"))
    assert "public" in response["Cache-Control"]
    assert "max-age=900" in response["Cache-Control"]
    assert not response.cookies


def test_labels_are_swedish_whatever_the_language_cookie(client, plan, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(url("open-data-pledges", "csv"))
    assert response["Content-Language"] == "sv"
    swedish = rows_of(response)[0]["status_label"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    assert rows_of(client.get(url("open-data-pledges", "csv")))[0]["status_label"] == swedish


def test_files_are_made_once_and_made_again_when_a_row_changes(
    client, plan, django_assert_num_queries
):
    hemby, _bortby = plan
    first = client.get(url("open-data-activities", "csv")).content
    with django_assert_num_queries(0):  # the fingerprint is remembered, the file kept
        assert client.get(url("open-data-activities", "csv")).content == first

    activity = hemby.activities.get(title="Nattvandring")
    activity.title = "Nattvandring med föräldrar"
    activity.version += 1  # as every service does (councils.concurrency)
    activity.save()
    titles = [r["activity_title"] for r in rows_of(client.get(url("open-data-activities", "csv")))]
    assert "Nattvandring med föräldrar" in titles

    hemby.title = "Tryggare Hemby, ny titel"
    hemby.version += 1
    hemby.save()
    pledges = rows_of(client.get(url("open-data-pledges", "csv")))
    assert "Tryggare Hemby, ny titel" in [r["pledge_title"] for r in pledges]
    activities = rows_of(client.get(url("open-data-activities", "csv")))
    assert {r["pledge_title"] for r in activities} >= {"Tryggare Hemby, ny titel"}


def test_a_pledge_that_leaves_the_open_data_leaves_the_cached_file(client, plan):
    hemby, bortby = plan
    assert len(rows_of(client.get(url("open-data-pledges", "csv")))) == 2
    bortby.status = S.DRAFT
    bortby.version += 1
    bortby.save()
    codes = [r["municipality_code"] for r in rows_of(client.get(url("open-data-pledges", "csv")))]
    assert codes == [hemby.municipality.code]
    activities = rows_of(client.get(url("open-data-activities", "csv")))
    assert {r["municipality_code"] for r in activities} == {hemby.municipality.code}


def test_the_cached_file_names_the_host_it_was_asked_on(client, plan):
    first = rows_of(client.get(url("open-data-pledges", "csv")))[0]["pledge_url"]
    other = rows_of(client.get(url("open-data-pledges", "csv"), HTTP_HOST="localhost"))[0]
    assert first.startswith("http://testserver/")
    assert other["pledge_url"].startswith("http://localhost/")


def test_a_reader_that_has_the_file_gets_304_until_it_changes(client, plan):
    hemby, _ = plan
    address = url("open-data-activities", "csv")
    first = client.get(address)
    etag = first["ETag"]
    assert etag.startswith('"')  # strong: the bytes are the same while it holds

    again = client.get(address, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""

    f.ActivityFactory(pledge=hemby, title="Ny aktivitet", order=3)
    changed = client.get(address, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "Ny aktivitet" in changed.content.decode("utf-8-sig")


def test_the_file_is_gzipped_when_asked_and_says_so(client, plan):
    import gzip

    address = url("open-data-activities", "json")
    plain = client.get(address)
    packed = client.get(address, headers={"Accept-Encoding": "br, gzip"})

    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == plain.content
    # two representations, two strong tags; either one is a reader that has the file
    assert packed["ETag"] != plain["ETag"]
    for tag in (plain["ETag"], packed["ETag"], f"W/{plain['ETag']}"):
        again = client.get(address, headers={"Accept-Encoding": "gzip", "If-None-Match": tag})
        assert again.status_code == 304
        assert again["ETag"] == packed["ETag"]


def test_a_conditional_request_builds_nothing_and_asks_no_query(
    client, plan, django_assert_num_queries, monkeypatch
):
    """The activities file at national size is some 19 MB: a reader that has it costs
    cache reads (the fingerprint is remembered), and for one municipality a query whether
    the code is one; nothing else."""
    for address, queries in (
        (url("open-data-activities", "csv"), 0),
        (url("open-data-activities", "csv") + f"?kommun={plan[0].municipality.code}", 1),
        (url("open-data-pledges", "json"), 0),
    ):
        first = client.get(address, headers={"Accept-Encoding": "gzip"})
        assert first["Content-Encoding"] == "gzip"
        assert first["Last-Modified"]

        def built(*args, **kwargs):
            raise AssertionError("a 304 builds no file")

        with monkeypatch.context() as patched:
            patched.setattr(public, "_open_data_body", built)
            patched.setattr(public.gzip, "compress", built)
            with django_assert_num_queries(queries):
                by_tag = client.get(
                    address,
                    headers={"Accept-Encoding": "gzip", "If-None-Match": first["ETag"]},
                )
            with django_assert_num_queries(queries):
                by_date = client.get(
                    address,
                    headers={
                        "Accept-Encoding": "gzip",
                        "If-Modified-Since": first["Last-Modified"],
                    },
                )
        for answer in (by_tag, by_date):
            assert answer.status_code == 304
            assert answer.content == b""
            assert answer["ETag"] == first["ETag"]
            assert "Accept-Encoding" in answer["Vary"]


def test_last_modified_moves_on_when_the_data_changes(client, plan):
    hemby, _ = plan
    address = url("open-data-activities", "csv")
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        first = client.get(address)
    assert first["Last-Modified"] == "Mon, 02 Mar 2026 09:00:00 GMT"
    with time_machine.travel(dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC), tick=False):
        same = client.get(address)
        f.ActivityFactory(pledge=hemby, title="Ny aktivitet", order=3)
        changed = client.get(address, headers={"If-Modified-Since": first["Last-Modified"]})
    assert same["Last-Modified"] == first["Last-Modified"]  # the same data, the same moment
    assert changed.status_code == 200
    assert changed["Last-Modified"] == "Tue, 03 Mar 2026 09:00:00 GMT"
    assert "Ny aktivitet" in changed.content.decode("utf-8-sig")
