"""Word templates: the built-in ones in ``templates/docx``, and versions admins upload.

An upload is checked before it is kept — a real .docx, no zip bomb, Jinja that parses, and no variable
the template's fields do not provide — and rendering always runs in Jinja's sandbox. Every version is
kept; the newest of a name is used, and each output records the SHA-256 of the version that made it.
"""
from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

from docxtpl import DocxTemplate
from jinja2 import TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy import select
from sqlalchemy.orm import Session

from kansli.models import Template
from kansli.outputs import template_variables
from kansli.storage import Store

MAX_BYTES = 10 * 1024 * 1024
MAX_UNPACKED = 100 * 1024 * 1024
MAX_ENTRIES = 2000
MAX_RATIO = 200  # deflate rarely beats 1:20 on Word XML; 1:200 is a bomb


class TemplateRejected(ValueError):
    """An uploaded template that cannot be used; the message says what to fix."""


def check(name: str, data: bytes) -> None:
    variables = template_variables()
    if name not in variables:
        raise TemplateRejected(f"Okänd mall {name!r}; välj en av {', '.join(variables)}.")
    if len(data) > MAX_BYTES:
        raise TemplateRejected(f"Mallen är större än {MAX_BYTES // (1024 * 1024)} MB.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except zipfile.BadZipFile:
        raise TemplateRejected("Filen är inget Word-dokument (.docx); spara mallen i Word-format.") from None
    unpacked = sum(e.file_size for e in entries)
    if len(entries) > MAX_ENTRIES or unpacked > MAX_UNPACKED or any(
        e.compress_size and e.file_size / e.compress_size > MAX_RATIO and e.file_size > 1024 * 1024 for e in entries
    ):
        raise TemplateRejected("Filen packas upp till orimligt mycket data och tas inte emot.")
    if "word/document.xml" not in archive.namelist():
        raise TemplateRejected("Filen är inget Word-dokument (.docx); word/document.xml saknas.")
    try:
        used = DocxTemplate(io.BytesIO(data)).get_undeclared_template_variables(jinja_env=SandboxedEnvironment())
    except TemplateSyntaxError as exc:
        raise TemplateRejected(f"Mallen har ett Jinja-fel på rad {exc.lineno} i dokumentets XML: {exc.message}.") from None
    unknown = sorted(used - variables[name])
    if unknown:
        raise TemplateRejected(
            f"Mallen använder variabler som fälten saknar: {', '.join(unknown)}. "
            f"Tillgängliga: {', '.join(sorted(variables[name]))}."
        )


def add(session: Session, store: Store, name: str, data: bytes, filename: str, user_id: int | None) -> Template:
    check(name, data)
    template = Template(name=name, sha256=store.put(data), size=len(data), filename=filename[:255],
                        uploaded_by=user_id)
    session.add(template)
    session.flush()
    return template


def current(session: Session, store: Store, templates_dir: Path, name: str) -> tuple[Path, str]:
    """The file to render ``name`` with, and its SHA-256: the newest upload, else the built-in one."""
    newest = session.scalar(select(Template).where(Template.name == name).order_by(Template.id.desc()).limit(1))
    if newest:
        return store.path(newest.sha256), newest.sha256
    path = templates_dir / name
    return path, hashlib.sha256(path.read_bytes()).hexdigest()
