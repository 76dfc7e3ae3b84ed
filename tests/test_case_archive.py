"""A case from the registry as FGS Ärendehantering (GET /api/cases/<dnr>/erms) and archived as one package."""
from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from sqlalchemy import select

from helpers import eark
from helpers.api import upload
from helpers.pages import accessibility_problems, login
from helpers.pdfs import plan_pdf
from kansli import db, fixity
from kansli.models import AuditEntry, Output, OutputFile
from kansli.registry.erms import validate
from kansli.storage import Store

Auth = Callable[[str], dict[str, str]]
YEAR = date.today().year
NS = {"e": "https://DILCIS.eu/XML/ERMS"}
PROVISION = "OSL 21 kap. 3 §"


def agreement_output(settings: Any) -> int:
    """A ready agreement with its Word and PDF files in the store (their content does not matter here)."""
    store = Store(settings.files_dir)
    with db.session_scope(settings.database_url) as session:
        output = Output(kind="agreement", agency="Polismyndigheten", status="ready",
                        fields={"municipality": "Botkyrka kommun"})
        for name, fmt, data in (("avtal.docx", "docx", b"PK avtal"), ("avtal.pdf", "pdf", b"%PDF-1.4 avtal"),
                                ("avtal.png", "png", b"preview")):
            output.files.append(OutputFile(name=name, format=fmt, sha256=store.put(data), size=len(data)))
        session.add(output)
        session.flush()
        return output.id


def partnership_case(client: Any, auth: Auth, settings: Any) -> dict[str, str]:
    """A case with an incoming plan, an outgoing agreement sent to the police, a secret report and an error."""
    registrar = auth("registrar")
    case = client.post("/api/cases", headers=registrar, json={
        "title": "Lokal samverkan i Botkyrka", "municipality": "Botkyrka kommun", "officer": "registrar"}).json["dnr"]

    def register(body: dict[str, Any]) -> str:
        response = client.post("/api/registry", headers=registrar, json={"case": case, **body})
        assert response.status_code == 201, response.json
        return response.json["dnr"]

    def document(data: bytes, name: str) -> int:
        return upload(client, auth("clerk"), data, name).json["id"]

    plan = register({"document_id": document(plan_pdf(), "plan.pdf"), "party": "Botkyrka kommun",
                     "description": "Strategisk stadsdelsplan för Alby och Fittja"})
    agreement = register({"output_id": agreement_output(settings)})
    sent = client.post(f"/api/registry/{agreement}/dispatches", headers=registrar,
                       json={"recipient": "Polismyndigheten", "method": "email", "date": "2026-03-01"})
    assert sent.status_code == 201
    secret = register({"document_id": document(plan_pdf(filler_pages=1), "rapport.pdf"), "party": "Karl Åkesson",
                       "description": "Uppgifter om enskilda i Fittja"})
    marked = client.post(f"/api/registry/{secret}/secrecy", headers=registrar,
                         json={"parts": ["party", "description"], "provision": PROVISION})
    assert marked.status_code == 201
    voided = register({"document_id": document(plan_pdf(filler_pages=2), "fel.pdf"), "description": "Fel ärende"})
    assert client.post(f"/api/registry/{voided}/void", headers=registrar,
                       json={"reason": "Registrerad i fel ärende"}).status_code == 200
    return {"case": case, "plan": plan, "agreement": agreement, "secret": secret, "voided": voided}


def records(erms: bytes) -> dict[str, etree._Element]:
    return {r.findtext("e:objectId", namespaces=NS): r for r in etree.fromstring(erms).iterfind(".//e:record", NS)}


