"""The partnership register: partnership cases, the matrix of municipalities × agencies read from the registry,
agreements from draft to sent to signed, out of date after a newer plan, and revision drafts listing the changes."""
from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from typing import Any

import docx
import pytest
from sqlalchemy import select

from helpers.api import upload
from helpers.data import SEED
from helpers.pages import accessibility_problems, login
from helpers.pdfs import PLAN, plan_pdf, report_pdf, text_pdf
from kansli import db
from kansli.models import AGENCIES, AuditEntry, Output
from kansli.planchanges import plan_changes
from workers.jobs import extract_document, render_output

Auth = Callable[[str], dict[str, str]]
YEAR = date.today().year
#: The plan revised: adopted later, a goal added and one reworded, an indicator's target moved, one dropped.
REVISED = {**PLAN, "adopted": "2009-06-11", "reference": "KS 2009/77",
           "goals": {**PLAN["goals"], "arbete": [*PLAN["goals"]["arbete"], "Fler unga ska starta företag"],
                     "trygghet": ["Invånarna ska känna sig tryggare i sin stadsdel"]},
           "indicators": [{**PLAN["indicators"][0], "target": {"year": 2011, "value": 62.0}}]}


def extracted_upload(client: Any, auth: Auth, data: bytes, name: str) -> int:
    doc_id = upload(client, auth("clerk"), data, name).json["id"]
    extract_document(doc_id)
    return doc_id


def register(client: Any, auth: Auth, **body: Any) -> Any:
    return client.post("/api/registry", headers=auth("registrar"), json=body)


def matrix(client: Any, auth: Auth) -> dict[str, dict[str, Any]]:
    response = client.get("/api/partnerships", headers=auth("clerk"))
    assert response.status_code == 200
    return {e["municipality"]: e for e in response.json["partnerships"]}


def agreement(entry: dict[str, Any], agency: str) -> dict[str, Any]:
    return next(a for a in entry["agreements"] if a["agency"] == agency)


def test_the_matrix_for_the_seed_decisions_21_municipalities(client: Any, auth: Auth, settings: Any) -> None:
    decision = extracted_upload(client, auth, text_pdf(SEED.read_text()), "beslut.pdf")
    assert client.get("/api/partnerships", headers=auth("clerk")).json == {"partnerships": []}  # not registered yet
    assert register(client, auth, document_id=decision).status_code == 201
    named = client.get(f"/api/documents/{decision}", headers=auth("clerk")).json["extraction"]["fields"]["municipalities"]
    rows = matrix(client, auth)
    assert len(rows) == 21 and set(rows) == set(named) and list(rows)[0] == "Borås kommun"
    assert list(rows)[-2:] == ["Uppsala kommun", "Växjö kommun"]  # Swedish order: V after U
    assert all(r["case"] is None and r["plan"] is None and r["reports"] == [] for r in rows.values())
    assert all([(a["agency"], a["status"], a["status_text"]) for a in r["agreements"]] ==
               [(agency, "none", "Ingen") for agency in AGENCIES] for r in rows.values())

    plan = extracted_upload(client, auth, plan_pdf(), "plan.pdf")  # Botkyrka's first plan opens its partnership
    filed = register(client, auth, document_id=plan).json
    case = f"KAN {YEAR}/2"  # the decision opened /1
    assert (filed["dnr"], filed["case"]) == (f"{case}-1", case)
    opened = client.get(f"/api/cases/{case}", headers=auth("clerk")).json
    assert (opened["title"], opened["municipality"]) == ("Lokalt partnerskap – Botkyrka kommun", "Botkyrka kommun")
    report = extracted_upload(client, auth, report_pdf("Försäkringskassan", 2009, ["Botkyrka kommun"], "FK-2010/1",
                                                      "2010-02-15", ["Mer samverkan"]), "fk.pdf")
    assert register(client, auth, document_id=report).json["dnr"] == f"{case}-2"  # about Botkyrka only: its case
    shared = extracted_upload(client, auth, report_pdf("Arbetsförmedlingen", 2009, ["Botkyrka kommun", "Malmö kommun"],
                                                      "AF-2010/9", "2010-02-20", ["Fler praktikplatser"]), "af.pdf")
    assert register(client, auth, document_id=shared).json["dnr"] == f"KAN {YEAR}/3-1"  # two municipalities: its own

    rows = matrix(client, auth)
    assert len(rows) == 21
    botkyrka = rows["Botkyrka kommun"]
    assert botkyrka["case"] == case and botkyrka["plans"] == 1
    assert botkyrka["plan"] == {"dnr": f"{case}-1", "document_id": plan, "version": 1, "adopted": "2008-04-24",
                                "reference": "KS 2008/214"}
    assert botkyrka["reports"] == [{"year": 2009, "agencies": ["Arbetsförmedlingen", "Försäkringskassan"],
                                    "dnrs": [f"{case}-2", f"KAN {YEAR}/3-1"]}]
    assert rows["Malmö kommun"]["reports"] == [{"year": 2009, "agencies": ["Arbetsförmedlingen"],
                                                "dnrs": [f"KAN {YEAR}/3-1"]}]
    assert rows["Malmö kommun"]["case"] is None and rows["Malmö kommun"]["plan"] is None
    with db.session_scope(settings.database_url) as session:
        audited = session.scalars(select(AuditEntry).where(AuditEntry.subject == case)).all()
        assert [(e.action, e.details.get("partnership")) for e in audited] == [("open_case", True)]


