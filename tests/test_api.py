"""The JSON API of shared/contracts/api.md, on SQLite and PostgreSQL, with a real Redis."""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from helpers.api import Auth, extracted, upload
from helpers.pdfs import plan_pdf
from kansli import db, queues
from kansli.models import Document, Revision
from workers.jobs import extract_document


def test_upload_is_stored_queued_and_described(client: Any, auth: Auth, settings: Any) -> None:
    response = upload(client, auth("clerk"))
    assert response.status_code == 202
    body = response.json
    assert body["status"] == "queued"
    doc = client.get(f"/api/documents/{body['id']}", headers=auth("registrar")).json
    assert {"id", "filename", "sha256", "status", "progress", "extraction", "error"} <= set(doc)
    assert (doc["filename"], doc["status"], doc["progress"], doc["extraction"]) == ("plan.pdf", "queued", 0, None)
    redis = queues.connection(settings.redis_url)
    assert queues.live_job(redis, queues.document_job_id(body["id"])) is not None
    assert (settings.files_dir / doc["sha256"][:2] / doc["sha256"][2:]).read_bytes() == plan_pdf()


@pytest.mark.parametrize(("role", "status"), [(None, 401), ("registrar", 403), ("drafter", 202), ("admin", 202)])
def test_upload_roles(client: Any, auth: Auth, role: str | None, status: int) -> None:
    response = upload(client, auth(role) if role else {})
    assert response.status_code == status
    if status >= 400:
        assert set(response.json["error"]) == {"code", "message"}


def test_bad_token_is_401(client: Any) -> None:
    response = client.get("/api/documents", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401 and response.json["error"]["code"] == "unauthorized"


def test_not_a_pdf_is_415_with_a_clear_message(client: Any, auth: Auth, settings: Any) -> None:
    response = upload(client, auth("clerk"), b"<html>not a pdf</html>", "rapport.pdf")
    assert response.status_code == 415
    assert response.json["error"]["code"] == "not_pdf"
    assert response.json["error"]["message"].startswith("rapport.pdf: Filen är ingen PDF")
    with db.session_scope(settings.database_url) as session:
        assert session.scalar(select(func.count()).select_from(Document)) == 0


def test_too_large_is_413(make_settings: Any, database_url: str, auth: Auth, tokens: Any) -> None:
    from service import create_app

    small = make_settings(database_url, KANSLI_MAX_UPLOAD_MB="1")
    client = create_app(small, {"TESTING": True}).test_client()
    response = upload(client, auth("clerk"), b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10))
    assert response.status_code == 413
    assert response.json["error"]["code"] == "too_large" and "1 MB" in response.json["error"]["message"]


def test_missing_file_field_is_400(client: Any, auth: Auth) -> None:
    response = client.post("/api/documents", headers=auth("clerk"), data={})
    assert response.status_code == 400 and "file" in response.json["error"]["message"]


def test_same_bytes_twice_are_recognised(client: Any, auth: Auth, settings: Any) -> None:
    first = upload(client, auth("clerk"), name="a.pdf")
    second = upload(client, auth("drafter"), name="b.pdf")
    assert first.status_code == 202 and second.status_code == 200
    assert second.json["id"] == first.json["id"] and second.json["duplicate"] is True
    with db.session_scope(settings.database_url) as session:
        assert session.scalar(select(func.count()).select_from(Document)) == 1


def test_filenames_are_never_paths(client: Any, auth: Auth, settings: Any, tmp_path: Path) -> None:
    response = upload(client, auth("clerk"), name="../../../../tmp/evil.pdf")
    doc = client.get(f"/api/documents/{response.json['id']}", headers=auth("clerk")).json
    assert doc["filename"] == "evil.pdf"
    stored = [p for p in settings.files_dir.rglob("*") if p.is_file()]
    assert [p.name for p in stored] == [doc["sha256"][2:]]
    assert not Path("/tmp/evil.pdf").exists()


def test_extraction_job_fills_the_document(client: Any, auth: Auth, settings: Any) -> None:
    doc_id = extracted(client, auth, settings)
    doc = client.get(f"/api/documents/{doc_id}", headers=auth("clerk")).json
    assert doc["progress"] == 100 and doc["error"] is None
    assert doc["extraction"]["kind"] == "district_plan"
    assert doc["extraction"]["fields"]["municipality"] == "Botkyrka kommun"


