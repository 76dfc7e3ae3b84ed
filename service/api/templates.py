"""Admins' Word templates: upload a new version (checked first), list the versions."""
from __future__ import annotations

from typing import Any

from flask import jsonify, request
from sqlalchemy import select

from kansli import templates
from kansli.models import Template
from service.actions import receive_template
from service.api import bp, role
from service.api.representation import template_json
from service.database import get_session
from service.errors import api_error


@bp.post("/templates")
@role("admin")
def upload_template() -> Any:
    file, name = request.files.get("file"), request.form.get("name", "")
    if file is None:
        return api_error(400, "Bifoga mallen (.docx) i fältet \"file\" och ange name.")
    try:
        template = receive_template(name, file)
    except templates.TemplateRejected as exc:
        return api_error(422, str(exc), "invalid_template")
    return jsonify(template_json(template)), 201


@bp.get("/templates")
@role()
def list_templates() -> Any:
    rows = get_session().scalars(select(Template).order_by(Template.id.desc())).all()
    return jsonify({"templates": [template_json(t) for t in rows]})
