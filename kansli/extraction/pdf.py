"""Reading a PDF's text layer, page by page, behind the preflight checks of the contract.

PDFium reads the characters and ruling lines (:mod:`.textlayer`); pdfplumber's algorithms turn them
into words, lines, columns and tables. Only one page is held at a time.
"""
from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .refusal import Refusal
from .textlayer import Page, read_page

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]
#: What a broken page makes PDFium or the layout algorithms raise. Deliberately not ``Exception``: a job's
#: time limit arrives as an exception too, and must stop the read rather than be taken for a bad page.
PARSE_ERRORS = (pdfium.PdfiumError, ValueError, KeyError, TypeError, AttributeError, IndexError,
                ZeroDivisionError, AssertionError, RecursionError, OverflowError)
PASSWORD_ERRORS = (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY)

# Glyphs without a Unicode mapping come out as "(cid:N)", and Word's Symbol-font bullets as private-use
# characters; at a line start they are almost always bullets.
_CID_BULLET = re.compile(r"^(?:\(cid:\d+\)|[\ue000-\uf8ff])\s*", re.MULTILINE)
_CID = re.compile(r"\(cid:\d+\)")


# Swedish page numbering in headers and footers, "1 (3)": furniture, not text.
_PAGE_NUMBER = re.compile(r"^\s*\d+\s*\(\d+\)\s*$\n?", re.MULTILINE)


def _tidy(text: str) -> str:
    return _PAGE_NUMBER.sub("", _CID.sub("", _CID_BULLET.sub("• ", text)))


def _columns(page: Page) -> tuple[float, float] | None:
    """(header bottom, gutter x) when the page is set in two columns under a full-width head, else None."""
    words = page.extract_words()
    if len(words) < 60:
        return None
    mid = float(page.width) / 2
    gutter, crossing = min(
        ((x, [w for w in words if w["x0"] < x < w["x1"]]) for x in (mid + d for d in range(-40, 41, 4))),
        key=lambda pair: len(pair[1]),
    )
    # One-column text crosses the middle on nearly every line; two columns leave a gutter only the head crosses.
    left = sum(w["x1"] <= gutter for w in words)
    right = len(words) - left - len(crossing)
    if len(crossing) > len(words) * 0.02 or min(left, right) < max(10, len(words) * 0.05):
        return None
    header = max((w["bottom"] for w in crossing), default=0.0)
    if header > float(page.height) * 0.35:  # full-width text further down: not a simple two-column page
        return None
    return header, gutter


def page_tables(page: Page, columns: tuple[float, float] | None) -> list[list[list[str | None]]]:
    """The page's tables in reading order (on a two-column page, the left column's before the right's)."""
    found = page.find_tables()
    if columns:
        header, gutter = columns
        found.sort(key=lambda t: (t.bbox[1] >= header and t.bbox[0] >= gutter, t.bbox[1]))
    return [t.extract() for t in found]


def page_text(page: Page, columns: tuple[float, float] | None) -> str:
    """The page's text in reading order: a two-column page's head, then its left, then its right column."""
    if columns:
        header, gutter = columns
        width, height = float(page.width), float(page.height)
        parts = [page.within_bbox((0, 0, width, header)) if header else None,
                 page.within_bbox((0, header, gutter, height)), page.within_bbox((gutter, header, width, height))]
        return "\n\n".join(text for part in parts if part is not None and (text := _region_text(part)))
    return _region_text(page)


def _region_text(page: Page) -> str:
    """The region's lines, with a blank line where the vertical gap shows a new paragraph."""
    lines = page.extract_text_lines()
    if not lines:
        return ""
    steps = sorted(b["top"] - a["top"] for a, b in pairwise(lines) if b["top"] > a["top"])
    # The line pitch inside a paragraph is the smallest regular step (not the median: in letters of short
    # paragraphs the gaps are the majority); steps under half the median are sub- and superscripts.
    regular = [s for s in steps if s >= steps[len(steps) // 2] / 2] if steps else []
    usual = regular[0] if regular else 0
    out = [lines[0]["text"]]
    for before, line in pairwise(lines):
        if usual and line["top"] - before["top"] > usual * 1.3:  # Word's 6 pt after a paragraph is enough
            out.append("")
        out.append(line["text"])
    return _tidy("\n".join(out))


@dataclass
class PdfText:
    pages: int
    #: Text of each page, in reading order.
    texts: list[str]
    #: Tables of each page: rows of cell strings (None for empty cells).
    tables: list[list[list[list[str | None]]]] = field(default_factory=list)

    @cached_property
    def text(self) -> str:
        """All pages; a page that ends a sentence before one that starts anew is taken as a paragraph end."""
        out = ""
        for page in self.texts:
            if out:
                new_paragraph = out.rstrip().endswith((".", "!", "?", ":")) and page.lstrip()[:1].isupper()
                out += "\n\n" if new_paragraph else "\n"
            out += page
        return out


def preflight(data: bytes, max_bytes: int | None = None) -> None:
    """Refuse what is plainly not a PDF (or far too big) before any parser sees it."""
    if max_bytes is not None and len(data) > max_bytes:
        raise Refusal("too_large", f"Filen är större än {max_bytes // (1024 * 1024)} MB; dela upp den och försök igen.")
    if not data.strip():
        raise Refusal("empty")
    if b"%PDF-" not in data[:1024]:
        raise Refusal("not_pdf")


def count_pages(data: bytes) -> int:
    """The page count, from the page tree alone: no page is loaded and no content stream unpacked."""
    preflight(data)
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise Refusal("encrypted" if exc.err_code in PASSWORD_ERRORS else "corrupt") from exc
    try:
        return len(pdf)
    finally:
        pdf.close()


def read(
    data: bytes,
    *,
    max_pages: int,
    with_tables: bool = True,
    on_progress: ProgressCallback | None = None,
    deadline: float | None = None,
    max_bytes: int | None = None,
) -> PdfText:
    """The pages' text and tables; ``deadline`` (a ``time.monotonic()`` value) stops a long read between pages."""
    preflight(data, max_bytes)
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise Refusal("encrypted" if exc.err_code in PASSWORD_ERRORS else "corrupt") from exc
    try:
        count = len(pdf)
        if count == 0:
            raise Refusal("empty")
        if count > max_pages:
            raise Refusal(
                "too_many_pages",
                f"PDF-filen har {count} sidor men högst {max_pages} tas emot; "
                "ladda upp den del som gäller ärendet.",
            )
        texts: list[str] = []
        tables: list[list[list[list[str | None]]]] = []
        for number in range(1, count + 1):
            try:
                page = read_page(pdf, number - 1)
                columns = _columns(page)
                texts.append(page_text(page, columns))
                tables.append(page_tables(page, columns) if with_tables else [])
            except PARSE_ERRORS as exc:
                log.info("page %d unreadable: %r", number, exc)
                texts.append("")
                tables.append([])
            if on_progress:
                on_progress(number, count)
            if deadline is not None and time.monotonic() > deadline and number < count:
                raise Refusal("timeout")
    finally:
        pdf.close()
    if not any(t.strip() for t in texts):
        raise Refusal("no_text")
    return PdfText(pages=count, texts=texts, tables=tables)
