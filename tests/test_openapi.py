"""The OpenAPI document cannot drift from the API: every route, every status and every body is checked."""
from __future__ import annotations

import copy
from typing import Any

import pytest
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate

from helpers.api import Auth, extracted, upload
from kansli import db
from kansli.models import Output, OutputFile
from kansli.outputs import KINDS, template_variables
from kansli.registry.terms import DispatchMethod, SecrecyPart
from kansli.status import CaseStatus, Direction, DocumentStatus, OutputStatus, RegistrationStatus
from kansli.storage import Store
from workers.jobs import render_output


def route_template(rule: str) -> str:
    path = rule.replace("<int:", "<").replace("<path:", "<").replace("<", "{").replace(">", "}")
    return path.replace("{doc_id}", "{id}").replace("{output_id}", "{id}")


def inline(schema: Any, spec: dict[str, Any]) -> Any:
    """The schema with each ``$ref`` to a component replaced by the component itself."""
    if isinstance(schema, dict):
        if "$ref" in schema:
            return inline(spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]], spec)
        return {k: inline(v, spec) for k, v in schema.items()}
    if isinstance(schema, list):
        return [inline(v, spec) for v in schema]
    return copy.deepcopy(schema)


class Checked:
    """A test client whose every answer must be described: its status, and its JSON body's schema."""

    def __init__(self, client: Any, spec: dict[str, Any]) -> None:
        self.client, self.spec, self.seen = client, spec, set()

    def __call__(self, method: str, path: str, template: str, **kwargs: Any) -> Any:
        response = self.client.open(path, method=method, **kwargs)
        described = self.spec["paths"][template][method.lower()]["responses"]
        assert str(response.status_code) in described, f"{method} {path} answered {response.status_code}, " \
                                                        f"which /api/openapi.json does not describe"
        content = described[str(response.status_code)].get("content", {}).get("application/json")
        if content:
            OAS30Validator(inline(content["schema"], self.spec)).validate(response.json)
            self.seen.add((method, template, response.status_code))
        return response


def test_the_description_is_valid_openapi_and_lists_every_route_both_ways(app: Any, client: Any) -> None:
    spec = client.get("/api/openapi.json").json
    validate(spec)
    routes: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            routes.setdefault(route_template(rule.rule), set()).update(rule.methods - {"HEAD", "OPTIONS"})
    described = {path: {m.upper() for m in ops} for path, ops in spec["paths"].items()}
    assert described == routes


def test_lists_of_values_come_from_the_code(client: Any) -> None:
    schemas = client.get("/api/openapi.json").json["components"]["schemas"]
    assert schemas["Document"]["properties"]["status"]["enum"] == [str(s) for s in DocumentStatus]
    assert schemas["Output"]["properties"]["status"]["enum"] == [str(s) for s in OutputStatus]
    assert schemas["Output"]["properties"]["kind"]["enum"] == list(KINDS)
    assert schemas["Registration"]["properties"]["status"]["enum"] == [str(s) for s in RegistrationStatus]
    assert schemas["Registration"]["properties"]["direction"]["enum"] == [str(d) for d in Direction]
    assert schemas["Case"]["properties"]["status"]["enum"] == [str(s) for s in CaseStatus]
    assert schemas["Template"]["properties"]["name"]["enum"] == list(template_variables())
    assert "disposed" in schemas["Document"]["properties"]["status"]["enum"]
    assert "report.docx" in schemas["Template"]["properties"]["name"]["enum"]
    assert schemas["Dispatch"]["properties"]["method"]["enum"] == [str(m) for m in DispatchMethod]
    assert schemas["SecrecyRequest"]["properties"]["parts"]["items"]["enum"] == [str(p) for p in SecrecyPart]


