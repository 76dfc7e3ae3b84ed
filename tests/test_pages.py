"""The browser pages without a browser: login, roles, CSRF, the review form (Flask's test client)."""
from __future__ import annotations

import io
import re
from typing import Any

import pytest

from helpers.api import extracted, upload
from helpers.pages import csrf_of, login


def test_pages_need_a_login(client: Any) -> None:
    response = client.get("/")
    assert response.status_code == 302 and response.location.startswith("/login")


def test_wrong_password_is_refused_in_swedish(client: Any, tokens: Any) -> None:
    page = client.get("/login").get_data(as_text=True)
    response = client.post("/login", data={"name": "clerk", "password": "fel", "csrf_token": csrf_of(page)})
    assert response.status_code == 401
    assert "Fel användarnamn eller lösenord" in response.get_data(as_text=True)


def test_login_without_csrf_token_is_refused(client: Any, tokens: Any) -> None:
    response = client.post("/login", data={"name": "clerk", "password": "losenord-clerk"})
    assert response.status_code == 400


def test_login_never_redirects_off_site(client: Any, tokens: Any) -> None:
    page = client.get("/login").get_data(as_text=True)
    response = client.post("/login?next=//evil.example/x", data={
        "name": "clerk", "password": "losenord-clerk", "csrf_token": csrf_of(page)})
    assert response.location == "/"


def test_session_api_writes_need_the_csrf_header(client: Any, tokens: Any) -> None:
    token = login(client, "clerk")
    data = lambda: {"file": (io.BytesIO(b"%PDF-1.4 x"), "a.pdf")}  # noqa: E731
    assert client.post("/api/documents", data=data()).status_code == 400
    assert client.post("/api/documents", data=data(), headers={"X-CSRFToken": token}).status_code == 202


