"""Archive packages in the shape of FGS Paketstruktur 2.0 (E-ARK CSIP/SIP 2.1).

A package is a zip of one folder::

    <id>/METS.xml                            the package's METS: metadata and the representation
    <id>/metadata/descriptive/registration.json
    <id>/metadata/preservation/premis.xml    events: creation, registration, archiving
    <id>/representations/rep1/METS.xml       the representation's METS: its data files
    <id>/representations/rep1/data/...       the original file(s) and their PDF/A renderings
    <id>/schemas/mets.xsd, xlink.xsd

Every file is listed with its SHA-256 in a METS file. Building a package is a pure function.
"""
from __future__ import annotations

import hashlib
import io
import json
import re
import uuid
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from lxml import etree

METS = "http://www.loc.gov/METS/"
XLINK = "http://www.w3.org/1999/xlink"
CSIP = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
SIP = "https://DILCIS.eu/XML/METS/SIPExtensionMETS"
PREMIS = "http://www.loc.gov/premis/v3"
NSMAP = {None: METS, "xlink": XLINK, "csip": CSIP, "sip": SIP}
SCHEMAS = Path(__file__).with_name("schemas")
MIMETYPES = {".pdf": "application/pdf", ".json": "application/json", ".xml": "text/xml", ".xsd": "text/xml",
             ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             ".zip": "application/zip", ".png": "image/png"}


def _m(tag: str) -> str:
    return f"{{{METS}}}{tag}"


def _file_element(parent: etree._Element, file_id: str, href: str, data: bytes, created: str) -> None:
    f = etree.SubElement(parent, _m("file"), ID=file_id, MIMETYPE=MIMETYPES.get(Path(href).suffix, "application/octet-stream"),
                         SIZE=str(len(data)), CREATED=created, CHECKSUM=hashlib.sha256(data).hexdigest(),
                         CHECKSUMTYPE="SHA-256")
    etree.SubElement(f, _m("FLocat"), {f"{{{XLINK}}}type": "simple", f"{{{XLINK}}}href": href, "LOCTYPE": "URL"})


def _mets(objid: str, label: str, created: str, agent: str) -> etree._Element:
    root = etree.Element(_m("mets"), nsmap=NSMAP, OBJID=objid, LABEL=label, TYPE="Mixed",
                         PROFILE="https://earksip.dilcis.eu/profile/E-ARK-SIP.xml")
    root.set(f"{{{CSIP}}}CONTENTINFORMATIONTYPE", "MIXED")
    header = etree.SubElement(root, _m("metsHdr"), CREATEDATE=created, RECORDSTATUS="NEW")
    header.set(f"{{{CSIP}}}OAISPACKAGETYPE", "SIP")
    a = etree.SubElement(header, _m("agent"), ROLE="CREATOR", TYPE="OTHER", OTHERTYPE="SOFTWARE")
    etree.SubElement(a, _m("name")).text = agent
    return root


