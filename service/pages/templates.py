"""The admin page for Word templates: download the one in use to edit it, upload a new version, see every
version, make an earlier one current again, and what each variable holds."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for

from kansli import templates
from kansli.models import Template
from kansli.outputs import template_variables
from service.actions import receive_template, record_download, revert_template
from service.auth import page_role
from service.database import get_or_404, get_session, get_store, settings
from service.pages.forms import FormErrors

bp = Blueprint("templates", __name__)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: Each template as the page names it.
TITLES = {"agreement.docx": "Samverkansöverenskommelse", "decision.docx": "Beslutsbrev",
          "report.docx": "Sammanställd redovisning"}


@bp.get("/templates")
@page_role("admin")
def index() -> Any:
    return _page()


def _page(errors: FormErrors | None = None, chosen: str | None = None) -> Any:
    names = list(template_variables())
    versions = templates.versions(get_session())
    return render_template("templates.html", names=names, titles=TITLES, chosen=chosen, errors=errors,
                           versions={n: [v for v in versions if v.name == n] for n in names},
                           variables={n: templates.described_variables(n) for n in names}), 422 if errors else 200


@bp.post("/templates")
@page_role("admin")
def upload() -> Any:
    name, file = request.form.get("name", ""), request.files.get("file")
    if name not in template_variables():
        return _page(FormErrors([("name", "Välj vilken mall den nya versionen gäller.")]))
    if file is None or not file.filename:
        return _page(FormErrors([("file", "Välj en mall (.docx) att ladda upp.")]), name)
    try:
        template = receive_template(name, file)
    except templates.TemplateRejected as exc:
        return _page(FormErrors([("file", f"Mallen togs inte emot: {exc}")]), name)
    flash(f"Ny version av {template.name} är sparad och används från nu ({template.sha256[:12]}).", "info")
    return redirect(url_for("templates.index"))


@bp.get("/templates/<name>/current")
@page_role("admin")
def download_current(name: str) -> Any:
    """The template in use (the newest upload, else the built-in one), to edit in Word and upload again."""
    if name not in template_variables():
        abort(404)
    path, sha256 = templates.current(get_session(), get_store(), settings().templates_dir, name)
    data = path.read_bytes()
    record_download(f"template {name}", sha256)
    return _docx(data, name)


@bp.get("/templates/versions/<int:version_id>")
@page_role("admin")
def download_version(version_id: int) -> Any:
    version = get_or_404(Template, version_id)
    data = get_store().get(version.sha256)
    record_download(f"template {version.name}", version.sha256)
    return _docx(data, f"{version.name.removesuffix('.docx')}-version-{version.id}.docx")


@bp.post("/templates/versions/<int:version_id>/current")
@page_role("admin")
def make_current(version_id: int) -> Any:
    version = get_or_404(Template, version_id)
    old = _number(version)
    try:
        template = revert_template(version)
    except templates.TemplateRejected as exc:
        flash(f"Version {old} av {version.name} kan inte användas igen: {exc}", "error")
    else:
        flash(f"Version {old} av {version.name} används igen, som ny version {_number(template)}.", "info")
    return redirect(url_for("templates.index") + f"#mall-{version.name.removesuffix('.docx')}")


def _number(version: Template) -> int:
    return templates.number(get_session(), version)


def _docx(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype=DOCX)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