def assert_describes(erms: bytes, made: dict[str, str]) -> None:
    """The ERMS file is valid and says what the case holds: numbers, directions, restriction, voiding."""
    assert validate(erms) == []
    root = etree.fromstring(erms)
    case = root.find("e:aggregations/e:aggregation", NS)
    assert case.get("aggregationType") == "caseFile" and case.findtext("e:objectId", namespaces=NS) == made["case"]
    assert case.findtext("e:agents/e:agent[@agentType='counterpart']/e:name", namespaces=NS) == "Botkyrka kommun"
    assert case.findtext("e:agents/e:agent[@agentType='responsible_person']/e:name", namespaces=NS) == "registrar"
    found = records(erms)
    assert list(found) == [made[k] for k in ("plan", "agreement", "secret", "voided")]
    assert [r.findtext("e:runningNumber", namespaces=NS) for r in found.values()] == ["1", "2", "3", "4"]
    plan, agreement, secret, voided = found.values()
    assert plan.find("e:direction", NS).get("directionDefinition") == "incoming"
    assert plan.findtext("e:agents/e:agent[@agentType='sender']/e:name", namespaces=NS) == "Botkyrka kommun"
    assert plan.findtext("e:title", namespaces=NS) == "plan.pdf"
    assert agreement.find("e:direction", NS).get("directionDefinition") == "outgoing"
    assert agreement.find("e:status", NS).get("value") == "expedited"
    assert agreement.findtext("e:title", namespaces=NS) == "Samverkansöverenskommelse, Polismyndigheten"
    assert agreement.findtext("e:action/e:agents/e:agent[@agentType='recipient']/e:name", namespaces=NS) \
        == "Polismyndigheten"
    assert agreement.findtext("e:dispatchMode", namespaces=NS) == "e-post"
    assert secret.findtext("e:restriction/e:regulation", namespaces=NS) == PROVISION
    assert secret.find("e:restriction", NS).get("restrictionType") == "confidential"
    assert secret.findtext("e:agents/e:agent[@agentType='sender']/e:protectedIdentity", namespaces=NS) == "true"
    assert voided.find("e:status", NS).get("value") == "obliterated"
    assert "Registrerad i fel ärende" in voided.findtext("e:notes/e:note", namespaces=NS)
    assert voided.find(".//e:appendix", NS) is None  # a voided number holds no files


def test_the_case_as_erms_from_the_api_is_valid_and_complete(client: Any, auth: Auth, settings: Any) -> None:
    made = partnership_case(client, auth, settings)
    case = made["case"]
    assert client.get(f"/api/cases/{case}/erms", headers=auth("clerk")).status_code == 403  # secret parts inside
    assert client.get("/api/cases/KAN 1999/1/erms", headers=auth("registrar")).status_code == 404
    response = client.get(f"/api/cases/{case}/erms", headers=auth("registrar"))
    assert response.status_code == 200 and response.mimetype == "application/xml"
    assert response.headers["Content-Disposition"] == f'attachment; filename="kansli-kan-{YEAR}-1-erms.xml"'
    assert_describes(response.data, made)
    agreement = records(response.data)[made["agreement"]]
    assert [a.get("name") for a in agreement.iterfind(".//e:appendix", NS)] == ["avtal.docx", "avtal.pdf"]
    assert records(response.data)[made["plan"]].find(".//e:appendix", NS).get("path") == \
        f"representations/rep1/data/kan-{YEAR}-1-1/plan.pdf"
    with db.session_scope(settings.database_url) as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "download"))
        assert (entry.subject, entry.actor, entry.details) == (case, "registrar", {"what": "erms"})


def test_a_secret_document_is_exported_as_a_restriction_on_the_document(client: Any, auth: Auth,
                                                                          settings: Any) -> None:
    doc = upload(client, auth("clerk")).json["id"]
    dnr = client.post("/api/registry", headers=auth("registrar"), json={"document_id": doc}).json["dnr"]
    client.post(f"/api/registry/{dnr}/secrecy", headers=auth("registrar"), json={"parts": ["document"],
                                                                                 "provision": PROVISION})
    erms = client.get(f"/api/cases/{dnr.rsplit('-', 1)[0]}/erms", headers=auth("registrar")).data
    assert validate(erms) == []
    text = records(erms)[dnr].findtext("e:restriction/e:explanatoryText", namespaces=NS)
    assert text.startswith(f"Sekretess för handlingen enligt {PROVISION}")