@pytest.mark.office
def test_real_answers_match_the_description(client: Any, auth: Auth, settings: Any) -> None:
    call = Checked(client, client.get("/api/openapi.json").json)
    doc_id = extracted(client, auth, settings)
    call("GET", "/api/documents", "/api/documents", headers=auth("clerk"))
    call("GET", f"/api/documents/{doc_id}", "/api/documents/{id}", headers=auth("clerk"))
    call("GET", "/api/documents/999", "/api/documents/{id}", headers=auth("clerk"))
    call("PATCH", f"/api/documents/{doc_id}/fields", "/api/documents/{id}/fields", headers=auth("drafter"),
         json={"reference": "KS 2008/99"})
    call("PATCH", f"/api/documents/{doc_id}/fields", "/api/documents/{id}/fields", headers=auth("drafter"),
         json={"adopted": "inte ett datum"})
    call("POST", "/api/documents", "/api/documents", headers=auth("drafter"))
    call("POST", "/api/outputs", "/api/outputs", headers=auth("drafter"), json={"kind": "okänd"})
    output_id = call("POST", "/api/outputs", "/api/outputs", headers=auth("drafter"),
                     json={"kind": "agreement", "document_id": doc_id, "agency": "Polismyndigheten"}).json["id"]
    render_output(output_id)
    call("GET", f"/api/outputs/{output_id}", "/api/outputs/{id}", headers=auth("clerk"))
    call("GET", "/api/outputs", "/api/outputs", headers=auth("clerk"))
    call("GET", "/api/templates", "/api/templates", headers=auth("clerk"))
    dnr = call("POST", "/api/registry", "/api/registry", headers=auth("registrar"),
               json={"output_id": output_id}).json["dnr"]
    call("POST", "/api/registry", "/api/registry", headers=auth("registrar"), json={"output_id": output_id})
    call("GET", "/api/registry", "/api/registry", headers=auth("clerk"), query_string={"q": "Botkyrka"})
    call("GET", f"/api/registry/{dnr}", "/api/registry/{dnr}", headers=auth("clerk"))
    call("POST", f"/api/registry/{dnr}/hold", "/api/registry/{dnr}/hold", headers=auth("registrar"),
         json={"hold": True, "reason": "Begäran om utlämnande"})
    call("POST", f"/api/registry/{dnr}/hold", "/api/registry/{dnr}/hold", headers=auth("registrar"),
         json={"hold": "false"})
    call("POST", f"/api/registry/{dnr}/archive", "/api/registry/{dnr}/archive", headers=auth("registrar"))
    call("POST", "/api/documents", "/api/documents", headers=auth("clerk"))
    assert upload(client, auth("clerk")).status_code == 200  # the same bytes again
    assert {(m, t) for m, t, _ in call.seen} >= {
        ("GET", "/api/documents"), ("GET", "/api/documents/{id}"), ("PATCH", "/api/documents/{id}/fields"),
        ("POST", "/api/outputs"), ("GET", "/api/outputs/{id}"), ("GET", "/api/outputs"), ("GET", "/api/templates"),
        ("POST", "/api/registry"), ("GET", "/api/registry"), ("GET", "/api/registry/{dnr}"),
        ("POST", "/api/registry/{dnr}/hold"), ("POST", "/api/registry/{dnr}/archive")}


def test_secrecy_dispatch_and_public_answers_match_the_description(client: Any, auth: Auth, settings: Any) -> None:
    from kansli import db
    from kansli.models import Output

    call = Checked(client, client.get("/api/openapi.json").json)
    doc_id = extracted(client, auth, settings)
    dnr = client.post("/api/registry", headers=auth("registrar"), json={"document_id": doc_id}).json["dnr"]
    with db.session_scope(settings.database_url) as session:
        output = Output(kind="agreement", agency="Polismyndigheten", status="ready", fields={"municipality": "Malmö"})
        session.add(output)
        session.flush()
        output_id = output.id
    out = client.post("/api/registry", headers=auth("registrar"), json={"output_id": output_id}).json["dnr"]
    secrecy, lift = "/api/registry/{dnr}/secrecy", "/api/registry/{dnr}/secrecy/lift"
    call("POST", f"/api/registry/{dnr}/secrecy", secrecy, headers=auth("registrar"),
         json={"parts": ["party", "document"], "provision": "OSL 21 kap. 3 §"})
    call("POST", f"/api/registry/{dnr}/secrecy", secrecy, headers=auth("registrar"),
         json={"parts": ["party"], "provision": "OSL 21 kap. 3 §"})
    call("POST", f"/api/registry/{dnr}/secrecy", secrecy, headers=auth("registrar"), json={"parts": ["date"]})
    call("GET", "/api/public/registry", "/api/public/registry", query_string={"q": "KAN"})
    call("GET", "/api/public/registry", "/api/public/registry", query_string={"page": "x"})
    call("GET", f"/api/registry/{dnr}", "/api/registry/{dnr}", headers=auth("clerk"))
    call("POST", f"/api/registry/{dnr}/secrecy/lift", lift, headers=auth("registrar"), json={"reason": "Prövat"})
    call("POST", f"/api/registry/{dnr}/secrecy/lift", lift, headers=auth("registrar"), json={"reason": "Prövat"})
    call("POST", f"/api/registry/{dnr}/secrecy/lift", lift, headers=auth("registrar"),
         json={"reason": "Prövat", "mark_id": 999})
    proposed = "/api/registry/{dnr}/dispatches/proposed"
    call("GET", f"/api/registry/{out}/dispatches/proposed", proposed, headers=auth("clerk"))
    call("GET", f"/api/registry/{dnr}/dispatches/proposed", proposed, headers=auth("clerk"))
    call("POST", f"/api/registry/{out}/dispatches", "/api/registry/{dnr}/dispatches", headers=auth("registrar"),
         json={"recipient": "Polismyndigheten", "method": "email", "address": "registrator@polisen.se"})
    call("POST", f"/api/registry/{dnr}/dispatches", "/api/registry/{dnr}/dispatches", headers=auth("registrar"),
         json={"recipient": "Polismyndigheten", "method": "email"})
    call("GET", f"/api/registry/{out}", "/api/registry/{dnr}", headers=auth("clerk"))
    assert {(m, t, s) for m, t, s in call.seen} >= {
        ("POST", secrecy, 201), ("POST", secrecy, 409), ("POST", secrecy, 400), ("POST", lift, 200),
        ("POST", lift, 409), ("POST", lift, 404), ("GET", proposed, 200), ("GET", proposed, 409),
        ("POST", "/api/registry/{dnr}/dispatches", 201), ("POST", "/api/registry/{dnr}/dispatches", 409),
        ("GET", "/api/public/registry", 200), ("GET", "/api/public/registry", 400)}


