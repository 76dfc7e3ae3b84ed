"""The public diary page, ``/diarium/offentlig``: open without login, built only from public rows.

The template sees nothing but :func:`kansli.registry.public.public_row` dictionaries, so no protected
text can reach the page, not even in an attribute.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from kansli.registry.public import PER_PAGE, public_row, public_search
from kansli.validation import Invalid, PublicRegistryQuery, check
from service.database import get_session

bp = Blueprint("public", __name__)


@bp.get("/diarium/offentlig")
def registry() -> Any:
    given = {k: v for k, v in request.args.items() if v}
    try:
        args = check(PublicRegistryQuery, given)
    except Invalid as exc:
        return render_template("public_registry.html", rows=[], total=0, page=1, pages=1, args=given,
                               error=f"Sökningen gick inte att göra: {exc.message}"), 400
    rows, total = public_search(get_session(), args.q, year=args.year, page=args.page)
    return render_template("public_registry.html", rows=[public_row(r) for r in rows], total=total, page=args.page,
                           pages=max(1, -(-total // PER_PAGE)), args=given, error=None)
