"""Reading a PDF's text layer, page by page, behind the preflight checks of the contract.

PDFium reads the characters and ruling lines (:mod:`.textlayer`); pdfplumber's algorithms turn them
into words, lines, columns and tables. Only one page is held at a time.
"""
from __future__ import annotations

import gc
import logging
import re
import time
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import pairwise
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber import utils

from . import aligned, ocrtext
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


Bbox = tuple[float, float, float, float]


def _columns(page: Page, tables: Sequence[Bbox] = ()) -> tuple[float, float] | None:
    """(head bottom, gutter x) when the page is set in two columns under a full-width head, else None.

    The gutter is the widest run of positions near the middle that the fewest words cross (``tables``,
    whose cells leave gaps of their own, take no part). The head ends below the last thing that spans the
    gutter: a word across it, two words a word space apart on either side of it, or a ruled line.
    """
    words = [w for w in page.extract_words() if not any(_inside(w, t) for t in tables)]
    if len(words) < 30:
        return None
    mid = float(page.width) / 2
    near = [(x0, x1) for x0, x1 in _phrases(words) if x0 < mid + 60 and x1 > mid - 60]
    crossings = [(x, sum(x0 < x < x1 for x0, x1 in near)) for x in (mid + d for d in range(-60, 61, 2))]
    fewest = min(n for _, n in crossings)
    run = _widest_run([x for x, n in crossings if n == fewest])
    gutter = (run[0] + run[-1]) / 2
    crossing = [w for w in words if w["x0"] < gutter < w["x1"]]
    # One-column text crosses the middle on nearly every line; two columns leave a gutter only the head crosses.
    left = [w for w in words if w["x1"] <= gutter]
    right = [w for w in words if w["x0"] >= gutter]
    # (OCR's: a column of prose, five lines at least, a sparse page's short lines leave gaps of their own;
    # or fewer beside tables that keep to either side of the gutter, each within its column, or beside a
    # left column of prose whose lines, eight at least, run up to the gutter)
    ends = [w for w in left if w["x1"] > gutter - 40]
    sides = (any(t[2] <= gutter for t in tables) and any(t[0] >= gutter for t in tables)) \
        or len({round(w["top"]) for w in ends}) >= 8
    if len(crossing) > len(words) * 0.03 or len(left) < 8 or len(right) < 4 \
            or len({round(w["top"]) for w in right}) < (5 if page.flow and not sides else 2):
        return None
    spans = [w["bottom"] for w in crossing]
    spans += [e["bottom"] for e in page.edges if e["orientation"] == "h" and e["x0"] < gutter < e["x1"]]
    # (OCR's boxes are the ink: a space between them is up to a letter wider, and their tops differ a little)
    space = 1.0 if page.flow else 0.6
    for w in right:  # words a word space apart across the gutter: one line of the head (a centred title)
        height = w["bottom"] - w["top"]
        if any(abs(b["top"] - w["top"]) <= height / 3 and w["x0"] - b["x1"] < height * space for b in ends):
            spans.append(w["bottom"])
    header = max(spans, default=0.0)
    if header:  # the whole of the head's last line, though a scan turned a little sets its words at slants
        header = max([header] + [w["bottom"] for w in words if w["top"] < header - (w["bottom"] - w["top"]) / 2])
    if header > float(page.height) * 0.4:  # full-width text further down: not a simple two-column page
        return None
    return header, gutter


def _phrases(words: list[dict[str, Any]]) -> list[tuple[float, float]]:
    """Where the runs of words a word space apart stand on their lines (x0, x1): the space between two
    words of a centred title is no gutter, however near the middle it falls."""
    runs: list[tuple[float, float]] = []
    line: tuple[float, float, float] | None = None  # top, x0, x1 of the run being extended
    for w in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if line and round(w["top"]) == line[0] and w["x0"] - line[2] < (w["bottom"] - w["top"]) * 0.6:
            line = line[0], line[1], max(line[2], w["x1"])
            continue
        if line:
            runs.append(line[1:])
        line = round(w["top"]), w["x0"], w["x1"]
    return runs + ([line[1:]] if line else [])


def _inside(word: dict[str, Any], bbox: Bbox) -> bool:
    return bbox[0] <= word["x0"] and word["x1"] <= bbox[2] and bbox[1] <= word["top"] and word["bottom"] <= bbox[3]


