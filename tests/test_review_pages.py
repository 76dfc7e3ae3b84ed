"""Issue 10 without a browser: the pages beside the review form, their outlines, and the lock once archived."""
from __future__ import annotations

import re
from typing import Any

from helpers.api import extracted
from helpers.pages import login


def test_the_panel_outlines_each_located_value_on_its_stored_page() -> None:
    from kansli import pageimages

    image = {"sha256": "ab" * 32, "width": 600.0, "height": 800.0}
    provenance = {"reference": {"page": 2, "bbox": [60, 80, 120, 100]},
                  "goals": {"arbete": [{"page": 1, "bbox": [0, 0, 300, 400]}, None], "trygghet": []},
                  "period": {"page": 2, "bbox": None},  # found on the page, not at a place: no outline
                  "districts": [{"page": 3, "bbox": [1, 1, 2, 2]}],  # a page with no image: no outline
                  pageimages.KEY: {"2": image, "1": image}}
    panel = pageimages.panel(provenance)
    assert [p["page"] for p in panel] == [1, 2] and panel[0]["pixels"] == (834, 1112)  # 100 dpi
    assert panel[0]["outlines"] == [{"id": "box-goals-arbete-0", "path": ("goals", "arbete", 0),
                                     "frame": {"left": 0.0, "top": 0.0, "width": 50.0, "height": 50.0}}]
    assert panel[1]["outlines"] == [{"id": "box-reference", "path": ("reference",),
                                     "frame": {"left": 10.0, "top": 10.0, "width": 10.0, "height": 2.5}}]
    assert pageimages.panel(pageimages.boxes(provenance)) == [] and pageimages.panel(None) == []


