"""The registry: register documents and outputs, archive them, find them again, download packages."""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import abort, jsonify, request, send_file
from flask_login import current_user
from sqlalchemy import select

from kansli import audit
from kansli.archive import package_id
from kansli.models import Registration
from kansli.registry import archiving, numbering, retention, search
from kansli.registry.errors import RegistryError
from kansli.users import REGISTRAR
from service.api import bp, role
from service.api.representation import registration_json
from service.database import get_session, get_store, settings
from service.errors import api_error

log = logging.getLogger("kansli.web")


def register_from(body: Any) -> Registration:
    """Register what ``body`` names; shared by the API and the registry page."""
    if not isinstance(body, dict):
        raise RegistryError(400, "Skicka ett JSON-objekt med document_id eller output_id.")
    ids = {k: body.get(k) for k in ("document_id", "output_id")}
    if any(v is not None and (not isinstance(v, int) or isinstance(v, bool)) for v in ids.values()):
        raise RegistryError(400, "document_id och output_id ska vara heltal.")
    session = get_session()
    try:
        registration = numbering.register(session, settings().dnr_prefix, user_id=current_user.id,
                                         party=body.get("party"), description=body.get("description"),
                                         retention=settings().retention, **ids)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    audit.record(settings().database_url, current_user.name, "register", registration.dnr, **ids)
    log.info("registry: %s registered by %s", registration.dnr, current_user.name)
    return registration


def change(dnr: str, action: str, apply: Callable[[Registration], Any], **details: Any) -> Registration:
    """Apply a registrar's change to a registration in one transaction, then audit it.

    A detail given as a callable is read off the registration after the change (an archive's checksum).
    """
    session = get_session()
    registration = get_registration(dnr)
    try:
        apply(registration)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    audit.record(settings().database_url, current_user.name, action, registration.dnr,
                 **{k: v(registration) if callable(v) else v for k, v in details.items()})
    return registration


def archive_dnr(dnr: str) -> Registration:
    submitter = (settings().organisation, settings().organisation_id)
    registration = change(dnr, "archive", lambda r: archiving.archive(get_session(), get_store(), r, submitter),
                          package_sha256=lambda r: r.package_sha256)
    log.info("registry: %s archived by %s", registration.dnr, current_user.name)
    return registration


def get_registration(dnr: str) -> Registration:
    registration = get_session().scalar(select(Registration).where(Registration.dnr == dnr))
    if registration is None:
        abort(404)
    return registration


@bp.post("/registry")
@role(*REGISTRAR)
def create_registration() -> Any:
    try:
        registration = register_from(request.get_json(silent=True))
    except RegistryError as exc:
        return api_error(exc.status, exc.message)
    return jsonify(registration_json(registration)), 201


@bp.get("/registry")
@role()
def search_registry() -> Any:
    args = request.args
    found = search.search(get_session(), args.get("q"), kind=args.get("kind"), municipality=args.get("municipality"),
                            year=args.get("year", type=int), status=args.get("status"))
    return jsonify({"registrations": [registration_json(r) for r in found]})


@bp.get("/registry/<path:dnr>")
@role()
def get_registration_json(dnr: str) -> Any:
    return jsonify(registration_json(get_registration(dnr)))


@bp.post("/registry/<path:dnr>/archive")
@role(*REGISTRAR)
def archive_registration(dnr: str) -> Any:
    try:
        registration = archive_dnr(dnr)
    except RegistryError as exc:
        return api_error(exc.status, exc.message, "archived" if exc.status == 409 else None)
    return jsonify(registration_json(registration)), 202


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


@bp.post("/registry/<path:dnr>/hold")
@role(*REGISTRAR)
def hold(dnr: str) -> Any:
    body = _body()
    on, reason = bool(body.get("hold", True)), body.get("reason")
    try:
        registration = change(dnr, "hold" if on else "release", lambda r: retention.set_hold(r, on, reason), reason=reason)
    except RegistryError as exc:
        return api_error(exc.status, exc.message)
    return jsonify(registration_json(registration))


@bp.post("/registry/<path:dnr>/disposal")
@role(*REGISTRAR)
def request_disposal(dnr: str) -> Any:
    reason = _body().get("reason")
    try:
        registration = change(dnr, "request_disposal",
                              lambda r: retention.request_disposal(r, current_user.id, reason), reason=reason)
    except RegistryError as exc:
        return api_error(exc.status, exc.message)
    return jsonify(registration_json(registration)), 202


@bp.post("/registry/<path:dnr>/disposal/approve")
@role(*REGISTRAR)
def approve_disposal(dnr: str) -> Any:
    try:
        registration = change(dnr, "dispose",
                              lambda r: retention.approve_disposal(get_session(), get_store(), r, current_user.id))
    except RegistryError as exc:
        return api_error(exc.status, exc.message)
    return jsonify(registration_json(registration))


@bp.get("/registry/<path:dnr>/package")
@role()
def download_package(dnr: str) -> Any:
    registration = get_registration(dnr)
    if not registration.package_sha256:
        return api_error(409, f"{registration.dnr} är inte arkiverat ännu.", "not_archived")
    audit.record(settings().database_url, current_user.name, "download", registration.dnr, what="package")
    return send_file(get_store().path(registration.package_sha256), mimetype="application/zip",
                     as_attachment=True, download_name=f"{package_id(registration.dnr)}.zip")
