"""Hostile input (issue 15): each request that once answered 500, or was stored as it came, is refused with
the contract's JSON error (or a flashed message on a page) and changes nothing. On SQLite and PostgreSQL."""
from __future__ import annotations

import json
import re
from typing import Any

import pytest
from sqlalchemy import func, select

from helpers.api import Auth, extracted, upload
from kansli import db
from kansli.models import Output, Registration, Revision

BIG = 2**63  # PostgreSQL's bigint ends one below; its integer at 2**31 - 1


def deep(levels: int) -> str:
    return '{"municipality": ' + "[" * levels + "]" * levels + "}"


def strict_json(text: str) -> Any:
    """JSON as other languages read it: NaN and Infinity are not numbers."""
    def refuse(name: str) -> Any:
        raise ValueError(f"{name} in JSON")

    return json.loads(text, parse_constant=refuse)


def count(settings: Any, model: Any) -> int:
    with db.session_scope(settings.database_url) as session:
        return session.scalar(select(func.count()).select_from(model))


def refused(response: Any, status: int, *words: str) -> None:
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:300])
    error = response.json["error"]
    assert set(error) == {"code", "message"} and error["code"] in ("bad_request", "invalid_fields", "too_large")
    for word in words:
        assert word in error["message"], error["message"]


@pytest.mark.parametrize(("body", "status", "words"), [
    (deep(1200), 400, ["nästlat"]),
    ('{"a": ' * 1000 + "1" + "}" * 1000, 400, ["nästlat"]),
    ('{"municipality": NaN}', 400, ["NaN"]),
    ('{"indicators": [{"name": "x", "baseline": {"year": 2006, "value": NaN}}]}', 400, ["NaN"]),
    ('{"indicators": [{"name": "x", "target": {"year": 2010, "value": Infinity}}]}', 400, ["Infinity"]),
    ('{"indicators": [{"name": "x", "target": {"year": 2010, "value": 1e999}}]}', 400, ["för stort"]),
    ('{"adopted": "2020-13-45"}', 422, ["Antagen", "ÅÅÅÅ-MM-DD"]),
    ('{"period": {"start": true, "end": 2010}}', 422, ["Startår", "heltal"]),
    ('{"period": {"start": "2008", "end": 2010}}', 422, ["Startår", "heltal"]),
    (json.dumps({"period": {"start": BIG, "end": BIG}}), 422, ["Startår", "2100"]),
    (json.dumps({"indicators": [{"name": "x", "baseline": {"year": BIG, "value": 1}}]}), 422, ["Indikatorer", "År"]),
    (json.dumps({"municipality": "x" * (4 * 1024 * 1024)}), 413, ["kB"]),
    (json.dumps({"municipality": "x" * 1001}), 422, ["Kommun", "1000 tecken"]),
    (json.dumps({"districts": ["Alby"] * 501}), 422, ["Stadsdelar", "500 poster"]),
    (json.dumps({"municipality": 5}), 422, ["Kommun", "text"]),
    ("{", 400, ["giltig JSON"]),
], ids=["nested-lists", "nested-objects", "nan", "nan-in-indicator", "infinity", "overflowing-float", "impossible-date",
        "bool-year", "text-year", "year-above-2**63", "indicator-year-above-2**63", "4-mib-value", "long-line",
        "long-list", "number-for-text", "broken-json"])
def test_hostile_corrections_are_refused_and_change_nothing(client: Any, auth: Auth, settings: Any, body: str,
                                                             status: int, words: list[str]) -> None:
    doc_id = extracted(client, auth, settings)
    response = client.patch(f"/api/documents/{doc_id}/fields", headers=auth("drafter"), data=body,
                            content_type="application/json")
    refused(response, status, *words)
    assert count(settings, Revision) == 1
    strict_json(client.get("/api/documents", headers=auth("clerk")).get_data(as_text=True))


@pytest.mark.parametrize(("body", "words"), [
    ({"kind": "report", "document_ids": [[1]]}, ["document_ids", "heltal"]),
    ({"kind": "report", "document_ids": [BIG]}, ["document_ids", "2147483647"]),
    ({"kind": "report", "document_ids": [True]}, ["document_ids", "heltal"]),
    ({"kind": "agreement", "document_id": BIG, "agency": "Polismyndigheten"}, ["document_id"]),
    ({"kind": "agreement", "document_id": "1", "agency": "Polismyndigheten"}, ["document_id", "heltal"]),
    ({"kind": "agreement", "document_id": 1, "agency": ["Polismyndigheten"]}, ["agency", "text"]),
    ({"kind": ["agreement"]}, ["kind", "text"]),
    ({"kind": "decision", "salary": 1}, ["Okänt fält: salary"]),
    ([1, 2], ["JSON-objekt"]),
], ids=["nested-ids", "id-above-2**63", "bool-id", "document-id-above-2**63", "text-id", "list-agency", "list-kind",
        "unknown-key", "not-an-object"])
