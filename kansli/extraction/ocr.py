"""OCR for scanned PDFs: OCRmyPDF with Tesseract's Swedish model adds a text layer, then extraction
reads it as usual. Where OCRmyPDF is not installed, a scan is refused with ``no_text``.

The pages OCR reads have their ruling lines painted out, and the lines are drawn back into the result
(:mod:`.rulings`): a table's lines are then lines to the table finder, not glyphs glued to its figures.
"""
from __future__ import annotations

import shutil

from kansli.convert import ConversionError, ConversionTimeout, transform

from . import rulings
from .pdf import PARSE_ERRORS
from .refusal import Refusal

WARNING = "Texten är tolkad med OCR ur en inskannad PDF; kontrollera fälten extra noga."
#: One OpenMP thread for each Tesseract: OCRmyPDF already runs a Tesseract per core, and Tesseracts with
#: more threads than there are free cores spin-wait each other (two workers' OCR at once took minutes a
#: page, until OCRmyPDF gave up on the page after 180 s and left it without text).
ONE_THREAD = {"OMP_THREAD_LIMIT": "1"}


def available() -> bool:
    return shutil.which("ocrmypdf") is not None


def add_text_layer(data: bytes, timeout: float = 600) -> bytes:
    """The PDF with a text layer recognised from its page images; OCRmyPDF is killed after ``timeout`` s."""
    try:
        pages, rules = rulings.cleaned(data)
    except PARSE_ERRORS:
        raise Refusal("corrupt") from None
    try:
        layer = transform("ocrmypdf", "ocrmypdf", pages,
                          lambda source, target: ["-l", "swe", "--skip-text", "--output-type", "pdf",
                                                  "--optimize", "0", "--quiet", source, target],
                          "out.pdf", timeout, "OCR gav ingen text.", env=ONE_THREAD)
    except ConversionTimeout:
        raise Refusal("timeout") from None
    except ConversionError:
        raise Refusal("no_text") from None
    return rulings.drawn(layer, rules)
