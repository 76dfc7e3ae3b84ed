"""The JSON API of shared/contracts/api.md, described in ``GET /api/openapi.json``.

Callers sign in with ``Authorization: Bearer TOKEN``; the app's own pages call it with their login
session, and then changes need the page's CSRF token (header ``X-CSRFToken``). A request that carries a
login session is signed in by it (Flask-Login looks at the session before the header), so it needs the
CSRF token whatever else it carries: a made-up ``Authorization`` header does not excuse it.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, request
from flask_login import current_user

from service.auth import csrf
from service.errors import api_error

bp = Blueprint("api", __name__, url_prefix="/api")
csrf.exempt(bp)


@bp.before_request
def protect_session_writes() -> None:
    # Only a signed-in browser session can be forged across sites; a caller signed in by token has no
    # session, and one with neither gets the plain 401 from the view.
    if request.method not in ("GET", "HEAD", "OPTIONS") and current_user.is_authenticated and current_user.session_id:
        csrf.protect()


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


from service.api import documents, health, openapi, outputs, registry, templates  # noqa: E402,F401  (routes register on bp)
