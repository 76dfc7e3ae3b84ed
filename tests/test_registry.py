"""The registry and the archive: numbers, packages, fixity, the audit trail — on both databases."""
from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from sqlalchemy import select, text

from helpers import eark
from helpers.api import extracted, upload
from helpers.pdfs import plan_pdf
from helpers.processes import KANSLI
from kansli import config, db, fixity
from kansli.archive import build_package, mets_schema
from kansli.documents import add_upload
from kansli.models import ArchivedFile, AuditEntry, Case, Document, Output, OutputFile, Registration, Template
from kansli.registry import archiving
from kansli.registry.errors import RegistryError
from kansli.registry.numbering import register
from kansli.registry.retention import referenced
from kansli.storage import Store
from workers.jobs import render_output

Auth = Callable[[str], dict[str, str]]
YEAR = date.today().year


def test_concurrent_registrations_get_distinct_consecutive_numbers(settings: Any) -> None:
    ids = []
    with db.session_scope(settings.database_url) as session:
        for n in range(100):
            doc, _ = add_upload(session, Store(settings.files_dir), f"%PDF-1.4 doc {n}".encode(), f"{n}.pdf", None)
            ids.append(doc.id)

    def register_one(doc_id: int) -> str:
        with db.session_scope(settings.database_url) as session:
            return register(session, "KAN", document_id=doc_id).dnr

    with ThreadPoolExecutor(max_workers=16) as pool:
        numbers = list(pool.map(register_one, ids))
    assert len(set(numbers)) == 100  # each opened a case of its own, as its document 1
    assert set(numbers) == {f"KAN {YEAR}/{n}-1" for n in range(1, 101)}


@pytest.mark.office
def test_a_failed_registration_leaves_no_gap(settings: Any) -> None:
    with db.session_scope(settings.database_url) as session:
        doc, _ = add_upload(session, Store(settings.files_dir), b"%PDF-1.4 x", "x.pdf", None)
    with db.session_scope(settings.database_url) as session:
        assert register(session, "KAN", document_id=doc.id).case.number == 1
    for bad in ({"document_id": 999}, {"document_id": doc.id}):  # missing; already registered
        try:
            with db.session_scope(settings.database_url) as session:
                register(session, "KAN", **bad)
        except RegistryError:
            pass
    with db.session_scope(settings.database_url) as session:
        doc2, _ = add_upload(session, Store(settings.files_dir), b"%PDF-1.4 y", "y.pdf", None)
        assert register(session, "KAN", document_id=doc2.id).case.number == 2


def ready_output(client: Any, auth: Auth, settings: Any) -> int:
    doc_id = extracted(client, auth, settings)
    output_id = client.post("/api/outputs", headers=auth("drafter"), json={
        "kind": "agreement", "document_id": doc_id, "agency": "Polismyndigheten"}).json["id"]
    render_output(output_id)
    return output_id


@pytest.mark.office
def test_registering_through_the_api(client: Any, auth: Auth, settings: Any) -> None:
    output_id = ready_output(client, auth, settings)
    body = {"output_id": output_id}
    assert client.post("/api/registry", headers=auth("clerk"), json=body).status_code == 403
    assert client.post("/api/registry", headers=auth("drafter"), json=body).status_code == 403
    response = client.post("/api/registry", headers=auth("registrar"), json=body)
    assert response.status_code == 201
    record = response.json
    assert record["dnr"] == f"KAN {YEAR}/1-1" and record["direction"] == "outgoing" and record["case"] == f"KAN {YEAR}/1"
    assert record["kind"] == "agreement" and record["related"] == [{"document_id": 1}]
    assert record["party"] == "Botkyrka kommun" and record["registered_by"] == "registrar"
    assert record["description"] == "Samverkansöverenskommelse Polismyndigheten – Botkyrka kommun"
    assert record["date"] == date.today().isoformat()
    again = client.post("/api/registry", headers=auth("admin"), json=body)
    assert again.status_code == 409 and record["dnr"] in again.json["error"]["message"]
    assert client.post("/api/registry", headers=auth("registrar"), json={}).status_code == 400
    assert client.post("/api/registry", headers=auth("registrar"), json={"output_id": 999}).status_code == 404
    assert client.get(f"/api/registry/{record['dnr']}", headers=auth("clerk")).json["id"] == record["id"]