def _widest_run(xs: list[float]) -> list[float]:
    """The longest run of evenly stepped positions (the gutter's width) among ``xs``."""
    runs: list[list[float]] = []
    for x in xs:
        if runs and x - runs[-1][-1] < 2.5:
            runs[-1].append(x)
        else:
            runs.append([x])
    return max(runs, key=len)


@dataclass(frozen=True)
class Line:
    """A line of text where it stands and how it is set: the document model's unit for headings and lists.

    ``region`` orders a two-column page: 0 its full-width head, 1 the left column, 2 the right one.
    """
    page: int
    region: int
    top: float
    text: str
    size: float
    bold: bool

    @property
    def at(self) -> tuple[int, int, float]:
        return self.page, self.region, self.top


@dataclass(frozen=True)
class PlacedTable:
    """A table's rows of cell strings, and where it stands (as :attr:`Line.at`)."""
    page: int
    region: int
    top: float
    rows: list[list[str | None]]
    #: (row, column) of the cells where a word broken over two lines was joined: a guess (see :func:`_cells`).
    joined: frozenset[tuple[int, int]] = frozenset()
    #: Where the table ends on its page: the lines between its top and bottom (in its region) are its cells.
    bottom: float = 0.0
    #: Columns of the last row whose cell's last line fills it to its right edge: a word there may go on in
    #: the first row of the next page's table, where a word processor broke a row across the page.
    full: frozenset[int] = frozenset()

    @property
    def at(self) -> tuple[int, int, float]:
        return self.page, self.region, self.top

    def holds(self, line: Line) -> bool:
        """Whether ``line`` is one of the table's rows read as text: its top within the table, or its middle (OCR's
        box of a header's words may reach above the table's top rule)."""
        return (line.page, line.region) == (self.page, self.region) and (
            self.top - 1 <= line.top < self.bottom or self.top <= line.top + line.size / 2 < self.bottom)


def held_by(tables: Iterable[PlacedTable]) -> Callable[[Line], bool]:
    """Whether a line is one of ``tables``' rows read as text, asking only the tables of its page and region:
    a plan of 400 pages with a table on each has 400 tables and tens of thousands of lines."""
    by_place: dict[tuple[int, int], list[PlacedTable]] = defaultdict(list)
    for table in tables:
        by_place[table.page, table.region].append(table)
    return lambda line: any(t.holds(line) for t in by_place.get((line.page, line.region), ()))


def _aligned_bboxes(page: Page, ruled: Sequence[Bbox]) -> list[Bbox]:
    """Where a scan's tables set without ruling lines stand, outside its ``ruled`` ones: their channels are
    no gutter."""
    loose = [w for w in page.extract_words() if not any(_inside(w, t) for t in ruled)]
    return [t.bbox for t in aligned.tables(loose) if len(t.rows[0]) >= 3]


def _region(columns: tuple[float, float] | None, x0: float, top: float) -> int:
    if not columns:
        return 0
    header, gutter = columns
    return 0 if top < header else 1 if x0 < gutter else 2


def page_tables(page: Page, columns: tuple[float, float] | None, number: int = 1,
                found: list[Any] | None = None) -> list[PlacedTable]:
    """The page's tables (``found`` already, or found here) in reading order: on a two-column page, the
    left column's before the right's."""
    placed = []
    for t in page.find_tables() if found is None else found:
        rows, joined, full = _cells(page, t)
        placed.append(PlacedTable(number, _region(columns, t.bbox[0], t.bbox[1]), t.bbox[1], rows, joined,
                                  bottom=t.bbox[3], full=full))
    return sorted(placed, key=lambda t: t.at)


def aligned_tables(page: Page, columns: tuple[float, float] | None, number: int = 1,
                   ruled: Sequence[Bbox] = ()) -> list[PlacedTable]:
    """Tables set without ruling lines (as every table of a scan's text layer is), region by region, among
    the words outside the ``ruled`` tables: see :mod:`.aligned`."""
    regions: dict[int, list[dict[str, Any]]] = {}
    for word in page.extract_words():
        if not any(_inside(word, t) for t in ruled):
            regions.setdefault(_region(columns, word["x0"], word["top"]), []).append(word)
    return [PlacedTable(number, region, t.bbox[1], t.rows, t.joined, bottom=t.bbox[3])
            for region, words in regions.items() for t in aligned.tables(words)]


