"""The open data's DCAT-AP-SE catalogue: parsed back with rdflib in every serialisation
and checked against the profile's mandatory properties; a dataset per municipality
published by that municipality; the distributions it names answer with that
municipality's rows; nothing but published pledges."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from pledges.catalogue import LICENCES, SERIALISATIONS, VCARD
from tests import factories as f
from tests.pledges.public_helpers import published
from tests.queries import assert_constant_queries

#: DCAT-AP-SE's mandatory properties, per class
MANDATORY = {
    DCAT.Catalog: (DCTERMS.title, DCTERMS.description, DCTERMS.publisher, DCAT.dataset),
    DCAT.Dataset: (
        DCTERMS.title,
        DCTERMS.description,
        DCTERMS.publisher,
        DCAT.contactPoint,
    ),
    DCAT.Distribution: (DCAT.accessURL,),
    FOAF.Agent: (FOAF.name,),
}


@pytest.fixture
def plan(home, away):
    hemby = published(home, title="Tryggare Hemby")
    f.ActivityFactory(pledge=hemby, title="Belysning i gångtunneln")
    bortby = published(away, title="Tryggare Bortby")
    f.ActivityFactory(pledge=bortby, title="Polisens närvaro")
    draft = f.PledgeFactory(municipality=home, title="Utkast som inte får synas")
    f.ActivityFactory(pledge=draft, title="Utkastets hemliga aktivitet")
    return hemby, bortby


def catalogue(client, fmt: str = "ttl") -> Graph:
    response = client.get(reverse("open-data-catalogue", args=[fmt]))
    assert response.status_code == 200
    assert response["Content-Type"] == SERIALISATIONS[fmt][1]
    rdf_format = SERIALISATIONS[fmt][0]
    return Graph().parse(data=response.content.decode("utf-8"), format=rdf_format)


def missing_mandatory(graph: Graph) -> list[str]:
    missing = []
    for cls, properties in MANDATORY.items():
        for subject in graph.subjects(RDF.type, cls):
            missing += [
                f"{subject} {prop}" for prop in properties if graph.value(subject, prop) is None
            ]
    return missing


@pytest.mark.parametrize("fmt", sorted(SERIALISATIONS))
def test_every_serialisation_parses_and_has_the_mandatory_properties(client, plan, fmt):
    graph = catalogue(client, fmt)

    assert len(list(graph.subjects(RDF.type, DCAT.Catalog))) == 1
    # the national dataset and one per municipality with a published pledge
    assert len(list(graph.subjects(RDF.type, DCAT.Dataset))) == 3
    assert len(list(graph.subjects(RDF.type, DCAT.Distribution))) == 3 * 4
    assert missing_mandatory(graph) == []


def test_each_municipality_publishes_its_own_dataset_in_swedish_and_english(
    client, plan, home, away
):
    graph = catalogue(client)
    titles = {
        (str(t), t.language)
        for d in graph.subjects(RDF.type, DCAT.Dataset)
        for t in graph.objects(d, DCTERMS.title)
    }
    assert (f"Medborgarlöften i {home.official_name}", "sv") in titles
    assert (f"Citizen pledges in {away.official_name}", "en") in titles

    for municipality in (home, away):
        (dataset,) = [
            d
            for d in graph.subjects(RDF.type, DCAT.Dataset)
            if str(d).endswith(f"#dataset-{municipality.code}")
        ]
        publisher = graph.value(dataset, DCTERMS.publisher)
        assert str(graph.value(publisher, FOAF.name)) == municipality.official_name
        assert str(graph.value(publisher, DCTERMS.type)).endswith("/LocalAuthority")
        place = graph.value(dataset, DCTERMS.spatial)
        assert str(graph.value(place, DCTERMS.identifier)) == municipality.code
        period = graph.value(dataset, DCTERMS.temporal)
        assert graph.value(period, DCAT.startDate) is not None
        contact = graph.value(dataset, DCAT.contactPoint)
        assert str(graph.value(contact, VCARD.hasEmail)).startswith("mailto:")


def test_a_distribution_answers_with_its_municipalitys_rows_only(client, plan, home):
    graph = catalogue(client)
    (dataset,) = [
        d for d in graph.subjects(RDF.type, DCAT.Dataset) if str(d).endswith(f"-{home.code}")
    ]
    distributions = graph.objects(dataset, DCAT.distribution)
    urls = sorted(str(graph.value(d, DCAT.downloadURL)) for d in distributions)
    (pledges_csv,) = [u for u in urls if "/pledges.csv" in u]
    assert pledges_csv.endswith(f"?kommun={home.code}")

    response = client.get(pledges_csv)
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [r["pledge_title"] for r in rows] == ["Tryggare Hemby"]
    assert f'filename="medborgarloften-{home.code}.csv"' in response["Content-Disposition"]

    (activities_json,) = [u for u in urls if "/activities.json" in u]
    titles = [row["activity_title"] for row in json.loads(client.get(activities_json).content)]
    assert titles == ["Belysning i gångtunneln"]


@pytest.mark.parametrize("code", ["9999", "x' or 1=1", "0" * 300, ""])
def test_a_file_of_an_unknown_municipality_is_not_found(client, plan, code):
    response = client.get(reverse("open-data-pledges", args=["csv"]), {"kommun": code})
    assert response.status_code == 404


def test_nothing_but_published_pledges_is_catalogued(client, plan):
    for fmt in SERIALISATIONS:
        body = client.get(reverse("open-data-catalogue", args=[fmt])).content.decode()
        assert "Utkast som inte får synas" not in body
    # a municipality with nothing published has no dataset
    # codes of their own: the factory's sequence gets an existing municipality (get_or_create
    # by code) once it reaches a fixture's code, as it may after other tests in the process
    nobody = f.MunicipalityFactory(code="9501", name="Tomby")
    f.PledgeFactory(municipality=nobody, title="Tombys utkast")
    graph = catalogue(client)
    assert not [d for d in graph.subjects(RDF.type, DCAT.Dataset) if nobody.code in str(d)]


def test_the_licence_is_the_configured_one(client, plan, settings):
    graph = catalogue(client)
    assert set(graph.objects(None, DCTERMS.license)) == {URIRef(LICENCES["CC0"])}

    settings.OPEN_DATA_LICENCE = "CC-BY-4.0"
    graph = catalogue(client)
    assert set(graph.objects(None, DCTERMS.license)) == {URIRef(LICENCES["CC-BY-4.0"])}


def test_a_newly_published_pledge_is_catalogued_at_once(client, plan):
    before = len(list(catalogue(client).subjects(RDF.type, DCAT.Dataset)))
    published(f.MunicipalityFactory(code="9502", name="Nyby"), title="Tryggare Nyby")
    graph = catalogue(client)
    assert len(list(graph.subjects(RDF.type, DCAT.Dataset))) == before + 1


def test_an_unknown_serialisation_is_not_found(client, plan):
    assert client.get(reverse("open-data-catalogue", args=["html"])).status_code == 404


def test_the_catalogue_costs_the_same_queries_for_two_and_for_many_municipalities(client, plan):
    def grow():
        for n in range(6):
            published(f.MunicipalityFactory(code=f"951{n}", name=f"Stad {n}"), title=f"Löfte {n}")

    assert_constant_queries(client, reverse("open-data-catalogue", args=["ttl"]), grow)
    assert len(list(catalogue(client).subjects(RDF.type, DCAT.Dataset))) == 3 + 6


def test_a_harvester_that_has_the_catalogue_gets_304_until_a_pledge_is_published(client, plan):
    address = reverse("open-data-catalogue", args=["rdf"])
    first = client.get(address)
    assert first["ETag"].startswith('"') and first["Last-Modified"]
    again = client.get(address, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""

    published(f.MunicipalityFactory(code="9502", name="Nyby"), title="Tryggare Nyby")
    changed = client.get(address, headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
    assert "Nyby" in changed.content.decode()


def test_the_catalogue_is_gzipped_when_asked(client, plan):
    import gzip

    address = reverse("open-data-catalogue", args=["jsonld"])
    plain = client.get(address)
    packed = client.get(address, headers={"Accept-Encoding": "gzip"})
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == plain.content
    assert packed["ETag"] != plain["ETag"]
