"""Secrecy markings, the public diary and dispatch (expediering), through the API — on both databases."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from helpers.api import extracted
from kansli import db
from kansli.fields import EXAMPLES
from kansli.models import AuditEntry, Output
from workers.jobs import render_output

Auth = Callable[[str], dict[str, str]]
PROVISION = "OSL 21 kap. 3 §"
#: What the registered plan's party and description say; none of it may reach the public while marked.
SECRET_WORDS = ("Botkyrka", "Alby", "Fittja")


def registered_plan(client: Any, auth: Auth, settings: Any) -> tuple[int, str]:
    doc_id = extracted(client, auth, settings)
    record = client.post("/api/registry", headers=auth("registrar"), json={"document_id": doc_id}).json
    assert record["party"] == "Botkyrka kommun" and "Alby" in record["description"]
    return doc_id, record["dnr"]


def public(client: Any, **query: Any) -> Any:
    response = client.get("/api/public/registry", query_string=query)
    assert response.status_code == 200
    return response


def test_a_secret_registration_shows_in_the_public_diary_without_its_protected_parts(
        client: Any, auth: Auth, settings: Any) -> None:
    doc_id, dnr = registered_plan(client, auth, settings)
    marked = client.post(f"/api/registry/{dnr}/secrecy", headers=auth("registrar"),
                         json={"parts": ["party", "description", "document"], "provision": PROVISION})
    assert marked.status_code == 201
    assert marked.json["secrecy"] == [{**marked.json["secrecy"][0], "parts": ["party", "description", "document"],
                                       "provision": PROVISION, "in_force": True, "marked_by": "registrar",
                                       "lifted_at": None}]

    response = public(client)  # no login
    row, = response.json["registrations"]
    assert (row["dnr"], row["direction"], row["status_text"]) == (dnr, "incoming", "Registrerad")
    assert row["party"] == row["description"] == f"Uppgift skyddad enligt {PROVISION}"
    assert row["document_secret"] is True and row["date"] == marked.json["date"]
    body = response.get_data(as_text=True)
    assert not [word for word in SECRET_WORDS if word in body]
    assert public(client, q="Botkyrka").json == {"registrations": [], "page": 1, "per_page": 50, "total": 0}
    assert public(client, q="stadsdelsplan").json["total"] == 0  # the description is protected too
    assert public(client, q=dnr).json["total"] == 1  # the number never is

    html = client.get("/diarium/offentlig").get_data(as_text=True)
    assert dnr in html and f"Uppgift skyddad enligt {PROVISION}" in html
    assert not [word for word in SECRET_WORDS if word in html]
    assert f"/api/documents/{doc_id}/file" not in html and "Sekretessmarkerad" in html
    searched = client.get("/diarium/offentlig?q=Botkyrka").get_data(as_text=True)  # the box shows the query
    assert 'data-dnr="' not in searched and "0 registreringar" in searched

    # The file itself: nobody who is not signed in gets a byte of it.
    for url in (f"/api/documents/{doc_id}/file", f"/documents/{doc_id}"):
        anonymous = client.get(url)
        assert anonymous.status_code in (302, 401, 403, 404) and b"%PDF" not in anonymous.data
    assert client.get(f"/api/documents/{doc_id}/file").status_code == 401

    # Lifting it makes everything visible again, and the history keeps both.
    lifted = client.post(f"/api/registry/{dnr}/secrecy/lift", headers=auth("registrar"),
                         json={"reason": "Ny sekretessprövning: uppgifterna är offentliga"})
    assert lifted.status_code == 200
    mark, = lifted.json["secrecy"]
    assert mark["in_force"] is False and mark["lifted_by"] == "registrar" and mark["lift_reason"].startswith("Ny")
    row, = public(client, q="Botkyrka").json["registrations"]
    assert row["party"] == "Botkyrka kommun" and row["document_secret"] is False and row["protected"] == []
    assert "Botkyrka kommun" in client.get("/diarium/offentlig").get_data(as_text=True)

    with db.session_scope(settings.database_url) as session:
        actions = [(e.actor, e.action, e.subject) for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions[-2:] == [("registrar", "secrecy_mark", dnr), ("registrar", "secrecy_lift", dnr)]


def test_only_the_marked_part_is_hidden_and_parts_can_rest_on_different_provisions(
        client: Any, auth: Auth, settings: Any) -> None:
    _doc_id, dnr = registered_plan(client, auth, settings)
    mark = lambda parts, provision: client.post(f"/api/registry/{dnr}/secrecy", headers=auth("registrar"),  # noqa: E731
                                                json={"parts": parts, "provision": provision})
    assert mark(["party"], PROVISION).status_code == 201
    row, = public(client).json["registrations"]
    assert row["party"] == f"Uppgift skyddad enligt {PROVISION}" and "Alby" in row["description"]
    assert row["document_secret"] is False
    assert public(client, q="Botkyrka").json["total"] == 1  # found by its public description, not by the party
    assert public(client, q="Alby").json["total"] == 1

    again = mark(["party", "description"], "OSL 26 kap. 1 §")
    assert again.status_code == 409
    assert again.json["error"]["message"] == (f"{dnr}: avsändare/mottagare (enligt {PROVISION}) är redan "
                                              "sekretessmarkerad; häv den markeringen först.")
    assert mark(["description"], "OSL 26 kap. 1 §").status_code == 201
    row, = public(client).json["registrations"]
    assert row["description"] == "Uppgift skyddad enligt OSL 26 kap. 1 §"
    assert public(client, q="Alby").json["total"] == 0

    first_id = client.get(f"/api/registry/{dnr}", headers=auth("clerk")).json["secrecy"][0]["id"]
    client.post(f"/api/registry/{dnr}/secrecy/lift", headers=auth("registrar"),
                json={"reason": "Prövat", "mark_id": first_id})
    row, = public(client).json["registrations"]
    assert row["party"] == "Botkyrka kommun" and row["description"] == "Uppgift skyddad enligt OSL 26 kap. 1 §"


def test_bad_secrecy_requests_get_a_swedish_4xx(client: Any, auth: Auth, settings: Any) -> None:
    _doc_id, dnr = registered_plan(client, auth, settings)

    def refused(body: dict[str, Any], headers: dict[str, str] | None = None, path: str = "secrecy") -> tuple[int, str]:
        response = client.post(f"/api/registry/{dnr}/{path}", headers=headers or auth("registrar"), json=body)
        return response.status_code, response.json["error"]["message"]

    status, message = refused({"parts": ["number"], "provision": PROVISION})
    assert status == 400 and "”number”, som inte kan skyddas" in message and "diarienummer och datum" in message
    status, message = refused({"parts": ["party"], "provision": ""})
    assert status == 400 and message == "Bestämmelse saknas; ange lagrummet, t.ex. ”OSL 21 kap. 3 §”."
    status, message = refused({"parts": ["party"], "provision": "21 kap. 3 § sekretesslagen"})
    assert status == 400 and "ska börja med OSL" in message
    status, message = refused({"parts": [], "provision": PROVISION})
    assert status == 400 and message.startswith("Delar saknas; ange vad som skyddas")
    assert refused({"parts": ["party"], "provision": PROVISION}, auth("clerk"))[0] == 403
    assert client.post(f"/api/registry/{dnr}/secrecy", json={"parts": ["party"], "provision": PROVISION}
                       ).status_code == 401
    status, message = refused({"reason": "Prövat"}, path="secrecy/lift")
    assert status == 409 and message == f"{dnr} har ingen sekretessmarkering att häva."
    status, message = refused({"reason": " "}, path="secrecy/lift")
    assert status == 400 and message.startswith("Skäl saknas")
    assert client.post("/api/registry/KAN 1999/00001/secrecy", headers=auth("registrar"),
                       json={"parts": ["party"], "provision": PROVISION}).status_code == 404


def test_the_public_diary_pages_and_filters(client: Any, auth: Auth, settings: Any) -> None:
    from kansli.models import Registration

    with db.session_scope(settings.database_url) as session:
        session.add_all(Registration(dnr=f"KAN 2020/{n:05d}", year=2020, number=n, direction="incoming",
                                     date="2020-01-01", party=f"Avsändare {n}", description="Rapport 100%_klar")
                        for n in range(1, 61))
    first = public(client).json
    assert (first["total"], len(first["registrations"]), first["registrations"][0]["dnr"]) == (60, 50, "KAN 2020/00060")
    assert [r["dnr"] for r in public(client, page=2).json["registrations"]][-1] == "KAN 2020/00001"
    assert public(client, year=2021).json["total"] == 0
    assert public(client, q="100%_").json["total"] == 60 and public(client, q="1_0").json["total"] == 0  # LIKE wildcards are text
    bad = client.get("/api/public/registry", query_string={"page": "0"})
    assert bad.status_code == 400 and bad.json["error"]["message"] == "Sida ska vara minst 1."


def ready_decision(client: Any, auth: Auth) -> int:
    """A decision letter made as a drafter makes it: from the decision's fields, rendered by the job."""
    response = client.post("/api/outputs", headers=auth("drafter"), json={"kind": "decision",
                                                                         "fields": EXAMPLES["decision"]})
    assert response.status_code == 202
    render_output(response.json["id"])
    assert client.get(f"/api/outputs/{response.json['id']}", headers=auth("clerk")).json["status"] == "ready"
    return response.json["id"]