# A range broken after its dash ("20–" over "64 år"): one word again.
_RANGE_BROKEN = re.compile(r"(?<=\d[–-])\n(?=\d)")
# A cell line that is one word ending in a small letter, before a line that starts with one: maybe a word the
# narrow cell broke (Word does, without a hyphen, when a word is wider than the cell).
_BROKEN = re.compile(r"(?<=[a-zåäöé])\n(?=[a-zåäöé])")
# A small letter alone on its line, as OCR reads it at times: twice, the capital first ("Ss", "Oo").
_TWICE = "Cc|Oo|Ss|Vv|Ww|Xx|Zz"
_DOUBLED = re.compile(rf"^(?:{_TWICE})$")
# OCR's: the rest of a broken word that starts with an "l", read as a capital "I" ("Anmä" over "Ida brott"), or
# a last letter alone read twice ("utomhu" over "Ss").
_BROKEN_OCR = re.compile(rf"(?<=[a-zåäöé])\n(?:I(?=[a-zåäöé])|(?:{_TWICE})$)", re.MULTILINE)


def _cells(page: Page, table: Any) -> tuple[list[list[str | None]], frozenset[tuple[int, int]], frozenset[int]]:
    """The table's cell strings, which cells had a word joined, and which of the last row's cells end full
    (:attr:`PlacedTable.full`): a word broken across a cell's lines is joined again where the geometry shows
    it (its first part is alone on its line and fills the line to the cell's right edge). Geometry cannot tell
    that from a short word that happened to fill the line before an ordinary wrap, so a join is a guess, and
    the cells that had one are named.

    The cells are read as pdfplumber's ``Table.extract`` reads them (a character belongs to the cell its
    middle is in), but each row looks only at the characters of its own band, found by bisection: the
    library compares every character with every cell, which made a page-long ruled table quadratic.
    """
    chars = page.chars
    middles = sorted(((c["top"] + c["bottom"]) / 2, i) for i, c in enumerate(chars))
    keys = [m for m, _ in middles]
    rows: list[list[str | None]] = []
    joined, full = set(), set()
    for r, row in enumerate(table.rows):
        _, top, _, bottom = row.bbox
        band = [chars[i] for i in sorted(i for _, i in middles[bisect_left(keys, top):bisect_left(keys, bottom)])]
        cells: list[str | None] = []
        for k, bbox in enumerate(row.cells):
            if bbox is None:
                cells.append(None)
                continue
            x0, top, x1, bottom = bbox
            inside = [c for c in band if x0 <= (c["x0"] + c["x1"]) / 2 < x1 and top <= (c["top"] + c["bottom"]) / 2 < bottom]
            if page.flow:
                inside = ocrtext.without_marks(inside)
            text = _cell_text(inside, page.flow)
            if text and (_BROKEN.search(text) or page.flow and _BROKEN_OCR.search(text)) \
                    and (whole := _join_broken(inside, bbox, text, page.flow)) != text:
                text = whole
                joined.add((r, k))
            if r == len(table.rows) - 1 and text and _ends_full(inside, bbox):
                full.add(k)
            cells.append(_RANGE_BROKEN.sub("", text) if text else text)
        rows.append(cells)
    return rows, frozenset(joined), frozenset(full)


def _ends_full(inside: list[Any], bbox: tuple[float, float, float, float]) -> bool:
    """Whether a cell's last line runs so close to its right edge (the left margin mirrored) that another
    letter of its type, as wide as the line's letters are on average (and a little more), would not fit."""
    lines = utils.cluster_objects(inside, lambda c: c["top"], 3)
    last = sorted((c for c in lines[-1] if not c["text"].isspace()), key=lambda c: c["x0"])
    if not last:
        return False
    limit = bbox[2] - (min(c["x0"] for c in inside if not c["text"].isspace()) - bbox[0])
    letter = (last[-1]["x1"] - last[0]["x0"]) / len(last)
    return limit - last[-1]["x1"] < letter * 1.2 + OCR_SLACK


