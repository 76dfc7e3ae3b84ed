"""Drafts you can read and trust: a preview of every page, the template and field versions each draft was
made from, its own page — and, once archived, a page on which nothing can be changed."""
from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from helpers.api import Auth, extracted, extracted_reports, upload
from helpers.data import SEED
from helpers.office import AGREEMENT
from helpers.pages import accessibility_problems, login
from helpers.pdfs import text_pdf
from kansli import db, templates
from kansli.models import AuditEntry, Document, Output, OutputFile, Revision
from kansli.outputs import request_output
from kansli.storage import Store
from kansli.validation import OutputRequest
from workers import jobs
from workers.jobs import extract_document, render_output

NAME = "samverkansoverenskommelse-polismyndigheten-botkyrka"


def correct(settings: Any, doc_id: int) -> None:
    """A second version of the plan's fields, as a drafter's correction leaves it."""
    with db.session_scope(settings.database_url) as session:
        doc = session.get_one(Document, doc_id)
        session.add(Revision(document_id=doc_id, number=2, source="correction", changed=["reference"],
                             fields={**(doc.current_fields() or {}), "reference": "KS 2008/2"}))


def agreement(settings: Any, doc_id: int) -> int:
    with db.session_scope(settings.database_url) as session:
        return request_output(session, OutputRequest(kind="agreement", document_id=doc_id, agency="Polismyndigheten"),
                              None).id


