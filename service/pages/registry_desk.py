"""The registrar's desk beside the diarium: one registration's particulars corrected before archiving, its
archiving confirmed, legal holds placed and lifted, disposals requested and approved by a second registrar.

Routes live on the registry blueprint, so URLs stay under ``/registry``; this module holds only the desk work.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from kansli.models import AuditEntry, Document, Registration
from kansli.outputs import KINDS
from kansli.registry import dispatch
from kansli.registry.details import PARTICULARS
from kansli.registry.errors import RegistryError
from kansli.registry.record import registered_item
from kansli.registry.terms import DispatchMethod, SecrecyPart
from kansli.status import RegistrationStatus
from kansli.users import REGISTRAR
from kansli.validation import Invalid, RegistrationAmendment, check
from service import actions
from service.api.representation import registration_json
from service.auth import page_role
from service.database import get_session
from service.pages.registry import bp

#: The audit trail of a registration, in the registrar's words.
ACTIONS = {"register": "Registrerad", "amend": "Uppgifter rättade", "archive": "Arkiverad", "hold": "Rättslig spärr",
           "release": "Spärren hävd", "request_disposal": "Gallring begärd", "dispose": "Gallrad",
           "void": "Makulerad", "secrecy": "Sekretessmarkerad", "lift_secrecy": "Sekretessmarkering hävd",
           "dispatch": "Expedierad", "download": "Hämtad"}
#: Where a desk form sends the registrar back to.
BACK = {"holds": "registry.holds", "disposals": "registry.disposals"}


def trail(registration: Registration) -> list[dict[str, Any]]:
    """The audit entries about this registration, oldest first, for the registration page."""
    entries = get_session().scalars(select(AuditEntry).where(AuditEntry.subject == registration.dnr)
                                    .order_by(AuditEntry.id)).all()
    return [{"at": e.at[:16].replace("T", " "), "who": e.actor or "–", "what": ACTIONS.get(e.action, e.action),
             "details": e.details} for e in entries]


def _back(registration: Registration) -> Response:
    target = BACK.get(request.form.get("back", ""))
    return redirect(url_for(target) if target else url_for("registry.show", dnr=registration.dnr))


def _apply(dnr: str, change: Any, done: str | Callable[[], str]) -> Response:
    """Run a desk change; a refusal is flashed in Swedish, success as ``done`` (said after the change)."""
    registration = actions.get_registration(dnr)
    if registration is None:
        abort(404)
    try:
        change(registration)
    except (Invalid, RegistryError) as exc:
        flash(exc.message, "error")
    else:
        flash((done() if callable(done) else done).format(dnr=registration.dnr), "info")
    return _back(registration)


@bp.get("/registry/<path:dnr>")
@login_required
def show(dnr: str) -> Any:
    if (registration := actions.get_registration(dnr)) is None:
        abort(404)
    proposals = []
    if registration.direction == "outgoing":
        sent = {d.recipient.casefold() for d in registration.dispatches}
        proposals = [{**p.as_dict(), "dispatched": p.recipient.casefold() in sent}
                     for p in dispatch.proposed_for(get_session(), registration)]
    item = registered_item(get_session(), registration)
    item_url: str | None
    if isinstance(item, Document):
        item_name, item_url = item.filename, url_for("documents.show", doc_id=item.id)
    else:
        item_name = f"{KINDS[item.kind].label} (utkast {item.id})"
        item_url = url_for("documents.show", doc_id=item.document_id) if item.document_id else None
    return render_template("registration.html", r=registration_json(registration), proposals=proposals,
                           reg=registration, item_name=item_name, item_url=item_url, trail=trail(registration),
                           PARTICULARS=PARTICULARS,
                           parts=list(SecrecyPart), part_labels={p.value: p.label for p in SecrecyPart},
                           status_text=RegistrationStatus(registration.status).label,
                           methods=list(DispatchMethod), today=date.today().isoformat(),
                           may_register=current_user.role in REGISTRAR)


@bp.post("/registry/<path:dnr>/amend")
@page_role(*REGISTRAR)
def amend(dnr: str) -> Response:
    changed: dict[str, Any] = {}

    def change(registration: Registration) -> None:
        body = check(RegistrationAmendment, {k: request.form.get(k, "") for k in ("date", "party", "description")},
                     strict=False)
        changed.update(actions.amend_registration(registration, body))

    return _apply(dnr, change, lambda: "Uppgifterna för {dnr} är rättade." if changed else "Inget ändrades.")


@bp.get("/registry/<path:dnr>/archive")
@page_role(*REGISTRAR)
def confirm_archive(dnr: str) -> Any:
    """Archiving freezes the registration for good: say so, and what will be archived, before doing it."""
    if (registration := actions.get_registration(dnr)) is None:
        abort(404)
    return render_template("archive_confirm.html", registration=registration)


@bp.post("/registry/<path:dnr>/hold")
@page_role(*REGISTRAR)
def hold(dnr: str) -> Response:
    on = request.form.get("hold") == "1"
    return _apply(dnr, lambda r: actions.hold(r, on, request.form.get("reason")),
                  "{dnr} har nu en rättslig spärr." if on else "Spärren för {dnr} är hävd.")


@bp.post("/registry/<path:dnr>/disposal")
@page_role(*REGISTRAR)
def request_disposal(dnr: str) -> Response:
    return _apply(dnr, lambda r: actions.request_disposal(r, request.form.get("reason")),
                  "Gallring av {dnr} är begärd; en annan registrator ska godkänna den.")


@bp.post("/registry/<path:dnr>/disposal/approve")
@page_role(*REGISTRAR)
def approve_disposal(dnr: str) -> Response:
    return _apply(dnr, actions.approve_disposal, "{dnr} är gallrat.")


@bp.get("/registry/holds")
@page_role(*REGISTRAR)
def holds() -> Any:
    held = get_session().scalars(select(Registration).where(Registration.legal_hold.is_(True))
                                 .order_by(Registration.id.desc())).all()
    return render_template("holds.html", held=held)


@bp.get("/registry/disposals")
@page_role(*REGISTRAR)
def disposals() -> Any:
    """What may be disposed of now (retention passed, no hold), and what waits for a second registrar."""
    today = date.today().isoformat()
    alive = select(Registration).where(Registration.status.in_((RegistrationStatus.REGISTERED,
                                                                 RegistrationStatus.ARCHIVED)))
    session = get_session()
    requested = session.scalars(alive.where(Registration.disposal_requested_by.is_not(None))
                                .order_by(Registration.retain_until)).all()
    due = session.scalars(alive.where(Registration.disposal_requested_by.is_(None),
                                      Registration.legal_hold.is_(False), Registration.retain_until.is_not(None),
                                      Registration.retain_until <= today).order_by(Registration.retain_until)).all()
    return render_template("disposals.html", due=due, requested=requested, me=current_user.id)
