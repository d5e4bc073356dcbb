"""The open data's catalogue in DCAT-AP-SE, the Swedish profile of DCAT-AP that the
national data portal (dataportal.se) harvests.

One catalogue; in it a national dataset (every current published pledge, published by
the operator) and one dataset per municipality with a current published pledge,
published by that municipality. Each dataset has four distributions: the pledges and
their activities, as CSV and as JSON (the municipality's filtered with ``?kommun=``).
Built from public fields only (``pledges.selectors``), as RDF with rdflib; served as
JSON-LD, RDF/XML or Turtle.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from councils import exports, formats
from pledges.selectors import PublicMunicipality, PublicPledge

EU = "http://publications.europa.eu/resource/authority/"
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
ADMS_PUBLISHER = Namespace("http://purl.org/adms/publishertype/")
IANA = "https://www.iana.org/assignments/media-types/"
#: settings.OPEN_DATA_LICENCE -> the licence in the EU vocabulary DCAT-AP-SE asks for
LICENCES = {"CC0": EU + "licence/CC0", "CC-BY-4.0": EU + "licence/CC_BY_4_0"}
THEMES = (EU + "data-theme/JUST", EU + "data-theme/GOVE")
SWEDEN = EU + "country/SWE"
#: the data files' formats: (the EU file type, the IANA media type of what is served)
FORMATS = {
    fmt: (EU + f"file-type/{fmt.upper()}", IANA + exports.CONTENT_TYPES[fmt].split(";")[0])
    for fmt in ("csv", "json")
}
#: serialisations: URL suffix -> (rdflib format, content type)
SERIALISATIONS = {
    "jsonld": ("json-ld", "application/ld+json; charset=utf-8"),
    "rdf": ("xml", "application/rdf+xml; charset=utf-8"),
    "ttl": ("turtle", "text/turtle; charset=utf-8"),
}


@dataclass(frozen=True)
class Files:
    """Where the data files are: ``url(name, fmt, code)`` gives a file's address, for one
    municipality's rows when ``code`` is given."""

    catalogue: str
    home: str
    url: Callable[[str, str, str | None], str]


def _text(graph: Graph, subject, predicate, sv: str, en: str) -> None:
    graph.add((subject, predicate, Literal(sv, lang="sv")))
    graph.add((subject, predicate, Literal(en, lang="en")))


def _publisher(graph: Graph, node: URIRef, name: str, kind: str) -> URIRef:
    graph.add((node, RDF.type, FOAF.Agent))
    graph.add((node, FOAF.name, Literal(name, lang="sv")))
    graph.add((node, DCTERMS.type, ADMS_PUBLISHER[kind]))
    return node


def _contact(graph: Graph) -> BNode:
    node = BNode()
    graph.add((node, RDF.type, VCARD.Organization))
    graph.add((node, VCARD.fn, Literal(settings.OPEN_DATA_PUBLISHER, lang="sv")))
    graph.add((node, VCARD.hasEmail, URIRef(f"mailto:{settings.OPEN_DATA_CONTACT_EMAIL}")))
    return node


def _period(graph: Graph, pledges: list[PublicPledge]) -> BNode:
    node = BNode()
    graph.add((node, RDF.type, DCTERMS.PeriodOfTime))
    start = min(p.period_start for p in pledges)
    end = max(p.period_end for p in pledges)
    graph.add((node, DCAT.startDate, Literal(formats.iso(start), datatype=XSD.date)))
    graph.add((node, DCAT.endDate, Literal(formats.iso(end), datatype=XSD.date)))
    return node


def _place(graph: Graph, municipality: PublicMunicipality) -> BNode:
    node = BNode()
    graph.add((node, RDF.type, DCTERMS.Location))
    graph.add((node, SKOS.prefLabel, Literal(municipality.official_name, lang="sv")))
    graph.add((node, DCTERMS.identifier, Literal(municipality.code)))
    return node


def _published(pledges: Iterable[PublicPledge]) -> list:
    return sorted(p.published_at for p in pledges if p.published_at)


