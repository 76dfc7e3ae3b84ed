"""Cases (ärenden): open, list, show with their documents, close and reopen.

A case number holds a space and a slash (``KAN 2026/17``): the routes take it with ``path:``, sent
URL-encoded or as it is.
"""
from __future__ import annotations

from typing import Any

from flask import abort, jsonify

from kansli.models import Case
from kansli.registry import cases
from kansli.registry.errors import RegistryError
from kansli.users import REGISTRAR
from kansli.validation import CaseQuery, CaseRequest
from service import actions
from service.api import body_as, bp, query_as, role
from service.api.representation import case_json
from service.database import get_session
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
