"""The document list page and its actions without a browser: filters and pages in the URL, thumbnails,
retrying and removing a failed upload (page and API), registering and drafting from several documents."""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from rq import Queue
from sqlalchemy import func, select

from helpers.api import upload
from helpers.pages import login
from kansli import db, documentlist, pageimages, queues, selection
from kansli.fields import EXAMPLES
from kansli.models import AuditEntry, Document, Output, Registration, Revision
from kansli.outputs import OutputRejected
from kansli.registry.numbering import register
from kansli.storage import Store
from workers.jobs import extract_document

Auth = Callable[[str], dict[str, str]]
BROKEN = b"%PDF-1.4 broken"


def add(settings: Any, filename: str, kind: str | None = None, status: str = "extracted",
        fields: dict[str, Any] | None = None, provenance: dict[str, Any] | None = None,
        at: datetime | None = None) -> int:
    """A document row as the worker leaves it (indexed when read), without running the worker."""
    with db.session_scope(settings.database_url) as session:
        digest = Store(settings.files_dir).put(f"%PDF-1.4 {filename}".encode())
        doc = Document(filename=filename, sha256=digest, size=10, kind=kind, status=status,
                       provenance=provenance, created_at=at or datetime.now(UTC))
        session.add(doc)
        session.flush()
        if fields is not None:
            session.add(Revision(document_id=doc.id, number=1, source="extraction", fields=fields))
            documentlist.index(session, doc.id, filename, fields, None)
        return doc.id


def failed(client: Any, auth: Auth, n: int = 1) -> int:
    """An upload the worker could not read, as a clerk meets it on the list."""
    doc_id = upload(client, auth("clerk"), BROKEN + str(n).encode(), f"trasig-{n}.pdf").json["id"]
    extract_document(doc_id)
    assert client.get(f"/api/documents/{doc_id}", headers=auth("clerk")).json["status"] == "failed"
    return doc_id


def audited(settings: Any, action: str, subject: str) -> int:
    with db.session_scope(settings.database_url) as session:
        return session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == action, AuditEntry.subject == subject)) or 0


def test_pages_of_25_with_their_links_and_the_filters_kept(client: Any, tokens: Any, settings: Any) -> None:
    start = datetime(2026, 3, 2, 8, tzinfo=UTC)
    for n in range(30):
        add(settings, f"plan-{n:02d}.pdf", "district_plan",
            fields={"municipality": "Uppsala kommun" if n % 2 else "Botkyrka kommun"},
            at=start + timedelta(minutes=n))
    login(client, "clerk")
    html = client.get("/").get_data(as_text=True)
    assert "Visar 1–25 av 30 dokument" in html and len(re.findall(r'data-document="\d+"', html)) == 25
    assert re.search(r'<a href="/\?page=1" aria-current="page"><span class="visually-hidden">Sida </span>1</a>', html)
    html = client.get("/?page=2").get_data(as_text=True)
    assert "Visar 26–30 av 30 dokument" in html and "plan-00.pdf" in html and "plan-29.pdf" not in html
    html = client.get("/?municipality=Uppsala&sort=name").get_data(as_text=True)
    assert "Visar 1–15 av 15 dokument" in html and "plan-00.pdf" not in html
    assert html.index("plan-01.pdf") < html.index("plan-03.pdf")
    assert 'id="municipality" name="municipality" type="text" value="Uppsala"' in html
    assert '<option value="name" selected>' in html and "Rensa filter" in html
    html = client.get("/?q=plan-07").get_data(as_text=True)
    assert "Visar 1 dokument" in html and 'aria-current' not in html  # one page: no page links


def test_a_bad_filter_is_marked_on_its_control_in_swedish(client: Any, tokens: Any, settings: Any) -> None:
    add(settings, "plan.pdf", "district_plan", fields={})
    login(client, "clerk")
    response = client.get("/?status=borta&since=igår")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Det finns 2 fel" in html
    assert '<a href="#status">' in html and '<a href="#since">' in html
    assert 'id="status" aria-invalid="true"' in html and "plan.pdf" in html  # the list is shown unfiltered