@pytest.mark.office
def test_a_decision_letter_is_dispatched_to_its_addressee_likalydande_and_kopia_till(
        client: Any, auth: Auth, settings: Any) -> None:
    output_id = ready_decision(client, auth)
    dnr = client.post("/api/registry", headers=auth("registrar"), json={"output_id": output_id}).json["dnr"]
    proposed = client.get(f"/api/registry/{dnr}/dispatches/proposed", headers=auth("clerk"))
    assert proposed.status_code == 200
    assert [(p["recipient"], p["role_text"], p["address"], p["dispatched"]) for p in proposed.json["proposals"]] == [
        ("Arbetsförmedlingen", "Mottagare", "113 99 Stockholm", False),
        ("Rikspolisstyrelsen", "Likalydande till", None, False),
        ("Försäkringskassan", "Likalydande till", None, False),
        ("Statsrådsberedningen", "Kopia till", None, False),
        ("Justitiedepartementet/KRIM", "Kopia till", None, False)]

    for proposal in proposed.json["proposals"]:
        body = {"recipient": proposal["recipient"], "address": proposal["address"],
                "method": "post" if proposal["address"] else "email"}
        made = client.post(f"/api/registry/{dnr}/dispatches", headers=auth("registrar"), json=body)
        assert made.status_code == 201 and made.json["dispatched_by"] == "registrar"
    sent = client.get(f"/api/registry/{dnr}", headers=auth("clerk")).json["dispatches"]
    assert [(d["recipient"], d["method_text"]) for d in sent] == [
        ("Arbetsförmedlingen", "Post"), ("Rikspolisstyrelsen", "E-post"), ("Försäkringskassan", "E-post"),
        ("Statsrådsberedningen", "E-post"), ("Justitiedepartementet/KRIM", "E-post")]
    assert all(p["dispatched"] for p in client.get(f"/api/registry/{dnr}/dispatches/proposed",
                                                   headers=auth("clerk")).json["proposals"])
    with db.session_scope(settings.database_url) as session:
        audited = session.scalars(select(AuditEntry).where(AuditEntry.action == "dispatch")).all()
        assert [e.details["recipient"] for e in audited] == [d["recipient"] for d in sent]


