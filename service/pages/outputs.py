"""The draft page: what a draft is made from (template and field versions), every page to read, its
registration — and, once archived, nothing on it that changes anything."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from kansli.models import Document, Output
from kansli.outputs import LOCKED, PREVIEW_PAGES, OutputRejected, repeat_request
from kansli.registry.archiving import registration_in_force
from kansli.status import OutputStatus
from kansli.users import DRAFTER_PLUS, REGISTRAR
from kansli.validation import Invalid, OutputRequest, check
from service.actions import start_output
from service.api.representation import output_json
from service.auth import page_role
from service.database import get_or_404, get_session
from service.pages.templates import TITLES

bp = Blueprint("outputs", __name__)


@bp.get("/outputs/<int:output_id>")
@login_required
def show(output_id: int) -> Any:
    output = get_or_404(Output, output_id)
    data = output_json(output)
    ids = [r["document_id"] for r in data["revisions"]]
    documents = {d.id: d for d in get_session().scalars(select(Document).where(Document.id.in_(ids)))}
    return render_template("output.html", output=output, data=data, documents=documents, titles=TITLES,
                           limit=PREVIEW_PAGES, locked=bool(data["registration"] and data["registration"]["locked"]),
                           may_draft=current_user.role in DRAFTER_PLUS,
                           may_register=current_user.role in REGISTRAR and output.status == OutputStatus.READY)


@bp.post("/outputs/<int:output_id>/again")
@page_role(*DRAFTER_PLUS)
def again(output_id: int) -> Any:
    """A new draft like this one from its documents' current fields; refused for an archived one, whose
    page is read-only (a revision of an archived agreement starts from the partnership register)."""
    output = get_or_404(Output, output_id)
    registration = registration_in_force(get_session(), output)
    if registration is not None and registration.status in LOCKED:
        flash(f"Utkastet är arkiverat som {registration.dnr} och kan inte ändras eller göras om härifrån.", "error")
        return redirect(url_for("outputs.show", output_id=output.id))
    try:
        new, _created = start_output(check(OutputRequest, repeat_request(output), strict=False))
    except (Invalid, OutputRejected) as exc:
        flash(f"Utkastet kunde inte skapas igen: {exc.message}", "error")
        return redirect(url_for("outputs.show", output_id=output.id))
    flash(f"Utkast {new.id} skapas från de aktuella fälten.", "info")
    return redirect(url_for("outputs.show", output_id=new.id))