def ready_agreement(settings: Any, plan: int, agency: str) -> int:
    """An agreement drafted from ``plan``, as ready as the job leaves it (its files do not matter here)."""
    with db.session_scope(settings.database_url) as session:
        output = Output(kind="agreement", document_id=plan, agency=agency, status="ready",
                        fields={"municipality": "Botkyrka kommun"})
        session.add(output)
        session.flush()
        return output.id


def test_an_agreement_moves_from_draft_to_sent_to_signed(client: Any, auth: Auth, settings: Any) -> None:
    plan = extracted_upload(client, auth, plan_pdf(), "plan.pdf")
    case = register(client, auth, document_id=plan).json["case"]
    police = ready_agreement(settings, plan, "Polismyndigheten")
    state = agreement(matrix(client, auth)["Botkyrka kommun"], "Polismyndigheten")
    assert (state["status"], state["status_text"], state["dnr"], state["plan_version"], state["out_of_date"]) == \
        ("draft", "Utkast", None, 1, False)
    dnr = register(client, auth, output_id=police).json["dnr"]
    assert dnr == f"{case}-2"  # an agreement goes into its municipality's partnership case
    assert agreement(matrix(client, auth)["Botkyrka kommun"], "Polismyndigheten")["status"] == "draft"
    assert client.post(f"/api/registry/{dnr}/dispatches", headers=auth("registrar"),
                       json={"recipient": "Polismyndigheten", "method": "esign"}).status_code == 201
    state = agreement(matrix(client, auth)["Botkyrka kommun"], "Polismyndigheten")
    assert (state["status"], state["status_text"], state["dnr"]) == ("sent", "Skickad", dnr)

    other_case = client.post("/api/cases", headers=auth("registrar"), json={"title": "Övrigt"}).json["dnr"]
    copy = upload(client, auth("clerk"), text_pdf("Undertecknad samverkansöverenskommelse"), "signerad.pdf").json["id"]
    refusals = [
        ({"document_id": copy, "signed_copy_of": dnr, "case": other_case}, 409,
         f"Den undertecknade kopian ska registreras i samma ärende som överenskommelsen, {case}."),
        ({"document_id": copy, "signed_copy_of": f"{case}-1"}, 409,
         f"{case}-1 är ingen samverkansöverenskommelse; ange överenskommelsens diarienummer."),
        ({"document_id": copy, "signed_copy_of": "KAN 1999/1-1"}, 404,
         "KAN 1999/1-1 finns inte i diariet; ange diarienumret på överenskommelsen som kopian gäller."),
        ({"document_id": copy, "signed_copy_of": dnr, "direction": "outgoing"}, 409,
         "En undertecknad kopia registreras som inkommande handling: ange den uppladdade filen (document_id)."),
    ]
    for body, status, message in refusals:
        refused = register(client, auth, **body)
        assert (refused.status_code, refused.json["error"]["message"]) == (status, message)
    signed = register(client, auth, document_id=copy, signed_copy_of=dnr)  # filed in the agreement's case
    assert signed.status_code == 201
    assert (signed.json["dnr"], signed.json["direction"], signed.json["signed_copy_of"]) == \
        (f"{case}-3", "incoming", dnr)
    state = agreement(matrix(client, auth)["Botkyrka kommun"], "Polismyndigheten")
    assert (state["status"], state["status_text"]) == ("signed", "Undertecknad")
    assert client.post(f"/api/registry/{signed.json['dnr']}/void", headers=auth("registrar"),
                       json={"reason": "Fel handling"}).status_code == 200
    assert agreement(matrix(client, auth)["Botkyrka kommun"], "Polismyndigheten")["status"] == "sent"  # voided copy
    assert client.post(f"/api/registry/{dnr}/void", headers=auth("registrar"),
                       json={"reason": "Fel"}).status_code == 200
    assert agreement(matrix(client, auth)["Botkyrka kommun"], "Polismyndigheten")["status"] == "none"