def test_an_agreement_is_proposed_to_its_agency_and_municipality(client: Any, auth: Auth, settings: Any) -> None:
    with db.session_scope(settings.database_url) as session:  # the files do not matter to dispatch
        output = Output(kind="agreement", agency="Polismyndigheten", status="ready",
                        fields={"municipality": "Botkyrka kommun"})
        session.add(output)
        session.flush()
        output_id = output.id
    dnr = client.post("/api/registry", headers=auth("registrar"), json={"output_id": output_id}).json["dnr"]
    proposals = client.get(f"/api/registry/{dnr}/dispatches/proposed", headers=auth("clerk")).json["proposals"]
    assert [(p["recipient"], p["role"]) for p in proposals] == [("Polismyndigheten", "agency"),
                                                                 ("Botkyrka kommun", "municipality")]
    made = client.post(f"/api/registry/{dnr}/dispatches", headers=auth("registrar"), json={
        "recipient": "Polismyndigheten", "method": "esign", "date": "2026-03-01"})
    assert made.json["method_text"] == "E-legitimation/underskriftstjänst" and made.json["date"] == "2026-03-01"


def test_bad_dispatches_get_a_swedish_4xx(client: Any, auth: Auth, settings: Any) -> None:
    _doc_id, dnr = registered_plan(client, auth, settings)
    incoming = client.post(f"/api/registry/{dnr}/dispatches", headers=auth("registrar"),
                           json={"recipient": "Botkyrka kommun", "method": "post"})
    assert incoming.status_code == 409
    assert incoming.json["error"]["message"] == (f"{dnr} är en inkommen handling; bara upprättade handlingar "
                                                 "expedieras.")
    assert client.get(f"/api/registry/{dnr}/dispatches/proposed", headers=auth("clerk")).status_code == 409
    bad = client.post(f"/api/registry/{dnr}/dispatches", headers=auth("registrar"),
                      json={"recipient": "", "method": "fax"})
    assert bad.status_code == 400
    assert bad.json["error"]["message"] == ("Mottagare saknas; ange vem handlingen skickades till. Sätt ska vara "
                                            "email (E-post), post (Post) eller esign "
                                            "(E-legitimation/underskriftstjänst).")
    assert client.post(f"/api/registry/{dnr}/dispatches", headers=auth("clerk"),
                       json={"recipient": "X", "method": "post"}).status_code == 403