def test_unfinished_outputs_cannot_be_registered(client: Any, auth: Auth, settings: Any) -> None:
    doc_id = extracted(client, auth, settings)
    output_id = client.post("/api/outputs", headers=auth("drafter"), json={
        "kind": "agreement", "document_id": doc_id, "agency": "Polismyndigheten"}).json["id"]
    response = client.post("/api/registry", headers=auth("registrar"), json={"output_id": output_id})
    assert response.status_code == 409 and "inte klart" in response.json["error"]["message"]


def test_search_finds_by_number_party_and_description_newest_first(client: Any, auth: Auth, settings: Any) -> None:
    doc_id = extracted(client, auth, settings)
    other = upload(client, auth("clerk"), plan_pdf(filler_pages=1), "annan.pdf").json["id"]
    first = client.post("/api/registry", headers=auth("registrar"), json={"document_id": doc_id}).json
    second = client.post("/api/registry", headers=auth("registrar"),
                         json={"document_id": other, "party": "Malmö kommun", "description": "Rapport om Rosengård"}).json
    search = lambda q: [r["dnr"] for r in client.get(f"/api/registry?q={q}", headers=auth("clerk")).json["registrations"]]  # noqa: E731
    assert search("") == [second["dnr"], first["dnr"]]
    assert search("botkyrka") == [first["dnr"]]
    assert search("ROSENGÅRD") == [second["dnr"]]
    assert search(f"{YEAR}/2-1") == [second["dnr"]]


@pytest.mark.office
def test_archiving_freezes_a_valid_package(client: Any, auth: Auth, settings: Any, tmp_path: Path) -> None:
    output_id = ready_output(client, auth, settings)
    dnr = client.post("/api/registry", headers=auth("registrar"), json={"output_id": output_id}).json["dnr"]
    assert client.post(f"/api/registry/{dnr}/archive", headers=auth("clerk")).status_code == 403
    response = client.post(f"/api/registry/{dnr}/archive", headers=auth("registrar"))
    assert response.status_code == 202 and response.json["status"] == "archived"
    again = client.post(f"/api/registry/{dnr}/archive", headers=auth("admin"))
    assert again.status_code == 409 and "redan arkiverat" in again.json["error"]["message"]

    package = client.get(f"/api/registry/{dnr}/package", headers=auth("clerk"))
    assert package.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(package.data))
    root = f"kansli-kan-{YEAR}-1-1/"
    names = set(archive.namelist())
    assert {root + p for p in ("METS.xml", "metadata/descriptive/registration.json", "metadata/preservation/premis.xml",
                               "representations/rep1/METS.xml", "schemas/mets.xsd", "schemas/xlink.xsd")} <= names
    data = sorted(n.removeprefix(root + "representations/rep1/data/") for n in names if "/data/" in n)
    assert data == ["samverkansoverenskommelse-polismyndigheten-botkyrka.docx",
                    "samverkansoverenskommelse-polismyndigheten-botkyrka.pdf"]
    schema = mets_schema()
    for mets_path, base in ((root + "METS.xml", root), (root + "representations/rep1/METS.xml", root + "representations/rep1/")):
        mets = etree.fromstring(archive.read(mets_path))
        assert schema.validate(etree.ElementTree(mets)), schema.error_log
        for element in mets.iter("{http://www.loc.gov/METS/}file", "{http://www.loc.gov/METS/}mdRef"):
            href = (element.find("{http://www.loc.gov/METS/}FLocat") if element.tag.endswith("file") else element) \
                .get("{http://www.w3.org/1999/xlink}href")
            assert element.get("CHECKSUMTYPE") == "SHA-256"
            assert hashlib.sha256(archive.read(base + href)).hexdigest() == element.get("CHECKSUM"), href
    assert dnr in archive.read(root + "metadata/descriptive/registration.json").decode()
    heading, underline = archive.read(root + "documentation/om-paketet.txt").decode().splitlines()[:2]
    assert heading == f"Arkivpaket från Kansli: {dnr}" and underline == "=" * len(heading)
    assert b"<eventType>registration</eventType>" in archive.read(root + "metadata/preservation/premis.xml")
    submitter = etree.fromstring(archive.read(root + "METS.xml")).find(".//{*}agent[@OTHERROLE='SUBMITTER']")
    assert submitter.findtext("{*}name") == settings.organisation == "Kansli"
    objects = archive.read(root + "representations/rep1/metadata/preservation/premis.xml").decode()
    assert "Kansli, mall agreement.docx (SHA-256 " in objects and "<agentName>docxtpl</agentName>" in objects
    (tmp_path / "package.zip").write_bytes(package.data)
    assert eark.check(tmp_path / "package.zip") == ([], [])  # (errors, warnings)


