"""A case as CITS ERMS 2.1 XML (FGS Ärendehantering 2.0), the form Riksarkivet receives case information in.

:func:`erms_xml` is a pure function from a case, held in the small frozen dataclasses below, to the XML;
:func:`validate` checks XML against the ERMS schema and its Schematron rules (both in
``kansli/schemas/erms/``). How Kansli's registry maps onto ERMS:

- the case (ärende) is an ``aggregation`` of type ``caseFile``; its diarienummer is its ``objectId`` and
  an ``identification`` of type ``diarienummer``; status ``open``/``closed``; dates ``opened``/``closed``;
  the handling officer an agent ``responsible_person``, the municipality an agent ``counterpart``;
- each registered document is a ``record`` inside it with its own number, ``runningNumber`` and
  ``direction``; its date is ``received`` (incoming) or ``created`` (outgoing, internal) and its
  registration ``captured``; the party is a ``sender`` or ``recipient`` agent, whoever registered it an
  ``other`` agent of type ``registrator``;
- a secrecy mark is a ``restriction`` of type ``confidential`` with the OSL provision as ``regulation``
  and the date it was marked as ``confidentiality_assessed`` (lifted: ``end``); a secret party's agent
  carries ``protectedIdentity``. The values themselves are exported: the archive keeps secret
  information too, under the restriction;
- a voided record (makulerad) has status ``obliterated`` and a note with the reason;
- each dispatch (expediering) is an ``action`` with its date ``expedited`` and the recipient and
  dispatcher as agents; ``dispatchMode`` lists the ways it was sent;
- each file is an ``appendix`` whose path is the file's place in the archive package, and its SHA-256
  is given in an ``ownElement`` (the appendix has no attribute for it).
"""
from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Literal

from lxml import etree, isoschematron

from kansli.names import slug

ERMS = "https://DILCIS.eu/XML/ERMS"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_DIR = Path(__file__).parent.parent / "schemas" / "erms"
SCHEMA_LOCATION = "https://raw.githubusercontent.com/DILCISBoard/CITS-ERMS/master/schema/ERMS.xsd"
#: The case's and its records' systemIdentifier UUIDs derive from this, so a re-export names them alike.
NAMESPACE = uuid.UUID("5f1f6f0e-7a8e-5a34-9d4c-6b616e736c69")
#: Where a record's files lie in a case package (see :func:`kansli.archive.build_case_package`).
DATA_DIR = "representations/rep1/data"

Direction = Literal["incoming", "outgoing", "internal"]
SecretPart = Literal["party", "description", "document"]

DIRECTION_WORDS = {"incoming": "Inkommande", "outgoing": "Utgående", "internal": "Upprättad"}
PARTY_TYPES = {"incoming": "sender", "outgoing": "recipient", "internal": "counterpart"}
PART_WORDS = {"party": "avsändare/mottagare", "description": "beskrivning", "document": "handlingen"}


@dataclass(frozen=True)
class ErmsAgent:
    """A person or organisation: a party, an officer, whoever registered or sent something."""

    name: str
    organisation: str | None = None


@dataclass(frozen=True)
class ErmsSecrecy:
    """A secrecy mark on parts of a registration (OSL 5 kap. 5 §): what, under which provision, when, by whom.

    Never the number or the date (OSL 5 kap. 2 §), so ``parts`` holds only the party, the description and
    the document itself (its files).
    """

    parts: tuple[SecretPart, ...]
    provision: str
    marked_at: datetime
    marked_by: str
    lifted_at: datetime | None = None
    lifted_by: str | None = None


@dataclass(frozen=True)
class ErmsVoiding:
    """A registration made in error (makulerad): its number stays, with the reason."""

    reason: str
    voided_at: datetime
    voided_by: str


@dataclass(frozen=True)
class ErmsDispatch:
    """One sending of an outgoing document (expediering): to whom, how, when, by whom."""

    recipient: ErmsAgent
    method: str
    sent_at: datetime
    sent_by: str


@dataclass(frozen=True)
class ErmsFile:
    """A file of a record in the archive package; ``path`` is relative to the package's root folder."""

    path: str
    name: str
    sha256: str
    mime_type: str


@dataclass(frozen=True)
class ErmsRecord:
    """A registered document in a case, numbered ``<case number>-<running number>``."""

    number: str
    running_number: int
    title: str
    direction: Direction
    date: date
    registered_at: datetime
    registered_by: str
    description: str | None = None
    kind: str | None = None
    party: ErmsAgent | None = None
    voided: ErmsVoiding | None = None
    secrecy: tuple[ErmsSecrecy, ...] = ()
    dispatches: tuple[ErmsDispatch, ...] = ()
    files: tuple[ErmsFile, ...] = ()


