"""Archive packages in the shape of FGS Paketstruktur 2.0 (E-ARK CSIP/SIP 2.1).

A package is a zip of one folder; a registration's (:func:`build_package`) holds::

    <id>/METS.xml                            the package's METS: metadata, documentation, schemas, representation
    <id>/documentation/om-paketet.txt        what the package holds, in Swedish, for whoever opens it later
    <id>/metadata/descriptive/registration.json
    <id>/metadata/preservation/premis.xml    events: ingestion or creation, registration, transfer
    <id>/representations/rep1/METS.xml       the representation's METS: its data and metadata files
    <id>/representations/rep1/data/...       the original file(s) and their PDF/A renderings
    <id>/representations/rep1/metadata/preservation/premis.xml
                                             each data file's checksum and format, the software versions
                                             and, for a generated output, the template that made it
    <id>/schemas/mets.xsd, xlink.xsd

A case's package (:func:`build_case_package`) has the same shape: every document of the case under
``representations/rep1/data/<its number>/``, and the case as CITS ERMS 2.1 (FGS Ärendehantering 2.0) in
``metadata/descriptive/erms.xml`` with ``ERMS.xsd`` beside the other schemas.

Every file is listed with its SHA-256 in a METS file; tests check packages with eark-validator, the
E-ARK reference validator. Building a package is a pure function.
"""
from __future__ import annotations

import hashlib
import io
import json
import re
import uuid
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lxml import etree

from kansli.registry.erms import DATA_DIR as ERMS_DATA_DIR
from kansli.registry.erms import ErmsCase, erms_xml
from kansli.registry.erms import validate as validate_erms

METS = "http://www.loc.gov/METS/"
XLINK = "http://www.w3.org/1999/xlink"
CSIP = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
SIP = "https://DILCIS.eu/XML/METS/SIPExtensionMETS"
PREMIS = "http://www.loc.gov/premis/v3"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NSMAP = {None: METS, "xlink": XLINK, "csip": CSIP, "sip": SIP}
SCHEMAS = Path(__file__).with_name("schemas")
SCHEMA_FILES = ("mets.xsd", "xlink.xsd")
SIP_PROFILE = "https://earksip.dilcis.eu/profile/E-ARK-SIP.xml"
# No content information type in the DILCIS vocabulary fits registry records, so CSIP asks for OTHER
# and a name of our own. A case package holds its case as CITS ERMS 2.1, which the vocabulary names.
CONTENT_TYPE = "Kansli diarieförd handling 1.0"
REGISTRATION_CONTENT = ("OTHER", CONTENT_TYPE)
CASE_CONTENT = ("citserms_v2_1", None)
CASE_SCHEMA_FILES = (*SCHEMA_FILES, "erms/ERMS.xsd")
MIMETYPES = {".pdf": "application/pdf", ".json": "application/json", ".xml": "text/xml", ".xsd": "text/xml",
             ".txt": "text/plain",
             ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             ".zip": "application/zip", ".png": "image/png"}
DOCUMENTATION = """\
{heading}
{line}

Paketet följer FGS Paketstruktur 2.0 (E-ARK CSIP/SIP 2.1) och innehåller en diarieförd handling.

METS.xml                                   paketets innehållsförteckning med SHA-256 för varje fil
metadata/descriptive/registration.json     registreringen: diarienummer, inkommen eller upprättad, datum,
                                           avsändare eller mottagare, beskrivning, slag, vem som
                                           registrerade och när, gallringsfrist, rättslig spärr,
                                           extraherade eller ifyllda uppgifter, mallar och programversioner
metadata/preservation/premis.xml           händelser (PREMIS 3.0): inkommen eller skapad,
                                           registrerad, överförd till arkiv
representations/rep1/METS.xml              representationens innehållsförteckning
representations/rep1/data/                 originalet och dess PDF/A-2b-version
representations/rep1/metadata/preservation/premis.xml
                                           varje datafils kontrollsumma och format, programversioner
                                           och, för ett utkast från Kansli, mallen som användes
schemas/                                   XML-scheman för METS och XLink

Skapat {created} av Kansli {version}.
"""
CASE_DOCUMENTATION = """\
{heading}
{line}

Paketet följer FGS Paketstruktur 2.0 (E-ARK CSIP/SIP 2.1) och innehåller ett ärende med alla dess
handlingar.

METS.xml                                   paketets innehållsförteckning med SHA-256 för varje fil
metadata/descriptive/erms.xml              ärendet enligt FGS Ärendehantering 2.0 (CITS ERMS 2.1):
                                           diarienummer, rubrik, status och datum, handläggare och
                                           kommun; varje handling med sitt nummer, inkommande,
                                           utgående eller upprättad, datum, avsändare eller mottagare,
                                           vem som registrerade, expedieringar, sekretessmarkeringar
                                           med bestämmelse i OSL, makulering med skäl, och sina filer
metadata/preservation/premis.xml           händelser (PREMIS 3.0)
representations/rep1/METS.xml              representationens innehållsförteckning
representations/rep1/data/<nummer>/        varje handlings filer, en mapp per handling
representations/rep1/metadata/preservation/premis.xml
                                           varje datafils kontrollsumma och format, programversioner
schemas/                                   XML-scheman för METS, XLink och ERMS

Skapat {created} av Kansli {version}.
"""