def test_what_keeps_a_case_from_being_archived_gets_a_swedish_409(client: Any, auth: Auth, settings: Any) -> None:
    registrar = auth("registrar")
    case = client.post("/api/cases", headers=registrar, json={"title": "Ärende"}).json["dnr"]
    archive = lambda: client.post(f"/api/cases/{case}/archive", headers=registrar)  # noqa: E731
    assert client.post(f"/api/cases/{case}/archive", headers=auth("clerk")).status_code == 403
    assert client.post("/api/cases/KAN 1999/1/archive", headers=registrar).status_code == 404
    opened = archive()
    assert opened.status_code == 409
    assert opened.json["error"]["message"] == (f"Ärendet {case} är öppet; avsluta det först, så att inga fler "
                                               "handlingar kan komma till efter arkiveringen.")
    first = client.post("/api/registry", headers=registrar, json={"output_id": agreement_output(settings),
                                                                  "case": case}).json["dnr"]
    client.post(f"/api/registry/{first}/void", headers=registrar, json={"reason": "Fel"})
    client.post(f"/api/cases/{case}/close", headers=registrar)
    assert archive().json["error"]["message"] == f"Ärendet {case} har inga handlingar att arkivera, bara makulerade."

    client.post(f"/api/cases/{case}/reopen", headers=registrar)
    alone = client.post("/api/registry", headers=registrar, json={"output_id": agreement_output(settings),
                                                                  "case": case}).json["dnr"]
    assert client.post(f"/api/registry/{alone}/archive", headers=registrar).status_code == 202  # on its own
    client.post(f"/api/cases/{case}/close", headers=registrar)
    refused = archive()
    assert refused.status_code == 409 and refused.json["error"]["message"] == (
        f"{alone} är redan arkiverad i ett eget paket, så ärendet {case} kan inte arkiveras i ett paket.")
    assert client.get(f"/api/cases/{case}/package", headers=auth("clerk")).status_code == 409
    assert client.post(f"/api/cases/{case}/reopen", headers=registrar).status_code == 200  # not archived as a whole


