"""The FGS Ärendehantering (CITS ERMS) export: a case as ERMS XML, valid against ERMS.xsd and erms.sch."""
from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from lxml import etree

from helpers import eark
from kansli.archive import build_case_package
from kansli.registry.erms import (
    ErmsAgent,
    ErmsCase,
    ErmsDispatch,
    ErmsFile,
    ErmsRecord,
    ErmsSecrecy,
    ErmsVoiding,
    erms_xml,
    file_path,
    validate,
)

NS = {"e": "https://DILCIS.eu/XML/ERMS"}
AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
EXPORTED = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
PROVISION = "OSL 21 kap. 3 §"


def pdf_file(number: str, name: str, content: bytes = b"%PDF-1.4") -> ErmsFile:
    return ErmsFile(file_path(number, name), name, hashlib.sha256(content).hexdigest(), "application/pdf")


def record(running: int, **changes: object) -> ErmsRecord:
    number = f"KAN 2026/17-{running}"
    base = ErmsRecord(number=number, running_number=running, title=f"Handling {running}", direction="incoming",
                      date=date(2026, 3, running % 28 + 1), registered_at=AT + timedelta(days=running),
                      registered_by="Anna Registrator", party=ErmsAgent("Botkyrka kommun"),
                      files=(pdf_file(number, "handling.pdf"),))
    return replace(base, **changes)  # type: ignore[arg-type]


