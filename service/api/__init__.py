"""The JSON API of shared/contracts/api.md, described in ``GET /api/openapi.json``.

Callers sign in with ``Authorization: Bearer TOKEN``; the app's own pages call it with their login
session, and then changes need the page's CSRF token (header ``X-CSRFToken``). A request that carries a
login session is signed in by it (Flask-Login looks at the session before the header), so it needs the
CSRF token whatever else it carries: a made-up ``Authorization`` header does not excuse it. Bodies and query
arguments are read only through :func:`json_body`, :func:`body_as` and :func:`query_as`, so every value
passes the models of :mod:`kansli.validation` and every refusal is the contract's JSON error.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, request
from flask_login import current_user
from pydantic import BaseModel

from kansli.validation import MAX_JSON_BYTES, Invalid, TooLarge, check, parse_json
from service.auth import csrf
from service.errors import api_error

bp = Blueprint("api", __name__, url_prefix="/api")
csrf.exempt(bp)
M = TypeVar("M", bound=BaseModel)


@bp.before_request
def protect_session_writes() -> None:
    # Only a signed-in browser session can be forged across sites; a caller signed in by token has no
    # session, and one with neither gets the plain 401 from the view.
    if request.method not in ("GET", "HEAD", "OPTIONS") and current_user.is_authenticated and current_user.session_id:
        csrf.protect()


@bp.errorhandler(Invalid)
def refused(exc: Invalid) -> Any:
    return api_error(exc.status, exc.message, exc.code)


def json_body() -> Any:
    """The request's JSON value (None without a body), read within the limits of :func:`parse_json`."""
    if (request.content_length or 0) > MAX_JSON_BYTES:
        raise TooLarge(f"JSON-innehållet är större än {MAX_JSON_BYTES // 1024} kB.")
    data = request.get_data(cache=True)
    if not data.strip():
        return None
    if not request.is_json:
        raise Invalid("Skicka innehållet som JSON, med Content-Type: application/json.")
    return parse_json(data)


def body_as(model: type[M]) -> M:
    """The JSON body as ``model``; calls whose body is optional take a missing one as ``{}``."""
    body = json_body()
    if not isinstance(body, dict) and body is not None:
        raise Invalid("Skicka ett JSON-objekt.")
    return check(model, body or {})


def query_as(model: type[M]) -> M:
    return check(model, request.args.to_dict())


def role(*roles: str) -> Callable:
    """401 without a valid token or session, 403 outside ``roles`` (None: any signed-in user)."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return api_error(401)
            if roles and current_user.role not in roles:
                return api_error(403)
            return view(*args, **kwargs)

        return wrapped

    return decorate


from service.api import (  # noqa: E402,F401  (routes register on bp)
    cases,
    documents,
    health,
    indicators,
    learned,
    openapi,
    outputs,
    partnerships,
    public,
    registry,
    templates,
)
