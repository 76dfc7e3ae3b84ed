"""Learning from corrections: a label nobody expected, corrected once, read right in the next plan."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from helpers.api import Auth, upload
from helpers.pages import accessibility_problems, login
from helpers.pdfs import text_pdf
from kansli import db
from kansli.extraction.learned import find, label_for
from kansli.models import AuditEntry, LearnedLabel
from workers.jobs import extract_document


def house_style(reference: str, adopted: str, districts: str, name: str, title: str, email: str) -> bytes:
    """A plan in one municipality's own words: none of its labels is one the extractor knows."""
    return text_pdf(f"""Strategisk stadsdelsplan 2024–2027
Kommun: Uppsala kommun
Vårt ärende: {reference}
Datum för politiskt beslut: {adopted}
Berörda kommundelar: {districts}
Planperiod: 2024–2027

1. Arbete
• Andelen förvärvsarbetande ska öka.

2. Utbildning
• Andelen behöriga till gymnasiet ska öka.

Ansvarig tjänsteperson: {name}
Befattning: {title}
E-post: {email}
""")


def _fields(client: Any, auth: Auth, doc_id: int) -> dict[str, Any]:
    return client.get(f"/api/documents/{doc_id}", headers=auth("clerk")).json["extraction"]


def _plan(client: Any, auth: Auth, data: bytes) -> int:
    doc_id = upload(client, auth("clerk"), data).json["id"]
    extract_document(doc_id)
    return doc_id


FIRST = house_style("UKS 2024/117", "2024-03-12", "Gottsunda och Valsätra", "Maria Lund", "utvecklingsstrateg",
                    "maria.lund@uppsala.se")
SECOND = house_style("UKS 2025/41", "4 februari 2025", "Gränby, Kvarngärdet", "Per Ek", "planeringschef",
                     "per.ek@uppsala.se")


def test_one_correction_teaches_the_next_plan_of_the_municipality(client: Any, auth: Auth, settings: Any) -> None:
    first = _plan(client, auth, FIRST)
    wrong = _fields(client, auth, first)
    assert wrong["kind"] == "district_plan"
    assert (wrong["fields"]["reference"], wrong["fields"]["adopted"], wrong["fields"]["districts"]) == (None, None, [])
    assert wrong["fields"]["contact"]["name"] is None
    response = client.patch(f"/api/documents/{first}/fields", headers=auth("drafter"), json={
        "reference": "UKS 2024/117", "adopted": "2024-03-12", "districts": ["Gottsunda", "Valsätra"],
        "contact": {**wrong["fields"]["contact"], "name": "Maria Lund", "title": "utvecklingsstrateg"}})
    assert response.status_code == 200, response.json
    listed = client.get("/api/learned", headers=auth("admin")).json["learned"]
    assert {(row["municipality"], row["field"], row["label"]) for row in listed} == {
        ("uppsala", "reference", "Vårt ärende"), ("uppsala", "adopted", "Datum för politiskt beslut"),
        ("uppsala", "districts", "Berörda kommundelar"), ("uppsala", "contact.name", "Ansvarig tjänsteperson"),
        ("uppsala", "contact.title", "Befattning")}
    assert all(row["document_id"] == first and row["user"] == "drafter" for row in listed)

    right = _fields(client, auth, _plan(client, auth, SECOND))
    assert right["fields"]["reference"] == "UKS 2025/41"
    assert right["fields"]["adopted"] == "2025-02-04"
    assert right["fields"]["districts"] == ["Gränby", "Kvarngärdet"]
    assert right["fields"]["contact"]["name"] == "Per Ek" and right["fields"]["contact"]["title"] == "planeringschef"
    assert right["confidence"]["reference"] == 0.95


def test_labels_are_kept_per_municipality(client: Any, auth: Auth, settings: Any) -> None:
    first = _plan(client, auth, FIRST)
    client.patch(f"/api/documents/{first}/fields", headers=auth("drafter"), json={"reference": "UKS 2024/117"})
    other = _fields(client, auth, _plan(client, auth, _other_municipality()))
    assert other["fields"]["municipality"] == "Botkyrka kommun" and other["fields"]["reference"] is None


def _other_municipality() -> bytes:
    return text_pdf("Strategisk stadsdelsplan 2024–2027\nKommun: Botkyrka kommun\nVårt ärende: KS 2025/9\n"
                    "Planperiod: 2024–2027\n\n1. Arbete\n• Andelen förvärvsarbetande ska öka.\n")


def test_only_admins_see_and_remove_learned_labels_and_removal_is_audited(
        client: Any, auth: Auth, settings: Any) -> None:
    first = _plan(client, auth, FIRST)
    client.patch(f"/api/documents/{first}/fields", headers=auth("drafter"), json={"reference": "UKS 2024/117"})
    assert client.get("/api/learned", headers=auth("drafter")).status_code == 403
    (row,) = client.get("/api/learned", headers=auth("admin")).json["learned"]
    assert client.delete(f"/api/learned/{row['id']}", headers=auth("drafter")).status_code == 403
    assert client.delete(f"/api/learned/{row['id']}", headers=auth("admin")).status_code == 204
    assert client.delete(f"/api/learned/{row['id']}", headers=auth("admin")).status_code == 404
    assert client.get("/api/learned", headers=auth("admin")).json["learned"] == []
    assert _fields(client, auth, _plan(client, auth, SECOND))["fields"]["reference"] is None
    with db.session_scope(settings.database_url) as session:
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
        assert "forget_label" in actions
        assert session.scalars(select(LearnedLabel)).all() == []


def test_the_learned_page_lists_and_removes(client: Any, auth: Auth, settings: Any) -> None:
    first = _plan(client, auth, FIRST)
    client.patch(f"/api/documents/{first}/fields", headers=auth("drafter"), json={"reference": "UKS 2024/117"})
    token = login(client, "admin")
    html = client.get("/learned").get_data(as_text=True)
    assert 'href="/learned"' in html and "Vårt ärende" in html and "Diarienummer" in html
    assert accessibility_problems(html) == []
    (row,) = client.get("/api/learned", headers=auth("admin")).json["learned"]
    response = client.post(f"/learned/{row['id']}/remove", data={"csrf_token": token}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Etiketten Vårt ärende (Diarienummer, uppsala) är borttagen" in html and "Inga etiketter" in html


def test_a_clerk_cannot_open_the_learned_page(client: Any, tokens: Any) -> None:
    login(client, "clerk")
    assert client.get("/learned").status_code == 403


def test_labels_are_the_words_before_the_value_or_the_line_above() -> None:
    text = "Vårt ärende: KS 2024/117\nBeslutad 12 mars 2024 av fullmäktige\nKontakt\nMaria Lund\n"
    assert label_for(text, "reference", "KS 2024/117") == "Vårt ärende"
    assert label_for(text, "adopted", "2024-03-12") == "Beslutad"
    assert label_for(text, "contact.name", "Maria Lund") == "Kontakt"
    assert label_for(text, "reference", "KS 1999/1") is None
    assert label_for("Se beslut 4711 i ärendet UKS 2024/117", "reference", "UKS 2024/117") is None  # a number
    assert find("Kontakt\nPer Ek\nVårt  ärende KS 2025/41", {"contact.name": ["Kontakt"],
                                                            "reference": ["Vårt ärende"]}) == {
        "contact.name": "Per Ek", "reference": "KS 2025/41"}