def full_case() -> ErmsCase:
    """A partnership case: the plan in, the agreement out and sent twice, a voided error, a secret report."""
    agreement = "KAN 2026/17-2"
    return ErmsCase(
        number="KAN 2026/17", title="Lokal samverkan i Botkyrka", status="open", opened=AT,
        organisation="Kansliet för urbant utvecklingsarbete", organisation_id="202100-0000",
        municipality="Botkyrka kommun", handling_officer="Åsa Öberg",
        records=(
            record(1, title="Stadsdelsplan för Alby och Fittja", kind="plan",
                   files=(pdf_file("KAN 2026/17-1", "plan.pdf"), pdf_file("KAN 2026/17-1", "plan-pdfa.pdf"))),
            record(2, title="Samverkansöverenskommelse med Polismyndigheten", direction="outgoing", kind="agreement",
                   party=ErmsAgent("Polismyndigheten", "Polismyndigheten"),
                   dispatches=(ErmsDispatch(ErmsAgent("Polismyndigheten"), "e-post", AT + timedelta(days=3), "Anna"),
                               ErmsDispatch(ErmsAgent("Botkyrka kommun"), "post", AT + timedelta(days=4), "Anna")),
                   files=(ErmsFile(file_path(agreement, "avtal.docx"), "avtal.docx", "0" * 64,
                                   "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
                          pdf_file(agreement, "avtal.pdf"))),
            record(3, title="Felregistrerad plan", voided=ErmsVoiding("Registrerad i fel ärende", AT, "Bo Ek")),
            record(4, title="Lägesrapport om otrygghet", description="Uppgifter om enskilda i Fittja",
                   party=ErmsAgent("Karl Åkesson"),
                   secrecy=(ErmsSecrecy(("party", "description"), PROVISION, AT + timedelta(days=5), "Anna"),)),
            record(5, title="Minnesanteckningar", direction="internal", party=None, files=()),
        ))


def tree(case: ErmsCase) -> etree._Element:
    return etree.fromstring(erms_xml(case, EXPORTED, "1.2.3"))


def test_a_whole_case_is_valid_against_the_schema_and_the_schematron() -> None:
    xml = erms_xml(full_case(), EXPORTED, "1.2.3")
    assert validate(xml) == []
    root = etree.fromstring(xml)
    [case] = root.findall("e:aggregations/e:aggregation", NS)
    assert case.get("aggregationType") == "caseFile"
    assert case.findtext("e:identification[@identificationType='diarienummer']", namespaces=NS) == "KAN 2026/17"
    assert case.find("e:status", NS).get("value") == "open"
    assert case.findtext("e:agents/e:agent[@agentType='responsible_person']/e:name", namespaces=NS) == "Åsa Öberg"
    assert case.findtext("e:agents/e:agent[@agentType='counterpart']/e:name", namespaces=NS) == "Botkyrka kommun"
    assert case.findtext("e:dates/e:date[@dateType='opened']", namespaces=NS) == "2026-03-02T09:30:00+00:00"
    records = case.findall("e:record", NS)
    assert [r.findtext("e:objectId", namespaces=NS) for r in records] == [f"KAN 2026/17-{n}" for n in range(1, 6)]
    assert [r.findtext("e:runningNumber", namespaces=NS) for r in records] == ["1", "2", "3", "4", "5"]
    assert [r.find("e:direction", NS).get("directionDefinition") for r in records] == \
        ["incoming", "outgoing", "incoming", "incoming", "other"]
    assert [r.find("e:status", NS).get("value") for r in records] == \
        ["received", "expedited", "obliterated", "received", "prepared"]


def test_control_names_the_exporting_system_its_version_and_the_organisation() -> None:
    control = tree(full_case()).find("e:control", NS)
    assert control.findtext("e:dates/e:date[@dateType='created']", namespaces=NS) == "2026-06-01T12:00:00+00:00"
    agency = control.find("e:maintenanceInformation/e:maintenanceAgency", NS)
    assert agency.findtext("e:agencyName", namespaces=NS) == "Kansliet för urbant utvecklingsarbete"
    assert agency.findtext("e:agencyCode[@type='organisationsnummer']", namespaces=NS) == "202100-0000"
    software = control.find("e:systemInformation/e:agents/e:agent", NS)
    assert (software.get("otherAgentType"), software.findtext("e:name", namespaces=NS)) == ("software", "Kansli")
    assert "1.2.3" in software.findtext("e:role", namespaces=NS)


def test_incoming_and_outgoing_records_carry_their_parties_dates_and_dispatches() -> None:
    incoming, outgoing = tree(full_case()).findall(".//e:record", NS)[:2]
    assert incoming.findtext("e:agents/e:agent[@agentType='sender']/e:name", namespaces=NS) == "Botkyrka kommun"
    assert incoming.findtext("e:dates/e:date[@dateType='received']", namespaces=NS) == "2026-03-02T00:00:00"
    assert incoming.findtext("e:agents/e:agent[@otherAgentType='registrator']/e:name", namespaces=NS) == \
        "Anna Registrator"
    assert incoming.get("recordType") == "plan"
    assert outgoing.findtext("e:agents/e:agent[@agentType='recipient']/e:name", namespaces=NS) == "Polismyndigheten"
    assert outgoing.find("e:dates/e:date[@dateType='created']", NS) is not None
    actions = outgoing.findall("e:action", NS)
    assert [a.findtext("e:agents/e:agent[@agentType='recipient']/e:name", namespaces=NS) for a in actions] == \
        ["Polismyndigheten", "Botkyrka kommun"]
    assert actions[0].findtext("e:dates/e:actionDate[@dateType='expedited']", namespaces=NS) == \
        "2026-03-05T09:30:00+00:00"
    assert actions[1].findtext("e:agents/e:agent[@agentType='dispatcher']/e:name", namespaces=NS) == "Anna"
    assert outgoing.findtext("e:dispatchMode", namespaces=NS) == "e-post, post"


def test_a_records_files_are_appendices_with_their_paths_formats_and_checksums() -> None:
    outgoing = tree(full_case()).findall(".//e:record", NS)[1]
    appendices = outgoing.findall("e:additionalInformation/e:appendix", NS)
    assert [(a.get("name"), a.get("path")) for a in appendices] == [
        ("avtal.docx", "representations/rep1/data/kan-2026-17-2/avtal.docx"),
        ("avtal.pdf", "representations/rep1/data/kan-2026-17-2/avtal.pdf")]
    assert appendices[1].get("fileFormat") == "application/pdf"
    checksums = outgoing.findall("e:additionalInformation/e:ownElement/e:ownElement", NS)
    assert {c.get("name"): c.findtext("e:value", namespaces=NS) for c in checksums} == {
        "representations/rep1/data/kan-2026-17-2/avtal.docx": "0" * 64,
        "representations/rep1/data/kan-2026-17-2/avtal.pdf": hashlib.sha256(b"%PDF-1.4").hexdigest()}


def test_a_voided_record_keeps_its_number_with_the_reason() -> None:
    voided = tree(full_case()).findall(".//e:record", NS)[2]
    assert voided.findtext("e:objectId", namespaces=NS) == "KAN 2026/17-3"
    assert voided.find("e:status", NS).get("value") == "obliterated"
    note = voided.find("e:notes/e:note", NS)
    assert note.get("noteType") == "makulering" and note.get("noteDate") == "2026-03-02T09:30:00+00:00"
    assert note.text == "Makulerad av Bo Ek: Registrerad i fel ärende"


def test_a_secret_record_has_a_restriction_with_the_provision_and_a_protected_party() -> None:
    secret = tree(full_case()).findall(".//e:record", NS)[3]
    [restriction] = secret.findall("e:restriction", NS)
    assert restriction.get("restrictionType") == "confidential"
    assert restriction.findtext("e:regulation", namespaces=NS) == PROVISION
    assert restriction.findtext("e:dates/e:date[@dateType='confidentiality_assessed']", namespaces=NS) == \
        "2026-03-07T09:30:00+00:00"
    assert "avsändare/mottagare och beskrivning" in restriction.findtext("e:explanatoryText", namespaces=NS)
    assert secret.findtext("e:agents/e:agent[@agentType='sender']/e:protectedIdentity", namespaces=NS) == "true"
    # the archive keeps what is secret, under the restriction: the values are exported
    assert secret.findtext("e:description", namespaces=NS) == "Uppgifter om enskilda i Fittja"


def test_a_lifted_secrecy_mark_is_kept_with_its_end_and_protects_nothing() -> None:
    lifted = ErmsSecrecy(("party",), PROVISION, AT, "Anna", lifted_at=AT + timedelta(days=30), lifted_by="Bo Ek")
    case = replace(full_case(), records=(record(1, secrecy=(lifted,)),))
    xml = erms_xml(case, EXPORTED, "1.2.3")
    assert validate(xml) == []
    secret = etree.fromstring(xml).find(".//e:record", NS)
    assert secret.findtext("e:restriction/e:dates/e:date[@dateType='end']", namespaces=NS) == \
        "2026-04-01T09:30:00+00:00"
    assert "hävd av Bo Ek" in secret.findtext("e:restriction/e:explanatoryText", namespaces=NS)
    assert secret.find("e:agents/e:agent[@agentType='sender']/e:protectedIdentity", NS) is None


def test_swedish_characters_survive() -> None:
    xml = erms_xml(full_case(), EXPORTED, "1.2.3")
    assert xml.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert "Samverkansöverenskommelse".encode() in xml and "Åsa Öberg".encode() in xml
    root = etree.fromstring(xml)
    assert root.findtext(".//e:restriction/e:regulation", namespaces=NS) == "OSL 21 kap. 3 §"
    assert root.findtext(".//e:record[4]/e:agents/e:agent/e:name", namespaces=NS) == "Karl Åkesson"


def _changed(xml: bytes, change: Callable[[etree._Element], None]) -> bytes:
    root = etree.fromstring(xml)
    change(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _remove(path: str) -> Callable[[etree._Element], None]:
    def change(root: etree._Element) -> None:
        element = root.find(path, NS)
        element.getparent().remove(element)
    return change


def _unset(path: str, attribute: str) -> Callable[[etree._Element], None]:
    def change(root: etree._Element) -> None:
        del root.find(path, NS).attrib[attribute]
    return change


@pytest.mark.parametrize(("change", "expected"), [
    (_remove(".//e:restriction/e:regulation"), "ERMS.xsd"),  # a restriction needs its provision
    (_remove(".//e:record/e:objectId"), "ERMS.xsd"),
    (_remove("e:control/e:maintenanceInformation"), "ERMS.xsd"),
    (_unset(".//e:aggregation", "aggregationType"), "ERMS.xsd"),
    (_unset(".//e:record", "systemIdentifier"), "ERMS.xsd"),
    # the schema cannot say these; erms.sch does
    (_unset(".//e:agent[@otherAgentType='registrator']", "otherAgentType"), "erms.sch: If the value of an agentType"),
    (_unset(".//e:direction[@otherDirectionDefinition]", "otherDirectionDefinition"),
     "erms.sch: If the value of a directionDefinition"),
])
def test_a_broken_export_is_reported(change: Callable[[etree._Element], None], expected: str) -> None:
    xml = erms_xml(full_case(), EXPORTED, "1.2.3")
    problems = validate(_changed(xml, change))
    assert problems and all(p.startswith(expected.split(":")[0]) for p in problems), problems
    assert any(expected in p for p in problems), problems


def test_an_own_aggregation_type_needs_its_name_by_the_schematron() -> None:
    def own(root: etree._Element) -> None:
        root.find(".//e:aggregation", NS).set("aggregationType", "own_aggregation_definition")
    xml = _changed(erms_xml(full_case(), EXPORTED, "1.2.3"), own)
    [problem] = validate(xml)
    assert problem.startswith("erms.sch: If the value of a aggregationType") and "otherAggregationType" in problem


def test_what_is_not_xml_is_reported() -> None:
    assert validate(b"<erms")[0].startswith("XML: ")
    assert validate(b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>")[0].startswith("ERMS.xsd")


@pytest.mark.parametrize("count", [0, 1, 7])
@pytest.mark.parametrize("municipality", [None, "Upplands Väsby kommun"])
@pytest.mark.parametrize("closed", [None, AT + timedelta(days=90)])
def test_cases_of_every_shape_are_valid(count: int, municipality: str | None, closed: datetime | None) -> None:
    directions = ("incoming", "outgoing", "internal")
    records = tuple(record(n, direction=directions[n % 3], party=ErmsAgent(f"Part {n}") if n % 2 else None,
                           files=tuple(pdf_file(f"KAN 2026/17-{n}", f"bilaga-{k}.pdf") for k in range(n % 3)))
                    for n in range(1, count + 1))
    case = ErmsCase(number="KAN 2026/17", title="Ärende", status="closed" if closed else "open", opened=AT,
                    organisation="Kansli", closed=closed, municipality=municipality, records=records)
    xml = erms_xml(case, EXPORTED, "0.1.0")
    assert validate(xml) == []
    aggregation = etree.fromstring(xml).find(".//e:aggregation", NS)
    assert len(aggregation.findall("e:record", NS)) == count
    assert (aggregation.find("e:agents/e:agent[@agentType='counterpart']", NS) is not None) == bool(municipality)
    assert aggregation.find("e:status", NS).get("value") == case.status
    assert (aggregation.findtext("e:dates/e:date[@dateType='closed']", namespaces=NS) is not None) == bool(closed)


def test_the_same_case_exported_at_the_same_moment_gives_the_same_bytes() -> None:
    first = erms_xml(full_case(), EXPORTED, "1.2.3")
    assert erms_xml(full_case(), EXPORTED, "1.2.3") == first
    later = etree.fromstring(erms_xml(full_case(), EXPORTED + timedelta(hours=1), "1.2.3"))
    earlier = etree.fromstring(first)
    same = ".//e:aggregation", ".//e:record"
    assert [earlier.find(p, NS).get("systemIdentifier") for p in same] == \
        [later.find(p, NS).get("systemIdentifier") for p in same]
    control_id = "e:control/e:identification"
    assert earlier.findtext(control_id, namespaces=NS) != later.findtext(control_id, namespaces=NS)


def case_with_contents() -> tuple[ErmsCase, dict[str, bytes]]:
    """A case of three records, each with files of its own, and those files' bytes by SHA-256."""
    contents: dict[str, bytes] = {}

    def stored(number: str, name: str, data: bytes, mime: str = "application/pdf") -> ErmsFile:
        contents[hashlib.sha256(data).hexdigest()] = data
        return ErmsFile(file_path(number, name), name, hashlib.sha256(data).hexdigest(), mime)

    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    case = replace(full_case(), records=(
        record(1, title="Stadsdelsplan", files=(stored("KAN 2026/17-1", "plan.pdf", b"%PDF-1.4 plan"),
                                                stored("KAN 2026/17-1", "plan-pdfa.pdf", b"%PDF-1.7 plan"))),
        record(2, title="Överenskommelse", direction="outgoing", party=ErmsAgent("Polismyndigheten"),
               dispatches=(ErmsDispatch(ErmsAgent("Polismyndigheten"), "e-post", AT, "Anna"),),
               files=(stored("KAN 2026/17-2", "avtal.docx", b"PK docx", docx),
                      stored("KAN 2026/17-2", "avtal.pdf", b"%PDF-1.4 avtal"))),
        # the same name in another record: each record has a folder of its own
        record(3, title="Rapport", secrecy=(ErmsSecrecy(("description",), PROVISION, AT, "Anna"),),
               files=(stored("KAN 2026/17-3", "plan.pdf", b"%PDF-1.4 rapport"),)),
    ))
    return case, contents


def test_a_case_package_holds_every_document_and_the_erms_file_and_passes_eark_validator(tmp_path: Path) -> None:
    case, contents = case_with_contents()
    events = [{"type": "transfer", "at": AT.isoformat(), "detail": "Ärendet arkiverat i ett paket"}]
    package, listing = build_case_package(case, contents, events, ("Botkyrka kommun", "212000-0159"),
                                          {"kansli": "1.2.3"})
    (tmp_path / "case.zip").write_bytes(package)
    assert eark.check(tmp_path / "case.zip") == ([], [])  # (errors, warnings)

    archive = zipfile.ZipFile(io.BytesIO(package))
    root = "kansli-kan-2026-17/"
    erms = archive.read(root + "metadata/descriptive/erms.xml")
    assert validate(erms) == []
    for appendix in etree.fromstring(erms).iterfind(".//e:appendix", NS):  # every file named is there, unchanged
        data = archive.read(root + appendix.get("path"))
        assert hashlib.sha256(data).hexdigest() in contents
    data = sorted(n.removeprefix(root + "representations/rep1/data/") for n in archive.namelist() if "/data/" in n)
    assert data == ["kan-2026-17-1/plan-pdfa.pdf", "kan-2026-17-1/plan.pdf", "kan-2026-17-2/avtal.docx",
                    "kan-2026-17-2/avtal.pdf", "kan-2026-17-3/plan.pdf"]
    assert root + "schemas/ERMS.xsd" in archive.namelist()
    assert {path for path, _, _ in listing} == {n.removeprefix(root) for n in archive.namelist()}

    mets = etree.fromstring(archive.read(root + "METS.xml"))
    assert mets.get("{https://DILCIS.eu/XML/METS/CSIPExtensionMETS}CONTENTINFORMATIONTYPE") == "citserms_v2_1"
    [md_ref] = mets.iterfind("{*}dmdSec/{*}mdRef")
    assert (md_ref.get("MDTYPE"), md_ref.get("OTHERMDTYPE")) == ("OTHER", "ERMS")
    assert md_ref.get("{http://www.w3.org/1999/xlink}href") == "metadata/descriptive/erms.xml"
    assert md_ref.get("CHECKSUM") == hashlib.sha256(erms).hexdigest()
    assert mets.get("LABEL") == "KAN 2026/17: Lokal samverkan i Botkyrka"
    text = archive.read(root + "documentation/om-paketet.txt").decode()
    assert text.startswith("Arkivpaket från Kansli: KAN 2026/17\n") and "FGS Ärendehantering 2.0" in text


def test_a_case_package_refuses_missing_or_changed_files_and_paths_outside_its_data() -> None:
    case, contents = case_with_contents()
    args = ([], ("Kansli", None), {"kansli": "1.2.3"})
    first = case.records[0].files[0]
    with pytest.raises(ValueError, match="saknas eller har fel SHA-256"):
        build_case_package(case, {k: v for k, v in contents.items() if k != first.sha256}, *args)
    with pytest.raises(ValueError, match="saknas eller har fel SHA-256"):
        build_case_package(case, contents | {first.sha256: b"changed"}, *args)
    outside = replace(case, records=(replace(case.records[0], files=(replace(first, path="METS.xml"),)),))
    with pytest.raises(ValueError, match="ligger inte ensam under representations/rep1/data/"):
        build_case_package(outside, contents, *args)
    twice = replace(case, records=(replace(case.records[0], files=(first, first)),))
    with pytest.raises(ValueError, match="ligger inte ensam"):
        build_case_package(twice, contents, *args)


def test_a_case_package_refuses_an_invalid_erms_file() -> None:
    case, contents = case_with_contents()
    # a running number past xs:int: no package is built around an ERMS file its schema refuses
    bad = replace(case, records=(replace(case.records[0], running_number=2**31),))
    with pytest.raises(ValueError, match=r"KAN 2026/17: ERMS-filen är ogiltig: ERMS.xsd, rad \d+: .*runningNumber"):
        build_case_package(bad, contents, [], ("Kansli", None), {"kansli": "1.2.3"})


def test_the_validators_csip63_rule_is_set_aside_only_where_the_specification_is_met(tmp_path: Path) -> None:
    """Why eark.check() sets CSIP63 aside for case packages: eark-validator 1.1.3 asks every file group
    for the type OTHER, where E-ARK CSIP 2.1 only asks a group of type OTHER to name its type."""
    case, contents = case_with_contents()
    package, _ = build_case_package(case, contents, [], ("Kansli", None), {"kansli": "1.2.3"})
    (tmp_path / "as-built.zip").write_bytes(package)
    assert {rule for rule, _, _ in eark.report(tmp_path / "as-built.zip")} == {"CSIP63", "SIP14"}
    assert eark.meets_csip63(tmp_path / "as-built.zip")

    unnamed = tmp_path / "other-unnamed.zip"
    source = zipfile.ZipFile(io.BytesIO(package))
    with zipfile.ZipFile(unnamed, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "kansli-kan-2026-17/METS.xml":
                data = data.replace(b'fileGrp ID="fg-schemas" USE="Schemas" csip:CONTENTINFORMATIONTYPE="citserms_v2_1"',
                                    b'fileGrp ID="fg-schemas" USE="Schemas" csip:CONTENTINFORMATIONTYPE="OTHER"')
            target.writestr(name, data)
    errors, _ = eark.check(unnamed)
    assert not eark.meets_csip63(unnamed) and any(e.startswith("CSIP63") for e in errors)
