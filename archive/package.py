"""An archive package in the shape of Riksarkivet's FGS Paketstruktur, which builds on
E-ARK CSIP/SIP: a ZIP with

- ``METS.xml`` at the root: the package's header (who made it), a ``fileSec`` listing
  every other file with its SHA-256 checksum, size and type, the preservation metadata
  referenced in an ``amdSec``, and a ``structMap`` of the package's parts;
- ``metadata/preservation/premis.xml``: PREMIS 3 objects (each file with its fixity
  and format) and events (created, shared, signed, published, packaged) with their
  agents;
- ``representations/rep1/data/``: the documents (PDF/A) and data (CSV);
- ``documentation/``: what the package is, in Swedish.

The package is built in memory from ``ArchiveFile``s; the same bytes are checksummed,
listed and written, so the METS file always matches the ZIP.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import posixpath
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

METS = "http://www.loc.gov/METS/"
XLINK = "http://www.w3.org/1999/xlink"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
CSIP = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
SIP = "https://DILCIS.eu/XML/METS/SIPExtensionMETS"
PREMIS = "http://www.loc.gov/premis/v3"
for prefix, uri in (
    ("mets", METS),
    ("xlink", XLINK),
    ("xsi", XSI),
    ("csip", CSIP),
    ("sip", SIP),
    ("premis", PREMIS),
):
    ET.register_namespace(prefix, uri)

CHECKSUM_TYPE = "SHA-256"
PREMIS_PATH = "metadata/preservation/premis.xml"
DATA = "representations/rep1/data/"
DOCUMENTATION = "documentation/"
#: the folders a file may be put in (contributors included)
FOLDERS = (DATA, DOCUMENTATION)


@dataclass(frozen=True)
class ArchiveFile:
    """One file of the package: its path from the package's root, its bytes, its MIME
    type and, for PREMIS, the name of its format ("PDF/A-3a", "CSV")."""

    path: str
    content: bytes
    mimetype: str
    format_name: str = ""

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass(frozen=True)
class Event:
    """A PREMIS event: what happened to the records, when, by whom (an agent's name)."""

    type: str
    when: dt.datetime | dt.date
    detail: str
    agent: str


@dataclass
class Package:
    """What one package holds and says of itself."""

    object_id: str  # the package's OBJID, unique
    label: str  # what it is, in Swedish
    archivist: str  # the organisation whose records these are
    created: dt.datetime
    files: list[ArchiveFile] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    def add(self, file: ArchiveFile) -> None:
        path = file.path
        if (
            posixpath.normpath(path) != path
            or path.startswith("/")
            or ".." in path.split("/")
            or "\\" in path
            or not path.startswith(FOLDERS)
            or path.endswith("/")
        ):
            raise ValueError(f"Not a path inside the package's folders: {path!r}")
        if any(known.path == path for known in self.files):
            raise ValueError(f"Two files at {path!r}")
        self.files.append(file)


def iso_moment(value: dt.datetime | dt.date) -> str:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="seconds")
    return value.isoformat()


def _sub(parent: ET.Element, ns: str, tag: str, text: str | None = None, **attributes):
    element = ET.SubElement(parent, f"{{{ns}}}{tag}", {k: str(v) for k, v in attributes.items()})
    if text is not None:
        element.text = text
    return element


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def premis_xml(package: Package) -> bytes:
    """PREMIS 3: the representation and each file (fixity, size, format), the events
    and their agents."""
    p = PREMIS
    root = ET.Element(f"{{{p}}}premis", {"version": "3.0"})
    representation = _sub(root, p, "object", **{f"{{{XSI}}}type": "premis:representation"})
    identifier = _sub(representation, p, "objectIdentifier")
    _sub(identifier, p, "objectIdentifierType", "local")
    _sub(identifier, p, "objectIdentifierValue", "rep1")
    for file in package.files:
        obj = _sub(root, p, "object", **{f"{{{XSI}}}type": "premis:file"})
        identifier = _sub(obj, p, "objectIdentifier")
        _sub(identifier, p, "objectIdentifierType", "local")
        _sub(identifier, p, "objectIdentifierValue", file.path)
        characteristics = _sub(obj, p, "objectCharacteristics")
        _sub(characteristics, p, "compositionLevel", "0")
        fixity = _sub(characteristics, p, "fixity")
        _sub(fixity, p, "messageDigestAlgorithm", CHECKSUM_TYPE)
        _sub(fixity, p, "messageDigest", file.checksum)
        _sub(characteristics, p, "size", str(file.size))
        designation = _sub(_sub(characteristics, p, "format"), p, "formatDesignation")
        _sub(designation, p, "formatName", file.format_name or file.mimetype)
        _sub(obj, p, "originalName", posixpath.basename(file.path))
    agents = sorted({event.agent for event in package.events})
    for number, event in enumerate(package.events, 1):
        element = _sub(root, p, "event")
        identifier = _sub(element, p, "eventIdentifier")
        _sub(identifier, p, "eventIdentifierType", "local")
        _sub(identifier, p, "eventIdentifierValue", f"event-{number}")
        _sub(element, p, "eventType", event.type)
        _sub(element, p, "eventDateTime", iso_moment(event.when))
        _sub(_sub(element, p, "eventDetailInformation"), p, "eventDetail", event.detail)
        linking = _sub(element, p, "linkingAgentIdentifier")
        _sub(linking, p, "linkingAgentIdentifierType", "local")
        _sub(linking, p, "linkingAgentIdentifierValue", f"agent-{agents.index(event.agent) + 1}")
        linking = _sub(element, p, "linkingObjectIdentifier")
        _sub(linking, p, "linkingObjectIdentifierType", "local")
        _sub(linking, p, "linkingObjectIdentifierValue", "rep1")
    for number, name in enumerate(agents, 1):
        agent = _sub(root, p, "agent")
        identifier = _sub(agent, p, "agentIdentifier")
        _sub(identifier, p, "agentIdentifierType", "local")
        _sub(identifier, p, "agentIdentifierValue", f"agent-{number}")
        _sub(agent, p, "agentName", name)
        _sub(agent, p, "agentType", "software" if name == SOFTWARE else "organization")
    return _xml(root)


