"""OCR for scanned PDFs: OCRmyPDF with Tesseract's Swedish model adds a text layer, then extraction
reads it as usual. Where OCRmyPDF is not installed, a scan is refused with ``no_text``.
"""
from __future__ import annotations

import shutil

from kansli.convert import ConversionError, ConversionTimeout, transform

from .refusal import Refusal

WARNING = "Texten är tolkad med OCR ur en inskannad PDF; kontrollera fälten extra noga."


def available() -> bool:
    return shutil.which("ocrmypdf") is not None


def add_text_layer(data: bytes, timeout: float = 600) -> bytes:
    """The PDF with a text layer recognised from its page images; OCRmyPDF is killed after ``timeout`` s."""
    try:
        return transform("ocrmypdf", "ocrmypdf", data,
                         lambda source, target: ["-l", "swe", "--skip-text", "--output-type", "pdf", "--optimize", "0",
                                                 "--quiet", source, target],
                         "out.pdf", timeout, "OCR gav ingen text.")
    except ConversionTimeout:
        raise Refusal("timeout") from None
    except ConversionError:
        raise Refusal("no_text") from None
