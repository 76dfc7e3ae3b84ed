"""Cases (ärenden): case numbers, running numbers within a case, direction, closing, voiding; API and pages."""
from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any
from urllib.parse import quote

from sqlalchemy import select

from helpers.api import upload
from helpers.pages import login
from helpers.pdfs import plan_pdf
from kansli import db
from kansli.documents import add_upload
from kansli.models import AuditEntry, Registration
from kansli.registry.numbering import open_case, register
from kansli.storage import Store

Auth = Callable[[str], dict[str, str]]
YEAR = date.today().year


def documents(settings: Any, count: int) -> list[int]:
    ids = []
    with db.session_scope(settings.database_url) as session:
        for n in range(count):
            doc, _ = add_upload(session, Store(settings.files_dir), f"%PDF-1.4 doc {n}".encode(), f"{n}.pdf", None)
            ids.append(doc.id)
    return ids


def test_100_concurrent_registrations_in_one_case_get_running_numbers_without_gap(settings: Any) -> None:
    ids = documents(settings, 100)
    with db.session_scope(settings.database_url) as session:
        case = open_case(session, "KAN", "Lokalt partnerskap Botkyrka").dnr

    def register_one(doc_id: int) -> str:  # each thread a session and transaction of its own
        with db.session_scope(settings.database_url) as session:
            return register(session, "KAN", document_id=doc_id, case=case).dnr

    with ThreadPoolExecutor(max_workers=16) as pool:
        numbers = list(pool.map(register_one, ids))
    assert case == f"KAN {YEAR}/1"
    assert sorted(numbers, key=lambda d: int(d.rsplit("-", 1)[1])) == [f"{case}-{n}" for n in range(1, 101)]
    with db.session_scope(settings.database_url) as session:
        rows = session.scalars(select(Registration).order_by(Registration.number)).all()
        assert [r.number for r in rows] == list(range(1, 101)) and {r.case.last_document for r in rows} == {100}


def test_concurrent_case_openings_get_consecutive_numbers(settings: Any) -> None:
    ids = documents(settings, 50)

    def open_one(n: int) -> str:
        with db.session_scope(settings.database_url) as session:
            if n < 50:
                return open_case(session, "KAN", f"Ärende {n}").dnr
            return register(session, "KAN", document_id=ids[n - 50]).case.dnr  # opens a case of its own

    with ThreadPoolExecutor(max_workers=16) as pool:
        numbers = list(pool.map(open_one, range(100)))
    assert sorted(numbers, key=lambda d: int(d.rsplit("/", 1)[1])) == [f"KAN {YEAR}/{n}" for n in range(1, 101)]