@pytest.mark.office
def test_a_draft_has_a_preview_of_every_page_and_records_what_it_was_made_from(
        client: Any, auth: Auth, settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    doc_id = extracted(client, auth, settings)
    correct(settings, doc_id)
    with db.session_scope(settings.database_url) as session:  # an admin's own version of the template
        version_id = templates.add(session, Store(settings.files_dir), "agreement.docx", AGREEMENT.read_bytes(),
                                   "egen.docx", None).id
    output_id = agreement(settings, doc_id)
    render_output(output_id)
    with db.session_scope(settings.database_url) as session:
        output = session.get_one(Output, output_id)
        assert (output.status, output.error, output.revisions, output.pages) == ("ready", None, {str(doc_id): 2}, 2)
        assert [f.name for f in output.files] == [f"{NAME}.docx", f"{NAME}.pdf", f"{NAME}-forhandsvisning.png",
                                                  f"{NAME}-sida-01.png", f"{NAME}-sida-02.png"]
        [made] = templates.made_with(session, output.templates or {}, output.updated_at)
        assert (made.name, made.number, made.version and made.version.id) == ("agreement.docx", 1, version_id)

    # a long draft stops at the limit, and knows how many pages it has
    monkeypatch.setattr(jobs, "PREVIEW_PAGES", 1)
    capped = agreement(settings, doc_id)
    render_output(capped)
    with db.session_scope(settings.database_url) as session:
        output = session.get_one(Output, capped)
        assert output.pages == 2
        assert [f.name for f in output.files if "-sida-" in f.name] == [f"{NAME}-sida-01.png"]
    login(client, "clerk")
    html = client.get(f"/outputs/{capped}").get_data(as_text=True)
    assert "Utkastet har 2 sidor; bara de första 1 visas här." in html


def test_a_draft_records_the_field_version_of_each_document_it_is_made_from(client: Any, auth: Auth,
                                                                            settings: Any) -> None:
    ids = extracted_reports(client, auth)
    correct(settings, ids[1])
    with db.session_scope(settings.database_url) as session:
        report = request_output(session, OutputRequest(kind="report", document_ids=ids), None)
        letter = request_output(session, OutputRequest(kind="decision", fields={"addressee": "AF", "title": "T"}),
                                None)
        assert report.revisions == {str(ids[0]): 1, str(ids[1]): 2}
        assert letter.revisions == {}  # made from given fields, from no document
        report_id, letter_id = report.id, letter.id
    # a batch: the decision's fields and the plan of each municipality it names that has one
    plan_id = extracted(client, auth, settings)
    correct(settings, plan_id)
    decision_id = upload(client, auth("clerk"), text_pdf(SEED.read_text()), "beslut.pdf").json["id"]
    extract_document(decision_id)
    with db.session_scope(settings.database_url) as session:
        batch = request_output(session, OutputRequest(kind="batch", document_id=decision_id,
                                                      agency="Polismyndigheten"), None)
        assert batch.revisions == {str(decision_id): 1, str(plan_id): 2}
        assert batch.fields["plans"]["Botkyrka kommun"]["reference"] == "KS 2008/2"  # its fields, that version
    shown = client.get(f"/api/outputs/{report_id}", headers=auth("clerk")).json
    assert [(r["document_id"], r["revision"]) for r in shown["revisions"]] == [(ids[0], 1), (ids[1], 2)]
    assert shown["revisions"][1]["history"] == f"/documents/{ids[1]}/history"
    login(client, "clerk")
    html = client.get(f"/outputs/{report_id}").get_data(as_text=True)
    assert f'<a href="/documents/{ids[1]}/history#rev-2">Version 2</a> av fälten i' in html
    assert "Väljs när utkastet skapas." in html  # not rendered yet: no template chosen
    assert "Fälten angavs i beställningen" in client.get(f"/outputs/{letter_id}").get_data(as_text=True)


def test_a_draft_made_before_page_previews_shows_what_it_has(client: Any, auth: Auth, settings: Any) -> None:
    doc_id = extracted(client, auth, settings)
    output_id = agreement(settings, doc_id)
    store = Store(settings.files_dir)
    with db.session_scope(settings.database_url) as session:  # as render_output left drafts before
        output = session.get_one(Output, output_id)
        output.status, output.revisions, output.templates = "ready", None, {"agreement.docx": "0" * 64}
        for name, data in ((f"{NAME}.docx", b"PK word"), (f"{NAME}-forhandsvisning.png", b"\x89PNG small")):
            session.add(OutputFile(output_id=output_id, name=name, format=name.rsplit(".", 1)[1],
                                   sha256=store.put(data), size=len(data)))
    data = client.get(f"/api/outputs/{output_id}", headers=auth("clerk")).json
    assert [p["page"] for p in data["previews"]] == [1] and data["pages"] is None
    assert [f["format"] for f in data["files"]] == ["docx", "png"]  # its thumbnail is still one of its files
    assert data["template_versions"] == [{"template": "agreement.docx", "sha256": "0" * 64, "version": None,
                                          "builtin": True, "created_at": None}]
    login(client, "clerk")
    html = client.get(f"/outputs/{output_id}").get_data(as_text=True)
    assert "bara en liten bild av första sidan finns" in html and f'alt="Sida 1 av utkast {output_id}"' in html
    assert "Okänd: utkastet gjordes innan fältversionen sparades." in html
    assert "Samverkansöverenskommelse: standardmallen" in html


@pytest.mark.office
def test_the_draft_page_shows_every_page_and_once_archived_is_locked(app: Any, client: Any, auth: Auth,
                                                                     settings: Any) -> None:
    doc_id = extracted(client, auth, settings)
    output_id = agreement(settings, doc_id)
    render_output(output_id)
    data = client.get(f"/api/outputs/{output_id}", headers=auth("clerk")).json
    assert data["pages"] == 2 and [p["page"] for p in data["previews"]] == [1, 2]
    assert [f["format"] for f in data["files"]] == ["docx", "pdf", "png"]  # the pages are previews, not files
    assert data["template_versions"][0]["builtin"] is True and data["registration"] is None
    assert data["revisions"] == [{"document_id": doc_id, "revision": 1, "history": f"/documents/{doc_id}/history"}]
    image = client.get(data["previews"][1]["url"], headers=auth("clerk"))
    assert image.mimetype == "image/png" and image.data[:4] == b"\x89PNG"
    assert client.get(data["files"][0]["url"], headers=auth("clerk")).status_code == 200
    with db.session_scope(settings.database_url) as session:  # the Word file taken away is audited; views are not
        taken = session.scalars(select(AuditEntry.details).where(AuditEntry.action == "download")).all()
    assert [t["what"] for t in taken] == [data["files"][0]["name"]]

    token = login(client, "admin")
    assert f'<a href="/outputs/{output_id}">Samverkansöverenskommelse {output_id}</a>' in \
        client.get(f"/documents/{doc_id}").get_data(as_text=True)
    html = client.get(f"/outputs/{output_id}").get_data(as_text=True)
    assert accessibility_problems(html) == []
    for page in (1, 2):
        url = data["previews"][page - 1]["url"]
        assert f'<a class="page-link" href="{url}" data-title="Sida {page} av 2"><img src="{url}" ' \
               f'alt="Sida {page} av utkast {output_id}"' in html
    assert "Samverkansöverenskommelse: standardmallen" in html and 'href="/templates#mall-agreement"' in html
    assert "Registrera i diariet" in html and "disabled" not in html
    again = client.post(f"/outputs/{output_id}/again", data={"csrf_token": token})
    assert again.status_code == 302 and again.location == f"/outputs/{output_id + 1}"

    registry = app.test_client()  # the API with a token, beside the signed-in page session
    dnr = registry.post("/api/registry", headers=auth("registrar"), json={"output_id": output_id}).json["dnr"]
    assert registry.post(f"/api/registry/{dnr}/archive", headers=auth("registrar")).status_code == 202
    shown = client.get(f"/api/outputs/{output_id}", headers=auth("clerk")).json["registration"]
    assert shown == {"dnr": dnr, "status": "archived", "status_text": "Arkiverad", "locked": True}
    html = client.get(f"/outputs/{output_id}").get_data(as_text=True)
    assert re.search(rf'Registrerad som\s+<a href="[^"]+">{re.escape(dnr)}</a>\s+· <span class="status '
                     r'status-archived">Arkiverad</span>', html)
    assert "Registrera i diariet" not in html
    assert re.search(r'<fieldset class="bare" disabled aria-describedby="locked-hint">', html)
    refused = client.post(f"/outputs/{output_id}/again", data={"csrf_token": token}, follow_redirects=True)
    assert f"Utkastet är arkiverat som {dnr} och kan inte ändras" in refused.get_data(as_text=True)
    with db.session_scope(settings.database_url) as session:
        assert len(session.scalars(select(Output)).all()) == 2  # the refused one made nothing


@pytest.mark.office
def test_a_draft_of_several_letters_previews_the_first_and_says_so(client: Any, auth: Auth, settings: Any) -> None:
    with db.session_scope(settings.database_url) as session:
        output_id = request_output(session, OutputRequest(kind="decision", fields={
            "addressee": "Arbetsförmedlingen", "title": "Uppdrag att samverka", "reference": "IJ2008/1215/IU",
            "identical_to": ["Försäkringskassan"]}), None).id
    render_output(output_id)
    data = client.get(f"/api/outputs/{output_id}", headers=auth("clerk")).json
    first = "beslut-ij2008-1215-iu-arbetsformedlingen"
    assert [p["name"] for p in data["previews"]] == [f"{first}-sida-{n:02d}.png" for n in range(1, data["pages"] + 1)]
    login(client, "clerk")
    html = client.get(f"/outputs/{output_id}").get_data(as_text=True)
    assert f"Sidorna är ur {first}.pdf; ladda ner de andra filerna för att läsa dem." in html
