"""The admin page for Word templates: upload a new version, see every version and its hash."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from kansli import templates
from kansli.models import Template
from kansli.outputs import template_variables
from service.actions import receive_template
from service.auth import page_role
from service.database import get_session

bp = Blueprint("templates", __name__)


@bp.get("/templates")
@page_role("admin")
def index() -> Any:
    rows = get_session().scalars(select(Template).order_by(Template.id.desc())).all()
    variables = template_variables()
    return render_template("templates.html", versions=rows, names=list(variables), variables=variables)


@bp.post("/templates")
@page_role("admin")
def upload() -> Any:
    file = request.files.get("file")
    if file is None or not file.filename:
        flash("Välj en mall (.docx) att ladda upp.", "error")
        return redirect(url_for("templates.index"))
    try:
        template = receive_template(request.form.get("name", ""), file)
    except templates.TemplateRejected as exc:
        flash(f"Mallen togs inte emot: {exc}", "error")
    else:
        flash(f"Ny version av {template.name} är sparad och används från nu ({template.sha256[:12]}).", "info")
    return redirect(url_for("templates.index"))
