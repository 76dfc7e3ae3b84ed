"""Admins' Word templates: upload a new version (checked first), list the versions."""
from __future__ import annotations

import logging
from typing import Any

from flask import jsonify, request
from flask_login import current_user
from sqlalchemy import select

from kansli import templates
from kansli.documents import display_name
from kansli.models import Template
from service.api import bp, role
from service.api.representation import template_json
from service.database import get_session, get_store
from service.errors import api_error

log = logging.getLogger("kansli.web")


def receive_template(name: str, file: Any) -> Template:
    """Check and keep an uploaded template version; shared by the API and the admin page."""
    template = templates.add(get_session(), get_store(), name, file.read(), display_name(file.filename),
                             current_user.id)
    log.info("template %s: version %s uploaded by %s", name, template.sha256[:12], current_user.name)
    return template


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