def test_cases_through_the_api(client: Any, auth: Auth, settings: Any) -> None:
    body = {"title": "Lokalt partnerskap Botkyrka", "municipality": "Botkyrka kommun", "officer": "registrar"}
    assert client.post("/api/cases", headers=auth("clerk"), json=body).status_code == 403
    response = client.post("/api/cases", headers=auth("registrar"), json=body)
    assert response.status_code == 201
    case = response.json
    assert (case["dnr"], case["status"], case["status_text"], case["officer"]) == \
        (f"KAN {YEAR}/1", "open", "Öppet", "registrar")
    unknown = client.post("/api/cases", headers=auth("registrar"), json={"title": "X", "officer": "ingen"})
    assert unknown.status_code == 400 and "ingen användare som heter ingen" in unknown.json["error"]["message"]
    blank = client.post("/api/cases", headers=auth("registrar"), json={"title": "  "})
    assert blank.status_code == 400 and blank.json["error"]["message"] == "Rubrik får inte vara tomt."
    other = client.post("/api/cases", headers=auth("admin"), json={"title": "Rapporter 2026"}).json
    assert other["dnr"] == f"KAN {YEAR}/2"  # the refused ones took no number

    doc = upload(client, auth("clerk"), plan_pdf(filler_pages=1), "plan.pdf").json["id"]
    second = upload(client, auth("clerk"), plan_pdf(filler_pages=2), "plan2.pdf").json["id"]
    first = client.post("/api/registry", headers=auth("registrar"), json={"document_id": doc, "case": case["dnr"]})
    assert first.status_code == 201
    assert (first.json["dnr"], first.json["case"], first.json["direction"]) == (f"{case['dnr']}-1", case["dnr"], "incoming")
    memo = client.post("/api/registry", headers=auth("registrar"),
                       json={"document_id": second, "case": case["dnr"], "direction": "internal"}).json
    assert memo["dnr"] == f"{case['dnr']}-2" and memo["direction_text"] == "Intern"
    missing = client.post("/api/registry", headers=auth("registrar"), json={"document_id": second, "case": "KAN 1999/9"})
    assert missing.status_code == 404 and "KAN 1999/9 finns inte" in missing.json["error"]["message"]
    wrong = client.post("/api/registry", headers=auth("registrar"), json={"document_id": second, "direction": "upp"})
    assert wrong.status_code == 400 and "Riktning" in wrong.json["error"]["message"]

    for path in (case["dnr"], quote(case["dnr"], safe="")):  # as it is, and URL-encoded
        shown = client.get(f"/api/cases/{path}", headers=auth("clerk"))
        assert shown.status_code == 200, path
        assert [d["dnr"] for d in shown.json["documents"]] == [f"{case['dnr']}-1", f"{case['dnr']}-2"]
        assert shown.json["document_count"] == 2
    assert client.get("/api/cases/KAN 1999/9", headers=auth("clerk")).status_code == 404

    assert client.post(f"/api/cases/{case['dnr']}/close", headers=auth("clerk")).status_code == 403
    closed = client.post(f"/api/cases/{case['dnr']}/close", headers=auth("registrar"))
    assert closed.status_code == 200 and closed.json["status"] == "closed" and closed.json["closed_at"]
    assert client.post(f"/api/cases/{case['dnr']}/close", headers=auth("registrar")).status_code == 409
    third = upload(client, auth("clerk"), plan_pdf(filler_pages=3), "plan3.pdf").json["id"]
    refused = client.post("/api/registry", headers=auth("registrar"), json={"document_id": third, "case": case["dnr"]})
    assert refused.status_code == 409 and "avslutat" in refused.json["error"]["message"]
    reopened = client.post(f"/api/cases/{case['dnr']}/reopen", headers=auth("registrar")).json
    assert reopened["status"] == "open" and reopened["closed_at"] is None
    again = client.post("/api/registry", headers=auth("registrar"), json={"document_id": third, "case": case["dnr"]})
    assert again.json["dnr"] == f"{case['dnr']}-3"  # the refused attempt took no number

    listed = lambda query: [c["dnr"] for c in client.get(f"/api/cases?{query}", headers=auth("clerk")).json["cases"]]  # noqa: E731
    assert listed("") == [other["dnr"], case["dnr"]]
    assert listed("q=partnerskap") == [case["dnr"]] and listed(f"q={YEAR}/2") == [other["dnr"]]
    assert listed("municipality=botkyrka kommun") == [case["dnr"]] and listed("status=closed") == []
    # the registry search finds the documents of a case by the case's number and title
    found = lambda q: {r["dnr"] for r in client.get("/api/registry", query_string={"q": q},  # noqa: E731
                                                    headers=auth("clerk")).json["registrations"]}
    assert found("partnerskap botkyrka") == {f"{case['dnr']}-{n}" for n in (1, 2, 3)}
    assert found(case["dnr"]) == {f"{case['dnr']}-{n}" for n in (1, 2, 3)}
    with db.session_scope(settings.database_url) as session:
        entries = [(e.action, e.subject) for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))
                   if e.action != "upload"]
    assert entries[:2] == [("open_case", case["dnr"]), ("open_case", other["dnr"])]
    assert ("close_case", case["dnr"]) in entries and ("reopen_case", case["dnr"]) in entries


def test_registering_without_a_case_opens_one_titled_from_the_item(client: Any, auth: Auth) -> None:
    doc = upload(client, auth("clerk")).json["id"]
    record = client.post("/api/registry", headers=auth("registrar"), json={"document_id": doc}).json
    assert record["dnr"] == f"KAN {YEAR}/1-1" and record["number"] == 1
    case = client.get(f"/api/cases/{record['case']}", headers=auth("clerk")).json
    assert case["title"] == record["description"] and [d["dnr"] for d in case["documents"]] == [record["dnr"]]


def test_a_voided_number_stays_and_is_never_reused(client: Any, auth: Auth, settings: Any) -> None:
    doc = upload(client, auth("clerk")).json["id"]
    first = client.post("/api/registry", headers=auth("registrar"), json={"document_id": doc}).json
    dnr, case = first["dnr"], first["case"]
    void = lambda who, body: client.post(f"/api/registry/{dnr}/void", headers=auth(who), json=body)  # noqa: E731
    assert void("clerk", {"reason": "Fel ärende"}).status_code == 403
    no_reason = void("registrar", {})
    assert no_reason.status_code == 400 and no_reason.json["error"]["message"] == "Skäl saknas."
    voided = void("registrar", {"reason": "Registrerad i fel ärende"})
    assert voided.status_code == 200
    assert (voided.json["status"], voided.json["status_text"], voided.json["void_reason"], voided.json["voided_by"]) == \
        ("voided", "Makulerad", "Registrerad i fel ärende", "registrar")
    assert void("registrar", {"reason": "igen"}).status_code == 409
    archive = client.post(f"/api/registry/{dnr}/archive", headers=auth("registrar"))
    assert archive.status_code == 409 and "makulerad" in archive.json["error"]["message"]

    # the same document registered again: the next number, the voided one is kept
    again = client.post("/api/registry", headers=auth("registrar"), json={"document_id": doc, "case": case}).json
    assert again["dnr"] == f"{case}-2"
    shown = client.get(f"/api/cases/{case}", headers=auth("clerk")).json["documents"]
    assert [(d["dnr"], d["status"]) for d in shown] == [(dnr, "voided"), (again["dnr"], "registered")]
    listed = client.get("/api/registry", headers=auth("clerk"), query_string={"status": "voided"}).json
    assert [r["dnr"] for r in listed["registrations"]] == [dnr]
    with db.session_scope(settings.database_url) as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "void"))
        assert (entry.subject, entry.actor, entry.details) == (dnr, "registrar", {"reason": "Registrerad i fel ärende"})


