"""Labels learned from drafters' corrections (admin): list them, remove one that taught something wrong."""
from __future__ import annotations

from typing import Any

from flask import jsonify

from kansli import learning
from kansli.models import LearnedLabel
from service.actions import forget_label
from service.api import bp, role
from service.database import get_or_404, get_session


def learned_json(row: LearnedLabel) -> dict[str, Any]:
    return {"id": row.id, "municipality": row.municipality, "field": row.field, "label": row.label,
            "document_id": row.document_id, "user": row.user.name if row.user else None,
            "created_at": row.created_at.isoformat()}


@bp.get("/learned")
@role("admin")
def list_learned() -> Any:
    return jsonify({"learned": [learned_json(row) for row in learning.listing(get_session())]})


@bp.delete("/learned/<int:id>")
@role("admin")
def delete_learned(id: int) -> Any:  # noqa: A002  (the path's name, as in OpenAPI)
    forget_label(get_or_404(LearnedLabel, id))
    return "", 204