def test_partnership_cases_opened_by_hand(client: Any, auth: Auth) -> None:
    body = {"municipality": "Malmö kommun", "officer": "registrar"}
    assert client.post("/api/partnerships", headers=auth("drafter"), json=body).status_code == 403
    made = client.post("/api/partnerships", headers=auth("registrar"), json=body)
    assert made.status_code == 201
    assert (made.json["municipality"], made.json["case"], made.json["plan"]) == ("Malmö kommun", f"KAN {YEAR}/1", None)
    again = client.post("/api/partnerships", headers=auth("registrar"), json={"municipality": "Malmö"})
    assert (again.status_code, again.json["error"]["message"]) == \
        (409, f"Malmö kommun har redan ett partnerskapsärende, KAN {YEAR}/1.")
    blank = client.post("/api/partnerships", headers=auth("registrar"), json={"municipality": " "})
    assert (blank.status_code, blank.json["error"]["message"]) == (400, "Kommun får inte vara tomt.")
    flagged = client.post("/api/cases", headers=auth("registrar"),
                          json={"title": "Partnerskap Göteborg", "municipality": "Göteborgs kommun", "partnership": True})
    assert flagged.status_code == 201 and flagged.json["dnr"] == f"KAN {YEAR}/2"
    twice = client.post("/api/cases", headers=auth("registrar"),
                        json={"title": "Igen", "municipality": "Göteborg", "partnership": True})
    assert (twice.status_code, twice.json["error"]["message"]) == \
        (409, f"Göteborgs kommun har redan ett partnerskapsärende, KAN {YEAR}/2.")
    nameless = client.post("/api/cases", headers=auth("registrar"), json={"title": "X", "partnership": True})
    assert (nameless.status_code, nameless.json["error"]["message"]) == (400, "Ange kommun för ett partnerskapsärende.")
    assert client.post("/api/cases", headers=auth("registrar"), json={"title": "Nästa"}).json["dnr"] == \
        f"KAN {YEAR}/3"  # the refused ones took no number
    rows = matrix(client, auth)
    assert [(name, r["case"]) for name, r in rows.items()] == [("Göteborgs kommun", f"KAN {YEAR}/2"),
                                                               ("Malmö kommun", f"KAN {YEAR}/1")]


def drafted(client: Any, auth: Auth, **body: Any) -> dict[str, Any]:
    """An agreement requested as a drafter requests it and rendered by the job; the output's JSON."""
    response = client.post("/api/outputs", headers=auth("drafter"), json={"kind": "agreement", **body})
    assert response.status_code == 202, response.json
    render_output(response.json["id"])
    output = client.get(f"/api/outputs/{response.json['id']}", headers=auth("clerk")).json
    assert output["status"] == "ready"
    return output


def docx_text(client: Any, auth: Auth, output: dict[str, Any]) -> list[str]:
    word = next(f for f in output["files"] if f["format"] == "docx")
    return [p.text for p in docx.Document(io.BytesIO(client.get(word["url"], headers=auth("clerk")).data)).paragraphs]


