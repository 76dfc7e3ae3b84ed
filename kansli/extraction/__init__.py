"""Extraction: PDF bytes in, the object of ``shared/contracts/extraction.md`` out.

The one entry point, :func:`extract`, is what the worker job and ``kansli extract`` both call. It is a
pure function of the bytes (and limits); it raises :class:`Refusal` for documents it will not read.
Where each value stands in the PDF is found afterwards by :func:`kansli.extraction.provenance.locate`.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from . import decision, district_plan, follow_up, ocr, ocrtext, report
from .classify import classify
from .learned import Learned
from .normalize import clean
from .pdf import PdfText, ProgressCallback, count_pages, read
from .refusal import HeavyWork, Refusal

__all__ = ["extract", "extract_with_text", "Refusal", "HeavyWork", "EXTRACTORS"]

Fields = dict[str, Any]


def _sure_where_found(extract: Callable[[PdfText], tuple[Fields, list[str]]]
                      ) -> Callable[[PdfText], tuple[Fields, list[str], dict[str, float]]]:
    """Reports and decisions are read from their fixed labels and sections: a value found is one to trust."""
    def with_confidence(pdf: PdfText) -> tuple[Fields, list[str], dict[str, float]]:
        fields, warnings = extract(pdf)
        return fields, warnings, {k: 0.0 if v in (None, [], {}) else 0.9 for k, v in fields.items()}
    return with_confidence


EXTRACTORS: dict[str, Callable[[PdfText], tuple[Fields, list[str], dict[str, float]]]] = {
    "district_plan": district_plan.extract,
    "report": _sure_where_found(report.extract),
    "decision": _sure_where_found(decision.extract),
    "follow_up": follow_up.extract,
}


def _title(text: str) -> str | None:
    for line in text.splitlines():
        if (title := clean(line)) and len(title) > 3 and any(c.isalpha() for c in title):
            return title[:200]
    return None


def extract(
    data: bytes, *, max_pages: int = 2000, on_progress: ProgressCallback | None = None,
    deadline: float | None = None, max_bytes: int | None = None, max_ocr_pages: int | None = None,
    allow_ocr: bool = True, learned: dict[str, Learned] | None = None,
) -> dict[str, Any]:
    return extract_with_text(data, max_pages=max_pages, on_progress=on_progress, deadline=deadline,
                             max_bytes=max_bytes, max_ocr_pages=max_ocr_pages, allow_ocr=allow_ocr,
                             learned=learned)[0]


def extract_with_text(
    data: bytes, *, max_pages: int = 2000, on_progress: ProgressCallback | None = None,
    deadline: float | None = None, max_bytes: int | None = None, max_ocr_pages: int | None = None,
    allow_ocr: bool = True, learned: dict[str, Learned] | None = None,
) -> tuple[dict[str, Any], PdfText]:
    """The contract's object and the pages' text (kept for search and provenance, not in the contract).

    ``learned``: labels drafters' corrections taught, by municipality key, as plain data (the caller
    loads them; see :mod:`kansli.extraction.learned`); a plan of a municipality with some is read with them.

    A scan is read through OCR, which takes seconds a page: past ``max_ocr_pages`` it is refused before
    any page is recognised, and where OCR is not ``allow_ocr``-ed here it is handed on (:class:`HeavyWork`).
    """
    notes = []
    try:
        pdf = read(data, max_pages=max_pages, on_progress=on_progress, deadline=deadline, max_bytes=max_bytes)
    except Refusal as refusal:
        if refusal.code != "no_text" or not ocr.available():
            raise
        if not allow_ocr:
            raise HeavyWork("the PDF has no text layer and needs OCR") from None
        pages = count_pages(data)
        if max_ocr_pages is not None and pages > max_ocr_pages:
            raise Refusal("too_many_pages", f"PDF-filen saknar textlager och har {pages} sidor, men högst "
                                            f"{max_ocr_pages} sidor tolkas med OCR; ladda upp den del som gäller "
                                            "ärendet eller en PDF med textlager.") from None
        timeout = 600.0 if deadline is None else max(deadline - time.monotonic(), 1.0)
        layer = ocr.add_text_layer(data, timeout)
        pdf = read(layer, max_pages=max_pages, on_progress=on_progress, deadline=deadline, ocr=True)
        pdf.source = layer
        notes.append(ocr.WARNING)
    kind = classify(pdf.text)
    if kind == "district_plan":
        fields, warnings, confidence = district_plan.extract(pdf, learned)
    elif kind in EXTRACTORS:
        fields, warnings, confidence = EXTRACTORS[kind](pdf)
    else:
        fields = {"title": _title(pdf.text)}
        warnings = ["Dokumentet kändes inte igen som plan, rapport, beslut eller uppföljning."]
        confidence = {"title": 0.5 if fields["title"] else 0.0}
    if pdf.ocr:
        confidence = ocrtext.doubted(fields, confidence, pdf.repaired)
    return {"kind": kind, "pages": pdf.pages, "fields": fields, "confidence": confidence,
            "warnings": notes + warnings}, pdf