@dataclass(frozen=True)
class ErmsCase:
    """A case (ärende) and the authority whose it is, as of the export."""

    number: str
    title: str
    status: Literal["open", "closed"]
    opened: datetime
    organisation: str
    organisation_id: str | None = None
    closed: datetime | None = None
    municipality: str | None = None
    handling_officer: str | None = None
    records: tuple[ErmsRecord, ...] = ()


def record_folder(record_number: str) -> str:
    """The folder of a record's files under :data:`DATA_DIR`: one per record, so equal names cannot clash."""
    return slug(record_number, "handling")


def file_path(record_number: str, name: str) -> str:
    """Where a record's file goes in the case package."""
    return f"{DATA_DIR}/{record_folder(record_number)}/{name}"


def _e(tag: str) -> str:
    return f"{{{ERMS}}}{tag}"


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, _e(tag), attributes)
    if text is not None:
        element.text = text
    return element


def _when(value: date | datetime) -> str:
    """xs:dateTime: a date alone (a registration's date) is that day's start."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return f"{value.isoformat()}T00:00:00"


def _dates(parent: etree._Element, dates: Iterable[tuple[str, date | datetime | None]]) -> None:
    present = [(kind, value) for kind, value in dates if value is not None]
    if present:
        group = _sub(parent, "dates")
        for kind, value in present:
            _sub(group, "date", _when(value), dateType=kind)


def _agent(parent: etree._Element, agent_type: str, agent: ErmsAgent, *, other: str | None = None,
           role: str | None = None, protected: bool = False) -> None:
    attributes = {"agentType": agent_type} | ({"otherAgentType": other} if other else {})
    element = _sub(parent, "agent", **attributes)
    _sub(element, "name", agent.name)
    if agent.organisation:
        _sub(element, "organisation", agent.organisation)
    if role:
        _sub(element, "role", role)
    if protected:
        _sub(element, "protectedIdentity", "true")


def _secret_party(record: ErmsRecord) -> bool:
    return any("party" in mark.parts and mark.lifted_at is None for mark in record.secrecy)


def _restriction(parent: etree._Element, mark: ErmsSecrecy) -> None:
    restriction = _sub(parent, "restriction", restrictionType="confidential")
    parts = " och ".join(PART_WORDS[part] for part in mark.parts)
    text = f"Sekretess för {parts} enligt {mark.provision}, markerad av {mark.marked_by}."
    if mark.lifted_at is not None:
        text += f" Markeringen hävd av {mark.lifted_by or 'okänd'}."
    _sub(restriction, "explanatoryText", text)
    _sub(restriction, "regulation", mark.provision)
    _dates(restriction, [("confidentiality_assessed", mark.marked_at), ("end", mark.lifted_at)])


def _record_status(record: ErmsRecord) -> str:
    if record.voided:
        return "obliterated"
    if record.direction == "incoming":
        return "received"
    return "expedited" if record.dispatches else "prepared"


def _files(parent: etree._Element, files: tuple[ErmsFile, ...]) -> None:
    information = _sub(parent, "additionalInformation")
    for f in files:
        _sub(information, "appendix", name=f.name, fileFormat=f.mime_type, path=f.path, disposable="false")
    checksums = _sub(information, "ownElement")
    _sub(checksums, "ownElementDescription", "SHA-256 för varje bilaga, efter dess sökväg i paketet")
    for f in files:
        checksum = _sub(checksums, "ownElement", name=f.path, dataType="SHA-256", format="hex")
        _sub(checksum, "value", f.sha256)


def _record(parent: etree._Element, case_id: uuid.UUID, record: ErmsRecord) -> None:
    attributes = {"systemIdentifier": str(uuid.uuid5(case_id, record.number))}
    element = _sub(parent, "record", **attributes | ({"recordType": record.kind} if record.kind else {}))
    _sub(element, "objectId", record.number)
    _sub(element, "identification", record.number, identificationType="diarienummer")
    _sub(element, "title", record.title)
    _sub(element, "status", value=_record_status(record))
    _sub(element, "runningNumber", str(record.running_number))
    for mark in record.secrecy:
        _restriction(element, mark)
    direction = ({"directionDefinition": record.direction} if record.direction != "internal"
                 else {"directionDefinition": "other", "otherDirectionDefinition": "internal"})
    _sub(element, "direction", DIRECTION_WORDS[record.direction], **direction)
    agents = _sub(element, "agents")
    if record.party:
        _agent(agents, PARTY_TYPES[record.direction], record.party, protected=_secret_party(record))
    _agent(agents, "other", ErmsAgent(record.registered_by), other="registrator", role="Registrator")
    if record.description:
        _sub(element, "description", record.description)
    received = record.direction == "incoming"
    _dates(element, [("received" if received else "created", record.date), ("captured", record.registered_at)])
    for dispatch in record.dispatches:
        action = _sub(element, "action")
        _sub(action, "actionText", f"Expedierad till {dispatch.recipient.name} via {dispatch.method}")
        _sub(action, "actionType", "expediering")
        _sub(_sub(action, "dates"), "actionDate", _when(dispatch.sent_at), dateType="expedited")
        action_agents = _sub(action, "agents")
        _agent(action_agents, "recipient", dispatch.recipient)
        _agent(action_agents, "dispatcher", ErmsAgent(dispatch.sent_by))
    if record.dispatches:
        _sub(element, "dispatchMode", ", ".join(dict.fromkeys(d.method for d in record.dispatches)))
    if record.voided:
        _sub(_sub(element, "notes"), "note", f"Makulerad av {record.voided.voided_by}: {record.voided.reason}",
             noteType="makulering", noteDate=_when(record.voided.voided_at))
    if record.files:
        _files(element, record.files)


def _control(root: etree._Element, case: ErmsCase, case_id: uuid.UUID, exported_at: datetime, version: str) -> None:
    control = _sub(root, "control")
    _sub(control, "identification", str(uuid.uuid5(case_id, _when(exported_at))), identificationType="UUID")
    _dates(control, [("created", exported_at)])
    maintenance = _sub(control, "maintenanceInformation")
    _sub(maintenance, "maintenanceStatus", value="new")
    agency = _sub(maintenance, "maintenanceAgency")
    if case.organisation_id:
        _sub(agency, "agencyCode", case.organisation_id, type="organisationsnummer")
    _sub(agency, "agencyName", case.organisation)
    event = _sub(_sub(maintenance, "maintenanceHistory"), "maintenanceEvent")
    _sub(event, "eventType", value="created")
    _sub(event, "eventDateTime", _when(exported_at))
    system = ErmsAgent("Kansli")
    _agent(event, "other", system, other="software", role=f"Exporterande system, version {version}")
    _agent(_sub(_sub(control, "systemInformation"), "agents"), "other", system, other="software",
           role=f"Version {version}")


def erms_xml(case: ErmsCase, exported_at: datetime, version: str) -> bytes:
    """The case as a CITS ERMS document; ``version`` is Kansli's, named as the exporting system's.

    The same case exported at the same moment gives the same bytes: identifiers derive from the
    organisation and the numbers, not from chance.
    """
    case_id = uuid.uuid5(NAMESPACE, f"{case.organisation_id or case.organisation}/{case.number}")
    root = etree.Element(_e("erms"), nsmap={None: ERMS, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{ERMS} {SCHEMA_LOCATION}")
    _control(root, case, case_id, exported_at, version)
    aggregation = _sub(_sub(root, "aggregations"), "aggregation", systemIdentifier=str(case_id),
                       aggregationType="caseFile")
    _sub(aggregation, "objectId", case.number)
    _sub(aggregation, "identification", case.number, identificationType="diarienummer")
    _sub(aggregation, "title", case.title)
    _sub(aggregation, "status", value=case.status)
    agents = _sub(aggregation, "agents")
    if case.handling_officer:
        _agent(agents, "responsible_person", ErmsAgent(case.handling_officer), role="Handläggare")
    if case.municipality:
        _agent(agents, "counterpart", ErmsAgent(case.municipality), role="Kommun")
    _dates(aggregation, [("opened", case.opened), ("closed", case.closed)])
    for record in case.records:
        _record(aggregation, case_id, record)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


@cache
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / "ERMS.xsd"), etree.XMLParser(no_network=True)))


@cache
def _schematron() -> isoschematron.Schematron:
    rules = etree.parse(str(SCHEMA_DIR / "erms.sch"), etree.XMLParser(no_network=True))
    rules.getroot().set("queryBinding", "xslt")  # declared xslt2, but its tests are XPath 1 (README there)
    return isoschematron.Schematron(rules, store_report=True)


def validate(xml: bytes) -> list[str]:
    """What is wrong with an ERMS document by the schema and then the Schematron rules; empty if nothing.

    The Schematron is only run on a document the schema accepts, since its rules assume that shape.
    """
    try:
        document = etree.fromstring(xml, etree.XMLParser(no_network=True, resolve_entities=False)).getroottree()
    except etree.XMLSyntaxError as exc:
        return [f"XML: {exc}"]
    schema = _schema()
    if not schema.validate(document):
        return [f"ERMS.xsd, rad {e.line}: {e.message}" for e in schema.error_log]
    rules = _schematron()
    if rules.validate(document):
        return []
    report = rules.validation_report
    return [f"erms.sch: {' '.join(''.join(failed.itertext()).split())} ({failed.get('location')})"
            for failed in report.iter("{http://purl.oclc.org/dsdl/svrl}failed-assert")]