def _cell_text(chars: list[Any], flow: bool = False) -> str:
    """What ``pdfplumber.utils.extract_text`` gives for a cell's characters, without its general machinery
    for the usual cell of one level line: words split at blanks and at gaps wider than its 3 pt tolerance.

    ``flow``: the characters are OCR's, in the order it read them, kept: a word's box OCR drew too wide
    reaches over the next word's, and put in order of place their letters interleaved ("arbetslö18s-a24")."""
    if not chars:
        return ""
    if max(c["top"] for c in chars) - min(c["top"] for c in chars) > 3 or not all(c["upright"] for c in chars) \
            or any(len(c["text"]) != 1 or c["text"] in _LIGATURES for c in chars):
        return str(utils.extract_text(chars, use_text_flow=flow))
    words, word, before = [], "", None
    for char in chars if flow else sorted(chars, key=lambda c: c["x0"]):
        if char["text"].isspace():
            words.append(word)
            word, before = "", None
            continue
        if before is not None and (char["x0"] < before["x0"] or char["x0"] > before["x1"] + 3):
            words.append(word)
            word = ""
        word, before = word + char["text"], char
    return " ".join(w for w in [*words, word] if w)


_LIGATURES = frozenset("ﬀﬃﬄﬁﬂﬆﬅ")


#: How much wider (points) a letter set may be than its share of OCR's box of a word: the box is the ink, which
#: leaves out the letters' side bearings, and may be off by a pixel or two at either end.
OCR_SLACK = 1.5


def _join_broken(inside: list[Any], bbox: tuple[float, float, float, float], text: str, ocr: bool = False) -> str:
    """``text`` with the words broken over its lines joined; ``inside`` are the cell's characters.

    ``ocr``: OCR's text layer spreads a word's box evenly over its letters and the space after it, so a
    letter's own width is its share of the word's box (:func:`.ocrtext.first_letter_width`), give or take
    :data:`OCR_SLACK`; and the rest of a word that starts with an "l" may read as a capital "I" ("Anmä" over
    "Ida"), which is joined as the "l" it is, and a letter alone on its line may read twice (:data:`_DOUBLED`)."""
    x0, _, x1, _ = bbox
    # lines as pdfplumber's text sets them (tops within 3 pt): OCR's words of one line differ in top
    rows = [sorted(chars, key=lambda c: c["x0"]) for chars in utils.cluster_objects(inside, lambda c: c["top"], 3)]
    parts = text.split("\n")
    if not inside or len(rows) != len(parts):
        return text
    # the right margin mirrors the left one (of the letters: a space OCR set after a word of the cell beside may
    # stand first in the cell)
    limit = x1 - (min(next((c["x0"] for c in row if not c["text"].isspace()), row[0]["x0"]) for row in rows) - x0)
    out = parts[0]
    for i in range(1, len(parts)):
        line = parts[i][1] if ocr and _DOUBLED.match(parts[i]) else parts[i]  # read as joined, if it is
        before, first = parts[i - 1], line.split(" ", 1)[0]
        if ocr and first[:1] == "I" and first[1:2].islower():
            first = "l" + first[1:]
        # the next letter would not have fitted: the line was full, mid-word
        letter = ocrtext.first_letter_width(rows[i]) + OCR_SLACK if ocr else rows[i][0]["width"]
        broken = " " not in before.strip() and before[-1:].islower() and first[:1].islower() \
            and first not in aligned.FUNCTION_WORDS and limit - rows[i - 1][-1]["x1"] < letter
        out += first + line[len(first):] if broken else "\n" + parts[i]
    return out


def page_text(page: Page, columns: tuple[float, float] | None, number: int = 1) -> tuple[str, list[Line]]:
    """The page's text in reading order (a two-column page's head, then its left, then its right column)
    and its lines with their typography."""
    if columns:
        header, gutter = columns
        width, height = float(page.width), float(page.height)
        parts = [page.within_bbox((0, 0, width, header)) if header else None,
                 page.within_bbox((0, header, gutter, height)), page.within_bbox((gutter, header, width, height))]
        texts, lines = [], []
        for region, part in enumerate(parts):
            if part is not None and (read := _region_text(part, number, region))[0]:
                texts.append(read[0])
                lines += read[1]
        return "\n\n".join(texts), lines
    return _region_text(page, number, 0)