@pytest.mark.office
def test_archiving_a_case_gives_one_valid_package_with_every_document(client: Any, auth: Auth, settings: Any,
                                                                     tmp_path: Path) -> None:
    made = partnership_case(client, auth, settings)
    case, registrar = made["case"], auth("registrar")
    assert client.post(f"/api/cases/{case}/close", headers=registrar).status_code == 200
    response = client.post(f"/api/cases/{case}/archive", headers=registrar)
    assert response.status_code == 202, response.json
    documents = response.json["documents"]
    assert [d["status"] for d in documents] == ["archived", "archived", "archived", "voided"]
    digest = response.json["package_sha256"]
    assert digest and {d["package_sha256"] for d in documents[:3]} == {digest} and documents[3]["package_sha256"] is None

    package = client.get(f"/api/cases/{case}/package", headers=auth("clerk"))
    assert package.mimetype == "application/zip"
    (tmp_path / "case.zip").write_bytes(package.data)
    assert eark.check(tmp_path / "case.zip") == ([], [])  # (errors, warnings)
    archive = zipfile.ZipFile(io.BytesIO(package.data))
    root = f"kansli-kan-{YEAR}-1/"
    assert_describes(archive.read(root + "metadata/descriptive/erms.xml"), made)
    data = sorted(n.removeprefix(root + "representations/rep1/data/") for n in archive.namelist() if "/data/" in n)
    assert data == [f"kan-{YEAR}-1-1/plan-pdfa.pdf", f"kan-{YEAR}-1-1/plan.pdf", f"kan-{YEAR}-1-2/avtal.docx",
                    f"kan-{YEAR}-1-2/avtal.pdf", f"kan-{YEAR}-1-3/rapport-pdfa.pdf", f"kan-{YEAR}-1-3/rapport.pdf"]
    assert archive.read(root + f"representations/rep1/data/kan-{YEAR}-1-1/plan.pdf") == plan_pdf()
    premis = archive.read(root + "metadata/preservation/premis.xml").decode()
    assert f"{made['plan']}: PDF/A-2b framställd ur originalet" in premis and f"Ärendet {case} arkiverat" in premis

    assert fixity.check(settings.database_url, Store(settings.files_dir)).failures == []
    again = client.post(f"/api/cases/{case}/archive", headers=registrar)
    assert (again.status_code, again.json["error"]["message"]) == (409, f"Ärendet {case} är redan arkiverat.")
    reopened = client.post(f"/api/cases/{case}/reopen", headers=registrar)
    assert reopened.status_code == 409 and "arkiverat och kan inte öppnas igen" in reopened.json["error"]["message"]
    with db.session_scope(settings.database_url) as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action.in_(("archive_case", "archive")))).all()
        assert [(e.action, e.subject) for e in entries] == [("archive_case", case)] + [
            ("archive", made[k]) for k in ("plan", "agreement", "secret")]
        assert entries[0].details == {"package_sha256": digest, "documents": [made["plan"], made["agreement"],
                                                                              made["secret"]]}

    path = Store(settings.files_dir).path(digest)  # fixity notices a changed byte in the case's package
    path.chmod(0o644)
    damaged = bytearray(path.read_bytes())
    damaged[len(damaged) // 2] ^= 0x01
    path.write_bytes(bytes(damaged))
    failures = fixity.check(settings.database_url, Store(settings.files_dir)).failures
    assert f"{made['plan']}: paketet är ändrat" in failures


def test_the_case_page_offers_the_export_and_archiving_with_a_confirmation(client: Any, auth: Auth,
                                                                           settings: Any) -> None:
    registrar = auth("registrar")
    case = client.post("/api/cases", headers=registrar, json={"title": "Avtal med polisen"}).json["dnr"]
    dnr = client.post("/api/registry", headers=registrar, json={"output_id": agreement_output(settings),
                                                                "case": case}).json["dnr"]
    token = login(client, "registrar")
    page = client.get(f"/registry/cases/{case}").get_data(as_text=True)
    export = re.search(r'<a href="([^"]+)" download>Exportera \(FGS Ärendehantering\)</a>', page).group(1)
    assert validate(client.get(export).data) == []  # the page's own login session fetches it
    confirm_url = re.search(r'<a href="([^"]+)">Arkivera ärendet…</a>', page).group(1).replace("&amp;", "&")
    confirm = client.get(confirm_url).get_data(as_text=True)
    assert f"<h1>Arkivera ärendet {case}?</h1>" in confirm and "Ärendet är öppet." in confirm and dnr in confirm
    assert accessibility_problems(confirm) == []
    refused = client.post("/registry/case-archive", data={"csrf_token": token, "dnr": case}, follow_redirects=True)
    assert "är öppet; avsluta det först" in refused.get_data(as_text=True)  # back to the confirmation, with why
    client.post("/registry/case-status", data={"csrf_token": token, "dnr": case, "action": "close"})
    done = client.post("/registry/case-archive", data={"csrf_token": token, "dnr": case},
                       follow_redirects=True).get_data(as_text=True)
    assert f"Ärendet {case} är arkiverat i ett paket och kan inte längre ändras." in done
    assert "Ladda ned arkivpaketet" in done and "Arkivera ärendet…" not in done and "Öppna ärendet igen" not in done
    assert accessibility_problems(done) == []

    clerk = client.application.test_client()
    login(clerk, "clerk")
    seen = clerk.get(f"/registry/cases/{case}").get_data(as_text=True)
    assert "Exportera" not in seen and "Ladda ned arkivpaketet" in seen
    assert clerk.get(f"/registry/case-archive?dnr={case}").status_code == 403