@pytest.mark.office
def test_a_revised_plan_marks_two_agreements_out_of_date_and_their_revisions_list_the_changes(
        client: Any, auth: Auth) -> None:
    first = extracted_upload(client, auth, plan_pdf(), "plan-2008.pdf")
    case = register(client, auth, document_id=first).json["case"]
    old = {agency: drafted(client, auth, document_id=first, agency=agency)
           for agency in ("Arbetsförmedlingen", "Polismyndigheten")}
    dnrs = {agency: register(client, auth, output_id=o["id"]).json["dnr"] for agency, o in old.items()}
    assert sorted(dnrs.values()) == [f"{case}-2", f"{case}-3"]
    assert all(not a["out_of_date"] for a in matrix(client, auth)["Botkyrka kommun"]["agreements"])

    second = extracted_upload(client, auth, plan_pdf(REVISED), "plan-2009.pdf")
    assert register(client, auth, document_id=second).json["dnr"] == f"{case}-4"  # the same partnership case
    botkyrka = matrix(client, auth)["Botkyrka kommun"]
    assert (botkyrka["plan"]["version"], botkyrka["plan"]["document_id"], botkyrka["plan"]["adopted"]) == \
        (2, second, "2009-06-11")
    assert [(a["agency"], a["status"], a["plan_version"], a["out_of_date"]) for a in botkyrka["agreements"]] == [
        ("Arbetsförmedlingen", "draft", 1, True), ("Försäkringskassan", "none", None, False),
        ("Polismyndigheten", "draft", 1, True)]

    fields = {d: client.get(f"/api/documents/{d}", headers=auth("clerk")).json["extraction"]["fields"]
              for d in (first, second)}
    changes = plan_changes(fields[first], fields[second])
    assert "Nytt mål inom Arbete: Fler unga ska starta företag" in changes and len(changes) >= 4
    for agency, output in old.items():
        revision = drafted(client, auth, document_id=second, agency=agency, revises=output["id"])
        text = docx_text(client, auth, revision)
        heading = f"Ändringar i stadsdelsplanen sedan föregående överenskommelse ({dnrs[agency]})"
        assert heading in text
        listed = text[text.index(heading) + 2:text.index(heading) + 2 + len(changes)]
        assert listed == changes
        assert "Ändringar i stadsdelsplanen" not in " ".join(docx_text(client, auth, output))  # not in the first
    botkyrka = matrix(client, auth)["Botkyrka kommun"]
    assert [(a["status"], a["plan_version"], a["out_of_date"], a["revises"]) for a in botkyrka["agreements"]] == [
        ("draft", 2, False, old["Arbetsförmedlingen"]["id"]), ("none", None, False, None),
        ("draft", 2, False, old["Polismyndigheten"]["id"])]

    refusals = [({"document_id": second, "agency": "Försäkringskassan", "revises": old["Polismyndigheten"]["id"]},
                 409, f"Överenskommelse {old['Polismyndigheten']['id']} gäller Polismyndigheten, inte "
                      "Försäkringskassan; välj samma myndighet som i den som revideras."),
                ({"document_id": first, "agency": "Polismyndigheten", "revises": old["Polismyndigheten"]["id"]},
                 409, f"Överenskommelse {old['Polismyndigheten']['id']} är redan gjord från den här planen; "
                      "välj den nyare stadsdelsplanen för revideringen."),
                ({"document_id": second, "agency": "Polismyndigheten", "revises": 9999},
                 404, "Det finns ingen samverkansöverenskommelse med id 9999 att revidera.")]
    for body, status, message in refusals:
        refused = client.post("/api/outputs", headers=auth("drafter"), json={"kind": "agreement", **body})
        assert (refused.status_code, refused.json["error"]["message"]) == (status, message)


def test_the_partnerships_page(client: Any, auth: Auth, settings: Any) -> None:
    first = extracted_upload(client, auth, plan_pdf(), "plan-2008.pdf")
    case = register(client, auth, document_id=first).json["case"]
    police = ready_agreement(settings, first, "Polismyndigheten")
    dnr = register(client, auth, output_id=police).json["dnr"]
    second = extracted_upload(client, auth, plan_pdf(REVISED), "plan-2009.pdf")
    register(client, auth, document_id=second)

    login(client, "clerk")
    page = client.get("/partnerships").get_data(as_text=True)
    assert accessibility_problems(page) == []
    assert 'href="/partnerships">Partnerskap</a>' in page  # in the main navigation
    assert 'role="region" aria-labelledby="matrix-caption" tabindex="0"' in page  # scrolls, labelled, at 375 px
    assert '<th scope="row">Botkyrka kommun</th>' in page and case in page and "Version 2" in page
    assert '<span class="status-word">Utkast</span>' in page and "från plan 1" in page and dnr in page
    assert '<strong class="stale">Inaktuell</strong>' in page and "Utarbeta revidering" not in page  # clerks don't draft
    client.post("/logout", data={"csrf_token": login(client, "clerk")})

    token = login(client, "drafter")
    page = client.get("/partnerships").get_data(as_text=True)
    assert accessibility_problems(page) == [] and "Utarbeta revidering" in page
    assert f'action="/documents/{second}/outputs"' in page and f'name="revises" value="{police}"' in page
    started = client.post(f"/documents/{second}/outputs", data={
        "csrf_token": token, "kind": "agreement", "agency": "Polismyndigheten", "revises": str(police)})
    assert started.status_code == 302 and started.headers["Location"].endswith(f"/documents/{second}#utkast")
    with db.session_scope(settings.database_url) as session:
        revision = session.scalars(select(Output).order_by(Output.id.desc())).first()
        assert revision is not None and revision.document_id == second
        assert (revision.fields["revision"]["output_id"], revision.fields["revision"]["since"]) == (police, dnr)
    page = client.get("/partnerships").get_data(as_text=True)
    assert 'class="stale"' not in page and "från plan 2" in page
