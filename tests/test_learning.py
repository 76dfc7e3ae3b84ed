"""Learning from corrections: a label nobody expected, corrected once, read right in the next plan."""
from __future__ import annotations

import io
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from sqlalchemy import select

from helpers.api import Auth, upload
from helpers.pages import accessibility_problems, login
from helpers.pdfs import text_pdf
from kansli import db
from kansli.extraction.learned import find, label_for, taught
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


def table_style(municipality: str, heading: str, goal: str, years: tuple[int, int], values: tuple[int, int],
                reference: str) -> bytes:
    """A plan whose safety goals stand under a heading of its own words, and whose indicator table heads
    the baseline "Läget <year>": neither is a word the extractor knows."""
    styles = getSampleStyleSheet()
    body, h2 = styles["BodyText"], styles["Heading2"]
    table = Table([["Indikator", f"Läget {years[0]}", f"Mål {years[1]}"],
                   ["Anmälda brott per 1 000 invånare (st)", str(values[0]), str(values[1])]])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    story = [Paragraph("Strategisk stadsdelsplan för Rosengård", styles["Title"]),
             Paragraph(f"Kommun: {municipality}", body), Paragraph(f"Dnr: {reference}", body),
             Paragraph(f"Planperiod: {years[0] + 1}–{years[1]}", body),
             Paragraph("1. Arbete", h2), Paragraph("• Andelen förvärvsarbetande ska öka.", body),
             Paragraph(f"2. {heading}", h2), Paragraph(f"• {goal}.", body), Spacer(1, 6), table]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4).build(story)
    return out.getvalue()


def test_a_corrected_goal_and_indicator_teach_the_heading_and_the_column_header(
        client: Any, auth: Auth, settings: Any) -> None:
    first = _plan(client, auth, table_style("Malmö", "Säkra och trivsamma gator", "Färre unga ska begå brott",
                                            (2007, 2010), (152, 120), "KS 2008/12"))
    wrong = _fields(client, auth, first)
    assert wrong["fields"]["goals"] == {"arbete": ["Andelen förvärvsarbetande ska öka"]}
    assert wrong["fields"]["indicators"] == []
    indicator = {"area": "trygghet", "name": "Anmälda brott per 1 000 invånare", "unit": "st",
                 "baseline": {"year": 2007, "value": 152}, "target": {"year": 2010, "value": 120}}
    response = client.patch(f"/api/documents/{first}/fields", headers=auth("drafter"), json={
        "goals": {**wrong["fields"]["goals"], "trygghet": ["Färre unga ska begå brott"]}, "indicators": [indicator]})
    assert response.status_code == 200, response.json
    listed = client.get("/api/learned", headers=auth("admin")).json["learned"]
    assert {(row["field"], row["label"]) for row in listed} == {
        ("indicators.baseline", "Läget"), ("goals.trygghet", "Säkra och trivsamma gator")}

    second = _fields(client, auth, _plan(client, auth, table_style(
        "Malmö", "Säkra och trivsamma gator", "Fler boende ska delta i grannsamverkan", (2009, 2013), (98, 70),
        "KS 2010/3")))
    assert second["fields"]["goals"]["trygghet"] == ["Fler boende ska delta i grannsamverkan"]
    assert second["fields"]["indicators"] == [{**indicator, "baseline": {"year": 2009, "value": 98},
                                               "target": {"year": 2013, "value": 70}}]
    assert second["confidence"]["goals"] == 0.95  # as sure as a learned label
    assert second["confidence"]["indicators"] == 0.9  # its area carried over from the heading above the table
    other = _fields(client, auth, _plan(client, auth, table_style(
        "Botkyrka", "Säkra och trivsamma gator", "Färre unga ska begå brott", (2009, 2013), (98, 70), "KS 2010/4")))
    assert "trygghet" not in other["fields"]["goals"] and other["fields"]["indicators"] == []
    login(client, "admin")
    html = client.get("/learned").get_data(as_text=True)
    assert "Indikatorns utgångsläge (kolumnrubrik)" in html and "Mål inom trygghet (rubrik)" in html


def test_a_column_header_is_the_words_before_the_year_and_a_heading_the_line_alone_above() -> None:
    text = ("Planen\n\n2. Säkra gator\n\nVi arbetar tillsammans.\n• Färre unga ska begå brott.\n\n"
            "Indikator Enhet Läget 2007 Mål 2010\nAnmälda brott st 152 120\n")
    before = {"goals": {}, "indicators": []}
    after = {"goals": {"trygghet": ["Färre unga ska begå brott"]}, "indicators": [
        {"area": "trygghet", "name": "Anmälda brott", "unit": "st", "baseline": {"year": 2007, "value": 152},
         "target": {"year": 2010, "value": 120}}]}
    # "Indikator" and "Enhet" head the columns before it; "Mål" is read already and teaches nothing
    assert taught(text, before, after) == [("indicators.baseline", "Läget"), ("goals.trygghet", "Säkra gator")]
    assert taught(text, after, after) == []  # nothing corrected, nothing taught