def test_page_one_is_always_rendered_for_the_thumbnail() -> None:
    assert pageimages.pages_to_render({}) == [1]
    assert pageimages.pages_to_render({"reference": {"page": 3}, "title": {"page": 1}}) == [1, 3]


def test_a_read_document_has_a_thumbnail_a_failed_one_a_placeholder(client: Any, auth: Auth, settings: Any) -> None:
    png = b"\x89PNG\r\n\x1a\n thumbnail"
    digest = Store(settings.files_dir).put(png)
    with_image = add(settings, "plan.pdf", "district_plan", fields={},
                     provenance={"page_images": {"1": {"sha256": digest, "width": 595, "height": 842}}})
    without = failed(client, auth)
    login(client, "clerk")
    html = client.get("/").get_data(as_text=True)
    src = f"/documents/{with_image}/thumbnail.png?v={digest[:16]}"
    assert f'<img class="thumb" src="{src}" alt="Första sidan av plan.pdf"' in html
    assert html.count('<span class="thumb thumb-none">Ingen bild</span>') == 2  # the failed one, and the new-row template
    response = client.get(src)
    assert response.data == png and response.mimetype == "image/png"
    assert response.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    assert client.get(f"/documents/{without}/thumbnail.png").status_code == 404


def test_an_extracted_upload_has_its_first_page_stored(client: Any, auth: Auth, settings: Any) -> None:
    doc_id = upload(client, auth("clerk")).json["id"]
    extract_document(doc_id)
    with db.session_scope(settings.database_url) as session:
        assert pageimages.thumbnail(session.get(Document, doc_id).provenance)


def test_retry_queues_a_failed_upload_again_once(client: Any, auth: Auth, settings: Any) -> None:
    doc_id = failed(client, auth)
    answer = client.post(f"/api/documents/{doc_id}/retry", headers=auth("clerk"))
    assert answer.status_code == 202 and answer.json["status"] == "queued" and answer.json["error"] is None
    heavy = queues.is_heavy(settings, None, 1)
    job_ids = Queue(queues.EXTRACT_HEAVY if heavy else queues.EXTRACT,
                    connection=queues.connection(settings.redis_url)).job_ids
    assert queues.document_job_id(doc_id, heavy) in job_ids
    assert audited(settings, "retry", f"document {doc_id}") == 1
    again = client.post(f"/api/documents/{doc_id}/retry", headers=auth("clerk"))
    assert again.status_code == 409 and "trasig-1.pdf kan inte försökas igen" in again.json["error"]["message"]
    assert client.post(f"/api/documents/{doc_id}/retry", headers=auth("registrar")).status_code == 403
    extract_document(doc_id)  # the worker reads it again (and the same bytes fail again)
    with db.session_scope(settings.database_url) as session:
        assert session.get(Document, doc_id).attempts == 1


def test_retry_from_the_list(client: Any, auth: Auth, settings: Any) -> None:
    doc_id = failed(client, auth)
    token = login(client, "clerk")
    html = client.get("/?status=failed").get_data(as_text=True)
    assert f'action="/documents/{doc_id}/retry"' in html and 'aria-label="Försök igen med trasig-1.pdf"' in html
    response = client.post(f"/documents/{doc_id}/retry", data={"csrf_token": token, "back": "/?status=failed"})
    assert response.location == "/?status=failed"
    html = client.get("/").get_data(as_text=True)
    assert "trasig-1.pdf är köad för att läsas igen." in html and 'data-status="queued"' in html


