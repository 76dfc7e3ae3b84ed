"""The registry page for registrars: register, search, archive, download packages, fixity status."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from kansli import fixity
from kansli.models import Document, Output, Registration
from kansli.registry.errors import RegistryError
from kansli.registry.search import search
from kansli.status import OutputStatus
from kansli.users import REGISTRAR
from kansli.validation import Invalid, RegistrationRequest, RegistryQuery, check
from service import actions
from service.auth import page_role
from service.database import get_session, settings

bp = Blueprint("registry", __name__)


@bp.get("/registry")
@login_required
def index() -> Any:
    session = get_session()
    registered_docs = select(Registration.document_id).where(Registration.document_id.is_not(None))
    registered_outputs = select(Registration.output_id).where(Registration.output_id.is_not(None))
    try:
        args = check(RegistryQuery, {k: v for k, v in request.args.items() if v})
        found = search(session, args.q, kind=args.kind, municipality=args.municipality, year=args.year,
                       status=args.status)
    except Invalid as exc:
        flash(f"Sökningen gick inte att göra: {exc.message}", "error")
        found = []
    return render_template(
        "registry.html", q=request.args.get("q", ""), args=request.args, registrations=found,
        documents=session.scalars(select(Document).where(Document.id.not_in(registered_docs))
                                  .order_by(Document.id.desc()).limit(100)).all(),
        outputs=session.scalars(select(Output).where(Output.status == OutputStatus.READY, Output.id.not_in(registered_outputs))
                                .order_by(Output.id.desc()).limit(100)).all(),
        fixity=fixity.last_run(settings().database_url),
        may_register=current_user.role in REGISTRAR,
    )


@bp.post("/registry")
@page_role(*REGISTRAR)
def register() -> Any:
    value = request.form.get("item", "")
    kind, _, number = value.partition("-")
    try:
        body = check(RegistrationRequest, {"document_id" if kind == "document" else "output_id": number or None}, strict=False)
        registration = actions.register_from(body)
    except (Invalid, RegistryError) as exc:
        flash(exc.message, "error")
    else:
        flash(f"Registrerat som {registration.dnr}.", "info")
    return redirect(url_for("registry.index"))


@bp.post("/registry/archive")
@page_role(*REGISTRAR)
def archive() -> Any:
    try:
        registration = actions.get_registration(request.form.get("dnr", ""))
        if registration is None:
            abort(404)
        actions.archive(registration)
    except RegistryError as exc:
        flash(exc.message, "error")
    else:
        flash(f"{registration.dnr} är arkiverat och kan inte längre ändras.", "info")
    return redirect(url_for("registry.index"))