def _m(tag: str) -> str:
    return f"{{{METS}}}{tag}"


def _p(tag: str) -> str:
    return f"{{{PREMIS}}}{tag}"


def mimetype(path: str) -> str:
    """A file's media type by its suffix, as packages and the ERMS export name it."""
    return MIMETYPES.get(Path(path).suffix.lower(), "application/octet-stream")


def _xml(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _file_element(parent: etree._Element, file_id: str, href: str, data: bytes, created: str) -> None:
    f = etree.SubElement(parent, _m("file"), ID=file_id, MIMETYPE=mimetype(href), SIZE=str(len(data)),
                         CREATED=created, CHECKSUM=hashlib.sha256(data).hexdigest(), CHECKSUMTYPE="SHA-256")
    etree.SubElement(f, _m("FLocat"), {f"{{{XLINK}}}type": "simple", f"{{{XLINK}}}href": href, "LOCTYPE": "URL"})


def _md_ref(parent: etree._Element, ref_id: str, href: str, data: bytes, created: str, mdtype: str,
            **extra: str) -> None:
    etree.SubElement(parent, _m("mdRef"), {"ID": ref_id, f"{{{XLINK}}}type": "simple", f"{{{XLINK}}}href": href,
                                          "LOCTYPE": "URL", "MDTYPE": mdtype, "MIMETYPE": mimetype(href),
                                          "SIZE": str(len(data)), "CREATED": created,
                                          "CHECKSUM": hashlib.sha256(data).hexdigest(), "CHECKSUMTYPE": "SHA-256",
                                          **extra})


def _content_type(element: etree._Element, content: tuple[str, str | None]) -> None:
    """CSIP's content information type: a term of the DILCIS vocabulary, or OTHER and a name of our own."""
    element.set(f"{{{CSIP}}}CONTENTINFORMATIONTYPE", content[0])
    if content[1]:
        element.set(f"{{{CSIP}}}OTHERCONTENTINFORMATIONTYPE", content[1])


def _file_group(parent: etree._Element, group_id: str, use: str, content: tuple[str, str | None]) -> etree._Element:
    group = etree.SubElement(parent, _m("fileGrp"), ID=group_id, USE=use)
    _content_type(group, content)
    return group


def _mets(objid: str, label: str, created: str, version: str, content: tuple[str, str | None],
          submitter: tuple[str, str | None] | None = None) -> etree._Element:
    root = etree.Element(_m("mets"), nsmap=NSMAP, OBJID=objid, LABEL=label, TYPE="Mixed", PROFILE=SIP_PROFILE)
    _content_type(root, content)
    header = etree.SubElement(root, _m("metsHdr"), CREATEDATE=created, LASTMODDATE=created, RECORDSTATUS="NEW")
    header.set(f"{{{CSIP}}}OAISPACKAGETYPE", "SIP")
    agent = etree.SubElement(header, _m("agent"), ROLE="CREATOR", TYPE="OTHER", OTHERTYPE="SOFTWARE")
    etree.SubElement(agent, _m("name")).text = "Kansli"
    note = etree.SubElement(agent, _m("note"))
    note.set(f"{{{CSIP}}}NOTETYPE", "SOFTWARE VERSION")
    note.text = version
    if submitter:  # E-ARK SIP 15-20: who hands the package to the archive
        name, code = submitter
        agent = etree.SubElement(header, _m("agent"), ROLE="OTHER", OTHERROLE="SUBMITTER", TYPE="ORGANIZATION")
        etree.SubElement(agent, _m("name")).text = name
        if code:
            note = etree.SubElement(agent, _m("note"))
            note.set(f"{{{CSIP}}}NOTETYPE", "IDENTIFICATIONCODE")
            note.text = code
    return root


def _premis_root() -> etree._Element:
    root = etree.Element(_p("premis"), nsmap={None: PREMIS, "xsi": XSI}, version="3.0")
    root.set(f"{{{XSI}}}schemaLocation", f"{PREMIS} https://www.loc.gov/standards/premis/v3/premis.xsd")
    return root


def _identifier(parent: etree._Element, kind: str, id_type: str, value: str) -> None:
    ident = etree.SubElement(parent, _p(f"{kind}Identifier"))
    etree.SubElement(ident, _p(f"{kind}IdentifierType")).text = id_type
    etree.SubElement(ident, _p(f"{kind}IdentifierValue")).text = value


def _events(events: list[dict[str, str]], objid: str) -> bytes:
    root = _premis_root()
    for event in events:
        e = etree.SubElement(root, _p("event"))
        _identifier(e, "event", "UUID", str(uuid.uuid5(uuid.NAMESPACE_URL, objid + json.dumps(event, sort_keys=True))))
        etree.SubElement(e, _p("eventType")).text = event["type"]
        etree.SubElement(e, _p("eventDateTime")).text = event["at"]
        detail = etree.SubElement(e, _p("eventDetailInformation"))
        etree.SubElement(detail, _p("eventDetail")).text = event["detail"]
    return _xml(root)


def _objects(data_files: list[tuple[str, bytes]], record: dict[str, Any]) -> bytes:
    """What an archivist needs to trust and read each data file: fixity, format, what made it."""
    root = _premis_root()
    software = record.get("software") or {}
    templates = record.get("templates") or {}
    for name, data in data_files:
        obj = etree.SubElement(root, _p("object"))
        obj.set(f"{{{XSI}}}type", "file")
        _identifier(obj, "object", "local", f"data/{name}")
        characteristics = etree.SubElement(obj, _p("objectCharacteristics"))
        fixity = etree.SubElement(characteristics, _p("fixity"))
        etree.SubElement(fixity, _p("messageDigestAlgorithm")).text = "SHA-256"
        etree.SubElement(fixity, _p("messageDigest")).text = hashlib.sha256(data).hexdigest()
        etree.SubElement(characteristics, _p("size")).text = str(len(data))
        designation = etree.SubElement(etree.SubElement(characteristics, _p("format")), _p("formatDesignation"))
        etree.SubElement(designation, _p("formatName")).text = mimetype(name)
        for template, sha in templates.items():  # a generated output: the template that made it
            application = etree.SubElement(characteristics, _p("creatingApplication"))
            etree.SubElement(application, _p("creatingApplicationName")).text = f"Kansli, mall {template} (SHA-256 {sha})"
            etree.SubElement(application, _p("creatingApplicationVersion")).text = software.get("kansli", "")
        etree.SubElement(obj, _p("originalName")).text = name
    for package, version in sorted(software.items()):
        agent = etree.SubElement(root, _p("agent"))
        _identifier(agent, "agent", "python-package", package)
        etree.SubElement(agent, _p("agentName")).text = package
        etree.SubElement(agent, _p("agentType")).text = "software"
        etree.SubElement(agent, _p("agentVersion")).text = version
    return _xml(root)


def package_id(dnr: str) -> str:
    return "kansli-" + re.sub(r"[^A-Za-z0-9]+", "-", dnr).strip("-").lower()


def _representation(objid: str, label: str, record: dict[str, Any], data_files: list[tuple[str, bytes]],
                    created: str, version: str, content: tuple[str, str | None]) -> dict[str, bytes]:
    """The files of representations/rep1, its METS.xml last."""
    files = {f"data/{name}": data for name, data in data_files}
    files["metadata/preservation/premis.xml"] = _objects(data_files, record)
    rep = _mets(f"{objid}-rep1", f"{label}: representation 1", created, version, content)
    amd = etree.SubElement(rep, _m("amdSec"), ID="amd-rep1")
    _md_ref(etree.SubElement(amd, _m("digiprovMD"), ID="digiprov-rep1", STATUS="CURRENT"), "premis-rep1",
            "metadata/preservation/premis.xml", files["metadata/preservation/premis.xml"], created, "PREMIS")
    group = _file_group(etree.SubElement(rep, _m("fileSec"), ID="fileSec-rep1"), "fg-data", "Data", content)
    struct = etree.SubElement(etree.SubElement(rep, _m("structMap"), ID="sm-rep1", TYPE="PHYSICAL", LABEL="CSIP"),
                              _m("div"), ID="div-rep1", LABEL=f"{objid}-rep1")
    etree.SubElement(struct, _m("div"), ID="div-rep1-metadata", LABEL="Metadata", ADMID="digiprov-rep1")
    data_div = etree.SubElement(struct, _m("div"), ID="div-rep1-data", LABEL="Data")
    for number, (name, data) in enumerate(data_files, start=1):
        _file_element(group, f"file-{number}", f"data/{name}", data, created)
    etree.SubElement(data_div, _m("fptr"), FILEID="fg-data")
    files["METS.xml"] = _xml(rep)
    return files


@dataclass(frozen=True)
class _Layout:
    """What sets one kind of package apart from another; the layout itself is :func:`_package`'s."""

    label: str  # the dnr, for labels and the documentation's heading
    title: str  # the root METS's label
    content: tuple[str, str | None]
    documentation: str  # DOCUMENTATION or CASE_DOCUMENTATION
    descriptive: tuple[str, bytes, str]  # file name under metadata/descriptive/, its bytes, its OTHERMDTYPE
    schemas: tuple[str, ...]  # under kansli/schemas/; each lands in the package's schemas/ by its name


def _package(layout: _Layout, record: dict[str, Any], data_files: list[tuple[str, bytes]],
             events: list[dict[str, str]], submitter: tuple[str, str | None], created: str
             ) -> tuple[bytes, list[tuple[str, str, int]]]:
    """Lay out a package: one representation with the data files, the descriptive metadata, PREMIS events,
    documentation and schemas, each listed with its SHA-256 in a METS file; zip bytes and the listing."""
    objid = package_id(layout.label)
    version = (record.get("software") or {}).get("kansli", "okänd")
    files = {f"representations/rep1/{path}": data for path, data in
             _representation(objid, layout.label, record, data_files, created, version, layout.content).items()}
    heading = f"Arkivpaket från Kansli: {layout.label}"
    files["documentation/om-paketet.txt"] = layout.documentation.format(
        heading=heading, line="=" * len(heading), created=created, version=version).encode()
    descriptive_name, descriptive, descriptive_type = layout.descriptive
    descriptive_path = f"metadata/descriptive/{descriptive_name}"
    files[descriptive_path] = descriptive
    files["metadata/preservation/premis.xml"] = _events(events, objid)
    schema_paths = [f"schemas/{Path(schema).name}" for schema in layout.schemas]
    for schema, path in zip(layout.schemas, schema_paths, strict=True):
        files[path] = (SCHEMAS / schema).read_bytes()

    root = _mets(objid, layout.title, created, version, layout.content, submitter)
    dmd_id = Path(descriptive_name).stem
    dmd = etree.SubElement(root, _m("dmdSec"), ID=f"dmd-{dmd_id}", CREATED=created, STATUS="CURRENT")
    _md_ref(dmd, dmd_id, descriptive_path, descriptive, created, "OTHER", OTHERMDTYPE=descriptive_type)
    digiprov = etree.SubElement(etree.SubElement(root, _m("amdSec"), ID="amd"), _m("digiprovMD"),
                                ID="digiprov-premis", STATUS="CURRENT")
    _md_ref(digiprov, "premis", "metadata/preservation/premis.xml", files["metadata/preservation/premis.xml"],
            created, "PREMIS")
    file_sec = etree.SubElement(root, _m("fileSec"), ID="fileSec")
    _file_element(_file_group(file_sec, "fg-documentation", "Documentation", layout.content), "documentation-1",
                  "documentation/om-paketet.txt", files["documentation/om-paketet.txt"], created)
    schemas = _file_group(file_sec, "fg-schemas", "Schemas", layout.content)
    for number, path in enumerate(schema_paths, start=1):
        _file_element(schemas, f"schema-{number}", path, files[path], created)
    _file_element(_file_group(file_sec, "fg-rep1", "Representations/rep1", layout.content), "rep1-mets",
                  "representations/rep1/METS.xml", files["representations/rep1/METS.xml"], created)

    top = etree.SubElement(etree.SubElement(root, _m("structMap"), ID="sm", TYPE="PHYSICAL", LABEL="CSIP"),
                           _m("div"), ID="div-root", LABEL=objid)
    etree.SubElement(top, _m("div"), ID="div-metadata", LABEL="Metadata", DMDID=f"dmd-{dmd_id}", ADMID="digiprov-premis")
    for label, group in (("Documentation", "fg-documentation"), ("Schemas", "fg-schemas")):
        etree.SubElement(etree.SubElement(top, _m("div"), ID=f"div-{label.lower()}", LABEL=label), _m("fptr"), FILEID=group)
    representations = etree.SubElement(top, _m("div"), ID="div-representations", LABEL="Representations")
    etree.SubElement(representations, _m("fptr"), FILEID="fg-rep1")
    rep_div = etree.SubElement(representations, _m("div"), ID="div-rep1-root", LABEL="Representations/rep1")
    etree.SubElement(rep_div, _m("mptr"), {f"{{{XLINK}}}type": "simple", f"{{{XLINK}}}title": "fg-rep1",
                                           f"{{{XLINK}}}href": "representations/rep1/METS.xml", "LOCTYPE": "URL"})
    files["METS.xml"] = _xml(root)

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in sorted(files.items()):
            archive.writestr(f"{objid}/{path}", data)
    listing = [(path, hashlib.sha256(data).hexdigest(), len(data)) for path, data in sorted(files.items())]
    return out.getvalue(), listing


def build_package(record: dict[str, Any], data_files: list[tuple[str, bytes]], events: list[dict[str, str]],
                  submitter: tuple[str, str | None]) -> tuple[bytes, list[tuple[str, str, int]]]:
    """The package as zip bytes, and (path, SHA-256, size) of every file in it, for fixity checks.

    ``record`` becomes ``registration.json`` as it is (see :func:`kansli.registry.record.archived_record`);
    its ``dnr``, ``description``, ``templates`` and ``software`` also go into the METS and PREMIS files.

    ``submitter`` is the organisation that hands the package to the archive: its name and, if known,
    its identification code (organisationsnummer).
    """
    layout = _Layout(label=record["dnr"], title=f"{record['dnr']}: {record.get('description') or ''}".strip(),
                     content=REGISTRATION_CONTENT, documentation=DOCUMENTATION,
                     descriptive=("registration.json", json.dumps(record, ensure_ascii=False, indent=2).encode(),
                                  "KANSLI-REGISTRATION"),
                     schemas=SCHEMA_FILES)
    return _package(layout, record, data_files, events, submitter, datetime.now(UTC).isoformat(timespec="seconds"))


def build_case_package(case: ErmsCase, contents: Mapping[str, bytes], events: list[dict[str, str]],
                       submitter: tuple[str, str | None], software: dict[str, str]
                       ) -> tuple[bytes, list[tuple[str, str, int]]]:
    """One package for a whole case: every record's files in representation 1, at the paths the case
    names (:func:`kansli.registry.erms.file_path`), and the case as CITS ERMS its descriptive metadata.

    ``contents`` gives each file's bytes by its SHA-256 (as the store holds them). A file missing or not
    matching its digest, a path outside the representation's data or named twice, or an ERMS file that
    fails its schema or Schematron is a ``ValueError``: such a package must never reach an archive.
    """
    now = datetime.now(UTC).replace(microsecond=0)
    version = software.get("kansli", "okänd")
    data_files: dict[str, bytes] = {}
    for record in case.records:
        for f in record.files:
            name = f.path.removeprefix(f"{ERMS_DATA_DIR}/")
            data = contents.get(f.sha256)
            if name == f.path or name in data_files:
                raise ValueError(f"{record.number}: {f.path} ligger inte ensam under {ERMS_DATA_DIR}/")
            if data is None or hashlib.sha256(data).hexdigest() != f.sha256:
                raise ValueError(f"{record.number}: innehållet i {f.path} saknas eller har fel SHA-256")
            data_files[name] = data
    erms = erms_xml(case, now, version)
    if problems := validate_erms(erms):
        raise ValueError(f"{case.number}: ERMS-filen är ogiltig: {problems[0]}")
    layout = _Layout(label=case.number, title=f"{case.number}: {case.title}", content=CASE_CONTENT,
                     documentation=CASE_DOCUMENTATION, descriptive=("erms.xml", erms, "ERMS"),
                     schemas=CASE_SCHEMA_FILES)
    return _package(layout, {"software": software}, list(data_files.items()), events, submitter,
                    now.isoformat(timespec="seconds"))


class _LocalSchemas(etree.Resolver):
    """METS imports XLink from the web; the copy in the package (and here) serves instead."""

    def resolve(self, url: str, pubid: str, context: Any) -> Any:
        if url.endswith("xlink.xsd"):
            return self.resolve_filename(str(SCHEMAS / "xlink.xsd"), context)
        return None


def mets_schema() -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_LocalSchemas())
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "mets.xsd"), parser))