def test_hostile_output_requests_are_400(client: Any, auth: Auth, settings: Any, body: Any, words: list[str]) -> None:
    refused(client.post("/api/outputs", headers=auth("drafter"), json=body), 400, *words)
    assert count(settings, Output) == 0


def test_hostile_decision_fields_are_422(client: Any, auth: Auth, settings: Any) -> None:
    fields = {"addressee": "AF", "title": "T", "date": "2008-02-30", "item": {"nested": True}}
    response = client.post("/api/outputs", headers=auth("drafter"), json={"kind": "decision", "fields": fields})
    refused(response, 422, "Datum", "Punkt")
    assert count(settings, Output) == 0


@pytest.mark.parametrize(("body", "words"), [
    ({"document_id": BIG}, ["document_id"]),
    ({"document_id": [[1]]}, ["document_id", "heltal"]),
    ({"document_id": True}, ["document_id", "heltal"]),
    ({"party": 5}, ["party", "text"]),
    ({"description": ["x"]}, ["description", "text"]),
    ({"party": {"name": "x"}}, ["party", "text"]),
    ({"party": "Botkyrka\x00kommun"}, ["party", "styrtecken"]),
    ({"description": "x" * 1001}, ["description", "1000 tecken"]),
], ids=["id-above-2**63", "nested-id", "bool-id", "number-party", "list-description", "object-party", "nul-party",
        "long-description"])
def test_hostile_registrations_are_400(client: Any, auth: Auth, settings: Any, body: dict[str, Any],
                                       words: list[str]) -> None:
    doc_id = upload(client, auth("clerk")).json["id"]
    response = client.post("/api/registry", headers=auth("registrar"), json={"document_id": doc_id, **body})
    refused(response, 400, *words)
    assert count(settings, Registration) == 0


@pytest.mark.parametrize(("call", "body", "words"), [
    ("hold", {"hold": True, "reason": {"why": "x"}}, ["reason", "text"]),
    ("hold", {"hold": "true", "reason": "Begäran"}, ["hold", "true eller false"]),
    ("hold", {"hold": True, "reason": "a\x00b"}, ["reason", "styrtecken"]),
    ("disposal", {"reason": 7}, ["reason", "text"]),
    ("disposal", {"reason": ["Gallringsbeslut"]}, ["reason", "text"]),
], ids=["object-reason", "text-hold", "nul-reason", "number-reason", "list-reason"])
def test_hostile_holds_and_disposals_are_400(client: Any, auth: Auth, settings: Any, call: str, body: dict[str, Any],
                                             words: list[str]) -> None:
    doc_id = upload(client, auth("clerk")).json["id"]
    dnr = client.post("/api/registry", headers=auth("registrar"), json={"document_id": doc_id}).json["dnr"]
    refused(client.post(f"/api/registry/{dnr}/{call}", headers=auth("registrar"), json=body), 400, *words)
    registration = client.get(f"/api/registry/{dnr}", headers=auth("clerk")).json
    assert (registration["legal_hold"], registration["disposal_requested"]) == (False, False)


@pytest.mark.parametrize(("path", "words"), [
    ("/api/registry?q=%00", ["q", "styrtecken"]),
    ("/api/registry?q=Botkyrka%01kommun", ["q", "styrtecken"]),
    ("/api/registry?q=" + "x" * 201, ["q", "200 tecken"]),
    ("/api/registry?municipality=%00", ["municipality"]),
    ("/api/registry?year=%C2%B2", ["year", "0–9"]),
    (f"/api/registry?year={BIG}", ["year"]),
    ("/api/registry?year=3000", ["year", "2100"]),
    ("/api/registry?kind=%00", ["kind"]),
    ("/api/registry?status=gone", ["status", "registered"]),
    ("/api/documents?ids=%C2%B2", ["ids", "0–9"]),
    (f"/api/documents?ids=1,{BIG}", ["ids", "2147483647"]),
    ("/api/documents?ids=" + ",".join(map(str, range(1, 300))), ["ids", "200 poster"]),
    ("/api/outputs?document_id=%C2%B2", ["document_id"]),
    (f"/api/outputs?document_id={BIG}", ["document_id"]),
], ids=["nul-q", "control-q", "long-q", "nul-municipality", "superscript-year", "year-above-2**63", "year-3000",
        "nul-kind", "unknown-status", "superscript-ids", "ids-above-2**63", "too-many-ids", "superscript-document-id",
        "document-id-above-2**63"])
def test_hostile_query_arguments_are_400(client: Any, auth: Auth, path: str, words: list[str]) -> None:
    refused(client.get(path, headers=auth("clerk")), 400, *words)


