"""The registry pages for registrars: cases, register in them, void, search, archive, download packages,
fixity; one registration with its secrecy markings and dispatches."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from kansli import fixity
from kansli.models import Case, Document, Output, Registration, User
from kansli.registry import cases
from kansli.registry.archiving import case_package
from kansli.registry.errors import RegistryError
from kansli.registry.search import search
from kansli.status import CaseStatus, Direction, OutputStatus, RegistrationStatus
from kansli.users import REGISTRAR
from kansli.validation import (
    CaseQuery,
    CaseRequest,
    DispatchRequest,
    Invalid,
    RegistrationRequest,
    RegistryQuery,
    SecrecyLiftRequest,
    SecrecyRequest,
    VoidRequest,
    check,
)
from service import actions
from service.auth import page_role
from service.database import get_session, settings

bp = Blueprint("registry", __name__)


@bp.app_context_processor
def labels() -> dict[str, Any]:
    return {"STATUS_LABELS": {s.value: s.label for s in CaseStatus}, "STATUSES": list(CaseStatus),
            "REGISTRATION_LABELS": {s.value: s.label for s in RegistrationStatus},
            "DIRECTIONS": {d.value: d.label for d in Direction}}


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
        found_cases = cases.find(session, args.q, limit=20) if args.q else []
    except Invalid as exc:
        flash(f"Sökningen gick inte att göra: {exc.message}", "error")
        found, found_cases = [], []
    return render_template(
        "registry.html", q=request.args.get("q", ""), args=request.args, registrations=found,
        documents=session.scalars(select(Document).where(Document.id.not_in(registered_docs))
                                  .order_by(Document.id.desc()).limit(100)).all(),
        outputs=session.scalars(select(Output).where(Output.status == OutputStatus.READY, Output.id.not_in(registered_outputs))
                                .order_by(Output.id.desc()).limit(100)).all(),
        fixity=fixity.last_run(settings().database_url),
        may_register=current_user.role in REGISTRAR,
        open_cases=session.scalars(select(Case).where(Case.status == CaseStatus.OPEN)
                                   .order_by(Case.year.desc(), Case.number.desc()).limit(200)).all(),
        found_cases=found_cases,
    )


@bp.post("/registry")
@page_role(*REGISTRAR)
def register() -> Any:
    value = request.form.get("item", "")
    kind, _, number = value.partition("-")
    try:
        body = check(RegistrationRequest, {"document_id" if kind == "document" else "output_id": number or None,
                                           "case": request.form.get("case") or None,
                                           "direction": request.form.get("direction") or None}, strict=False)
        registration = actions.register_from(body)
    except (Invalid, RegistryError) as exc:
        flash(exc.message, "error")
    else:
        flash(f"Registrerat som {registration.dnr} i ärendet {registration.case.dnr}.", "info")
    return redirect(url_for("registry.index"))


@bp.get("/registry/cases")
@login_required
def case_list() -> Any:
    try:
        args = check(CaseQuery, {k: v for k, v in request.args.items() if v})
        found = cases.find(get_session(), args.q, status=args.status, municipality=args.municipality)
    except Invalid as exc:
        flash(f"Sökningen gick inte att göra: {exc.message}", "error")
        found = []
    return render_template("cases.html", cases=found, args=request.args, may_register=current_user.role in REGISTRAR,
                           users=get_session().scalars(select(User).where(User.disabled_at.is_(None))
                                                       .order_by(User.name)).all())


@bp.post("/registry/cases")
@page_role(*REGISTRAR)
def open_case() -> Any:
    try:
        case = actions.open_case(check(CaseRequest, {k: v for k, v in request.form.items()
                                                     if k in ("title", "municipality", "officer") and v}))
    except (Invalid, RegistryError) as exc:
        flash(exc.message, "error")
        return redirect(url_for("registry.case_list"))
    flash(f"Ärendet {case.dnr} är öppnat.", "info")
    return redirect(url_for("registry.case_page", dnr=case.dnr))


@bp.get("/registry/cases/<path:dnr>")
@login_required
def case_page(dnr: str) -> Any:
    if (case := actions.get_case(dnr)) is None:
        abort(404)
    return render_template("case.html", case=case, may_register=current_user.role in REGISTRAR,
                           package=case_package(case))


@bp.post("/registry/case-status")
@page_role(*REGISTRAR)
def case_status() -> Any:
    if (case := actions.get_case(request.form.get("dnr", ""))) is None:
        abort(404)
    try:
        if request.form.get("action") == "reopen":
            actions.reopen_case(case)
            flash(f"Ärendet {case.dnr} är öppnat igen.", "info")
        else:
            actions.close_case(case)
            flash(f"Ärendet {case.dnr} är avslutat.", "info")
    except RegistryError as exc:
        flash(exc.message, "error")
    return redirect(url_for("registry.case_page", dnr=case.dnr))


@bp.get("/registry/case-archive")
@page_role(*REGISTRAR)
def confirm_case_archive() -> Any:
    """The confirmation step: what the case's package will hold, before anything is frozen."""
    if (case := actions.get_case(request.args.get("dnr", ""))) is None:
        abort(404)
    return render_template("case_archive.html", case=case)


@bp.post("/registry/case-archive")
@page_role(*REGISTRAR)
def archive_case() -> Any:
    if (case := actions.get_case(request.form.get("dnr", ""))) is None:
        abort(404)
    try:
        actions.archive_case(case)
    except RegistryError as exc:
        flash(exc.message, "error")
        return redirect(url_for("registry.confirm_case_archive", dnr=case.dnr))
    flash(f"Ärendet {case.dnr} är arkiverat i ett paket och kan inte längre ändras.", "info")
    return redirect(url_for("registry.case_page", dnr=case.dnr))


@bp.get("/registry/void")
@page_role(*REGISTRAR)
def confirm_void() -> Any:
    """The confirmation step: what is about to be voided, and a reason to give, before anything changes."""
    if (registration := actions.get_registration(request.args.get("dnr", ""))) is None:
        abort(404)
    return render_template("void.html", registration=registration)


@bp.post("/registry/void")
@page_role(*REGISTRAR)
def void() -> Any:
    if (registration := actions.get_registration(request.form.get("dnr", ""))) is None:
        abort(404)
    try:
        actions.void(registration, check(VoidRequest, {"reason": request.form.get("reason", "")}).reason)
    except (Invalid, RegistryError) as exc:
        flash(exc.message, "error")
        return redirect(url_for("registry.confirm_void", dnr=registration.dnr))
    flash(f"{registration.dnr} är makulerad.", "info")
    return redirect(url_for("registry.case_page", dnr=registration.case.dnr))


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