def test_upload_form_works_without_javascript(client: Any, tokens: Any) -> None:
    token = login(client, "clerk")
    response = client.post("/documents", data={"csrf_token": token, "file": [
        (io.BytesIO(b"%PDF-1.4 one"), "one.pdf"), (io.BytesIO(b"not a pdf"), "two.pdf")]},
        follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "one.pdf är uppladdad och köad" in html
    assert "two.pdf: Filen är ingen PDF" in html
    assert 'data-status="queued"' in html


def test_registrar_sees_documents_but_cannot_upload(client: Any, auth: Any) -> None:
    upload(client, auth("clerk"))
    token = login(client, "registrar")
    html = client.get("/").get_data(as_text=True)
    assert "plan.pdf" in html and 'id="upload-form"' not in html
    assert client.post("/documents", data={"csrf_token": token}).status_code == 403


def test_review_form_saves_corrections_as_a_new_revision(client: Any, auth: Any, settings: Any) -> None:
    doc_id = extracted(client, auth, settings)
    token = login(client, "drafter")
    html = client.get(f"/documents/{doc_id}").get_data(as_text=True)
    assert 'value="Botkyrka kommun"' in html and "Förvärvsfrekvens 20–64 år" in html
    assert f'Diarienummer</label> <a class="source" href="/documents/{doc_id}/source/reference"' in html  # provenance
    assert re.search(f'href="/documents/{doc_id}/source/indicators/0" aria-label="Förvärvsfrekvens 20–64 år: visa ', html)
    assert re.search(f'href="/documents/{doc_id}/source/goals/arbete" aria-label="Arbete och sysselsättning: visa', html)
    form = {"csrf_token": token, "f-municipality": "Botkyrka kommun", "f-districts": "Alby\nFittja\nHallunda",
            "f-period-start": "2008", "f-period-end": "2010", "f-adopted": "2008-04-24",
            "f-reference": "KS 2008/214", "f-goals-arbete": "Fler ska arbeta",
            "f-contact-name": "Anna Berg", "f-agencies": "Arbetsförmedlingen", "indicator-rows": "2",
            "f-indicators-0-name": "Förvärvsfrekvens", "f-indicators-0-unit": "%", "f-indicators-0-area": "arbete",
            "f-indicators-0-by": "2006", "f-indicators-0-bv": "52,1", "f-indicators-0-ty": "2010",
            "f-indicators-0-tv": "60", "f-indicators-1-name": ""}
    response = client.post(f"/documents/{doc_id}/fields", data=form, follow_redirects=True)
    assert "sparade som version 2" in response.get_data(as_text=True)
    fields = client.get(f"/api/documents/{doc_id}", headers=auth("clerk")).json["extraction"]["fields"]
    assert fields["districts"] == ["Alby", "Fittja", "Hallunda"]
    assert fields["goals"] == {"arbete": ["Fler ska arbeta"]}
    assert fields["indicators"] == [{"area": "arbete", "name": "Förvärvsfrekvens", "unit": "%",
                                     "baseline": {"year": 2006, "value": 52.1},
                                     "target": {"year": 2010, "value": 60}}]
    history = client.get(f"/documents/{doc_id}/history").get_data(as_text=True)
    assert "Version 1: extraktion" in history and "Version 2: rättelse" in history
    html = client.get(f"/documents/{doc_id}").get_data(as_text=True)
    assert "/source/indicators/" not in html  # the renamed row is no longer the one that was read


def test_review_form_reports_a_bad_number_and_saves_nothing(client: Any, auth: Any, settings: Any) -> None:
    doc_id = extracted(client, auth, settings)
    token = login(client, "drafter")
    response = client.post(f"/documents/{doc_id}/fields", follow_redirects=True, data={
        "csrf_token": token, "f-period-start": "tjugohundraåtta", "f-period-end": "2010"})
    assert "Startår ska vara ett heltal" in response.get_data(as_text=True)
    assert client.get(f"/api/documents/{doc_id}", headers=auth("clerk")).json["revision"] == 1


def test_clerk_cannot_correct_or_generate(client: Any, auth: Any, settings: Any) -> None:
    doc_id = extracted(client, auth, settings)
    token = login(client, "clerk")
    html = client.get(f"/documents/{doc_id}").get_data(as_text=True)
    assert "<fieldset disabled>" in html and "Skapa samverkansöverenskommelse" not in html
    assert client.post(f"/documents/{doc_id}/fields", data={"csrf_token": token}).status_code == 403
    assert client.post(f"/documents/{doc_id}/outputs", data={"csrf_token": token}).status_code == 403


def test_generate_from_the_page_queues_an_output(client: Any, auth: Any, settings: Any) -> None:
    doc_id = extracted(client, auth, settings)
    token = login(client, "drafter")
    response = client.post(f"/documents/{doc_id}/outputs", data={"csrf_token": token, "agency": "Försäkringskassan"},
                           follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "(samverkansöverenskommelse för Försäkringskassan) skapas" in html
    assert 'data-output="1" data-status="queued"' in html


def test_unknown_pages_get_a_swedish_404(client: Any, tokens: Any) -> None:
    login(client, "clerk")
    response = client.get("/documents/999")
    assert response.status_code == 404 and "finns inte" in response.get_data(as_text=True)


def test_admins_upload_templates_from_their_page(client: Any, tokens: Any) -> None:
    from helpers.office import variant

    token = login(client, "admin")
    assert 'href="/templates"' in client.get("/").get_data(as_text=True)
    response = client.post("/templates", follow_redirects=True, data={
        "csrf_token": token, "name": "agreement.docx", "file": (io.BytesIO(variant("Ny text.")), "ny.docx")})
    html = response.get_data(as_text=True)
    assert "Ny version av agreement.docx är sparad" in html and "ny.docx" in html
    response = client.post("/templates", follow_redirects=True, data={
        "csrf_token": token, "name": "agreement.docx", "file": (io.BytesIO(variant("{{ lön }}")), "fel.docx")})
    assert "Mallen togs inte emot" in response.get_data(as_text=True)


def test_the_template_page_is_for_admins_only(client: Any, tokens: Any) -> None:
    login(client, "drafter")
    assert client.get("/templates").status_code == 403
    assert 'href="/templates"' not in client.get("/").get_data(as_text=True)


def test_a_report_page_offers_to_consolidate_the_reports(client: Any, auth: Any, settings: Any) -> None:
    from helpers.pdfs import report_pdf
    from workers.jobs import extract_document

    ids = []
    for agency in ("Polismyndigheten", "Försäkringskassan"):
        doc_id = upload(client, auth("clerk"), report_pdf(agency, 2009, ["Malmö kommun"], "X-1", "2010-01-01",
                                                          ["Ett förslag"]), f"{agency}.pdf").json["id"]
        extract_document(doc_id)
        ids.append(doc_id)
    token = login(client, "drafter")
    html = client.get(f"/documents/{ids[0]}").get_data(as_text=True)
    assert "Försäkringskassan 2009" in html and "Skapa sammanställd redovisning" in html
    response = client.post(f"/documents/{ids[0]}/outputs", follow_redirects=True, data={
        "csrf_token": token, "kind": "report", "document_ids": [str(i) for i in ids]})
    assert "(sammanställd redovisning) skapas" in response.get_data(as_text=True)


@pytest.mark.office
def test_registrars_register_and_archive_from_the_registry_page(client: Any, auth: Any, settings: Any) -> None:
    doc_id = extracted(client, auth, settings)
    token = login(client, "registrar")
    html = client.get("/registry").get_data(as_text=True)
    assert f'value="document-{doc_id}"' in html and "ingen ännu" in html
    response = client.post("/registry", data={"csrf_token": token, "item": f"document-{doc_id}"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    dnr = re.search(r"Registrerat som (KAN \d{4}/\d{5})", html).group(1)
    assert "Botkyrka kommun" in html and f'aria-label="Arkivera {dnr}"' in html
    response = client.post("/registry/archive", data={"csrf_token": token, "dnr": dnr}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert f"{dnr} är arkiverat" in html and "Ladda ner paket" in html
    assert client.get("/registry?q=botkyrka").get_data(as_text=True).count('data-dnr="') == 1
    assert client.get("/registry?q=finnsinte").get_data(as_text=True).count('data-dnr="') == 0


@pytest.mark.office
def test_clerks_search_the_registry_but_cannot_register(client: Any, auth: Any, settings: Any) -> None:
    doc_id = extracted(client, auth, settings)
    token = login(client, "clerk")
    html = client.get("/registry").get_data(as_text=True)
    assert "Registrera</button>" not in html
    assert client.post("/registry", data={"csrf_token": token, "item": f"document-{doc_id}"}).status_code == 403
    assert client.post("/registry/archive", data={"csrf_token": token, "dnr": "KAN 2026/00001"}).status_code == 403


@pytest.mark.office
def test_the_source_of_a_value_is_framed_on_the_page_image_the_worker_stored(
        client: Any, auth: Any, settings: Any, monkeypatch: Any) -> None:
    """The worker renders the page once and stores it; the web only serves those bytes (pdftoppm run by the
    web process on a hostile PDF kept it from answering anyone), and the browser draws the frame."""
    import subprocess

    from PIL import Image

    from kansli import db, pageimages
    from kansli.models import Document
    from kansli.storage import Store

    doc_id = extracted(client, auth, settings)
    with db.session_scope(settings.database_url) as session:
        provenance = session.get(Document, doc_id).provenance
    image = pageimages.image_of(provenance, 1)
    assert image and Store(settings.files_dir).exists(image["sha256"])

    def no_subprocess(argv: Any, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"the web process ran {argv!r}")

    monkeypatch.setattr(subprocess, "Popen", no_subprocess)
    login(client, "drafter")
    html = client.get(f"/documents/{doc_id}/source/reference").get_data(as_text=True)
    assert "<h1>Diarienummer: sida 1 i plan.pdf</h1>" in html
    assert "Läst som: <strong>KS 2008/214</strong>" in html
    assert f'src="/documents/{doc_id}/source/reference/page.png"' in html
    assert 'alt="Sida 1 i plan.pdf, med värdet för diarienummer inramat i rött."' in html
    assert f'href="/documents/{doc_id}#f-reference"' in html

    response = client.get(f"/documents/{doc_id}/source/reference/page.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.data == Store(settings.files_dir).get(image["sha256"])
    page = Image.open(io.BytesIO(response.data)).convert("L")
    assert page.size == (827, 1170)  # A4 at 100 dpi
    # The frame, in percent of the image, stands where the box says and holds the value's ink.
    box = client.get(f"/api/documents/{doc_id}", headers=auth("clerk")).json["provenance"]["reference"]["bbox"]
    frame = re.search(r'<svg class="value-frame" viewBox="0 0 100 100"[^>]*>\s*<rect x="([\d.]+)" y="([\d.]+)" '
                      r'width="([\d.]+)" height="([\d.]+)"/>', html)
    left, top, width, height = (float(v) / 100 for v in frame.groups())
    assert left == pytest.approx(box[0] / image["width"], abs=1e-3)
    assert top == pytest.approx(box[1] / image["height"], abs=1e-3)
    w, h = page.size
    assert page.crop((left * w, top * h, (left + width) * w, (top + height) * h)).getextrema()[0] < 100
    assert page.crop((0, 0, w, top * h - 20)).getextrema()[0] < 100  # and the rest of the page is there too

    item = client.get(f"/documents/{doc_id}/source/indicators/1").get_data(as_text=True)
    assert "Läst som: <strong>Andel med försörjningsstöd</strong>" in item
    assert f'src="/documents/{doc_id}/source/indicators/1/page.png"' in item
    assert client.get(f"/documents/{doc_id}/source/indicators/1/page.png").mimetype == "image/png"
    assert "Läst som: <strong>" in client.get(f"/documents/{doc_id}/source/goals/arbete").get_data(as_text=True)
    assert client.get(f"/documents/{doc_id}/source/indicators/9").status_code == 404
    assert client.get(f"/documents/{doc_id}/source/no_such_field").status_code == 404
    assert client.get(f"/documents/{doc_id}/source/no_such_field/page.png").status_code == 404

    with db.session_scope(settings.database_url) as session:  # a document read before page images were made
        session.get(Document, doc_id).provenance = pageimages.boxes(provenance)
    response = client.get(f"/documents/{doc_id}/source/reference/page.png")
    assert response.status_code == 404 and "Det finns ingen bild av sida 1" in response.get_data(as_text=True)
    html = client.get(f"/documents/{doc_id}/source/reference").get_data(as_text=True)
    assert "Läst som: <strong>KS 2008/214</strong>" in html and "öppna PDF-filen på den sidan" in html


def test_the_review_page_marks_doubtful_and_missing_fields(client: Any, auth: Any, settings: Any) -> None:
    """A plan whose facts stand only in prose: those fields are marked "kontrollera", the contact and goals it
    lacks "saknas i dokumentet", a label-read field neither; a corrected field is no longer in doubt."""
    from helpers.pdfs import prose_plan_pdf
    from workers.jobs import extract_document

    doc_id = upload(client, auth("clerk"), prose_plan_pdf()).json["id"]
    extract_document(doc_id)
    token = login(client, "drafter")
    html = client.get(f"/documents/{doc_id}").get_data(as_text=True)
    assert re.search(r'<label for="f-reference">Diarienummer <span class="flag flag-check">kontrollera</span></label>',
                     html)
    assert re.search(r'<legend>Kontaktperson <span class="flag flag-missing">saknas i dokumentet</span></legend>', html)
    assert re.search(r'<legend>Mål per område <span class="flag flag-missing">saknas i dokumentet</span>', html)
    assert re.search(r'<label for="f-agencies">Myndigheter i partnerskapet <span class="hint">', html)  # read under its name
    assert "fält att kontrollera" in html and "fält saknas i dokumentet" in html
    form = {"csrf_token": token, "f-municipality": "Huddinge kommun", "f-districts": "Flemingsberg\nVårby",
            "f-period-start": "2008", "f-period-end": "2010", "f-adopted": "2008-03-12",
            "f-reference": "KS 2008/124", "f-agencies": "Polismyndigheten", "indicator-rows": "0"}
    client.post(f"/documents/{doc_id}/fields", data=form, follow_redirects=True)
    html = client.get(f"/documents/{doc_id}").get_data(as_text=True)
    assert '<label for="f-reference">Diarienummer</label>' in html
