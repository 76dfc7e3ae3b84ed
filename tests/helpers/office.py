"""Word documents as LibreOffice reads them, and the built-in templates."""
from __future__ import annotations

import io
import subprocess
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
