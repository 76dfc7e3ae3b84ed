"""Filling a Word template safely: values are literal text, never markup or template code."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import TemplateError
from jinja2.sandbox import SandboxedEnvironment

from .errors import GenerationError

# Characters XML 1.0 forbids; PDFs' text layers carry them and Word refuses such a file.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def scrub(value: Any) -> Any:
    """Strip forbidden characters from every string in a (nested) context."""
    if isinstance(value, str):
        return _XML_FORBIDDEN.sub("", value)
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items()}
    if isinstance(value, Picture):
        return value
    if isinstance(value, (list, tuple)):
        return [scrub(v) for v in value]
    return value


@dataclass(frozen=True)
class Picture:
    """A PNG to place where the template writes the variable; contexts are built before the template is opened."""

    data: bytes
    width_mm: float


def _pictures(doc: DocxTemplate, value: Any) -> Any:
    if isinstance(value, Picture):
        return InlineImage(doc, io.BytesIO(value.data), width=Mm(value.width_mm))
    if isinstance(value, dict):
        return {k: _pictures(doc, v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_pictures(doc, v) for v in value]
    return value


def render_docx(template: Path | IO[bytes], context: dict[str, Any]) -> bytes:
    doc = DocxTemplate(str(template) if isinstance(template, Path) else template)
    try:
        doc.render(_pictures(doc, scrub(context)), jinja_env=SandboxedEnvironment(autoescape=True), autoescape=True)
    except TemplateError as exc:  # includes the sandbox's SecurityError: a template reaching outside its data
        raise GenerationError(f"Mallen kunde inte fyllas i ({type(exc).__name__}: {exc}); rätta mallen.") from None
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
