"""Word documents as LibreOffice reads them, and the built-in templates."""
from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path

import docx

from kansli.config import REPO_ROOT

TEMPLATES = REPO_ROOT / "templates" / "docx"
AGREEMENT, DECISION = TEMPLATES / "agreement.docx", TEMPLATES / "decision.docx"


def libreoffice_text(data: bytes, tmp_path: Path) -> str:
    """The document as LibreOffice reads it: proof that it opens, and what it says."""
    source = tmp_path / "in.docx"
    source.write_bytes(data)
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
         "--convert-to", "txt:Text", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=120,
    )
    out = tmp_path / "in.txt"
    assert out.exists(), "LibreOffice could not open the generated document"
    return " ".join(out.read_text(encoding="utf-8-sig").split())


def variant(*paragraphs: str) -> bytes:
    """The built-in agreement template with paragraphs added at the end, as an admin would edit it."""
    document = docx.Document(str(AGREEMENT))
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def with_part(entry: str, data: bytes) -> bytes:
    """The built-in agreement template with one part of its zip replaced, as a hostile upload would."""
    out = io.BytesIO()
    with zipfile.ZipFile(AGREEMENT) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, data if info.filename == entry else source.read(info))
    return out.getvalue()


def with_doctype(doctype: bytes, text: bytes) -> bytes:
    """The agreement template's body XML under a DOCTYPE, with a first paragraph of ``text`` (entities and all)."""
    body = zipfile.ZipFile(AGREEMENT).read("word/document.xml").split(b"?>", 1)[1]
    paragraph = b"<w:body><w:p><w:r><w:t>" + text + b"</w:t></w:r></w:p>"
    return with_part("word/document.xml", b'<?xml version="1.0"?>' + doctype + body.replace(b"<w:body>", paragraph, 1))