def test_correction_keeps_the_original_in_the_history(client: Any, auth: Auth, settings: Any) -> None:
    doc_id = extracted(client, auth, settings)
    response = client.patch(f"/api/documents/{doc_id}/fields", headers=auth("drafter"),
                            json={"municipality": "Botkyrka  kommun ", "period": {"start": 2008, "end": 2011}})
    assert response.status_code == 200
    assert response.json["extraction"]["fields"]["period"] == {"start": 2008, "end": 2011}
    assert response.json["revision"] == 2
    history = client.get(f"/api/documents/{doc_id}/history", headers=auth("clerk")).json["revisions"]
    assert [r["source"] for r in history] == ["extraction", "correction"]
    assert history[0]["fields"]["period"] == {"start": 2008, "end": 2010}
    assert history[1]["changed"] == ["period"] and history[1]["user"] == "drafter"


@pytest.mark.parametrize(("body", "message"), [
    ({"period": {"start": 2011, "end": 2008}}, "startåret"),
    ({"adopted": "24 april 2008"}, "ÅÅÅÅ-MM-DD"),
    ({"districts": "Alby"}, "lista"),
    ({"salary": 1}, "Okänt fält"),
    ([1, 2], "JSON-objekt"),
])
def test_invalid_corrections_are_422_and_change_nothing(client: Any, auth: Auth, settings: Any,
                                                         body: Any, message: str) -> None:
    doc_id = extracted(client, auth, settings)
    response = client.patch(f"/api/documents/{doc_id}/fields", headers=auth("drafter"), json=body)
    assert response.status_code == 422 and message in response.json["error"]["message"]
    with db.session_scope(settings.database_url) as session:
        assert session.scalar(select(func.count()).select_from(Revision)) == 1


def test_corrections_need_a_drafter_and_an_extracted_document(client: Any, auth: Auth) -> None:
    doc_id = upload(client, auth("clerk")).json["id"]
    assert client.patch(f"/api/documents/{doc_id}/fields", headers=auth("clerk"), json={}).status_code == 403
    response = client.patch(f"/api/documents/{doc_id}/fields", headers=auth("drafter"),
                            json={"municipality": "X kommun"})
    assert response.status_code == 409


def test_output_requests_are_checked(client: Any, auth: Auth, settings: Any) -> None:
    doc_id = upload(client, auth("clerk")).json["id"]
    post = lambda role, body: client.post("/api/outputs", headers=auth(role), json=body)  # noqa: E731
    agreement = {"kind": "agreement", "document_id": doc_id, "agency": "Arbetsförmedlingen"}
    assert post("clerk", agreement).status_code == 403
    assert post("drafter", agreement).status_code == 409  # not extracted yet
    assert post("drafter", {**agreement, "document_id": 999}).status_code == 404
    assert post("drafter", {**agreement, "agency": "Skatteverket"}).status_code == 400
    assert post("drafter", {"kind": "poem"}).status_code == 400
    extract_document(doc_id)
    decision = post("drafter", {"kind": "decision", "document_id": doc_id})  # a plan is no decision
    assert decision.status_code == 409 and decision.json["error"]["code"] == "wrong_kind"
    assert post("drafter", {"kind": "decision", "fields": {"title": "Uppdrag"}}).status_code == 422
    bad = post("drafter", {"kind": "decision", "fields": {"addressee": "AF", "title": "T", "copies_to": "x"}})
    assert bad.status_code == 422 and "lista" in bad.json["error"]["message"]


@pytest.mark.office
def test_agreement_output_is_rendered_and_downloadable(client: Any, auth: Auth, settings: Any) -> None:
    from workers.jobs import render_output

    doc_id = extracted(client, auth, settings)
    response = client.post("/api/outputs", headers=auth("admin"),
                           json={"kind": "agreement", "document_id": doc_id, "agency": "Polismyndigheten"})
    assert response.status_code == 202 and response.json["status"] == "queued"
    render_output(response.json["id"])
    output = client.get(f"/api/outputs/{response.json['id']}", headers=auth("clerk")).json
    assert output["status"] == "ready" and output["kind"] == "agreement"
    assert output["error"] is None
    assert [f["format"] for f in output["files"]] == ["docx", "pdf", "png"]
    word, pdf, preview = output["files"]
    assert word["name"] == "samverkansoverenskommelse-polismyndigheten-botkyrka.docx"
    assert pdf["name"] == "samverkansoverenskommelse-polismyndigheten-botkyrka.pdf"
    download = client.get(word["url"], headers=auth("registrar"))
    assert download.status_code == 200 and download.data[:2] == b"PK"
    assert download.mimetype.endswith("wordprocessingml.document")
    assert b"pdfaid:part>2<" in client.get(pdf["url"], headers=auth("clerk")).data
    image = client.get(preview["url"], headers=auth("clerk"))
    assert image.mimetype == "image/png" and image.data[:4] == b"\x89PNG"