#: The archive format of registration.json: changing it means changing what archives read for decades.
ARCHIVED_RECORD_KEYS = {"dnr", "direction", "kind", "date", "party", "description", "registered_by", "created_at",
                        "retain_until", "legal_hold", "hold_reason", "document_id", "output_id", "related", "fields",
                        "templates", "software"}


@pytest.mark.office
def test_the_archived_record_has_its_own_format_apart_from_the_api(client: Any, auth: Auth, settings: Any) -> None:
    output_id = ready_output(client, auth, settings)
    api = client.post("/api/registry", headers=auth("registrar"), json={"output_id": output_id}).json
    dnr = api["dnr"]
    client.post(f"/api/registry/{dnr}/hold", headers=auth("registrar"), json={"hold": True, "reason": "Begäran från JO"})
    client.post(f"/api/registry/{dnr}/archive", headers=auth("registrar"))
    package = zipfile.ZipFile(io.BytesIO(client.get(f"/api/registry/{dnr}/package", headers=auth("clerk")).data))
    record = json.loads(package.read(f"kansli-kan-{YEAR}-1-1/metadata/descriptive/registration.json"))
    assert set(record) == ARCHIVED_RECORD_KEYS
    assert (record["dnr"], record["direction"], record["kind"]) == (dnr, "outgoing", "agreement")
    assert record["party"] == "Botkyrka kommun" and record["registered_by"] == "registrar"
    assert record["legal_hold"] is True and record["hold_reason"] == "Begäran från JO"
    assert record["related"] == [{"document_id": api["related"][0]["document_id"]}]
    assert record["fields"]["municipality"] == "Botkyrka kommun" and list(record["templates"]) == ["agreement.docx"]
    assert record["software"]["kansli"] == version("kansli")
    # the API's workflow state stays out of the archive, and the API may grow without changing it
    assert {"id", "status", "archived_at", "package_sha256", "disposal_requested"} <= set(api) - ARCHIVED_RECORD_KEYS


@pytest.mark.office
def test_archived_documents_cannot_be_changed(client: Any, auth: Auth, settings: Any) -> None:
    doc_id = extracted(client, auth, settings)
    dnr = client.post("/api/registry", headers=auth("registrar"), json={"document_id": doc_id}).json["dnr"]
    client.post(f"/api/registry/{dnr}/archive", headers=auth("registrar"))
    response = client.patch(f"/api/documents/{doc_id}/fields", headers=auth("drafter"), json={"reference": "X"})
    assert response.status_code == 409 and f"arkiverat som {dnr}" in response.json["error"]["message"]