def test_case_pages_and_the_void_form_with_its_confirmation(client: Any, auth: Auth) -> None:
    doc = upload(client, auth("clerk")).json["id"]
    token = login(client, "registrar")
    html = client.get("/registry/cases").get_data(as_text=True)
    assert '<label for="title">Rubrik</label>' in html and "Nytt ärende" in html
    blank = client.post("/registry/cases", data={"csrf_token": token, "title": " "}, follow_redirects=True)
    assert "Rubrik får inte vara tomt." in blank.get_data(as_text=True)
    opened = client.post("/registry/cases", data={"csrf_token": token, "title": "Partnerskap Botkyrka",
                                                  "municipality": "Botkyrka kommun", "officer": "drafter"},
                         follow_redirects=True).get_data(as_text=True)
    case = f"KAN {YEAR}/1"
    assert f"Ärendet {case} är öppnat." in opened and "<h1>Ärende KAN" in opened and "drafter" in opened

    registry = client.get("/registry").get_data(as_text=True)
    assert f'<option value="{case}">{case}: Partnerskap Botkyrka</option>' in registry
    response = client.post("/registry", data={"csrf_token": token, "item": f"document-{doc}", "case": case,
                                              "direction": "incoming"}, follow_redirects=True)
    assert f"Registrerat som {case}-1 i ärendet {case}." in response.get_data(as_text=True)

    page = client.get(f"/registry/cases/{case}").get_data(as_text=True)
    row = re.search(rf'<tr data-dnr="{case}-1".*?</tr>', page, re.S).group(0)
    assert "Inkommande" in row and "Registrerad" in row and f'aria-label="Makulera {case}-1"' in row
    confirm_url = re.search(r'href="([^"]*registry/void[^"]*)"', row).group(1).replace("&amp;", "&")
    confirm = client.get(confirm_url).get_data(as_text=True)
    assert f"Makulera {case}-1?" in confirm and '<label for="reason">Skäl till makuleringen</label>' in confirm
    nothing = client.post("/registry/void", data={"csrf_token": token, "dnr": f"{case}-1", "reason": ""},
                          follow_redirects=True).get_data(as_text=True)
    assert "Skäl får inte vara tomt." in nothing and f"Makulera {case}-1?" in nothing  # back to the confirmation
    done = client.post("/registry/void", data={"csrf_token": token, "dnr": f"{case}-1", "reason": "Fel ärende"},
                       follow_redirects=True).get_data(as_text=True)
    assert f"{case}-1 är makulerad." in done
    row = re.search(rf'<tr data-dnr="{case}-1".*?</tr>', done, re.S).group(0)
    assert 'data-status="voided"' in row and "Makulerad: Fel ärende" in row and "Makulera…" not in row
    assert re.search(rf'<tr data-dnr="{case}-1">.*?Makulerad', client.get("/registry").get_data(as_text=True), re.S)

    closed = client.post("/registry/case-status", data={"csrf_token": token, "dnr": case, "action": "close"},
                         follow_redirects=True).get_data(as_text=True)
    assert f"Ärendet {case} är avslutat." in closed and "Öppna ärendet igen" in closed
    assert client.get("/registry/cases/KAN 1999/9").status_code == 404


def test_clerks_see_cases_but_cannot_open_close_or_void(client: Any, auth: Auth) -> None:
    doc = upload(client, auth("clerk")).json["id"]
    dnr = client.post("/api/registry", headers=auth("registrar"), json={"document_id": doc}).json["dnr"]
    case = dnr.rsplit("-", 1)[0]
    token = login(client, "clerk")
    page = client.get(f"/registry/cases/{case}").get_data(as_text=True)
    assert dnr in page and "Makulera" not in page and "Avsluta ärendet" not in page
    assert "Nytt ärende" not in client.get("/registry/cases").get_data(as_text=True)
    assert client.post("/registry/cases", data={"csrf_token": token, "title": "X"}).status_code == 403
    assert client.get(f"/registry/void?dnr={dnr}").status_code == 403
    assert client.post("/registry/void", data={"csrf_token": token, "dnr": dnr, "reason": "x"}).status_code == 403
    assert client.post("/registry/case-status", data={"csrf_token": token, "dnr": case}).status_code == 403
