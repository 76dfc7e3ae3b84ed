"""The browser pages without a browser: login, roles, CSRF, the review form (Flask's test client)."""
from __future__ import annotations

import io
import re
from typing import Any

import pytest

from helpers.api import extracted, extracted_reports, upload
from helpers.pages import csrf_of, login


def test_pages_need_a_login(client: Any) -> None:
    response = client.get("/")
    assert response.status_code == 302 and response.location.startswith("/login")


def test_wrong_password_is_refused_in_swedish(client: Any, tokens: Any) -> None:
    page = client.get("/login").get_data(as_text=True)
    assert "kansli user" not in page  # no command-line hint: admins create accounts on /users
    response = client.post("/login", data={"name": "clerk", "password": "fel", "csrf_token": csrf_of(page)})
    html = response.get_data(as_text=True)
    assert response.status_code == 401 and "Det finns 1 fel" in html
    assert '<a href="#password">Fel användarnamn eller lösenord; försök igen.</a>' in html
    assert 'id="password" aria-invalid="true"' in html and 'value="clerk"' in html


def test_login_without_csrf_token_is_refused(client: Any, tokens: Any) -> None:
    response = client.post("/login", data={"name": "clerk", "password": "losenord-clerk"})
    assert response.status_code == 400


def test_login_never_redirects_off_site(client: Any, tokens: Any) -> None:
    page = client.get("/login").get_data(as_text=True)
    response = client.post("/login?next=//evil.example/x", data={
        "name": "clerk", "password": "losenord-clerk", "csrf_token": csrf_of(page)})
    assert response.location == "/"
    other = client.application.test_client()
    page = other.get("/login").get_data(as_text=True)
    response = other.post("/login?next=/%5Cevil.example/x", data={  # browsers read /\ as //
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
    assert (f'Diarienummer</label> <a class="source" data-boxes="box-reference" '  # provenance
            f'href="/documents/{doc_id}/source/reference"') in html
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


def test_counts_take_the_singular_for_one(client: Any, auth: Any, settings: Any) -> None:
    doc_id = extracted(client, auth, settings)
    login(client, "drafter")
    html = client.get(f"/documents/{doc_id}").get_data(as_text=True)
    assert "· 1 sida" in html and "1 sidor" not in html
    render = client.application.jinja_env.from_string('{{ n|count("sida", "sidor") }}').render
    assert [render(n=n) for n in (0, 1, 2)] == ["0 sidor", "1 sida", "2 sidor"]


def test_the_history_shows_old_and_new_per_field_in_swedish(client: Any, auth: Any, settings: Any) -> None:
    doc_id = extracted(client, auth, settings)
    response = client.patch(f"/api/documents/{doc_id}/fields", headers=auth("drafter"), json={
        "districts": ["Alby", "Fittja", "Hallunda"], "period": {"start": 2008, "end": 2012}})
    assert response.status_code == 200, response.json
    login(client, "clerk")
    html = client.get(f"/documents/{doc_id}/history").get_data(as_text=True)
    assert "Version 2: rättelse</h2>" in html and "Av drafter, " in html and "2 fält ändrades." in html
    version2 = html[html.index("Version 2"):html.index("Version 1")]
    assert re.search(r'<th scope="row">Stadsdelar</th><td class="old">Alby<br>Fittja</td>'
                     r'<td class="new">Alby<br>Fittja<br>Hallunda</td>', version2)
    assert '<th scope="row">Planperiod</th><td class="old">2008–2010</td><td class="new">2008–2012</td>' in version2
    version1 = html[html.index("Version 1"):]
    assert "Så här lästes fälten ur dokumentet." in version1
    assert "Förvärvsfrekvens 20–64 år (%): utgångsläge 52,1 (2006), mål 60 (2010)" in version1
    assert '"districts"' not in html and "municipality" not in html  # no JSON, no English keys


def test_a_refused_save_keeps_every_value_typed_and_marks_each_wrong_field(
        client: Any, auth: Any, settings: Any) -> None:
    """The issue's case: Målår "2O10" used to throw away every other edit and report only the first error."""
    doc_id = extracted(client, auth, settings)
    token = login(client, "drafter")
    response = client.post(f"/documents/{doc_id}/fields", data={
        "csrf_token": token, "f-municipality": "Botkyrka kommun", "f-reference": "KS 2008/999",
        "f-districts": "Alby\nFittja\nHallunda", "f-period-start": "2012", "f-period-end": "2010",
        "indicator-rows": "1", "f-indicators-0-name": "Förvärvsfrekvens", "f-indicators-0-ty": "2O10",
        "f-indicators-0-tv": "61,5"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<title>Fel: plan.pdf – Kansli</title>" in html
    assert "Det finns 2 fel" in html and html.index("error-summary") < html.index("<h1>")
    assert re.search(r'<a href="#f-indicators-0-ty">Indikatorer, rad 1, Mål: År ska vara ett heltal\.</a>', html)
    assert re.search(r'<a href="#f-period-start">Planperiod kan inte ha startåret efter slutåret\.</a>', html)
    for control in ("f-indicators-0-ty", "f-period-start"):
        assert f'id="{control}" aria-invalid="true" aria-describedby="{control}-error"' in html
        assert f'<p class="field-error" id="{control}-error">' in html
    assert html.count('aria-invalid="true"') == 2
    # every value as typed, the wrong ones too
    for kept in ('value="KS 2008/999"', "Alby\nFittja\nHallunda</textarea>", 'value="2O10"', 'value="61,5"',
                 'value="2012"', 'value="Förvärvsfrekvens"'):
        assert kept in html, kept
    assert client.get(f"/api/documents/{doc_id}", headers=auth("clerk")).json["revision"] == 1


def test_a_refused_draft_request_marks_the_agency(client: Any, auth: Any, settings: Any) -> None:
    doc_id = extracted(client, auth, settings)
    token = login(client, "drafter")
    response = client.post(f"/documents/{doc_id}/outputs", data={"csrf_token": token, "agency": "Skatteverket"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Det finns 1 fel" in html
    assert '<a href="#agency">Välj myndighet: Arbetsförmedlingen' in html
    assert 'id="agency" aria-invalid="true" aria-describedby="agency-error"' in html


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


def test_a_refused_template_keeps_the_chosen_template_and_marks_the_file(client: Any, tokens: Any) -> None:
    from helpers.office import variant

    token = login(client, "admin")
    response = client.post("/templates", data={
        "csrf_token": token, "name": "decision.docx", "file": (io.BytesIO(variant("{{ lön }}")), "fel.docx")})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Det finns 1 fel" in html
    assert re.search(r'<a href="#file">Mallen togs inte emot: Mallen använder variabler som fälten saknar: [^<]*lön', html)
    assert 'id="file" aria-invalid="true" aria-describedby="file-hint file-error"' in html
    assert '<option value="decision.docx" selected>' in html
    response = client.post("/templates", data={"csrf_token": token, "name": "agreement.docx"})
    assert response.status_code == 422
    assert '<a href="#file">Välj en mall (.docx) att ladda upp.</a>' in response.get_data(as_text=True)


def test_admins_download_templates_and_make_an_earlier_version_current_again(
        client: Any, tokens: Any, settings: Any) -> None:
    from helpers.office import AGREEMENT, variant
    from kansli import db
    from kansli.models import AuditEntry

    token = login(client, "admin")
    current = client.get("/templates/agreement.docx/current")
    assert current.status_code == 200 and current.data == AGREEMENT.read_bytes()  # the built-in one
    assert current.headers["Content-Disposition"] == 'attachment; filename="agreement.docx"'
    first, second = variant("Första."), variant("Andra.")
    for data in (first, second):
        client.post("/templates", data={"csrf_token": token, "name": "agreement.docx",
                                        "file": (io.BytesIO(data), "egen.docx")})
    assert client.get("/templates/agreement.docx/current").data == second
    html = client.get("/templates").get_data(as_text=True)
    ids = re.findall(r'<tr data-version="(\d+)">', html)
    assert len(ids) == 2 and "2 <strong>(aktuell)</strong>" in html
    assert client.get(f"/templates/versions/{ids[1]}").data == first
    response = client.post(f"/templates/versions/{ids[1]}/current", data={"csrf_token": token}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Version 1 av agreement.docx används igen, som ny version 3." in html
    assert client.get("/templates/agreement.docx/current").data == first
    assert len(re.findall(r'<tr data-version="', html)) == 3 and html.count("Gör aktuell igen</button>") == 2
    with db.session_scope(settings.database_url) as session:
        actions = [e.action for e in session.query(AuditEntry).order_by(AuditEntry.id)]
    assert actions.count("template") == 2 and actions.count("template_revert") == 1 and "download" in actions
    assert client.get("/templates/nosuch.docx/current").status_code == 404
    assert client.get("/templates/versions/999").status_code == 404


def test_the_template_page_explains_every_variable_in_swedish(client: Any, tokens: Any) -> None:
    from kansli import templates
    from kansli.outputs import template_variables

    for name in template_variables():
        assert all(text for _variable, text in templates.described_variables(name)), name
    login(client, "admin")
    html = client.get("/templates").get_data(as_text=True)
    assert "<dt><code>{{ districts_text }}</code></dt><dd>Stadsdelarna som löpande text" in html


def test_the_template_page_is_for_admins_only(client: Any, tokens: Any) -> None:
    login(client, "drafter")
    assert client.get("/templates").status_code == 403
    assert 'href="/templates"' not in client.get("/").get_data(as_text=True)


def test_a_report_page_offers_to_consolidate_the_reports(client: Any, auth: Any, settings: Any) -> None:
    ids = extracted_reports(client, auth)
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
    dnr = re.search(r"Registrerat som (KAN \d{4}/\d+-\d+)", html).group(1)
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


def test_admins_add_users_and_errors_keep_what_was_typed(client: Any, tokens: Any, settings: Any) -> None:
    from kansli import db
    from kansli.models import AuditEntry
    from kansli.users import user_for_token

    token = login(client, "admin")
    html = client.get("/users").get_data(as_text=True)
    assert 'href="/users"' in html and '<tr data-user="drafter">' in html and "<td>handläggare</td>" in html
    response = client.post("/users", data={"csrf_token": token, "name": "drafter", "role": "registrar"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Användaren &#39;drafter&#39; finns redan." in html
    assert 'value="drafter"' in html and '<option value="registrar" selected>' in html
    response = client.post("/users", data={"csrf_token": token, "name": "anna", "role": "registrar"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Användaren anna (registrator) är skapad." in html
    api_token = re.search(r'<code class="token" id="api-token">([^<]+)</code>', html).group(1)
    assert '<tr data-user="anna">' in html
    with db.session_scope(settings.database_url) as session:
        assert user_for_token(session, api_token).name == "anna"
        entry = session.query(AuditEntry).filter_by(action="user_add").one()
        assert (entry.actor, entry.subject, entry.details) == ("admin", "user anna",
                                                               {"role": "registrar", "must_change_password": True})
        assert api_token not in str([e.details for e in session.query(AuditEntry)])


def test_admins_disable_reset_log_out_and_manage_tokens(client: Any, tokens: Any, settings: Any, auth: Any) -> None:
    import hashlib

    from sqlalchemy import select

    from helpers.pages import post_login
    from kansli import db
    from kansli.models import ApiToken, AuditEntry, User

    with db.session_scope(settings.database_url) as session:
        clerk_id = session.query(User).filter_by(name="clerk").one().id
        admin_id = session.query(User).filter_by(name="admin").one().id
    other, api = client.application.test_client(), client.application.test_client()
    login(other, "clerk")
    token = login(client, "admin")
    html = client.get("/users").get_data(as_text=True)
    assert re.search(r'<tr data-user="clerk">.*?<td>\d{4}-\d\d-\d\d \d\d:\d\d</td>', html, re.S)  # last login
    base = f"/users/{clerk_id}"
    page = client.get(base).get_data(as_text=True)
    assert "Stäng av kontot" in page and 'aria-label="Återkalla API-nyckel' in page

    response = client.post(base + "/logout", data={"csrf_token": token}, follow_redirects=True)
    assert "1 inloggning för clerk avslutade." in response.get_data(as_text=True)
    assert other.get("/").status_code == 302  # signed out

    assert "Återställ lösenordet för clerk" in page
    html = client.post(base + "/password", data={"csrf_token": token}).get_data(as_text=True)
    assert "Lösenordet för clerk är återställt; 0 inloggningar avslutade." in html
    temporary = re.search(r'<code class="token" id="temporary-password">([^<]+)</code>', html).group(1)
    assert "Måste välja ett nytt lösenord vid nästa inloggning" in html
    assert temporary not in client.get(base).get_data(as_text=True)  # shown once
    assert post_login(other, "clerk", temporary).location == "/password"
    assert "<td>aktivt, väntar på nytt lösenord</td>" in client.get("/users").get_data(as_text=True)

    response = client.post(base + "/tokens", data={"csrf_token": token, "days": "tio"})
    assert response.status_code == 422 and '<a href="#days">Giltig i dagar ska vara ett heltal' in response.get_data(as_text=True)
    html = client.post(base + "/tokens", data={"csrf_token": token, "days": "30"}).get_data(as_text=True)
    new = re.search(r'<code class="token">([^<]+)</code>', html).group(1)
    assert api.get("/api/documents", headers={"Authorization": f"Bearer {new}"}).status_code == 200
    assert new not in client.get(base).get_data(as_text=True)  # shown once
    with db.session_scope(settings.database_url) as session:  # stored as its hash only
        stored = session.scalars(select(ApiToken.token_hash)).all()
        assert hashlib.sha256(new.encode()).hexdigest() in stored and new not in stored
        assert new not in str(session.scalars(select(AuditEntry.details)).all())
    token_ids = re.findall(r'<tr data-token="(\d+)">', html)
    assert len(token_ids) == 2
    response = client.post(f"{base}/tokens/{token_ids[0]}/revoke", data={"csrf_token": token}, follow_redirects=True)
    assert f"API-nyckel {token_ids[0]} för clerk är återkallad." in response.get_data(as_text=True)
    assert api.get("/api/documents", headers={"Authorization": f"Bearer {new}"}).status_code == 401
    assert api.get("/api/documents", headers=auth("clerk")).status_code == 200  # the other one still works
    assert client.post(f"{base}/tokens/{token_ids[0]}/revoke", data={"csrf_token": token}).status_code == 404

    response = client.post(base + "/disable", data={"csrf_token": token}, follow_redirects=True)
    assert "clerk är avstängd; 1 inloggning avslutade." in response.get_data(as_text=True)
    assert other.get("/").status_code == 302 and api.get("/api/documents", headers=auth("clerk")).status_code == 401
    assert "Aktivera kontot igen" in client.get(base).get_data(as_text=True)
    client.post(base + "/enable", data={"csrf_token": token})
    assert api.get("/api/documents", headers=auth("clerk")).status_code == 200
    response = client.post(f"/users/{admin_id}/disable", data={"csrf_token": token})
    assert response.status_code == 422 and "Du kan inte stänga av ditt eget konto" in response.get_data(as_text=True)
    with db.session_scope(settings.database_url) as session:
        actions = [(e.actor, e.action) for e in session.query(AuditEntry).filter(AuditEntry.subject == "user clerk")
                   .order_by(AuditEntry.id) if e.actor == "admin"]
    assert [a for _, a in actions] == ["end_sessions", "password_reset", "token", "revoke_tokens", "user_disable",
                                       "user_enable"]


def test_admins_change_a_role_which_holds_from_the_next_request(client: Any, tokens: Any, settings: Any,
                                                                auth: Any) -> None:
    from kansli import db
    from kansli.models import AuditEntry, User

    with db.session_scope(settings.database_url) as session:
        clerk_id = session.query(User).filter_by(name="clerk").one().id
        admin_id = session.query(User).filter_by(name="admin").one().id
    other = client.application.test_client()
    login(other, "clerk")
    assert "clerk (registrator av underlag)" in other.get("/").get_data(as_text=True)
    assert other.get("/api/cases/KAN 2026-9/erms").status_code == 403  # registrars only (and admins)
    token = login(client, "admin")
    page = client.get(f"/users/{clerk_id}").get_data(as_text=True)
    assert '<label for="role">Roll för clerk</label>' in page and '<option value="clerk" selected>' in page
    response = client.post(f"/users/{clerk_id}/role", data={"csrf_token": token, "role": "chef"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and '<a href="#role">Okänd roll &#39;chef&#39;' in html
    assert 'id="role" aria-invalid="true" aria-describedby="role-error"' in html
    response = client.post(f"/users/{clerk_id}/role", data={"csrf_token": token, "role": "registrar"},
                           follow_redirects=True)
    assert "clerk har nu rollen registrator (förut registrator av underlag)." in response.get_data(as_text=True)
    assert "clerk (registrator)" in other.get("/").get_data(as_text=True)  # the session has it at once
    assert other.get("/api/cases/KAN 2026-9/erms").status_code == 404
    assert client.get("/api/cases/KAN 2026-9/erms", headers=auth("clerk")).status_code == 404  # and the token
    response = client.post(f"/users/{clerk_id}/role", data={"csrf_token": token, "role": "registrar"},
                           follow_redirects=True)
    assert "clerk har redan rollen registrator." in response.get_data(as_text=True)
    assert f'action="/users/{admin_id}/role"' not in client.get(f"/users/{admin_id}").get_data(as_text=True)
    response = client.post(f"/users/{admin_id}/role", data={"csrf_token": token, "role": "clerk"})
    assert response.status_code == 422 and "Du kan inte ändra din egen roll" in response.get_data(as_text=True)
    with db.session_scope(settings.database_url) as session:
        assert session.query(User).filter_by(name="admin").one().role == "admin"
        entry = session.query(AuditEntry).filter_by(action="user_role").one()
        assert (entry.actor, entry.subject, entry.details) == (
            "admin", "user clerk", {"role": "registrar", "previous_role": "clerk"})


def test_the_user_pages_are_for_admins_only(client: Any, tokens: Any) -> None:
    token = login(client, "registrar")
    assert client.get("/users").status_code == 403 and client.get("/users/1").status_code == 403
    assert client.post("/users", data={"csrf_token": token}).status_code == 403
    assert client.post("/users/1/disable", data={"csrf_token": token}).status_code == 403
    assert client.post("/users/1/role", data={"csrf_token": token, "role": "admin"}).status_code == 403
    assert client.post("/users/1/password", data={"csrf_token": token}).status_code == 403
    assert 'href="/users"' not in client.get("/").get_data(as_text=True)


def test_the_public_diary_is_open_without_login_and_accessible(client: Any, auth: Any, settings: Any) -> None:
    from helpers.pages import accessibility_problems

    doc_id = extracted(client, auth, settings)
    dnr = client.post("/api/registry", headers=auth("registrar"), json={"document_id": doc_id}).json["dnr"]
    client.post(f"/api/registry/{dnr}/secrecy", headers=auth("registrar"),
                json={"parts": ["party"], "provision": "OSL 21 kap. 3 §"})
    response = client.get("/diarium/offentlig")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and accessibility_problems(html) == []
    assert f'<tr data-dnr="{dnr}">' in html and "Uppgift skyddad enligt OSL 21 kap. 3 §" in html
    assert "<td>Botkyrka kommun</td>" not in html and "Logga ut" not in html  # the description is public
    assert 'role="status"' in html and "1 registrering." in html
    bad = client.get("/diarium/offentlig?year=tvåtusen")
    assert bad.status_code == 400 and "År ska vara ett heltal skrivet med siffrorna 0–9." in bad.get_data(as_text=True)


def test_registrars_mark_secrecy_and_dispatch_from_the_registration_page(
        client: Any, auth: Any, settings: Any) -> None:
    from helpers.pages import accessibility_problems
    from kansli import db
    from kansli.models import Output

    with db.session_scope(settings.database_url) as session:
        output = Output(kind="agreement", agency="Polismyndigheten", status="ready",
                        fields={"municipality": "Botkyrka kommun"})
        session.add(output)
        session.flush()
        output_id = output.id
    dnr = client.post("/api/registry", headers=auth("registrar"), json={"output_id": output_id}).json["dnr"]
    token = login(client, "registrar")
    listing = client.get("/registry").get_data(as_text=True)
    page = f"/registry/{dnr.replace(' ', '%20')}"
    assert f'href="{page}"' in listing
    html = client.get(page).get_data(as_text=True)
    assert accessibility_problems(html) == []
    assert "Expediera till Polismyndigheten" in html and "Expediera till Botkyrka kommun" in html

    response = client.post(f"{page}/secrecy", follow_redirects=True,
                           data={"csrf_token": token, "parts": ["party", "nummer"], "provision": "OSL 21 kap. 3 §"})
    assert "”nummer”, som inte kan skyddas" in response.get_data(as_text=True)
    response = client.post(f"{page}/secrecy", follow_redirects=True,
                           data={"csrf_token": token, "parts": ["party"], "provision": "OSL 21 kap. 3 §"})
    html = response.get_data(as_text=True)
    assert "Sekretessmarkeringen är registrerad" in html and 'aria-label="Häv markeringen enligt OSL 21 kap. 3 §"' in html
    assert accessibility_problems(html) == []

    response = client.post(f"{page}/dispatches", follow_redirects=True, data={
        "csrf_token": token, "recipient": "Polismyndigheten", "address": "registrator@polisen.se", "method": "email",
        "date": "2026-03-01"})
    html = response.get_data(as_text=True)
    assert "Expedieringen till Polismyndigheten är registrerad" in html
    assert "<td>registrator@polisen.se</td><td>E-post</td><td>2026-03-01</td>" in html and "redan expedierad" in html
    response = client.post(f"{page}/secrecy/lift", follow_redirects=True, data={"csrf_token": token, "reason": ""})
    assert "Skäl saknas" in response.get_data(as_text=True)

    token = login(client, "clerk")
    html = client.get(page).get_data(as_text=True)
    assert "Sekretessmarkera</button>" not in html and "Expediera till" not in html
    assert client.post(f"{page}/dispatches", data={"csrf_token": token}).status_code == 403


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


def test_times_are_shown_in_swedish_time_summer_and_winter() -> None:
    """Stored moments are UTC; a registrar reads the clock on the wall."""
    from datetime import UTC, datetime

    from service.pages.documents import local

    assert local(datetime(2026, 7, 1, 10, 0, tzinfo=UTC)) == "2026-07-01 12:00"  # CEST
    assert local(datetime(2026, 1, 15, 23, 30)) == "2026-01-16 00:30"  # naive (SQLite) is UTC; CET
    assert local("2026-11-26T06:05:00+00:00", "%Y-%m-%d") == "2026-11-26"  # the audit trail's text
