"""The registry pages for registrars: register, search, archive, download packages, fixity status; one
registration with its secrecy markings and dispatches."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from kansli import fixity
from kansli.models import Document, Output, Registration
from kansli.registry import dispatch
from kansli.registry.errors import RegistryError
from kansli.registry.search import search
from kansli.registry.terms import DispatchMethod, SecrecyPart
from kansli.status import OutputStatus, RegistrationStatus
from kansli.users import REGISTRAR
from kansli.validation import (
    DispatchRequest,
    Invalid,
    RegistrationRequest,
    RegistryQuery,
    SecrecyLiftRequest,
    SecrecyRequest,
    check,
)
from service import actions
from service.api.representation import registration_json
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


def _registration_or_404(dnr: str) -> Registration:
    registration = actions.get_registration(dnr)
    if registration is None:
        abort(404)
    return registration


@bp.get("/registry/<path:dnr>")
@login_required
def show(dnr: str) -> Any:
    registration = _registration_or_404(dnr)
    proposals = []
    if registration.direction == "outgoing":
        sent = {d.recipient.casefold() for d in registration.dispatches}
        proposals = [{**p.as_dict(), "dispatched": p.recipient.casefold() in sent}
                     for p in dispatch.proposed_for(get_session(), registration)]
    return render_template("registration.html", r=registration_json(registration), proposals=proposals,
                           parts=list(SecrecyPart), part_labels={p.value: p.label for p in SecrecyPart},
                           status_text=RegistrationStatus(registration.status).label,
                           methods=list(DispatchMethod), today=date.today().isoformat(),
                           may_register=current_user.role in REGISTRAR)


def _change(dnr: str, apply: Any, done: str) -> Any:
    """Run a registrar's change from a form; a refusal is flashed in Swedish and the page shown again."""
    registration = _registration_or_404(dnr)
    try:
        apply(registration)
    except (Invalid, RegistryError) as exc:
        flash(exc.message, "error")
    else:
        flash(done, "info")
    return redirect(url_for("registry.show", dnr=registration.dnr))


@bp.post("/registry/<path:dnr>/secrecy")
@page_role(*REGISTRAR)
def mark_secret(dnr: str) -> Any:
    def apply(registration: Registration) -> None:
        body = check(SecrecyRequest, {"parts": request.form.getlist("parts"),
                                      "provision": request.form.get("provision", "")}, strict=False)
        actions.mark_secret(registration, body)

    return _change(dnr, apply, "Sekretessmarkeringen är registrerad.")


@bp.post("/registry/<path:dnr>/secrecy/lift")
@page_role(*REGISTRAR)
def lift_secrecy(dnr: str) -> Any:
    def apply(registration: Registration) -> None:
        body = check(SecrecyLiftRequest, {"reason": request.form.get("reason", ""),
                                          "mark_id": request.form.get("mark_id") or None}, strict=False)
        actions.lift_secrecy(registration, body)

    return _change(dnr, apply, "Sekretessmarkeringen är hävd.")


@bp.post("/registry/<path:dnr>/dispatches")
@page_role(*REGISTRAR)
def record_dispatch(dnr: str) -> Any:
    recipient = request.form.get("recipient", "")

    def apply(registration: Registration) -> None:
        body = check(DispatchRequest, {"recipient": recipient, "address": request.form.get("address") or None,
                                       "method": request.form.get("method", ""),
                                       "date": request.form.get("date") or None}, strict=False)
        actions.record_dispatch(registration, body)

    return _change(dnr, apply, f"Expedieringen till {recipient.strip()} är registrerad.")