def _xml(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _premis(events: list[dict[str, str]], objid: str) -> bytes:
    root = etree.Element(f"{{{PREMIS}}}premis", nsmap={None: PREMIS}, version="3.0")
    for event in events:
        e = etree.SubElement(root, f"{{{PREMIS}}}event")
        ident = etree.SubElement(e, f"{{{PREMIS}}}eventIdentifier")
        etree.SubElement(ident, f"{{{PREMIS}}}eventIdentifierType").text = "UUID"
        etree.SubElement(ident, f"{{{PREMIS}}}eventIdentifierValue").text = str(uuid.uuid5(uuid.NAMESPACE_URL, objid + json.dumps(event, sort_keys=True)))
        etree.SubElement(e, f"{{{PREMIS}}}eventType").text = event["type"]
        etree.SubElement(e, f"{{{PREMIS}}}eventDateTime").text = event["at"]
        detail = etree.SubElement(e, f"{{{PREMIS}}}eventDetailInformation")
        etree.SubElement(detail, f"{{{PREMIS}}}eventDetail").text = event["detail"]
    return _xml(root)


def package_id(dnr: str) -> str:
    return "kansli-" + re.sub(r"[^A-Za-z0-9]+", "-", dnr).strip("-").lower()


def build_package(record: dict[str, Any], data_files: list[tuple[str, bytes]], events: list[dict[str, str]],
                  agent: str = "Kansli") -> tuple[bytes, list[tuple[str, str, int]]]:
    """The package as zip bytes, and (path, SHA-256, size) of every file in it, for fixity checks."""
    objid = package_id(record["dnr"])
    created = datetime.now(timezone.utc).isoformat(timespec="seconds")
    files: dict[str, bytes] = {}

    rep = _mets(f"{objid}-rep1", f"{record['dnr']}: representation 1", created, agent)
    group = etree.SubElement(etree.SubElement(rep, _m("fileSec"), ID="fileSec-rep1"), _m("fileGrp"), ID="fg-data", USE="Data")
    struct = etree.SubElement(etree.SubElement(rep, _m("structMap"), ID="sm-rep1", TYPE="PHYSICAL", LABEL="CSIP"),
                              _m("div"), ID="div-rep1", LABEL=f"{objid}-rep1")
    data_div = etree.SubElement(struct, _m("div"), ID="div-data", LABEL="Data")
    for number, (name, data) in enumerate(data_files, start=1):
        href = f"data/{name}"
        _file_element(group, f"file-{number}", href, data, created)
        etree.SubElement(data_div, _m("fptr"), FILEID=f"file-{number}")
        files[f"representations/rep1/{href}"] = data
    files["representations/rep1/METS.xml"] = _xml(rep)

    files["metadata/descriptive/registration.json"] = json.dumps(record, ensure_ascii=False, indent=2).encode()
    files["metadata/preservation/premis.xml"] = _premis(events, objid)
    for schema in ("mets.xsd", "xlink.xsd"):
        files[f"schemas/{schema}"] = (SCHEMAS / schema).read_bytes()

    root = _mets(objid, f"{record['dnr']}: {record.get('description') or ''}".strip(), created, agent)
    dmd = etree.SubElement(root, _m("dmdSec"), ID="dmd-registration", CREATED=created, STATUS="CURRENT")
    amd = etree.SubElement(root, _m("amdSec"), ID="amd")
    digiprov = etree.SubElement(amd, _m("digiprovMD"), ID="digiprov-premis", STATUS="CURRENT")
    for parent, path, mdtype, extra in ((dmd, "metadata/descriptive/registration.json", "OTHER", {"OTHERMDTYPE": "KANSLI-REGISTRATION"}),
                                        (digiprov, "metadata/preservation/premis.xml", "PREMIS", {})):
        data = files[path]
        etree.SubElement(parent, _m("mdRef"), {f"{{{XLINK}}}type": "simple", f"{{{XLINK}}}href": path, "LOCTYPE": "URL",
                                              "MDTYPE": mdtype, "MIMETYPE": MIMETYPES[Path(path).suffix],
                                              "SIZE": str(len(data)), "CREATED": created,
                                              "CHECKSUM": hashlib.sha256(data).hexdigest(), "CHECKSUMTYPE": "SHA-256",
                                              **extra})
    file_sec = etree.SubElement(root, _m("fileSec"), ID="fileSec")
    schemas = etree.SubElement(file_sec, _m("fileGrp"), ID="fg-schemas", USE="Schemas")
    for number, schema in enumerate(("mets.xsd", "xlink.xsd"), start=1):
        _file_element(schemas, f"schema-{number}", f"schemas/{schema}", files[f"schemas/{schema}"], created)
    reps = etree.SubElement(file_sec, _m("fileGrp"), ID="fg-rep1", USE="Representations/rep1")
    _file_element(reps, "rep1-mets", "representations/rep1/METS.xml", files["representations/rep1/METS.xml"], created)
    top = etree.SubElement(etree.SubElement(root, _m("structMap"), ID="sm", TYPE="PHYSICAL", LABEL="CSIP"),
                           _m("div"), ID="div-root", LABEL=objid)
    etree.SubElement(top, _m("div"), ID="div-metadata", LABEL="Metadata", DMDID="dmd-registration", ADMID="digiprov-premis")
    etree.SubElement(etree.SubElement(top, _m("div"), ID="div-schemas", LABEL="Schemas"), _m("fptr"), FILEID="schema-1")
    etree.SubElement(etree.SubElement(top, _m("div"), ID="div-rep1-root", LABEL="Representations/rep1"),
                     _m("mptr"), {f"{{{XLINK}}}type": "simple", f"{{{XLINK}}}href": "representations/rep1/METS.xml",
                                  "LOCTYPE": "URL"})
    files["METS.xml"] = _xml(root)

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in sorted(files.items()):
            archive.writestr(f"{objid}/{path}", data)
    listing = [(path, hashlib.sha256(data).hexdigest(), len(data)) for path, data in sorted(files.items())]
    return out.getvalue(), listing


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