def test_case_and_void_answers_match_the_description(client: Any, auth: Auth) -> None:
    call = Checked(client, client.get("/api/openapi.json").json)
    doc_id = upload(client, auth("clerk")).json["id"]
    case = call("POST", "/api/cases", "/api/cases", headers=auth("registrar"),
                json={"title": "Partnerskap Botkyrka", "municipality": "Botkyrka kommun"}).json["dnr"]
    call("POST", "/api/cases", "/api/cases", headers=auth("registrar"), json={"title": ""})
    call("POST", "/api/cases", "/api/cases", headers=auth("clerk"), json={"title": "X"})
    dnr = call("POST", "/api/registry", "/api/registry", headers=auth("registrar"),
               json={"document_id": doc_id, "case": case, "direction": "internal"}).json["dnr"]
    call("POST", "/api/registry", "/api/registry", headers=auth("registrar"), json={"document_id": doc_id, "case": "KAN 1/1"})
    call("GET", "/api/cases", "/api/cases", headers=auth("clerk"), query_string={"q": "Botkyrka", "status": "open"})
    call("GET", "/api/cases", "/api/cases", headers=auth("clerk"), query_string={"status": "okänd"})
    call("GET", f"/api/cases/{case}", "/api/cases/{dnr}", headers=auth("clerk"))
    call("GET", "/api/cases/KAN 1/1", "/api/cases/{dnr}", headers=auth("clerk"))
    call("POST", f"/api/cases/{case}/close", "/api/cases/{dnr}/close", headers=auth("registrar"))
    call("POST", f"/api/cases/{case}/close", "/api/cases/{dnr}/close", headers=auth("registrar"))
    call("POST", f"/api/cases/{case}/reopen", "/api/cases/{dnr}/reopen", headers=auth("registrar"))
    call("POST", f"/api/cases/{case}/reopen", "/api/cases/{dnr}/reopen", headers=auth("registrar"))
    call("POST", f"/api/registry/{dnr}/void", "/api/registry/{dnr}/void", headers=auth("registrar"), json={})
    call("POST", f"/api/registry/{dnr}/void", "/api/registry/{dnr}/void", headers=auth("registrar"),
         json={"reason": "Fel ärende"})
    call("POST", f"/api/registry/{dnr}/void", "/api/registry/{dnr}/void", headers=auth("registrar"),
         json={"reason": "Igen"})
    call("GET", f"/api/cases/{case}", "/api/cases/{dnr}", headers=auth("clerk"))
    assert {(m, t, s) for m, t, s in call.seen} >= {
        ("POST", "/api/cases", 201), ("POST", "/api/cases", 400), ("GET", "/api/cases", 200),
        ("GET", "/api/cases/{dnr}", 200), ("GET", "/api/cases/{dnr}", 404), ("POST", "/api/cases/{dnr}/close", 200),
        ("POST", "/api/cases/{dnr}/close", 409), ("POST", "/api/cases/{dnr}/reopen", 200),
        ("POST", "/api/cases/{dnr}/reopen", 409), ("POST", "/api/registry/{dnr}/void", 200),
        ("POST", "/api/registry/{dnr}/void", 400), ("POST", "/api/registry/{dnr}/void", 409),
        ("POST", "/api/registry", 201), ("POST", "/api/registry", 404)}