def _typed(line: dict[str, Any], number: int, region: int) -> Line:
    chars = [c for c in line["chars"] if not c["text"].isspace()] or line["chars"]
    sizes = sorted(c["size"] for c in chars)
    return Line(number, region, line["top"], _tidy(line["text"]), sizes[len(sizes) // 2] if sizes else 0.0,
                bool(chars) and all(c.get("bold") for c in chars))


def _without_rules(line: dict[str, Any]) -> str:
    """An OCR'd line's text without the ruling lines OCR read as glyphs: "|" wherever it stands, and a
    one-letter word ("|", "l", "i", "I", "!", "1", "]", "-") at either end standing apart, further from its
    neighbour than 1.5 times the line's height (a table's border beside its text, not a word)."""
    chars = sorted((c for c in line["chars"] if c["text"].strip()), key=lambda c: c["x0"])
    words: list[list[Any]] = []
    for char in chars:
        if words and char["x0"] - words[-1][-1]["x1"] <= 1:
            words[-1].append(char)
        else:
            words.append([char])
    tokens = [t for t in line["text"].split(" ") if t not in ("|", "¦")]
    if len(words) < 2 or len(tokens) < 2:
        return " ".join(tokens)
    apart = (line["bottom"] - line["top"]) * 1.5
    if len(words[-1]) == 1 and tokens[-1] in _RULE_GLYPHS and words[-1][0]["x0"] - words[-2][-1]["x1"] > apart:
        tokens.pop()
    if len(words[0]) == 1 and tokens[0] in _RULE_GLYPHS and words[1][0]["x0"] - words[0][0]["x1"] > apart:
        tokens.pop(0)
    return " ".join(tokens)


_RULE_GLYPHS = frozenset("|lIi!1][-–—_")


def _second_word(line: dict[str, Any]) -> float | None:
    """Where a line's second word starts: after the first gap between its letters."""
    chars = sorted((c for c in line["chars"] if c["text"].strip()), key=lambda c: c["x0"])
    return next((b["x0"] for a, b in pairwise(chars) if b["x0"] - a["x1"] > 1), None)


def _region_text(page: Page, number: int = 1, region: int = 0) -> tuple[str, list[Line]]:
    """The region's lines, with a blank line where the vertical gap shows a new paragraph."""
    lines = page.extract_text_lines(return_chars=True)
    if not lines:
        return "", []
    if page.flow:  # OCR's: a bullet it dropped shows in the place of the line
        lines = [{**line, "text": _without_rules(line)} for line in lines]
        texts = ocrtext.indented_markers([(line["text"], line["x0"], _second_word(line)) for line in lines])
        lines = [{**line, "text": text} for line, text in zip(lines, texts, strict=True)]
    typed = [_typed(line, number, region) for line in lines]
    # The pitch is measured in the body type: the smaller type of a table's cells or a footnote runs closer.
    letters: Counter[int] = Counter()
    for t in typed:
        if t.text:
            letters[round(t.size)] += len(t.text)
    body = (letters.most_common(1) or [(0, 0)])[0][0]
    pairs = [(a, b) for a, b in pairwise(typed) if round(a.size) == round(b.size) == body] or list(pairwise(typed))
    usual = pitch([b.top - a.top for a, b in pairs])
    # Lines of another size run at their own pitch (measured where there are enough of them, else in
    # proportion to their size): a column whose narrow table cells outnumber its text must not take the
    # text's every line for a paragraph.
    by_size: dict[int, list[float]] = {}
    for a, b in pairwise(typed):
        if round(a.size) == round(b.size):
            by_size.setdefault(round(a.size), []).append(b.top - a.top)
    pitches = {size: pitch(steps) for size, steps in by_size.items() if len(steps) >= 3}
    out = [lines[0]["text"]]
    for (before, line), (a, b) in zip(pairwise(lines), pairwise(typed), strict=True):
        step = pitches.get(round(a.size), usual * round(a.size) / body if body else usual) \
            if round(a.size) == round(b.size) else usual
        if step and line["top"] - before["top"] > step * 1.3:  # Word's 6 pt after a paragraph is enough
            out.append("")
        out.append(line["text"])
    return _tidy("\n".join(out)), typed


def pitch(steps: list[float]) -> float:
    """The line pitch inside a paragraph: the smallest regular step (not the median: in letters of short
    paragraphs the gaps are the majority); steps under half the median are sub- and superscripts."""
    ordered = sorted(s for s in steps if s > 0)
    regular = [s for s in ordered if s >= ordered[len(ordered) // 2] / 2] if ordered else []
    return regular[0] if regular else 0


@dataclass
class PdfText:
    pages: int
    #: Text of each page, in reading order.
    texts: list[str]
    #: Tables of each page: rows of cell strings (None for empty cells), and where they stand.
    tables: list[list[PlacedTable]] = field(default_factory=list)
    #: Every line in reading order, with its font size and weight (running heads and footers left out).
    lines: list[Line] = field(default_factory=list)
    #: The text was recognised from page images (OCR): its characters are guesses, its type sizes too.
    ocr: bool = False
    #: Words OCR misread that were put right (:func:`.ocrtext.repair`), as they now read.
    repaired: frozenset[str] = frozenset()
    #: The PDF read, where it is not the one uploaded (OCR added a text layer): where values' boxes are found.
    source: bytes | None = None

    @cached_property
    def text(self) -> str:
        """All pages; a page that ends a sentence before one that starts anew is taken as a paragraph end."""
        parts: list[str] = []
        last = ""  # the last character joined so far that is not white space (not the whole text, stripped
        # again on every page: that took a second on a plan of 400 pages)
        for page in self.texts:
            if parts:
                new_paragraph = last != "" and last in ".!?:" and page.lstrip()[:1].isupper()
                parts.append("\n\n" if new_paragraph else "\n")
            if parts or page:
                parts.append(page)
            last = page.rstrip()[-1:] or last
        return "".join(parts)


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
    ocr: bool = False,
) -> PdfText:
    """The pages' text and tables; ``deadline`` (a ``time.monotonic()`` value) stops a long read between pages.

    ``ocr``: the text layer is OCR's (no ruling lines, misread glyphs): tables are also found by how their
    words line up, and list markers, numbers and e-mail addresses are repaired (:mod:`.ocrtext`)."""
    preflight(data, max_bytes)
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise Refusal("encrypted" if exc.err_code in PASSWORD_ERRORS else "corrupt") from exc
    try:
        with _collector_paused():
            return _read_pages(pdf, ocr=ocr, with_tables=with_tables, max_pages=max_pages, on_progress=on_progress,
                               deadline=deadline)
    finally:
        pdf.close()


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector held off while pages are read.

    A page makes thousands of small dicts (characters, words, lines) that hold no cycles and are freed
    as soon as the page is done; the collector, woken every 700 of them, walked all that was still
    alive each time, and cost a tenth of a long plan's read.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _read_pages(pdf: pdfium.PdfDocument, *, ocr: bool, with_tables: bool, max_pages: int,
                on_progress: ProgressCallback | None, deadline: float | None) -> PdfText:
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
    tables: list[list[PlacedTable]] = []
    lines: list[Line] = []
    repaired: set[str] = set()
    for number in range(1, count + 1):
        try:
            page = read_page(pdf, number - 1, flow=ocr)
            found = page.find_tables() if with_tables else []
            ruled = [t.bbox for t in found]
            columns = _columns(page, ruled + _aligned_bboxes(page, ruled)) if ocr else _columns(page, ruled)
            if ocr and ruled and not columns:  # two columns of prose beside a ruled table align too
                columns = _columns(page, ruled)
            text, page_lines = page_text(page, columns, number)
            placed = page_tables(page, columns, number, found)
            if ocr:
                placed = sorted(placed + aligned_tables(page, columns, number, ruled), key=lambda t: t.at)
                text, page_lines, placed = _repaired(text, page_lines, placed, repaired)
            texts.append(text)
            lines += page_lines
            tables.append(placed)
        except PARSE_ERRORS as exc:
            log.info("page %d unreadable: %r", number, exc)
            texts.append("")
            tables.append([])
        if on_progress:
            on_progress(number, count)
        if deadline is not None and time.monotonic() > deadline and number < count:
            raise Refusal("timeout")
    if not any(t.strip() for t in texts):
        raise Refusal("no_text")
    furniture = _furniture(texts)
    repaired |= _rejoin_rows(tables, ocr)
    return PdfText(pages=count, texts=[_without(t, furniture) for t in texts], tables=tables,
                   lines=[line for line in lines if _shape(line.text) not in furniture], ocr=ocr,
                   repaired=frozenset(repaired))


def _rejoin_rows(tables: list[list[PlacedTable]], ocr: bool = False) -> set[str]:
    """A row that a page break cut in two, put together again: where a page's first table has the columns of
    the page before's last one and starts with a row that fills only cells the row above it fills (the rest
    of a cell's lines), that row ends the row above, as a word processor set it; a word the page broke is one
    again where its cell's last line ran full (:attr:`PlacedTable.full`), and so is a range broken after its
    dash ("20–" over "64 år"). OCR's joined cells are repaired again; the words repaired are returned."""
    repaired: set[str] = set()
    for before, after in pairwise(tables):
        if not before or not after or not after[0].rows or not before[-1].rows:
            continue
        above, rest = before[-1].rows[-1], after[0].rows[0]
        if len(above) != len(rest) or not any(rest) or all(rest):
            continue
        pairs = list(zip(above, rest, strict=True))
        if all(not r or a for a, r in pairs) and any(a and not r for a, r in pairs):
            last = len(before[-1].rows) - 1
            broken = {k for k, (a, r) in enumerate(pairs) if k in before[-1].full and a and r and _goes_on(a, r)}
            before[-1].rows[-1] = [_RANGE_BROKEN.sub("", f"{a}{r}" if k in broken else f"{a}\n{r}") if a and r else a
                                   for k, (a, r) in enumerate(pairs)]
            if ocr:  # each page's cells were repaired on their own: "20-" over "64 år" was no range
                mended = [ocrtext.repair(c, cell=True) if c else (c, set()) for c in before[-1].rows[-1]]
                before[-1].rows[-1] = [c for c, _ in mended]
                repaired.update(word for _, words in mended for word in words)
            before[-1] = replace(before[-1], joined=before[-1].joined | {(last, k) for k in broken})
            rows, joined = after[0].rows[1:], frozenset((r - 1, k) for r, k in after[0].joined if r)
            after[:1] = [replace(after[0], rows=rows, joined=joined)] if rows else []
    return repaired


def _goes_on(cell: str, rest: str) -> bool:
    """Whether the rest of a cell on the next page may be the rest of its last word: that line is one word
    ending in a small letter, the rest starts with one and is no word of its own like "och" or "per"."""
    last = cell.rsplit("\n", 1)[-1]
    return " " not in last and bool(_BROKEN.search(f"{last[-1:]}\n{rest[:1]}")) \
        and rest.split()[0] not in aligned.FUNCTION_WORDS


def _repaired(text: str, lines: list[Line], tables: list[PlacedTable], repaired: set[str]
              ) -> tuple[str, list[Line], list[PlacedTable]]:
    """A page's OCR'd text, lines and table cells with misread glyphs put right; adds what was to ``repaired``."""
    def fix(value: str, cell: bool = False) -> str:
        fixed, words = ocrtext.repair(value, cell)
        repaired.update(words)
        return fixed

    fixed = ocrtext.lost_markers([fix(line.text) for line in lines])
    return (fix(text), [replace(line, text=t) for line, t in zip(lines, fixed, strict=True)],
            [replace(t, rows=[[None if c is None else fix(ocrtext.cell(c), cell=True) for c in row] for row in t.rows])
             for t in tables])


# "Sida 2 av 5", "Sida 2": a page number, whatever else the page's head or foot holds.
_PAGE_OF = re.compile(r"^\s*Sida \d+(?: av \d+)?\s*$", re.IGNORECASE)


def _shape(line: str) -> str:
    """A line with its numbers blanked: "Sida 1 av 3" and "Sida 2 av 3" have the same shape."""
    return re.sub(r"\d+", "#", " ".join(line.split()))


def _furniture(texts: list[str]) -> set[str]:
    """Shapes of running heads and footers: a page's first or last line that recurs on most pages."""
    ends: Counter[str] = Counter()
    for text in texts:
        lines = [line for line in text.splitlines() if line.strip()]
        ends.update({_shape(line) for line in lines[:1] + lines[-1:]})
    found = {shape for shape, n in ends.items() if n >= 2 and n >= len(texts) / 2}
    return found | {shape for text in texts for line in text.splitlines() if _PAGE_OF.match(line)
                    and (shape := _shape(line))}


def _without(text: str, furniture: set[str]) -> str:
    """The page's text without its running head and footer lines (first and last lines only)."""
    if not furniture:
        return text
    lines = text.splitlines()
    filled = [i for i, line in enumerate(lines) if line.strip()]
    drop = {i for i in filled[:1] + filled[-1:] if _shape(lines[i]) in furniture}
    drop |= {i for i, line in enumerate(lines) if _PAGE_OF.match(line)}
    return "\n".join(line for i, line in enumerate(lines) if i not in drop)