def test_remove_asks_first_then_removes_the_row_and_its_bytes(client: Any, auth: Auth, settings: Any) -> None:
    doc_id = failed(client, auth)
    with db.session_scope(settings.database_url) as session:
        digest = session.get(Document, doc_id).sha256
    token = login(client, "clerk")
    confirm = client.get(f"/documents/{doc_id}/remove?back=/%3Fstatus%3Dfailed").get_data(as_text=True)
    assert "Ta bort trasig-1.pdf?" in confirm and 'id="confirm-remove"' in confirm
    assert 'name="back" value="/?status=failed"' in confirm
    assert 'href="/"' in client.get(f"/documents/{doc_id}/remove?back=https://evil.example/").get_data(as_text=True)
    response = client.post(f"/documents/{doc_id}/remove", data={"csrf_token": token, "back": "/?status=failed"})
    assert response.location == "/?status=failed"
    assert "trasig-1.pdf är borttaget." in client.get("/").get_data(as_text=True)
    assert client.get(f"/api/documents/{doc_id}", headers=auth("clerk")).status_code == 404
    assert not Store(settings.files_dir).path(digest).exists()
    assert audited(settings, "remove", f"document {doc_id}") == 1
    fresh = client.application.test_client()  # no session: the API call goes by its token alone
    assert upload(fresh, auth("clerk"), BROKEN + b"1", "igen.pdf").status_code == 202  # the same bytes: new again


def test_removal_forgets_the_documents_jobs(client: Any, auth: Auth, settings: Any) -> None:
    """SQLite gives a removed document's id to the next upload: its old job must not be taken for the new one's."""
    doc_id = failed(client, auth)
    redis = queues.connection(settings.redis_url)
    assert any(redis.exists(f"rq:job:{job_id}") for job_id in queues.document_job_ids(doc_id))
    assert client.delete(f"/api/documents/{doc_id}", headers=auth("clerk")).status_code == 204
    assert not any(redis.exists(f"rq:job:{job_id}") for job_id in queues.document_job_ids(doc_id))


