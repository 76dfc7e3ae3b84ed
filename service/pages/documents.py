"""Pages for clerks (upload, follow progress) and drafters (check fields, correct, generate).

The review shows the document's pages beside the form, each extracted value outlined where it was read.
The pages are the images the worker rendered after extraction (:mod:`kansli.pageimages`), not PDF.js:

- speed: a page is one cached PNG of ~100 kB; PDF.js is 2.5 MB of script that parses the whole file in the
  browser before it draws a page, and a hostile PDF then costs the drafter's browser what the budgeted
  worker already refused or paid for once;
- security: the CSP stays strict (PDF.js wants a web worker, and eval unless told not to); the web process never
  renders a page, it serves stored bytes;
- accessibility: the form stays the accessible source of truth; the images are complementary, with alt
  text naming the page and how many values are outlined on it; the outlines are decorative (an SVG hidden
  from screen readers, positioned in percent computed here, since the CSP allows no inline style); focusing
  a field highlights its outlines and says in a polite live region which page they are on, and each
  field's "sida N" link stays the keyboard and screen-reader route to its page. Without script the
  images are plain images with every outline drawn.

A document archived in the registry is locked: the page shows its registration number and state, and its
forms are read-only with a Swedish explanation (saving is refused anyway by :class:`ArchivedError`).
"""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kansli import pageimages
from kansli.areas import AREAS
from kansli.documentlist import ZONE
from kansli.documents import ArchivedError, UploadRejected
from kansli.extraction.provenance import entry, first_box
from kansli.fields import SCHEMAS, FieldError
from kansli.models import AGENCIES, Document, Output
from kansli.outputs import KINDS, OutputRejected
from kansli.registry.archiving import registration_in_force
from kansli.status import DocumentStatus, RegistrationStatus
from kansli.users import CLERK_PLUS, DRAFTER_PLUS
from kansli.validation import Invalid, OutputRequest, check
from service.actions import apply_correction, receive_upload, start_output
from service.api.representation import KIND_NAMES, document_json, outputs_json
from service.auth import page_role
from service.database import get_or_404, get_session, get_store
from service.pages.forms import SPARE_ROWS, FormErrors, field_errors, fields_from_form
from service.pages.history import changes

bp = Blueprint("documents", __name__)


@bp.app_context_processor
def names() -> dict[str, Any]:
    return {"KIND_NAMES": KIND_NAMES, "OUTPUT_KINDS": KINDS, "first_box": first_box}


@bp.app_template_filter("local")
def local(at: datetime | str, form: str = "%Y-%m-%d %H:%M") -> str:
    """A stored moment (UTC, naive from SQLite, or the audit trail's ISO text) as Swedish time: the clock on
    the reader's wall, summer or winter."""
    moment = datetime.fromisoformat(at) if isinstance(at, str) else at
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(ZONE).strftime(form)


@bp.app_template_filter("count")
def count(number: int, one: str, many: str) -> str:
    """A number with its noun in the right form: "1 sida", "2 sidor"."""
    return f"{number} {one if number == 1 else many}"


@bp.post("/documents")
@page_role(*CLERK_PLUS)
def upload() -> Any:
    files = [f for f in request.files.getlist("file") if f.filename]
    if not files:
        flash("Välj minst en PDF-fil att ladda upp.", "error")
    for file in files:
        try:
            doc, created, _ = receive_upload(file)
        except UploadRejected as exc:
            flash(exc.message, "error")
            continue
        flash(f"{doc.filename} är uppladdad och köad." if created
              else f"{file.filename} finns redan som dokument {doc.id}.", "info")
    return redirect(url_for("documents.index"))


@bp.get("/documents/<int:doc_id>")
@login_required
def show(doc_id: int) -> Any:
    return _page(get_or_404(Document, doc_id))