def test_the_review_shows_the_pages_beside_the_form_with_every_value_outlined(
        client: Any, auth: Any, settings: Any) -> None:
    from kansli import db, pageimages
    from kansli.models import Document
    from kansli.storage import Store

    doc_id = extracted(client, auth, settings)
    with db.session_scope(settings.database_url) as session:
        provenance = session.get(Document, doc_id).provenance
    located = [path for path, box in pageimages.located(provenance) if box.get("bbox")]
    assert len(located) > 10
    login(client, "drafter")
    html = client.get(f"/documents/{doc_id}").get_data(as_text=True)
    assert '<section aria-labelledby="sidorna" class="pages-panel" id="pages-panel" tabindex="0">' in html
    assert f'src="/documents/{doc_id}/pages/1.png" width="827" height="1170"' in html
    assert re.search(r'alt="Sida 1 av 1 i plan\.pdf, med \d+ värden inramade\."', html)
    assert sorted(re.findall(r'<rect id="(box-[^"]+)" data-page="1"', html)) == sorted(
        pageimages.outline_id(path) for path in located)  # one outline per located value, no more
    # Each control names the outlines of the values it holds.
    assert re.search(r'<input [^>]*data-boxes="box-municipality" name="f-municipality"', html)
    assert re.search(r'<textarea [^>]*data-boxes="box-goals-arbete-0[^"]*" name="f-goals-arbete"', html)
    assert re.search(r'<fieldset class="inline" data-boxes="box-period"><legend>Planperiod', html)
    assert '<tr data-boxes="box-indicators-0">' in html and '<tr data-boxes="box-indicators-1">' in html

    response = client.get(f"/documents/{doc_id}/pages/1.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.data == Store(settings.files_dir).get(pageimages.image_of(provenance, 1)["sha256"])
    missing = client.get(f"/documents/{doc_id}/pages/2.png")
    assert missing.status_code == 404 and "Det finns ingen bild av sida 2 i plan.pdf" in missing.get_data(as_text=True)
    assert client.get(f"/documents/{doc_id + 1}/pages/1.png").status_code == 404

    with db.session_scope(settings.database_url) as session:  # a document read before page images were made
        session.get(Document, doc_id).provenance = pageimages.boxes(provenance)
    html = client.get(f"/documents/{doc_id}").get_data(as_text=True)
    assert "Det finns inga bilder av sidorna" in html and "<rect" not in html and "data-boxes" not in html
    assert client.get(f"/documents/{doc_id}/pages/1.png").status_code == 404

    response = client.application.test_client().get(f"/documents/{doc_id}/pages/1.png")  # nobody signed in
    assert response.status_code == 302 and response.location.startswith("/login")


def test_an_archived_document_shows_its_number_and_locks_its_forms(client: Any, auth: Any, settings: Any) -> None:
    from kansli import db
    from kansli.models import Registration

    doc_id = extracted(client, auth, settings)
    dnr = client.post("/api/registry", headers=auth("registrar"), json={"document_id": doc_id}).json["dnr"]
    login(client, "drafter")
    html = client.get(f"/documents/{doc_id}").get_data(as_text=True)
    assert f'Diarienummer: <a href="/registry/{dnr.replace(" ", "%20")}">{dnr}</a>' in html
    assert '<span class="status status-registered" id="registration-state">Registrerad</span>' in html
    assert "<fieldset >" in html and "Spara rättelser</button>" in html and "locked-note" not in html

    with db.session_scope(settings.database_url) as session:  # archived as the registry's archiving leaves it
        session.query(Registration).filter_by(dnr=dnr).one().status = "archived"
    html = client.get(f"/documents/{doc_id}").get_data(as_text=True)
    assert '<span class="status status-archived" id="registration-state">Arkiverad</span>' in html
    assert (f'<p class="locked" id="locked-note">Dokumentet är arkiverat som {dnr} och kan inte ändras: '
            "fälten visas bara för läsning. Utkast kan fortfarande göras från den arkiverade versionen.</p>") in html
    assert '<fieldset disabled aria-describedby="locked-note">' in html
    assert "Spara rättelser</button>" not in html
    assert "Skapa samverkansöverenskommelse" in html  # drafting reads the archived plan; it changes nothing in it

    with db.session_scope(settings.database_url) as session:  # a voided number is history: the page is open again
        session.query(Registration).filter_by(dnr=dnr).one().status = "voided"
    html = client.get(f"/documents/{doc_id}").get_data(as_text=True)
    assert "registration-state" not in html and "locked-note" not in html and "Spara rättelser</button>" in html


def test_a_follow_up_reports_rows_name_the_outlines_of_the_values_read(client: Any, settings: Any, tokens: Any) -> None:
    from helpers.followups import add, follow_up
    from kansli import db, pageimages
    from kansli.models import Document

    doc_id = add(settings.database_url, "follow_up", follow_up(2009, [("Förvärvsfrekvens", 61.0), ("Behörighet", 80.0)]))
    boxes = {"values": [{"page": 1, "bbox": [50, 100, 150, 110]}, {"page": 1, "bbox": [50, 120, 150, 130]}]}
    with db.session_scope(settings.database_url) as session:
        session.get(Document, doc_id).provenance = pageimages.recorded(
            boxes, {1: {"sha256": "ab" * 32, "width": 595.0, "height": 842.0}})
    login(client, "drafter")
    html = client.get(f"/documents/{doc_id}").get_data(as_text=True)
    assert '<tr data-boxes="box-values-0">' in html and '<tr data-boxes="box-values-1">' in html
    assert 'alt="Sida 1 av 1 i follow_up.pdf, med 2 värden inramade."' in html
    with db.session_scope(settings.database_url) as session:
        session.get(Document, doc_id).provenance = pageimages.recorded(
            {"values": boxes["values"][:1]}, {1: {"sha256": "ab" * 32, "width": 595.0, "height": 842.0}})
    html = client.get(f"/documents/{doc_id}").get_data(as_text=True)
    assert 'alt="Sida 1 av 1 i follow_up.pdf, med 1 värde inramat."' in html and "box-values-1" not in html
