"""OCR for scanned PDFs: OCRmyPDF with Tesseract's Swedish model adds a text layer, then extraction
reads it as usual. Where OCRmyPDF is not installed, a scan is refused with ``no_text``.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from kansli.convert import ConversionError, run_killable

from .refusal import Refusal

WARNING = "Texten är tolkad med OCR ur en inskannad PDF; kontrollera fälten extra noga."


def available() -> bool:
    return shutil.which("ocrmypdf") is not None


def add_text_layer(data: bytes, timeout: float = 600) -> bytes:
    """The PDF with a text layer recognised from its page images."""
    tool = shutil.which("ocrmypdf")
    if not tool:
        raise Refusal("no_text")
    with tempfile.TemporaryDirectory(prefix="kansli-ocr-") as tmp:
        source, target = Path(tmp) / "in.pdf", Path(tmp) / "out.pdf"
        source.write_bytes(data)
        try:
            run_killable([tool, "-l", "swe", "--skip-text", "--output-type", "pdf", "--optimize", "0", "--quiet",
                          str(source), str(target)], timeout)
        except ConversionError:
            raise Refusal("timeout") from None
        if not target.exists():
            raise Refusal("no_text")
        return target.read_bytes()