def run(settings: Any, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([KANSLI, *args], capture_output=True, text=True, timeout=120)


@pytest.mark.office
def test_fixity_notices_a_changed_byte(client: Any, auth: Auth, settings: Any) -> None:
    doc_id = extracted(client, auth, settings)
    dnr = client.post("/api/registry", headers=auth("registrar"), json={"document_id": doc_id}).json["dnr"]
    package_sha = client.post(f"/api/registry/{dnr}/archive", headers=auth("registrar")).json["package_sha256"]
    ok = run(settings, "fixity")
    assert ok.returncode == 0, ok.stderr
    assert "0 avvikelser" in ok.stdout

    path = Store(settings.files_dir).path(package_sha)
    path.chmod(0o644)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    bad = run(settings, "fixity")
    assert bad.returncode == 1
    assert f"{dnr}: paketet är ändrat" in bad.stdout
    assert client.get("/api/health").json["fixity"]["failures"] >= 1


@pytest.mark.office
def test_the_audit_trail_records_actions_and_detects_tampering(client: Any, auth: Auth, settings: Any) -> None:
    output_id = ready_output(client, auth, settings)
    download = client.get(f"/api/outputs/{output_id}", headers=auth("clerk")).json["files"][0]["url"]
    client.get(download, headers=auth("clerk"))
    dnr = client.post("/api/registry", headers=auth("registrar"), json={"output_id": output_id}).json["dnr"]
    package_sha = client.post(f"/api/registry/{dnr}/archive", headers=auth("registrar")).json["package_sha256"]
    with db.session_scope(settings.database_url) as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        actions = [(e.actor, e.action) for e in entries]
        assert entries[-1].details == {"package_sha256": package_sha}  # read off the registration once archived
    assert actions == [("clerk", "upload"), ("drafter", "generate"), ("clerk", "download"),
                       ("registrar", "open_case"), ("registrar", "register"), ("registrar", "archive")]
    assert run(settings, "audit", "verify").returncode == 0

    with db.engine_for(settings.database_url).begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'someone' WHERE action = 'download'"))
    changed = run(settings, "audit", "verify")
    assert changed.returncode == 1 and "innehållet är ändrat (download" in changed.stdout

    with db.engine_for(settings.database_url).begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'clerk' WHERE action = 'download'"))
        conn.execute(text("DELETE FROM audit_log WHERE action = 'register'"))
    removed = run(settings, "audit", "verify")
    assert removed.returncode == 1 and re.search(r"post \d+: kedjan bruten", removed.stdout)


@pytest.mark.office
def test_full_text_search_finds_words_inside_documents_with_filters(client: Any, auth: Auth, settings: Any) -> None:
    from helpers.pdfs import report_pdf

    plan = extracted(client, auth, settings)
    report = upload(client, auth("clerk"), report_pdf("Försäkringskassan", 2009, ["Malmö kommun"], "FK-1", "2010-02-15",
                                                      ["Samordnaren bör finansieras av staten"]), "fk.pdf").json["id"]
    from workers.jobs import extract_document

    extract_document(report)
    plan_dnr = client.post("/api/registry", headers=auth("registrar"), json={"document_id": plan}).json["dnr"]
    report_dnr = client.post("/api/registry", headers=auth("registrar"), json={"document_id": report}).json["dnr"]
    client.post(f"/api/registry/{plan_dnr}/archive", headers=auth("registrar"))

    def found(query: str) -> list[str]:
        return [r["dnr"] for r in client.get(f"/api/registry?{query}", headers=auth("clerk")).json["registrations"]]

    assert found("q=försörjningsstöd") == [plan_dnr]        # a word in an indicator of the plan
    assert found("q=samordnaren finansieras") == [report_dnr]  # words of a proposal, in another order
    assert found("q=Rosengård") == []
    assert found("kind=report") == [report_dnr]
    assert found("municipality=botkyrka kommun") == [plan_dnr]
    assert found("municipality=Botkyrka") == found("municipality=BOTKYRKA  kommun") == [plan_dnr]  # as people write it
    assert found("municipality=Bot") == []
    assert found("status=archived") == [plan_dnr]
    assert found(f"year={YEAR}") == [report_dnr, plan_dnr]
    assert found(f"year={YEAR - 1}") == []
    assert found('q="unbalanced') == []  # search syntax in user input is taken as text


def second_registrar(settings: Any) -> dict[str, str]:
    from kansli.users import create_user

    with db.session_scope(settings.database_url) as session:
        _user, token = create_user(session, "registrar2", "registrar", "losenord-registrar2")
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.office
def test_disposal_needs_expired_retention_no_hold_and_two_registrars(client: Any, auth: Auth, settings: Any) -> None:
    doc_id = extracted(client, auth, settings)
    record = client.post("/api/registry", headers=auth("registrar"), json={"document_id": doc_id}).json
    dnr = record["dnr"]
    assert record["retain_until"] == date.today().replace(year=YEAR + 10).isoformat()  # plans: 10 years
    client.post(f"/api/registry/{dnr}/archive", headers=auth("registrar"))
    post = lambda path, headers, body=None: client.post(f"/api/registry/{dnr}/{path}", headers=headers, json=body or {})  # noqa: E731

    early = post("disposal", auth("registrar"), {"reason": "Gallringsbeslut 2026:1"})
    assert early.status_code == 409 and "tidigast" in early.json["error"]["message"]
    with db.engine_for(settings.database_url).begin() as conn:
        conn.execute(text("UPDATE registrations SET retain_until = '2000-01-01'"))

    assert post("hold", auth("registrar"), {"hold": True}).status_code == 400  # a hold needs its reason
    assert post("hold", auth("registrar"), {"hold": True, "reason": "Begäran från JO"}).json["legal_hold"] is True
    held = post("disposal", auth("registrar"), {"reason": "Gallringsbeslut 2026:1"})
    assert held.status_code == 409 and "rättslig spärr (Begäran från JO)" in held.json["error"]["message"]
    post("hold", auth("registrar"), {"hold": False})

    assert post("disposal", auth("clerk"), {"reason": "x"}).status_code == 403
    assert post("disposal", auth("registrar"), {"reason": "Gallringsbeslut 2026:1"}).status_code == 202
    same = post("disposal/approve", auth("registrar"))
    assert same.status_code == 409 and "en annan registrator" in same.json["error"]["message"]
    approved = post("disposal/approve", second_registrar(settings))
    assert approved.status_code == 200 and approved.json["status"] == "disposed"

    stored = [p for p in settings.files_dir.rglob("*") if p.is_file()]
    assert stored == []  # the upload and the package are gone
    still = client.get(f"/api/registry/{dnr}", headers=auth("clerk")).json  # the record that it existed
    assert still["description"] == record["description"] and still["disposal_reason"] == "Gallringsbeslut 2026:1"
    doc = client.get(f"/api/documents/{doc_id}", headers=auth("clerk")).json
    assert doc["status"] == "disposed" and doc["extraction"] is None
    assert client.get(f"/api/registry/{dnr}/package", headers=auth("clerk")).status_code == 409
    assert run(settings, "fixity").returncode == 0
    assert run(settings, "audit", "verify").returncode == 0


@pytest.mark.parametrize("disposed", ["document", "output"])
@pytest.mark.office
def test_disposal_keeps_bytes_that_another_item_still_holds(client: Any, auth: Auth, settings: Any,
                                                            disposed: str) -> None:
    """The store keeps identical bytes once: an upload and an output file with the same bytes share them."""
    doc_id = extracted(client, auth, settings)
    pdf = plan_pdf()
    with db.session_scope(settings.database_url) as session:  # no API path makes an output of an upload's bytes
        digest = hashlib.sha256(pdf).hexdigest()
        output = Output(kind="agreement", document_id=doc_id, agency="Polismyndigheten", status="ready",
                        fields={"municipality": "Botkyrka kommun"},
                        files=[OutputFile(name="kopia.pdf", format="pdf", sha256=digest, size=len(pdf))])
        session.add(output)
        session.flush()
        output_id = output.id
    dnrs = {item: client.post("/api/registry", headers=auth("registrar"), json={f"{item}_id": item_id}).json["dnr"]
            for item, item_id in (("document", doc_id), ("output", output_id))}
    for dnr in dnrs.values():  # packages for fixity to check; the disposed item's goes with it
        assert client.post(f"/api/registry/{dnr}/archive", headers=auth("registrar")).status_code == 202
    with db.engine_for(settings.database_url).begin() as conn:
        conn.execute(text("UPDATE registrations SET retain_until = '2000-01-01' WHERE dnr = :dnr"),
                     {"dnr": dnrs[disposed]})
    dnr = dnrs[disposed]
    assert client.post(f"/api/registry/{dnr}/disposal", headers=auth("registrar"),
                       json={"reason": "Gallringsbeslut 2026:1"}).status_code == 202
    approved = client.post(f"/api/registry/{dnr}/disposal/approve", headers=second_registrar(settings))
    assert approved.status_code == 200 and approved.json["status"] == "disposed"

    kept = f"/api/outputs/{output_id}/files/kopia.pdf" if disposed == "document" else f"/api/documents/{doc_id}/file"
    download = client.get(kept, headers=auth("clerk"))
    assert download.status_code == 200 and download.data == pdf
    run = fixity.check(settings.database_url, Store(settings.files_dir))
    assert run.failures == [] and run.checked > 0  # the kept item's package and its files


def test_every_column_that_names_a_stored_file_keeps_it(settings: Any) -> None:
    """The reference check behind disposal: each holder of a digest, and nothing else, keeps the bytes."""
    digest = "ab" * 32
    with db.session_scope(settings.database_url) as session:
        doc = Document(filename="a.pdf", sha256="cd" * 32, size=1, status="extracted")
        output = Output(kind="agreement", fields={}, status="ready")
        case = Case(dnr="KAN 2000/1", year=2000, number=1, title="Plan", last_document=1)
        registration = Registration(dnr="KAN 2000/1-1", case=case, year=2000, number=1, direction="incoming",
                                    date="2000-01-01", description="Plan",
                                    files=[ArchivedFile(path="METS.xml", sha256=digest, size=1)])
        session.add_all([doc, output, registration])
        session.flush()
        assert not referenced(session, digest)  # an archived file is a member inside a package
        doc.sha256 = digest
        session.flush()
        assert referenced(session, digest)
        doc.status = "disposed"  # the row stays as the record that it existed; the bytes may go
        session.flush()
        assert not referenced(session, digest)
        # Another document's page image (two documents' blank pages are the same bytes).
        boxes = {"reference": {"page": 1, "bbox": None}}
        other = Document(filename="b.pdf", sha256="ef" * 32, size=1, status="extracted",
                         provenance={**boxes, "page_images": {"1": {"sha256": digest, "width": 595, "height": 842}}})
        session.add(other)
        session.flush()
        assert referenced(session, digest)
        other.provenance = boxes
        session.flush()
        assert not referenced(session, digest)
        for holder in (OutputFile(output_id=output.id, name="a.pdf", format="pdf", sha256=digest, size=1),
                       Template(name="agreement.docx", sha256=digest, size=1, filename="a.docx")):
            session.add(holder)
            session.flush()
            assert referenced(session, digest)
            session.delete(holder)
            session.flush()
            assert not referenced(session, digest)
        registration.package_sha256 = digest
        session.flush()
        assert referenced(session, digest)


def test_decisions_are_kept_for_good(client: Any, auth: Auth, settings: Any) -> None:
    from helpers.data import SEED
    from helpers.pdfs import text_pdf
    from workers.jobs import extract_document

    doc_id = upload(client, auth("clerk"), text_pdf(SEED.read_text()), "beslut.pdf").json["id"]
    extract_document(doc_id)
    dnr = client.post("/api/registry", headers=auth("registrar"), json={"document_id": doc_id}).json["dnr"]
    response = client.post(f"/api/registry/{dnr}/disposal", headers=auth("registrar"), json={"reason": "x"})
    assert response.status_code == 409 and "ska bevaras" in response.json["error"]["message"]


@pytest.mark.office
def test_an_archived_upload_carries_a_pdfa_rendering(client: Any, auth: Auth, settings: Any, tmp_path: Path) -> None:
    doc_id = extracted(client, auth, settings)
    dnr = client.post("/api/registry", headers=auth("registrar"), json={"document_id": doc_id}).json["dnr"]
    client.post(f"/api/registry/{dnr}/archive", headers=auth("registrar"))
    package = client.get(f"/api/registry/{dnr}/package", headers=auth("clerk")).data
    (tmp_path / "package.zip").write_bytes(package)
    assert eark.check(tmp_path / "package.zip") == ([], [])  # (errors, warnings)
    archive = zipfile.ZipFile(io.BytesIO(package))
    data = {n.rsplit("/", 1)[1]: archive.read(n) for n in archive.namelist() if "/data/" in n}
    assert sorted(data) == ["plan-pdfa.pdf", "plan.pdf"]
    assert data["plan.pdf"] == plan_pdf()
    assert re.search(rb"pdfaid:part='?>?2", data["plan-pdfa.pdf"])
    premis = archive.read(f"kansli-kan-{YEAR}-1-1/metadata/preservation/premis.xml").decode()
    assert "PDF/A-2b framställd ur originalet" in premis


def _with_mets(package: bytes, change: Callable[[bytes], bytes], path: Path) -> Path:
    """The package with its root METS.xml changed by ``change``, written to ``path``."""
    source = zipfile.ZipFile(io.BytesIO(package))
    with zipfile.ZipFile(path, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, change(data) if name.count("/") == 1 and name.endswith("/METS.xml") else data)
    return path


def test_the_validators_sip14_rule_cannot_be_met_together_with_csip16(tmp_path: Path) -> None:
    """Why eark.check() sets SIP14 aside: eark-validator 1.1.3 contradicts itself there."""
    record = {"dnr": "KAN 2026/00001", "description": "Plan", "software": {"kansli": "0.1.0"}}
    package, _ = build_package(record, [("plan.pdf", b"%PDF-1.4 plan")], [], ("Botkyrka kommun", None))
    as_built = eark.report(_with_mets(package, lambda m: m, tmp_path / "as-built.zip"))
    assert [(rule, eark.validator_defect(rule, where)) for rule, where, _ in as_built] == [("SIP14", True)]

    plain = _with_mets(package, lambda m: m.replace(b'csip:NOTETYPE="SOFTWARE VERSION"',
                                                    b'csip:NOTETYPE="SOFTWARE VERSION" NOTETYPE="IDENTIFICATIONCODE"'),
                       tmp_path / "plain-notetype.zip")
    assert any("attribute 'NOTETYPE' is not allowed" in message for _, _, message in eark.report(plain))

    without = _with_mets(package, lambda m: re.sub(rb'\s*<note csip:NOTETYPE="SOFTWARE VERSION">[^<]*</note>', b"", m),
                         tmp_path / "no-note.zip")
    assert {"CSIP15", "CSIP16"} <= {rule for rule, _, _ in eark.report(without)}


def test_the_submitting_organisation_is_configurable(make_settings: Callable[..., Any], database_url: str) -> None:
    settings = make_settings(database_url, KANSLI_ORGANISATION="Botkyrka kommun", KANSLI_ORGANISATION_ID="212000-0159")
    assert (settings.organisation, settings.organisation_id) == ("Botkyrka kommun", "212000-0159")
    with db.session_scope(settings.database_url) as session:
        store = Store(settings.files_dir)
        doc, _ = add_upload(session, store, plan_pdf(filler_pages=0), "plan.pdf", None)
        registration = register(session, "KAN", document_id=doc.id)
        archiving.archive(session, store, registration, (settings.organisation, settings.organisation_id))
        package = zipfile.ZipFile(io.BytesIO(store.get(registration.package_sha256)))
    mets = etree.fromstring(package.read(f"kansli-kan-{YEAR}-1-1/METS.xml"))
    submitter = mets.find(".//{*}agent[@OTHERROLE='SUBMITTER']")
    assert submitter.findtext("{*}name") == "Botkyrka kommun"
    assert submitter.findtext("{*}note") == "212000-0159"


def test_the_bytes_of_a_disposed_document_are_refused_with_a_reason(client: Any, auth: Auth, settings: Any) -> None:
    from helpers.pdfs import text_pdf
    from kansli.models import Document
    from kansli.status import DocumentStatus

    data = text_pdf("Ett underlag som gallras")
    doc_id = client.post("/api/documents", headers=auth("clerk"), data={"file": (io.BytesIO(data), "u.pdf")}).json["id"]
    with db.session_scope(settings.database_url) as session:
        session.get_one(Document, doc_id).status = DocumentStatus.DISPOSED
    again = client.post("/api/documents", headers=auth("clerk"), data={"file": (io.BytesIO(data), "u.pdf")})
    assert again.status_code == 409
    assert again.json["error"] == {"code": "disposed", "message": (
        f"u.pdf: samma fil har gallrats som dokument {doc_id} och kan inte tas emot igen.")}


def test_an_upload_and_a_draft_of_the_same_kind_name_are_kept_as_their_own_schedule_says(settings: Any) -> None:
    """An agency's report (an upload) and the consolidated report (a draft) are both "report": the schedule
    tells them apart, and a draft of a kind the schedule names nowhere is not kept for good unasked."""
    from kansli.registry.numbering import register

    schedule = {**config.RETENTION, "document:report": 3, "output:report": 7}
    with db.session_scope(settings.database_url) as session:
        upload = Document(filename="r.pdf", sha256="ef" * 32, size=1, status="extracted", kind="report")
        draft = Output(kind="report", fields={}, status="ready")
        follow_up = Output(kind="followup_report", fields={}, status="ready")
        session.add_all([upload, draft, follow_up])
        session.flush()
        kept = [register(session, "KAN", retention=schedule, **item).retain_until
                for item in ({"document_id": upload.id}, {"output_id": draft.id}, {"output_id": follow_up.id})]
    assert [date.fromisoformat(k).year - date.today().year for k in kept] == [3, 7, 10]
