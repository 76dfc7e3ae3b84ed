"""Reading a PDF's text layer, page by page, behind the preflight checks of the contract.

Pages are closed as soon as they are read: pdfplumber keeps every parsed page otherwise, and a long
plan then takes gigabytes.
"""
from __future__ import annotations

import io
import logging
import re
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFException
from pdfminer.psparser import PSException
from pdfplumber.utils.exceptions import PdfminerException

from .refusal import Refusal

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]
#: What broken PDFs make pdfminer raise. Deliberately not ``Exception``: a job's time limit arrives as an
#: exception too, and must stop the read rather than be taken for a bad page.
PARSE_ERRORS = (PSException, PDFException, PdfminerException, ValueError, KeyError, TypeError, AttributeError,
                IndexError, ZeroDivisionError, AssertionError, RecursionError, OverflowError, struct.error,
                zlib.error)

# Glyphs without a Unicode mapping come out as "(cid:N)", and Word's Symbol-font bullets as private-use
# characters; at a line start they are almost always bullets.
_CID_BULLET = re.compile(r"^(?:\(cid:\d+\)|[\ue000-\uf8ff])\s*", re.MULTILINE)
_CID = re.compile(r"\(cid:\d+\)")


def _tidy(text: str) -> str:
    return _CID.sub("", _CID_BULLET.sub("• ", text))


def page_text(page: pdfplumber.page.Page) -> str:
    """The page's lines, with a blank line where the vertical gap shows a new paragraph."""
    lines = page.extract_text_lines(return_chars=False)
    if not lines:
        return ""
    steps = sorted(b["top"] - a["top"] for a, b in zip(lines, lines[1:]) if b["top"] > a["top"])
    # The lower quartile, not the median: in letters with many short paragraphs the gaps are the majority.
    usual = steps[len(steps) // 4] if steps else 0
    out = [lines[0]["text"]]
    for before, line in zip(lines, lines[1:]):
        if usual and line["top"] - before["top"] > usual * 1.6:
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


def preflight(data: bytes) -> None:
    """Refuse what is plainly not a PDF before any parser sees it."""
    if not data.strip():
        raise Refusal("empty")
    if b"%PDF-" not in data[:1024]:
        raise Refusal("not_pdf")


def _is_password_error(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, (PDFPasswordIncorrect, PDFEncryptionError)):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def read(
    data: bytes,
    *,
    max_pages: int,
    with_tables: bool = True,
    on_progress: ProgressCallback | None = None,
) -> PdfText:
    preflight(data)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PdfminerException as exc:
        if _is_password_error(exc) or b"/Encrypt" in data:
            raise Refusal("encrypted") from exc
        raise Refusal("corrupt") from exc
    except PARSE_ERRORS as exc:  # pdfminer raises many unrelated types on broken files
        log.info("unreadable PDF: %r", exc)
        raise Refusal("corrupt") from exc
    with pdf:
        try:
            count = len(pdf.pages)
        except PARSE_ERRORS as exc:
            raise Refusal("corrupt") from exc
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
        for number, page in enumerate(pdf.pages, start=1):
            try:
                texts.append(page_text(page))
                tables.append(page.extract_tables() if with_tables else [])
            except PARSE_ERRORS as exc:
                log.info("page %d unreadable: %r", number, exc)
                texts.append("")
                tables.append([])
            finally:
                page.close()
            if on_progress:
                on_progress(number, count)
    if not any(t.strip() for t in texts):
        raise Refusal("no_text")
    return PdfText(pages=count, texts=texts, tables=tables)
