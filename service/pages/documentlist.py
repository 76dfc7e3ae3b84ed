"""The document list of a working day (``/``): search, filters, pages and thumbnails; retrying and removing a
failed upload; registering or drafting from several documents at once. Routes on the documents blueprint."""
from __future__ import annotations

import re
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from kansli import documentlist, pageimages, selection
from kansli.documents import DocumentRefused
from kansli.models import AGENCIES, Document
from kansli.outputs import KINDS, OutputRejected
from kansli.registry.errors import RegistryError
from kansli.status import DocumentStatus
from kansli.users import CLERK_PLUS, DRAFTER_PLUS, REGISTRAR
from kansli.validation import PAGE_SIZE, DocumentQuery, DocumentSort, Invalid, RegistrationRequest, check
from service.actions import register_from, remove_document, retry_document, start_outputs
from service.api.representation import document_json
from service.auth import page_role
from service.database import get_or_404, get_session, get_store
from service.pages.documents import bp
from service.pages.forms import FormErrors

#: The list's orders as the form names them.
SORTS = {DocumentSort.NEWEST: "Nyast först", DocumentSort.OLDEST: "Äldst först", DocumentSort.NAME: "Filnamn",
         DocumentSort.STATUS: "Status"}
#: The filters' controls, in the form's order; each control's id is its name in the URL.
FILTERS = ("q", "kind", "status", "municipality", "uploader", "since", "until", "sort")


def _row(doc: Document) -> dict[str, Any]:
    """A row of the list: the API's document, with its thumbnail's address (None: the placeholder)."""
    digest = pageimages.thumbnail(doc.provenance)
    return {**document_json(doc),
            "thumbnail": url_for("documents.thumbnail", doc_id=doc.id, v=digest[:16]) if digest else None}


def _page_numbers(page: int, pages: int) -> list[int | None]:
    """The page links: the first, the last and two either side of the current one; None stands for a gap."""
    shown = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    numbers: list[int | None] = []
    for n in shown:
        if numbers and n - (numbers[-1] or 0) > 1:
            numbers.append(None)
        numbers.append(n)
    return numbers


@bp.get("/")
@login_required
def index() -> Any:
    args = {k: v for k, v in request.args.items() if k in (*FILTERS, "page", "per_page") and v}
    errors = None
    try:
        query = check(DocumentQuery, args)
    except Invalid as exc:
        errors = FormErrors([(str(loc[0]) if loc and loc[0] in FILTERS else None, message)
                             for loc, message in exc.problems])
        query = DocumentQuery()
    found = documentlist.listing(get_session(), query, PAGE_SIZE)
    kept: dict[str, Any] = {k: v for k, v in args.items() if k != "page"}
    return render_template(
        "documents.html", documents=[_row(d) for d in found.documents], listing=found,
        summary=documentlist.summary(found), args=args, errors=errors, sorts=SORTS,
        statuses={s.value: s.label for s in DocumentStatus}, uploaders=documentlist.uploaders(get_session()),
        page_links=[(n, url_for("documents.index", **kept, page=n) if n else None)
                    for n in _page_numbers(found.page, found.pages)],
        here=request.full_path.rstrip("?"), agencies=AGENCIES,
        may_upload=current_user.role in CLERK_PLUS, may_register=current_user.role in REGISTRAR,
        may_draft=current_user.role in DRAFTER_PLUS,
    ), 422 if errors else 200


@bp.get("/documents/<int:doc_id>/thumbnail.png")
@login_required
def thumbnail(doc_id: int) -> Any:
    """Page 1 as the worker stored it; its address carries the image's digest, so it is cached for good."""
    digest = pageimages.thumbnail(get_or_404(Document, doc_id).provenance)
    if digest is None:
        abort(404)
    response = Response(get_store().get(digest), mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    return response


def _list_address(back: str | None) -> str:
    """The list as it was (its filters and page) to go back to: only ever an address of this site's list."""
    return back if back and (back == "/" or back.startswith("/?")) else url_for("documents.index")


def _back() -> Any:
    return redirect(_list_address(request.form.get("back")))


@bp.post("/documents/<int:doc_id>/retry")
@page_role(*CLERK_PLUS)
def retry(doc_id: int) -> Any:
    doc = get_or_404(Document, doc_id)
    try:
        retry_document(doc)
    except DocumentRefused as exc:
        flash(exc.message, "error")
    else:
        flash(f"{doc.filename} är köad för att läsas igen.", "info")
    return _back()


@bp.get("/documents/<int:doc_id>/remove")
@page_role(*CLERK_PLUS)
def confirm_removal(doc_id: int) -> Any:
    return render_template("remove.html", doc=get_or_404(Document, doc_id), back=_list_address(request.args.get("back")))


@bp.post("/documents/<int:doc_id>/remove")
@page_role(*CLERK_PLUS)
def remove(doc_id: int) -> Any:
    doc = get_or_404(Document, doc_id)
    filename = doc.filename
    try:
        remove_document(doc)
    except DocumentRefused as exc:
        flash(exc.message, "error")
    else:
        flash(f"{filename} är borttaget.", "info")
    return _back()


@bp.post("/documents/selected")
@login_required
def selected() -> Any:
    """"Registrera markerade" or "Skapa utkast från markerade", for the documents checked on the list."""
    action = request.form.get("action")
    if action not in ("register", "draft") or current_user.role not in (REGISTRAR if action == "register"
                                                                        else DRAFTER_PLUS):
        abort(403)
    ids = list(dict.fromkeys(int(i) for i in request.form.getlist("document") if re.fullmatch(r"[0-9]{1,9}", i)))
    docs = [doc for i in ids if (doc := get_session().get(Document, i)) is not None]
    if not docs:
        flash("Markera minst ett dokument i listan först.", "error")
    elif action == "register":
        _register(docs)
    else:
        _draft(docs, request.form.getlist("agency"))
    return _back()


def _register(docs: list[Document]) -> None:
    """Each document in a case of its own, as "Registrera" in the diarium does; what happened to each is told."""
    for doc in docs:
        try:
            registration = register_from(check(RegistrationRequest, {"document_id": doc.id}))
        except (RegistryError, Invalid) as exc:
            flash(f"{doc.filename} registrerades inte: {exc.message}", "error")
        else:
            flash(f"{doc.filename} är registrerat som {registration.dnr}.", "info")


def _draft(docs: list[Document], agencies: list[str]) -> None:
    try:
        outputs = start_outputs(selection.draft_requests(docs, agencies), {d.id: d.filename for d in docs})
    except OutputRejected as exc:
        flash(f"Inga utkast skapades. {exc.message}", "error")
        return
    names = {d.id: d.filename for d in docs}
    for output in outputs:
        source = names.get(output.document_id or 0, "") if output.kind != "report" else \
            ", ".join(d.filename for d in docs)
        flash(f"Utkast {output.id} ({KINDS[output.kind].label.lower()}"
              f"{' för ' + output.agency if output.agency else ''}) skapas från {source}.", "info")