#: the agent that makes the package
SOFTWARE = "Samverkan"


def _file_element(parent: ET.Element, file: ArchiveFile, file_id: str, created: str):
    element = _sub(
        parent,
        METS,
        "file",
        ID=file_id,
        MIMETYPE=file.mimetype,
        SIZE=file.size,
        CREATED=created,
        CHECKSUM=file.checksum,
        CHECKSUMTYPE=CHECKSUM_TYPE,
    )
    _sub(
        element,
        METS,
        "FLocat",
        LOCTYPE="URL",
        **{f"{{{XLINK}}}type": "simple", f"{{{XLINK}}}href": file.path},
    )


def mets_xml(package: Package, premis: ArchiveFile) -> bytes:
    """The root METS file (E-ARK CSIP profile): header, amdSec, fileSec, structMap."""
    created = iso_moment(package.created)
    root = ET.Element(
        f"{{{METS}}}mets",
        {
            "OBJID": package.object_id,
            "LABEL": package.label,
            "TYPE": "OTHER",
            f"{{{CSIP}}}OTHERTYPE": "Samverkan",
            f"{{{CSIP}}}CONTENTINFORMATIONTYPE": "OTHER",
            "PROFILE": "https://earksip.dilcis.eu/profile/E-ARK-SIP.xml",
        },
    )
    header = _sub(
        root,
        METS,
        "metsHdr",
        CREATEDATE=created,
        RECORDSTATUS="NEW",
        **{f"{{{CSIP}}}OAISPACKAGETYPE": "SIP"},
    )
    agent = _sub(header, METS, "agent", ROLE="CREATOR", TYPE="OTHER", OTHERTYPE="SOFTWARE")
    _sub(agent, METS, "name", SOFTWARE)
    agent = _sub(header, METS, "agent", ROLE="ARCHIVIST", TYPE="ORGANIZATION")
    _sub(agent, METS, "name", package.archivist)

    amd = _sub(root, METS, "amdSec")
    digiprov = _sub(amd, METS, "digiprovMD", ID="premis", STATUS="CURRENT")
    _sub(
        digiprov,
        METS,
        "mdRef",
        LOCTYPE="URL",
        MDTYPE="PREMIS",
        MIMETYPE=premis.mimetype,
        SIZE=premis.size,
        CREATED=created,
        CHECKSUM=premis.checksum,
        CHECKSUMTYPE=CHECKSUM_TYPE,
        **{f"{{{XLINK}}}type": "simple", f"{{{XLINK}}}href": premis.path},
    )

    groups = {
        "Metadata/Preservation": [premis],
        "Documentation": [f for f in package.files if f.path.startswith(DOCUMENTATION)],
        "Representations/rep1": [f for f in package.files if f.path.startswith(DATA)],
    }
    file_sec = _sub(root, METS, "fileSec", ID="filesec")
    ids: dict[str, list[str]] = {}
    number = 0
    for use, files in groups.items():
        if not files:
            continue
        group = _sub(file_sec, METS, "fileGrp", ID=f"grp-{use.replace('/', '-')}", USE=use)
        for file in files:
            number += 1
            _file_element(group, file, f"file-{number}", created)
            ids.setdefault(use, []).append(f"file-{number}")

    struct = _sub(root, METS, "structMap", TYPE="PHYSICAL", LABEL="CSIP")
    top = _sub(struct, METS, "div", ID="struct", LABEL=package.object_id)
    _sub(top, METS, "div", ID="struct-metadata", LABEL="Metadata", ADMID="premis")
    for use, file_ids in ids.items():
        if use.startswith("Metadata"):
            continue
        div = _sub(top, METS, "div", ID=f"struct-{use.replace('/', '-')}", LABEL=use)
        for file_id in file_ids:
            _sub(div, METS, "fptr", FILEID=file_id)
    return _xml(root)


def zip_bytes(package: Package) -> bytes:
    """The package as a ZIP: METS.xml, the PREMIS file and every file, as listed."""
    premis = ArchiveFile(PREMIS_PATH, premis_xml(package), "text/xml", "PREMIS 3.0")
    mets = mets_xml(package, premis)
    buffer = io.BytesIO()
    stamp = package.created.astimezone(dt.UTC).timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, content in (
            ("METS.xml", mets),
            (premis.path, premis.content),
            *((file.path, file.content) for file in package.files),
        ):
            info = zipfile.ZipInfo(path, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return buffer.getvalue()