def _page(doc: Document, fields: dict[str, Any] | None = None, errors: FormErrors | None = None,
          chosen_reports: list[str] | None = None) -> Any:
    """The document page; after a refused save, with the fields as typed and what is wrong with them (422)."""
    outputs = get_session().scalars(select(Output).options(selectinload(Output.files))
                                    .where(Output.document_id == doc.id).order_by(Output.id.desc())).all()
    fields = fields if fields is not None else doc.current_fields() or {}
    reports = get_session().scalars(
        select(Document).where(Document.kind == "report", Document.status == DocumentStatus.EXTRACTED).order_by(Document.id)
    ).all() if doc.kind == "report" else []
    data = document_json(doc)
    registration = registration_in_force(get_session(), doc)
    pages = pageimages.panel(doc.provenance)
    return render_template(
        "document.html", doc=doc, data=data, fields=fields, registration=registration,
        registration_state=RegistrationStatus(registration.status).label if registration else None,
        locked=registration is not None and registration.status == RegistrationStatus.ARCHIVED,
        pages=pages, outlined=_outlined(pages),
        schema=SCHEMAS.get(doc.kind or "unknown", SCHEMAS["unknown"]),
        outputs=outputs_json(get_session(), outputs), agencies=AGENCIES, areas=AREAS,
        indicator_rows=len(fields.get("indicators") or []) + SPARE_ROWS,
        value_rows=len(fields.get("values") or []) + SPARE_ROWS,
        indicator_sources=_row_sources(doc, "indicators"), value_sources=_row_sources(doc, "values"),
        doubt=_doubt(data),
        may_edit=current_user.role in DRAFTER_PLUS, reports=reports, errors=errors, chosen_reports=chosen_reports,
    ), 422 if errors else 200


def _outlined(pages: list[dict[str, Any]]) -> Any:
    """For the template: the ``data-boxes`` attribute of a control whose value is at ``prefix`` in the fields
    (a field, a field's entry), naming the outlines of the values it holds, for kansli.js to highlight."""
    paths = [(o["path"], o["id"]) for page in pages for o in page["outlines"]]

    def attribute(*place: str | int | None) -> Markup:
        prefix = tuple(part for part in place if part is not None)  # a "sida N" link without an item
        ids = [id_ for path, id_ in paths if path[:len(prefix)] == prefix]
        return Markup(' data-boxes="{}"').format(" ".join(ids)) if ids else Markup("")

    return attribute


#: Below this confidence a field is one a drafter should check (the extraction contract's threshold).
SURE = 0.8


def _doubt(data: dict[str, Any]) -> dict[str, str]:
    """Which fields the review page marks: "missing" (the document lacks it) or "check" (read with little
    confidence), so that no blank or guessed value stands silently under a green status."""
    extraction = data.get("extraction") or {}
    marks = {}
    for name, value in (extraction.get("fields") or {}).items():
        sure = (extraction.get("confidence") or {}).get(name, 1.0)
        empty = value in (None, "", [], {}) or isinstance(value, dict) and not any(value.values())
        if sure < SURE:
            marks[name] = "missing" if empty else "check"
    return marks


@bp.post("/documents/<int:doc_id>/fields")
@page_role(*DRAFTER_PLUS)
def save_fields(doc_id: int) -> Any:
    doc = get_or_404(Document, doc_id)
    kind = doc.kind or "unknown"
    before = doc.revisions[-1].number if doc.revisions else 0
    try:
        typed = fields_from_form(kind, request.form)
    except FieldError as exc:  # a form that cannot even be read (tampered with): nothing typed to keep
        flash(f"Fälten sparades inte: {exc}", "error")
        return redirect(url_for("documents.show", doc_id=doc.id) + "#falt")
    try:
        revision = apply_correction(doc, typed)
    except FieldError as exc:  # every value stays as typed, every wrong one marked
        return _page(doc, typed, field_errors(kind, exc.problems))
    except ArchivedError as exc:
        flash(f"Fälten sparades inte: {exc}", "error")
    else:
        flash(f"Rättelserna är sparade som version {revision.number} ({', '.join(revision.changed)})."
              if revision.number != before else "Inga ändringar att spara.", "info")
    return redirect(url_for("documents.show", doc_id=doc.id) + "#falt")


@bp.post("/documents/<int:doc_id>/outputs")
@page_role(*DRAFTER_PLUS)
def generate(doc_id: int) -> Any:
    doc = get_or_404(Document, doc_id)
    kind = request.form.get("kind") or ("decision" if doc.kind == "decision" else "agreement")
    body = {"kind": kind, "document_id": doc.id, "agency": request.form.get("agency"),
            "document_ids": [i for i in request.form.getlist("document_ids") if i] or None,
            "revises": request.form.get("revises") or None}  # "Utarbeta revidering" on the partnership register
    try:
        output, _new = start_output(check(OutputRequest, body, strict=False))
    except (Invalid, OutputRejected) as exc:
        return _page(doc, errors=FormErrors([(_draft_control(doc, kind), exc.message)]),
                     chosen_reports=request.form.getlist("document_ids"))
    else:
        flash(f"Utkast {output.id} ({KINDS[output.kind].label.lower()}"
              f"{' för ' + output.agency if output.agency else ''}) skapas.", "info")
    return redirect(url_for("documents.show", doc_id=doc.id) + "#utkast")