@pytest.mark.parametrize("path", [
    f"/api/documents/{BIG}", f"/api/documents/{BIG}/history", f"/api/documents/{BIG}/file", f"/api/outputs/{BIG}",
    f"/api/outputs/{BIG}/files/x.docx", "/api/documents/0", "/api/registry/%00", "/api/registry/KAN%00/package",
    "/api/registry/" + "x" * 500,
])
def test_ids_no_row_can_have_are_404(client: Any, auth: Auth, path: str) -> None:
    response = client.get(path, headers=auth("clerk"))
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"


def test_a_json_body_needs_the_json_content_type(client: Any, auth: Auth, settings: Any) -> None:
    response = client.post("/api/outputs", headers=auth("drafter"), data='{"kind": "report"}', content_type="text/plain")
    refused(response, 400, "Content-Type")


# --- the pages: the same checks, answered with a message instead of a 500 ---

def login(client: Any, role: str) -> str:
    """Sign in as the fixture user of ``role``; returns a CSRF token for later posts."""
    token = lambda html: re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)  # noqa: E731
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"name": role, "password": f"losenord-{role}", "csrf_token": token(page)})
    return token(client.get("/").get_data(as_text=True))


@pytest.mark.parametrize(("form", "words"), [
    ({"indicator-rows": "abc"}, ["Formuläret är skadat (antalet rader i en tabell)"]),
    ({"indicator-rows": str(BIG)}, ["Formuläret är skadat (antalet rader i en tabell)"]),
    ({"f-period-start": "²", "f-period-end": "2010"}, ["Startår ska vara ett heltal"]),
    ({"f-period-start": str(BIG), "f-period-end": str(BIG)}, ["Startår får vara högst 2100"]),
    ({"f-adopted": "2020-13-45"}, ["Antagen ska vara ett datum"]),
    ({"indicator-rows": "1", "f-indicators-0-name": "x", "f-indicators-0-bv": "NaN"}, ["Värde ska vara ett tal"]),
    ({"indicator-rows": "1", "f-indicators-0-name": "x", "f-indicators-0-by": "٢٠٠٨"}, ["År ska vara ett heltal"]),
    ({"f-municipality": "x" * 1001}, ["Kommun får vara högst 1000 tecken"]),
], ids=["text-rows", "rows-above-2**63", "superscript-year", "year-above-2**63", "impossible-date", "nan-value",
        "arabic-digits-year", "long-line"])
def test_hostile_review_forms_are_refused_with_a_message(client: Any, auth: Auth, settings: Any, form: dict[str, str],
                                                          words: list[str]) -> None:
    doc_id = extracted(client, auth, settings)
    token = login(client, "drafter")
    response = client.post(f"/documents/{doc_id}/fields", data={"csrf_token": token, **form}, follow_redirects=True)
    html = response.get_data(as_text=True)
    if "indicator-rows" in form and "f-indicators-0-name" not in form:  # a tampered form: nothing typed to keep
        assert response.status_code == 200 and "Fälten sparades inte" in html
    else:  # the page again, as typed, with the error summary (issue 10)
        assert response.status_code == 422 and 'class="error-summary"' in html
    for word in words:
        assert word in html
    assert count(settings, Revision) == 1


def test_hostile_page_forms_and_searches_answer_with_a_message(client: Any, auth: Auth, settings: Any) -> None:
    doc_id = extracted(client, auth, settings)
    token = login(client, "admin")
    html = client.post(f"/documents/{doc_id}/outputs", data={"csrf_token": token, "kind": "report",
                                                             "document_ids": ["²"]}, follow_redirects=True)
    assert "document_ids" in html.get_data(as_text=True) and count(settings, Output) == 0
    for item in ("document-²", f"document-{BIG}", "output-"):
        response = client.post("/registry", data={"csrf_token": token, "item": item}, follow_redirects=True)
        assert response.status_code == 200 and 'class="flash error"' in response.get_data(as_text=True)
    assert count(settings, Registration) == 0
    for query in ("q=%00", "year=%C2%B2", f"year={BIG}", "status=gone"):
        response = client.get(f"/registry?{query}")
        assert response.status_code == 200 and "Sökningen gick inte att göra" in response.get_data(as_text=True)
    response = client.post("/registry/archive", data={"csrf_token": token, "dnr": "KAN\x00"})
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["clerk\x00", "\x00", "x" * 5000])
def test_a_login_name_no_user_can_have_is_a_failed_login(client: Any, tokens: Any, name: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    response = client.post("/login", data={"name": name, "password": "losenord-clerk", "csrf_token": token})
    assert response.status_code == 401 and "Fel användarnamn eller lösenord" in response.get_data(as_text=True)
