"""Cases (ärenden): open, list, show with their documents, close and reopen; export as FGS Ärendehantering
(CITS ERMS), archive as one package and download it.

A case number holds a space and a slash (``KAN 2026/17``): the routes take it with ``path:``, sent
URL-encoded or as it is.
"""
from __future__ import annotations

from typing import Any

from flask import Response, abort, jsonify, send_file

from kansli.archive import package_id
from kansli.models import Case
from kansli.registry import cases
from kansli.registry.archiving import case_package
from kansli.registry.errors import RegistryError
from kansli.users import REGISTRAR
from kansli.validation import CaseQuery, CaseRequest
from service import actions
from service.api import body_as, bp, query_as, role
from service.api.representation import case_json
from service.database import get_session, get_store
from service.errors import api_error


def _case(dnr: str) -> Case:
    case = actions.get_case(dnr)
    if case is None:
        abort(404)
    return case


@bp.post("/cases")
@role(*REGISTRAR)
def open_case() -> Any:
    try:
        case = actions.open_case(body_as(CaseRequest))
    except RegistryError as exc:
        return api_error(exc.status, exc.message)
    return jsonify(case_json(case)), 201


@bp.get("/cases")
@role()
def list_cases() -> Any:
    args = query_as(CaseQuery)
    found = cases.find(get_session(), args.q, status=args.status, municipality=args.municipality)
    return jsonify({"cases": [case_json(c) for c in found]})


@bp.get("/cases/<path:dnr>")
@role()
def get_case(dnr: str) -> Any:
    return jsonify(case_json(_case(dnr), documents=True))


@bp.post("/cases/<path:dnr>/close")
@role(*REGISTRAR)
def close_case(dnr: str) -> Any:
    try:
        case = actions.close_case(_case(dnr))
    except RegistryError as exc:
        return api_error(exc.status, exc.message)
    return jsonify(case_json(case))


@bp.post("/cases/<path:dnr>/reopen")
@role(*REGISTRAR)
def reopen_case(dnr: str) -> Any:
    try:
        case = actions.reopen_case(_case(dnr))
    except RegistryError as exc:
        return api_error(exc.status, exc.message)
    return jsonify(case_json(case))


@bp.get("/cases/<path:dnr>/erms")
@role(*REGISTRAR)
def export_case(dnr: str) -> Any:
    """The whole case, secret parts included (under their restrictions): for registrars only."""
    case = _case(dnr)
    try:
        xml = actions.export_case(case)
    except RegistryError as exc:
        return api_error(exc.status, exc.message, "invalid_export")
    name = f"{package_id(case.dnr)}-erms.xml"
    return Response(xml, mimetype="application/xml", headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.post("/cases/<path:dnr>/archive")
@role(*REGISTRAR)
def archive_case(dnr: str) -> Any:
    try:
        case = actions.archive_case(_case(dnr))
    except RegistryError as exc:
        return api_error(exc.status, exc.message)
    return jsonify(case_json(case, documents=True)), 202


@bp.get("/cases/<path:dnr>/package")
@role()
def download_case_package(dnr: str) -> Any:
    case = _case(dnr)
    if (digest := case_package(case)) is None:
        return api_error(409, f"Ärendet {case.dnr} är inte arkiverat som helhet ännu.", "not_archived")
    actions.record_download(case.dnr, "package")
    return send_file(get_store().path(digest), mimetype="application/zip", as_attachment=True,
                     download_name=f"{package_id(case.dnr)}.zip")