@bp.get("/documents/<int:doc_id>/history")
@login_required
def history(doc_id: int) -> Any:
    doc = get_or_404(Document, doc_id)
    if not doc.revisions:
        abort(404)
    schema = SCHEMAS.get(doc.kind or "unknown", SCHEMAS["unknown"])
    versions = [(r, changes(schema, doc.revisions[n - 1].fields if n else None, r.fields))
                for n, r in enumerate(doc.revisions)]
    return render_template("history.html", doc=doc, versions=list(reversed(versions)))


def _draft_control(doc: Document, kind: str) -> str | None:
    """The control of the draft form that a refusal is about: the agency, or the reports to consolidate."""
    if kind == "report":
        first = get_session().scalar(select(Document.id).where(
            Document.kind == "report", Document.status == DocumentStatus.EXTRACTED).order_by(Document.id).limit(1))
        return f"report-{first}" if first else None
    return {"agreement": "agency", "batch": "batch-agency"}.get(kind)


def _row_sources(doc: Document, field: str) -> dict[str, int]:
    """Indicator (or reported value) name → its place in the extraction, whose order the provenance keeps;
    the form's rows may since have been corrected, removed or added."""
    extracted = (doc.revisions[0].fields.get(field) if doc.revisions else None) or []
    return {ind["name"]: n for n, ind in enumerate(extracted) if isinstance(ind, dict) and ind.get("name")}


def _source(doc_id: int, field: str, item: str | None) -> tuple[Document, str, dict[str, Any], Any]:
    """The document, the field's label, where the value was read, and what it was read as."""
    doc = get_or_404(Document, doc_id)
    schema = SCHEMAS.get(doc.kind or "unknown", SCHEMAS["unknown"])
    key = int(item) if item is not None and item.isdigit() else item
    box = first_box(doc.provenance, field, key)
    if field not in schema or box is None:
        abort(404)
    read_as = doc.revisions[0].fields.get(field) if doc.revisions else None
    if key is not None:
        read_as = entry(read_as, key)
    while isinstance(read_as, list):  # a list's first entry, as first_box takes
        read_as = read_as[0] if read_as else None
    if isinstance(read_as, dict):  # an indicator: where its name stands
        read_as = read_as.get("name")
    return doc, schema[field][1], box, read_as if isinstance(read_as, (str, int, float)) else None


@bp.get("/documents/<int:doc_id>/source/<field>")
@bp.get("/documents/<int:doc_id>/source/<field>/<item>")
@login_required
def source(doc_id: int, field: str, item: str | None = None) -> Any:
    """The page a value was read from, with the value outlined, so a drafter can check it at a glance.

    The outline is drawn by the browser over the worker's image of the page (see :mod:`kansli.pageimages`).
    """
    doc, label, box, read_as = _source(doc_id, field, item)
    image = pageimages.image_of(doc.provenance, box["page"])
    return render_template("source.html", doc=doc, field=field, item=item, label=label, box=box,
                           data=document_json(doc), read_as=read_as, image=image,
                           frame=image and pageimages.frame(box, image))


@bp.get("/documents/<int:doc_id>/source/<field>/page.png")
@bp.get("/documents/<int:doc_id>/source/<field>/<item>/page.png")
@login_required
def source_png(doc_id: int, field: str, item: str | None = None) -> Any:
    """The stored image of the value's page, as the worker made it: the web process never renders one."""
    doc, _, box, _ = _source(doc_id, field, item)
    image = pageimages.image_of(doc.provenance, box["page"])
    if image is None:
        return Response(f"Det finns ingen bild av sida {box['page']} ännu; öppna PDF-filen på den sidan i stället.",
                        404, mimetype="text/plain")
    return _png(image)


@bp.get("/documents/<int:doc_id>/pages/<int:number>.png")
@login_required
def page_png(doc_id: int, number: int) -> Any:
    """A stored page image by its number, for the pages shown beside the review form."""
    doc = get_or_404(Document, doc_id)
    image = pageimages.image_of(doc.provenance, number)
    if image is None:
        return Response(f"Det finns ingen bild av sida {number} i {doc.filename}; öppna PDF-filen i stället.",
                        404, mimetype="text/plain")
    return _png(image)


def _png(image: dict[str, Any]) -> Response:
    response = Response(get_store().get(image["sha256"]), mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=3600"  # the document's bytes never change
    return response


from service.pages import documentlist  # noqa: E402,F401  (the list's routes register on bp)
