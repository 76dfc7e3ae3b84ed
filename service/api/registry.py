"""The registry: register documents and outputs in cases, void, archive them, find them again, download
packages, mark parts secret, record and propose dispatches."""
from __future__ import annotations

from typing import Any

from flask import abort, jsonify, send_file

from kansli.archive import package_id
from kansli.models import Registration
from kansli.registry import dispatch, search
from kansli.registry.errors import RegistryError
from kansli.users import REGISTRAR
from kansli.validation import (
    DispatchRequest,
    DisposalRequest,
    HoldRequest,
    RegistrationAmendment,
    RegistrationRequest,
    RegistryQuery,
    SecrecyLiftRequest,
    SecrecyRequest,
    VoidRequest,
)
from service import actions
from service.api import body_as, bp, query_as, role
from service.api.representation import dispatch_json, registration_json
from service.database import get_session, get_store
from service.errors import api_error


def _registration(dnr: str) -> Registration:
    registration = actions.get_registration(dnr)
    if registration is None:
        abort(404)
    return registration


@bp.post("/registry")
@role(*REGISTRAR)
def create_registration() -> Any:
    try:
        registration = actions.register_from(body_as(RegistrationRequest))
    except RegistryError as exc:
        return api_error(exc.status, exc.message)
    return jsonify(registration_json(registration)), 201


@bp.get("/registry")
@role()
def search_registry() -> Any:
    args = query_as(RegistryQuery)
    found = search.search(get_session(), args.q, kind=args.kind, municipality=args.municipality, year=args.year,
                          status=args.status)
    return jsonify({"registrations": [registration_json(r) for r in found]})


@bp.get("/registry/<path:dnr>")
@role()
def get_registration_json(dnr: str) -> Any:
    return jsonify(registration_json(_registration(dnr)))


@bp.post("/registry/<path:dnr>/archive")
@role(*REGISTRAR)
def archive_registration(dnr: str) -> Any:
    try:
        registration = actions.archive(_registration(dnr))
    except RegistryError as exc:
        return api_error(exc.status, exc.message, "archived" if exc.status == 409 else None)
    return jsonify(registration_json(registration)), 202


@bp.post("/registry/<path:dnr>/void")
@role(*REGISTRAR)
def void(dnr: str) -> Any:
    reason = body_as(VoidRequest).reason
    try:
        registration = actions.void(_registration(dnr), reason)
    except RegistryError as exc:
        return api_error(exc.status, exc.message)
    return jsonify(registration_json(registration))


@bp.patch("/registry/<path:dnr>")
@role(*REGISTRAR)
def amend(dnr: str) -> Any:
    """Correct the date, sender/recipient or description of a registration not yet archived."""
    body = body_as(RegistrationAmendment)
    registration = _registration(dnr)
    try:
        actions.amend_registration(registration, body)
    except RegistryError as exc:
        return api_error(exc.status, exc.message)
    return jsonify(registration_json(registration))


@bp.post("/registry/<path:dnr>/hold")
@role(*REGISTRAR)
def hold(dnr: str) -> Any:
    body = body_as(HoldRequest)
    try:
        registration = actions.hold(_registration(dnr), body.hold, body.reason)
    except RegistryError as exc:
        return api_error(exc.status, exc.message)
    return jsonify(registration_json(registration))


@bp.post("/registry/<path:dnr>/disposal")
@role(*REGISTRAR)
def request_disposal(dnr: str) -> Any:
    reason = body_as(DisposalRequest).reason
    try:
        registration = actions.request_disposal(_registration(dnr), reason)
    except RegistryError as exc:
        return api_error(exc.status, exc.message)
    return jsonify(registration_json(registration)), 202


@bp.post("/registry/<path:dnr>/disposal/approve")
@role(*REGISTRAR)
def approve_disposal(dnr: str) -> Any:
    try:
        registration = actions.approve_disposal(_registration(dnr))
    except RegistryError as exc:
        return api_error(exc.status, exc.message)
    return jsonify(registration_json(registration))


@bp.get("/registry/<path:dnr>/package")
@role()
def download_package(dnr: str) -> Any:
    registration = _registration(dnr)
    if not registration.package_sha256:
        return api_error(409, f"{registration.dnr} är inte arkiverat ännu.", "not_archived")
    actions.record_download(registration.dnr, "package")
    return send_file(get_store().path(registration.package_sha256), mimetype="application/zip",
                     as_attachment=True, download_name=f"{package_id(registration.dnr)}.zip")


@bp.post("/registry/<path:dnr>/secrecy")
@role(*REGISTRAR)
def mark_secret(dnr: str) -> Any:
    body = body_as(SecrecyRequest)
    try:
        registration = actions.mark_secret(_registration(dnr), body)
    except RegistryError as exc:
        return api_error(exc.status, exc.message)
    return jsonify(registration_json(registration)), 201


@bp.post("/registry/<path:dnr>/secrecy/lift")
@role(*REGISTRAR)
def lift_secrecy(dnr: str) -> Any:
    body = body_as(SecrecyLiftRequest)
    try:
        registration = actions.lift_secrecy(_registration(dnr), body)
    except RegistryError as exc:
        return api_error(exc.status, exc.message)
    return jsonify(registration_json(registration))


@bp.post("/registry/<path:dnr>/dispatches")
@role(*REGISTRAR)
def record_dispatch(dnr: str) -> Any:
    body = body_as(DispatchRequest)
    try:
        made = actions.record_dispatch(_registration(dnr), body)
    except RegistryError as exc:
        return api_error(exc.status, exc.message)
    return jsonify(dispatch_json(made)), 201


@bp.get("/registry/<path:dnr>/dispatches/proposed")
@role()
def proposed_dispatches(dnr: str) -> Any:
    registration = _registration(dnr)
    try:
        found = dispatch.proposed_for(get_session(), registration)
    except RegistryError as exc:
        return api_error(exc.status, exc.message)
    sent = {d.recipient.casefold() for d in registration.dispatches}
    return jsonify({"proposals": [{**p.as_dict(), "dispatched": p.recipient.casefold() in sent} for p in found]})
