"""``GET /api/public/registry``: the public diary as JSON, open without login (see kansli.registry.public)."""
from __future__ import annotations

from typing import Any

from flask import jsonify

from kansli.registry.public import PER_PAGE, public_row, public_search
from kansli.validation import PublicRegistryQuery
from service.api import bp, query_as
from service.database import get_session


@bp.get("/public/registry")
def public_registry() -> Any:
    args = query_as(PublicRegistryQuery)
    rows, total = public_search(get_session(), args.q, year=args.year, page=args.page)
    return jsonify({"registrations": [public_row(r) for r in rows], "page": args.page, "per_page": PER_PAGE,
                    "total": total})
