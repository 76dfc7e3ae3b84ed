"""The partnership register: per municipality its partnership case, current plan, each agency's agreement
and the reports received; opening a partnership case by hand."""
from __future__ import annotations

from typing import Any

from flask import jsonify

from kansli.registry import partnerships
from kansli.registry.errors import RegistryError
from kansli.users import REGISTRAR
from kansli.validation import PartnershipRequest
from service import actions
from service.api import body_as, bp, role
from service.database import get_session
from service.errors import api_error


@bp.get("/partnerships")
@role()
def list_partnerships() -> Any:
    return jsonify({"partnerships": partnerships.matrix(get_session())})


@bp.post("/partnerships")
@role(*REGISTRAR)
def open_partnership() -> Any:
    try:
        opened = actions.open_partnership(body_as(PartnershipRequest))
    except RegistryError as exc:
        return api_error(exc.status, exc.message)
    entry = next(e for e in partnerships.matrix(get_session()) if e["key"] == opened.municipality_key)
    return jsonify(entry), 201