def test_an_upload_keeps_its_bytes_though_a_removal_freed_them_meanwhile(client: Any, auth: Auth, settings: Any,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A removal of the same bytes may free them between the upload's storing them and its commit: the new
    row must still find its file."""
    from kansli.documents import receive
    from service import actions

    def received_then_freed(store: Store, data: bytes, filename: str | None) -> Any:
        got = receive(store, data, filename)
        store.remove(got.sha256)  # as the other clerk's removal does, after its own commit
        return got

    monkeypatch.setattr(actions, "receive", received_then_freed)
    doc_id = upload(client, auth("clerk"), BROKEN + b"igen", "igen.pdf").json["id"]
    with db.session_scope(settings.database_url) as session:
        assert Store(settings.files_dir).path(session.get_one(Document, doc_id).sha256).exists()


def test_remove_keeps_bytes_another_row_needs(client: Any, auth: Auth, settings: Any) -> None:
    doc_id = failed(client, auth)
    with db.session_scope(settings.database_url) as session:
        digest = session.get(Document, doc_id).sha256
    add(settings, "annan.pdf", "district_plan", fields={},
        provenance={"page_images": {"2": {"sha256": digest, "width": 1, "height": 1}}})
    assert client.delete(f"/api/documents/{doc_id}", headers=auth("clerk")).status_code == 204
    assert Store(settings.files_dir).path(digest).exists()
    assert client.delete(f"/api/documents/{doc_id}", headers=auth("clerk")).status_code == 404


def test_a_document_removed_meanwhile_is_gone_not_an_error(app: Any, client: Any, auth: Auth, settings: Any) -> None:
    """Two clerks remove the same failed upload: the one who comes second is told it is gone (404), no 500."""
    from flask_login import login_user

    from kansli.documents import DocumentGone
    from kansli.models import User
    from service.actions import remove_document
    from service.auth import SignedIn
    from service.database import get_session

    doc_id = failed(client, auth)
    with app.test_request_context():
        clerk = get_session().scalars(select(User).where(User.name == "clerk")).one()
        login_user(SignedIn.of(clerk))
        doc = get_session().get_one(Document, doc_id)  # as the second clerk's request has read it
        with db.session_scope(settings.database_url) as other:  # the first clerk's removal commits
            other.delete(other.get_one(Document, doc_id))
        with pytest.raises(DocumentGone, match="trasig-1.pdf är redan borttaget."):
            remove_document(doc)
    assert audited(settings, "remove", f"document {doc_id}") == 0


def test_registered_archived_and_read_documents_are_never_removed(client: Any, auth: Auth, settings: Any) -> None:
    registered, archived = failed(client, auth, 1), failed(client, auth, 2)
    read = add(settings, "plan.pdf", "district_plan", fields={})
    with db.session_scope(settings.database_url) as session:
        dnr = register(session, "KAN", document_id=registered).dnr
        register(session, "KAN", document_id=archived).status = "archived"
    answer = client.delete(f"/api/documents/{registered}", headers=auth("clerk"))
    assert answer.status_code == 409
    assert answer.json["error"]["message"] == (f"trasig-1.pdf kan inte tas bort: dokumentet är registrerat som {dnr}, "
                                               "och det som har registrerats tas aldrig bort.")
    assert "och arkiverat" in client.delete(f"/api/documents/{archived}", headers=auth("clerk")).json["error"]["message"]
    assert "har status extraherad" in client.delete(f"/api/documents/{read}", headers=auth("clerk")).json["error"]["message"]
    token = login(client, "clerk")
    assert client.post(f"/documents/{registered}/remove", data={"csrf_token": token}).status_code == 302
    assert "och det som har registrerats tas aldrig bort." in client.get("/").get_data(as_text=True)
    with db.session_scope(settings.database_url) as session:
        assert session.scalar(select(func.count()).select_from(Document)) == 3
        assert session.scalar(select(func.count()).select_from(Registration)) == 2
    assert audited(settings, "remove", f"document {registered}") == 0


def test_register_the_selected_each_reported(client: Any, auth: Auth, settings: Any) -> None:
    first = add(settings, "plan.pdf", "district_plan", fields=EXAMPLES["district_plan"])
    second = add(settings, "rapport.pdf", "report", fields=EXAMPLES["report"])
    with db.session_scope(settings.database_url) as session:
        earlier = register(session, "KAN", document_id=second).dnr
    token = login(client, "registrar")
    html = client.get("/").get_data(as_text=True)
    assert 'aria-label="Markera plan.pdf"' in html and 'value="register">Registrera markerade' in html
    assert "Skapa utkast från markerade" not in html and 'id="upload-form"' not in html
    client.post("/documents/selected", data={"csrf_token": token, "action": "register",
                                             "document": [str(first), str(second)], "back": "/?kind="})
    html = client.get("/").get_data(as_text=True)
    with db.session_scope(settings.database_url) as session:
        dnr = session.scalar(select(Registration.dnr).where(Registration.document_id == first))
    assert f"plan.pdf är registrerat som {dnr}." in html
    assert f"rapport.pdf registrerades inte: Det är redan registrerat som {earlier}." in html
    assert audited(settings, "register", dnr) == 1
    token = login(client, "drafter")
    assert client.post("/documents/selected", data={"csrf_token": token, "action": "register",
                                                    "document": [str(first)]}).status_code == 403


def test_draft_from_the_selected_as_a_drafter_expects(client: Any, auth: Auth, settings: Any) -> None:
    plans = [add(settings, f"plan-{n}.pdf", "district_plan", fields=EXAMPLES["district_plan"]) for n in (1, 2)]
    reports = [add(settings, f"rapport-{n}.pdf", "report", fields=EXAMPLES["report"]) for n in (1, 2)]
    queued = add(settings, "ny.pdf", status="queued")
    token = login(client, "drafter")

    def draft(ids: list[int], agencies: tuple[str, ...] = ()) -> str:
        client.post("/documents/selected", data={"csrf_token": token, "action": "draft", "agency": list(agencies),
                                                 "document": [str(i) for i in ids]})
        return client.get("/").get_data(as_text=True)

    def outputs() -> list[tuple[str, int | None, str | None]]:
        with db.session_scope(settings.database_url) as session:
            return [(o.kind, o.document_id, o.agency) for o in session.scalars(select(Output).order_by(Output.id))]

    assert "Välj minst en myndighet att göra överenskommelser för." in draft(plans) and outputs() == []
    html = draft([plans[0], reports[0]], ("Polismyndigheten",))
    assert ("Inga utkast skapades. Markera dokument av en och samma typ: plan-1.pdf är en stadsdelsplan, "
            "rapport-1.pdf en myndighetsrapport.") in html
    assert "ny.pdf är inte färdigläst (status: i kö)" in draft([plans[0], queued], ("Polismyndigheten",))
    assert outputs() == []
    html = draft(plans, ("Polismyndigheten", "Försäkringskassan"))
    assert outputs() == [("agreement", plans[0], "Polismyndigheten"), ("agreement", plans[0], "Försäkringskassan"),
                         ("agreement", plans[1], "Polismyndigheten"), ("agreement", plans[1], "Försäkringskassan")]
    assert "(samverkansöverenskommelse för Försäkringskassan) skapas från plan-2.pdf." in html
    html = draft(reports)
    assert outputs()[-1] == ("report", reports[0], None)
    assert "(sammanställd redovisning) skapas från rapport-1.pdf, rapport-2.pdf." in html
    with db.session_scope(settings.database_url) as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "generate")) == 5


def test_hostile_list_arguments_and_selections_answer_with_a_message(client: Any, auth: Auth, settings: Any) -> None:
    for query, word in (("q=%00", "styrtecken"), ("page=0", "Sida ska vara minst 1"), ("page=%C2%B2", "0–9"),
                        ("sort=random", "newest"),
                        ("since=2026-13-01", "Uppladdad från"), ("per_page=1000", "200"), ("status=gone", "queued")):
        answer = client.get(f"/api/documents?{query}", headers=auth("clerk"))
        assert answer.status_code == 400 and word in answer.json["error"]["message"], query
    token = login(client, "admin")
    html = client.get("/?q=%00&page=%C2%B2").get_data(as_text=True)
    assert "Det finns 2 fel" in html and '<a href="#q">' in html
    response = client.post("/documents/selected", data={"csrf_token": token, "action": "register",
                                                        "document": ["²", "9" * 30, "-1"]}, follow_redirects=True)
    assert response.status_code == 200 and "Markera minst ett dokument i listan först." in response.get_data(as_text=True)
    assert client.post("/documents/selected", data={"csrf_token": token, "action": "delete"}).status_code == 403
    for path in ("/documents/selected", "/documents/1/retry", "/documents/1/remove"):  # no CSRF token: refused
        assert client.post(path, data={"action": "register", "document": ["1"]}).status_code == 400
    response = client.post("/documents/selected", data={"csrf_token": token, "action": "register", "document": ["1"],
                                                        "back": "//evil.example/"})
    assert response.location == "/"


def test_what_a_selection_drafts() -> None:
    def doc(n: int, kind: str | None, status: str = "extracted") -> Document:
        return Document(id=n, filename=f"{kind}-{n}.pdf", kind=kind, status=status)

    decisions = selection.draft_requests([doc(1, "decision"), doc(2, "decision")], ["Polismyndigheten"])
    assert [(r.kind, r.document_id, r.agency) for r in decisions] == [("decision", 1, None), ("decision", 2, None)]
    for docs, agencies, words in (
            ([], [], "Markera minst ett dokument"),
            ([doc(1, "follow_up")], [], "Det går inte att skapa utkast från follow_up-1.pdf"),
            ([doc(1, "district_plan"), doc(2, "district_plan", "failed")], ["Polismyndigheten"],
             r"district_plan-2.pdf är inte färdigläst \(status: misslyckades\)"),
            ([doc(1, "district_plan")], ["Skatteverket"], "Okänd myndighet Skatteverket"),
            ([doc(1, "decision"), doc(2, "report")], [], "decision-1.pdf är ett regeringsbeslut, report-2.pdf en "
                                                         "myndighetsrapport")):
        with pytest.raises(OutputRejected, match=words):
            selection.draft_requests(docs, agencies)