def _dataset(
    graph: Graph,
    node: URIRef,
    pledges: list[PublicPledge],
    publisher: URIRef,
    files: Files,
    code: str | None,
    licence: URIRef,
) -> None:
    graph.add((node, RDF.type, DCAT.Dataset))
    graph.add((node, DCAT.contactPoint, _contact(graph)))
    graph.add((node, DCTERMS.publisher, publisher))
    graph.add((node, DCAT.landingPage, URIRef(files.home)))
    graph.add((node, DCTERMS.accrualPeriodicity, URIRef(EU + "frequency/IRREG")))
    for theme in THEMES:
        graph.add((node, DCAT.theme, URIRef(theme)))
    for word in ("brottsförebyggande arbete", "medborgarlöften", "trygghet"):
        graph.add((node, DCAT.keyword, Literal(word, lang="sv")))
    for word in ("crime prevention", "citizen pledges", "safety"):
        graph.add((node, DCAT.keyword, Literal(word, lang="en")))
    if pledges:
        graph.add((node, DCTERMS.temporal, _period(graph, pledges)))
    published = _published(pledges)
    if published:
        graph.add((node, DCTERMS.issued, Literal(published[0].isoformat(), datatype=XSD.dateTime)))
        graph.add(
            (node, DCTERMS.modified, Literal(published[-1].isoformat(), datatype=XSD.dateTime))
        )
    for name, sv, en in (
        ("pledges", "Medborgarlöften", "Citizen pledges"),
        ("activities", "Aktiviteter", "Activities"),
    ):
        for fmt, (file_type, media_type) in FORMATS.items():
            url = files.url(name, fmt, code)
            distribution = URIRef(url)
            graph.add((node, DCAT.distribution, distribution))
            graph.add((distribution, RDF.type, DCAT.Distribution))
            _text(graph, distribution, DCTERMS.title, f"{sv} ({fmt.upper()})", f"{en} ({fmt})")
            graph.add((distribution, DCAT.accessURL, URIRef(url)))
            graph.add((distribution, DCAT.downloadURL, URIRef(url)))
            graph.add((distribution, DCTERMS.format, URIRef(file_type)))
            graph.add((distribution, DCAT.mediaType, URIRef(media_type)))
            graph.add((distribution, DCTERMS.license, licence))


def catalogue(pledges: list[PublicPledge], files: Files) -> Graph:
    """The catalogue of ``pledges`` (the current published ones, as the files have them)."""
    graph = Graph()
    graph.bind("dcat", DCAT)
    graph.bind("dcterms", DCTERMS)
    graph.bind("foaf", FOAF)
    graph.bind("vcard", VCARD)
    licence = URIRef(LICENCES[settings.OPEN_DATA_LICENCE])
    root = URIRef(files.catalogue)
    operator = URIRef(f"{files.catalogue}#publisher")
    _publisher(graph, operator, settings.OPEN_DATA_PUBLISHER, "NationalAuthority")
    graph.add((root, RDF.type, DCAT.Catalog))
    _text(
        graph,
        root,
        DCTERMS.title,
        "Medborgarlöften och deras aktiviteter",
        "Citizen pledges and their activities",
    )
    _text(
        graph,
        root,
        DCTERMS.description,
        "Kommunernas och polisens publicerade medborgarlöften och aktiviteterna i dem, "
        "fria att återanvända.",
        "The citizen pledges published by Swedish municipalities and the police, and "
        "their activities, free to reuse.",
    )
    graph.add((root, DCTERMS.publisher, operator))
    graph.add((root, DCTERMS.license, licence))
    graph.add((root, FOAF.homepage, URIRef(files.home)))
    graph.add((root, DCTERMS.language, URIRef(EU + "language/SWE")))
    graph.add((root, DCTERMS.spatial, URIRef(SWEDEN)))
    published = _published(pledges)
    if published:
        graph.add(
            (root, DCTERMS.modified, Literal(published[-1].isoformat(), datatype=XSD.dateTime))
        )

    national = URIRef(f"{files.catalogue}#dataset")
    graph.add((root, DCAT.dataset, national))
    _text(
        graph,
        national,
        DCTERMS.title,
        "Medborgarlöften i Sverige",
        "Citizen pledges in Sweden",
    )
    _text(
        graph,
        national,
        DCTERMS.description,
        "Alla gällande publicerade medborgarlöften och deras aktiviteter.",
        "Every current published citizen pledge and its activities.",
    )
    graph.add((national, DCTERMS.spatial, URIRef(SWEDEN)))
    _dataset(graph, national, pledges, operator, files, None, licence)

    by_municipality: dict[str, list[PublicPledge]] = {}
    for pledge in pledges:
        by_municipality.setdefault(pledge.municipality.code, []).append(pledge)
    for code, own in by_municipality.items():
        municipality = own[0].municipality
        name = municipality.official_name
        node = URIRef(f"{files.catalogue}#dataset-{code}")
        graph.add((root, DCAT.dataset, node))
        _text(graph, node, DCTERMS.title, f"Medborgarlöften i {name}", f"Citizen pledges in {name}")
        _text(
            graph,
            node,
            DCTERMS.description,
            # "Uppsala kommuns", "Region Gotlands": every official name takes an s
            f"{name}s och polisens gällande publicerade medborgarlöften och deras aktiviteter.",
            f"The current published citizen pledges of {name} and the police, and their "
            "activities.",
        )
        graph.add((node, DCTERMS.spatial, _place(graph, municipality)))
        publisher = _publisher(
            graph, URIRef(f"{files.catalogue}#publisher-{code}"), name, "LocalAuthority"
        )
        _dataset(graph, node, own, publisher, files, code, licence)
    return graph


def serialise(graph: Graph, fmt: str) -> bytes:
    """The graph as ``fmt`` (a key of ``SERIALISATIONS``), UTF-8."""
    rdf_format, _content_type = SERIALISATIONS[fmt]
    return graph.serialize(format=rdf_format, encoding="utf-8")