@pytest.mark.office
def test_decision_from_fields_gives_one_letter_per_recipient(client: Any, auth: Auth, settings: Any) -> None:
    from workers.jobs import render_output

    fields = {"department": "Integrations- och jämställdhetsdepartementet", "date": "2008-05-08",
              "reference": "IJ2008/1215/IU", "item": "5", "addressee": "Arbetsförmedlingen",
              "addressee_address": "Hälsingegatan 38, 113 99 Stockholm", "title": "Uppdrag att samverka",
              "decision": "Myndigheterna får i uppdrag.", "background": "Av budgetpropositionen framgår.",
              "identical_to": ["Rikspolisstyrelsen", "Försäkringskassan"], "signatories": ["Nyamko Sabuni", "Evert Kroes"],
              "copies_to": ["Statsrådsberedningen"], "municipalities": []}
    response = client.post("/api/outputs", headers=auth("drafter"), json={"kind": "decision", "fields": fields})
    assert response.status_code == 202
    render_output(response.json["id"])
    output = client.get(f"/api/outputs/{response.json['id']}", headers=auth("clerk")).json
    assert output["status"] == "ready" and output["document_id"] is None
    names = [f["name"] for f in output["files"] if f["format"] == "docx"]
    assert names == ["beslut-ij2008-1215-iu-arbetsformedlingen.docx", "beslut-ij2008-1215-iu-rikspolisstyrelsen.docx",
                     "beslut-ij2008-1215-iu-forsakringskassan.docx"]
    assert sum(f["format"] == "pdf" for f in output["files"]) == 3


@pytest.mark.office
def test_batch_drafts_one_agreement_per_municipality_of_a_decision(client: Any, auth: Auth, settings: Any) -> None:
    import zipfile

    from helpers.data import SEED
    from helpers.pdfs import text_pdf
    from workers.jobs import render_output

    plan_id = extracted(client, auth, settings)  # Botkyrka's plan
    decision_id = upload(client, auth("clerk"), text_pdf(SEED.read_text()), "beslut.pdf").json["id"]
    extract_document(decision_id)
    response = client.post("/api/outputs", headers=auth("drafter"),
                           json={"kind": "batch", "document_id": decision_id, "agency": "Polismyndigheten"})
    assert response.status_code == 202
    render_output(response.json["id"])
    output = client.get(f"/api/outputs/{response.json['id']}", headers=auth("clerk")).json
    assert output["status"] == "ready" and output["kind_text"].startswith("Överenskommelser")
    [file] = output["files"]
    assert (file["name"], file["format"]) == ("samverkansoverenskommelser-polismyndigheten.zip", "zip")
    archive = zipfile.ZipFile(io.BytesIO(client.get(file["url"], headers=auth("clerk")).data))
    names = archive.namelist()
    assert len(names) == 22 and "sammanfattning.txt" in names
    assert "samverkansoverenskommelse-polismyndigheten-botkyrka.docx" in names  # filled from the plan
    assert "samverkansoverenskommelse-polismyndigheten-vaxjo-ofullstandig.docx" in names
    summary = archive.read("sammanfattning.txt").decode()
    assert "Botkyrka kommun: ifylld från stadsdelsplanen" in summary
    assert summary.count("ofullständig") == 20
    assert plan_id != decision_id


def test_batch_needs_a_decision_document(client: Any, auth: Auth, settings: Any) -> None:
    plan_id = extracted(client, auth, settings)
    response = client.post("/api/outputs", headers=auth("drafter"),
                           json={"kind": "batch", "document_id": plan_id, "agency": "Polismyndigheten"})
    assert response.status_code == 409 and "regeringsbeslut" in response.json["error"]["message"]