def test_case_export_and_archive_answers_match_the_description(client: Any, auth: Auth, settings: Any) -> None:
    call = Checked(client, client.get("/api/openapi.json").json)
    store = Store(settings.files_dir)
    with db.session_scope(settings.database_url) as session:  # a ready output, its file in the store
        output = Output(kind="agreement", agency="Polismyndigheten", status="ready", fields={})
        output.files.append(OutputFile(name="avtal.pdf", format="pdf", sha256=store.put(b"%PDF-1.4"), size=8))
        session.add(output)
        session.flush()
        output_id = output.id
    case = call("POST", "/api/registry", "/api/registry", headers=auth("registrar"),
                json={"output_id": output_id}).json["case"]
    erms, archive, package = f"/api/cases/{case}/erms", f"/api/cases/{case}/archive", f"/api/cases/{case}/package"
    exported = call("GET", erms, "/api/cases/{dnr}/erms", headers=auth("registrar"))
    assert exported.status_code == 200 and exported.mimetype == "application/xml"
    call("GET", erms, "/api/cases/{dnr}/erms", headers=auth("clerk"))
    call("GET", "/api/cases/KAN 1/1/erms", "/api/cases/{dnr}/erms", headers=auth("registrar"))
    call("POST", archive, "/api/cases/{dnr}/archive", headers=auth("registrar"))
    call("GET", package, "/api/cases/{dnr}/package", headers=auth("clerk"))
    call("POST", f"/api/cases/{case}/close", "/api/cases/{dnr}/close", headers=auth("registrar"))
    call("POST", archive, "/api/cases/{dnr}/archive", headers=auth("registrar"))
    call("POST", "/api/cases/KAN 1/1/archive", "/api/cases/{dnr}/archive", headers=auth("registrar"))
    assert call("GET", package, "/api/cases/{dnr}/package", headers=auth("clerk")).mimetype == "application/zip"
    call("GET", "/api/cases/KAN 1/1/package", "/api/cases/{dnr}/package", headers=auth("clerk"))
    call("GET", f"/api/cases/{case}", "/api/cases/{dnr}", headers=auth("clerk"))
    assert {(m, t, s) for m, t, s in call.seen} >= {
        ("GET", "/api/cases/{dnr}/erms", 403), ("GET", "/api/cases/{dnr}/erms", 404),
        ("POST", "/api/cases/{dnr}/archive", 202), ("POST", "/api/cases/{dnr}/archive", 409),
        ("POST", "/api/cases/{dnr}/archive", 404), ("GET", "/api/cases/{dnr}/package", 409),
        ("GET", "/api/cases/{dnr}/package", 404), ("GET", "/api/cases/{dnr}", 200)}


def test_document_list_retry_and_removal_answers_match_the_description(client: Any, auth: Auth) -> None:
    from workers.jobs import extract_document

    call = Checked(client, client.get("/api/openapi.json").json)
    broken = upload(client, auth("clerk"), b"%PDF-1.4 broken", "trasig.pdf").json["id"]
    extract_document(broken)  # refused: failed
    call("GET", "/api/documents", "/api/documents", headers=auth("clerk"),
         query_string={"q": "trasig", "status": "failed", "sort": "name", "page": "1", "per_page": "10"})
    call("GET", "/api/documents", "/api/documents", headers=auth("clerk"), query_string={"page": "0"})
    call("POST", f"/api/documents/{broken}/retry", "/api/documents/{id}/retry", headers=auth("clerk"))
    call("POST", f"/api/documents/{broken}/retry", "/api/documents/{id}/retry", headers=auth("clerk"))
    call("DELETE", f"/api/documents/{broken}", "/api/documents/{id}", headers=auth("clerk"))  # queued: 409
    extract_document(broken)
    call("DELETE", f"/api/documents/{broken}", "/api/documents/{id}", headers=auth("clerk"))
    call("DELETE", f"/api/documents/{broken}", "/api/documents/{id}", headers=auth("clerk"))
    call("POST", "/api/documents/999/retry", "/api/documents/{id}/retry", headers=auth("clerk"))
    assert {(m, t, s) for m, t, s in call.seen} >= {
        ("GET", "/api/documents", 200), ("GET", "/api/documents", 400), ("POST", "/api/documents/{id}/retry", 202),
        ("POST", "/api/documents/{id}/retry", 409), ("POST", "/api/documents/{id}/retry", 404),
        ("DELETE", "/api/documents/{id}", 409), ("DELETE", "/api/documents/{id}", 404)}
    assert client.get(f"/api/documents/{broken}", headers=auth("clerk")).status_code == 404