@pytest.mark.office
def test_consolidated_report_merges_reports_and_deduplicates_proposals(
        client: Any, auth: Auth, settings: Any, tmp_path: Path) -> None:
    from helpers.office import libreoffice_text
    from helpers.pdfs import report_pdf
    from workers.jobs import render_output

    shared = "En nationell samordnare för urbant utvecklingsarbete bör utses"
    ids = []
    for agency, reference, municipalities, proposals in (
        ("Polismyndigheten", "PM-2010/17", ["Malmö kommun"], [shared, "Fler poliser i Rosengård"]),
        ("Försäkringskassan", "FK-2010/4411", ["Malmö kommun", "Uppsala kommun"], [shared.upper()]),
    ):
        doc_id = upload(client, auth("clerk"), report_pdf(agency, 2009, municipalities, reference, "2010-02-15",
                                                          proposals), f"{agency}.pdf").json["id"]
        extract_document(doc_id)
        ids.append(doc_id)
    response = client.post("/api/outputs", headers=auth("drafter"), json={"kind": "report", "document_ids": ids})
    assert response.status_code == 202
    render_output(response.json["id"])
    output = client.get(f"/api/outputs/{response.json['id']}", headers=auth("clerk")).json
    assert output["status"] == "ready" and output["files"][0]["name"] == "sammanstalld-redovisning-2009.docx"
    text = libreoffice_text(client.get(output["files"][0]["url"], headers=auth("clerk")).data, tmp_path)
    assert "Malmö kommun Försäkringskassan FK-2010/4411 2010-02-15 Malmö kommun Polismyndigheten PM-2010/17" in text
    assert text.count(shared) == 1
    assert f"{shared} (Källa: Polismyndigheten, PM-2010/17; Försäkringskassan, FK-2010/4411)" in text
    assert "Fler poliser i Rosengård (Källa: Polismyndigheten, PM-2010/17)" in text


def test_report_needs_report_documents(client: Any, auth: Auth, settings: Any) -> None:
    plan_id = extracted(client, auth, settings)
    post = lambda body: client.post("/api/outputs", headers=auth("drafter"), json=body)  # noqa: E731
    assert post({"kind": "report", "document_ids": []}).status_code == 400
    wrong = post({"kind": "report", "document_ids": [plan_id]})
    assert wrong.status_code == 409 and "myndighetsrapporter" in wrong.json["error"]["message"]


def test_extracted_values_record_their_page_and_box(client: Any, auth: Auth, settings: Any) -> None:
    doc_id = extracted(client, auth, settings)
    doc = client.get(f"/api/documents/{doc_id}", headers=auth("clerk")).json
    where = doc["provenance"]
    assert set(where) == set(doc["extraction"]["fields"])
    assert where["reference"]["page"] == 1
    x0, top, x1, bottom = where["reference"]["bbox"]
    assert 0 < x0 < x1 < 595 and 0 < top < bottom < 842  # on an A4 page, in points
    assert [w["page"] for w in where["districts"]] == [1, 1]
    assert where["adopted"]["page"] == 1 and where["contact"]["email"]["page"] == 1
    assert where["municipality"]["page"] == 1  # "Botkyrka kommun" assembled from "Kommun: Botkyrka"
    assert len(where["indicators"]) == 2 and where["goals"]["arbete"][0]["page"] == 1


def test_listing_drafts_asks_the_database_as_often_for_many_as_for_one(client: Any, auth: Auth, settings: Any) -> None:
    """The draft list read each draft's files, registration and template versions on its own: three or four
    queries a draft, 800 for a list of 200."""
    from sqlalchemy import event

    from kansli.models import Output, OutputFile, Template

    def add_drafts(count: int) -> None:
        with db.session_scope(settings.database_url) as session:
            made = []
            for _ in range(count):
                output = Output(kind="agreement", agency="Polismyndigheten", status="ready", fields={},
                                templates={"agreement": "a" * 64})
                output.files = [OutputFile(name="avtal.docx", format="docx", sha256="b" * 64, size=1)]
                session.add(output)
                made.append(output)
            if not session.scalar(select(Template)):
                session.add(Template(name="agreement", sha256="a" * 64, size=1, filename="avtal.docx"))
            session.flush()
            ids = [o.id for o in made]
        for output_id in ids:
            assert client.post("/api/registry", headers=auth("registrar"), json={"output_id": output_id}).status_code == 201

    def queries() -> tuple[int, list[dict[str, Any]]]:
        seen: list[str] = []
        engine = db.engine_for(settings.database_url)
        listen = lambda *args: seen.append(args[2])  # noqa: E731 (statement)
        event.listen(engine, "before_cursor_execute", listen)
        try:
            listed = client.get("/api/outputs", headers=auth("clerk")).json["outputs"]
        finally:
            event.remove(engine, "before_cursor_execute", listen)
        return len(seen), listed

    add_drafts(1)
    one, listed = queries()
    assert listed[0]["registration"]["dnr"] and listed[0]["template_versions"][0]["version"] == 1
    add_drafts(5)
    many, listed = queries()
    assert len(listed) == 6 and all(o["registration"] and o["files"] for o in listed)
    assert many == one
