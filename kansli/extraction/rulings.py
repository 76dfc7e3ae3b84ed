"""A scan's ruling lines: found in the page images, painted out before OCR, drawn back into OCR's PDF.

Tesseract reads a table's ruling lines as glyphs ("|", "1", "l", "_") glued to the figures beside them
("272" comes back "|272" or "2172"), and OCR's text layer has no lines for the table finder, which then
has to guess the cells from how the words line up. A ruling line is told from print by its length: a dark
run far longer than any letter is wide (or tall). So each page is rendered, such runs are whitened
before OCR sees the image, and the lines are drawn into the finished PDF as level and plumb segments:
a scanned ruled table is then read as a born-digital one, cell by cell.

A page turned a little on the scanner is straightened first: a ruling line a degree off level spans
rows enough to look like a bar, and words of one line of text would stand at different heights. The
straightened page is the one OCR reads, and the one the review shows (its boxes are OCR's).
"""
from __future__ import annotations

import ctypes
import io
from dataclasses import dataclass

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

#: Pages are rendered for OCR at this resolution: Tesseract's own recommendation.
DPI = 300
#: A dark run at least this long (a quarter inch) is a line: no letter of body or heading type is as wide.
LONGEST_GLYPH = DPI // 4
#: Thicker than this (pixels, about 2.5 pt), a dark band is a filled area or a bar, not a ruling line.
THICKEST = 10
#: A plumb run must end this close (pixels) to a level line: a table's column rules meet its row rules,
#: an "l" of a large title meets nothing. One that meets a level line at both ends may be as short as a
#: row of small type (a table's lone header row at the foot of a page is no taller than a letter is wide).
MEETS = 8
SHORTEST_ROW = DPI // 10
#: So many pixels beside a short plumb run must be mostly white for it to be a rule (a cell's text keeps
#: at least its padding from the rule; a letter's stem has the rest of the letter beside it).
CLEARANCE = 5
#: Grey values below this count as ink.
INK = 140
#: How far (degrees, either way) a page's turn is looked for; a page turned further is straightened that far.
TURNED = 3.0


@dataclass(frozen=True)
class Rule:
    """A ruling line in page pixels: level (``y0 == y1`` up to its thickness) or plumb."""

    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def level(self) -> bool:
        return self.x1 - self.x0 > self.y1 - self.y0


def _runs(ink: np.ndarray, shortest: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row, first and last-plus-one column of every run of ink along the rows at least ``shortest`` long."""
    padded = np.zeros((ink.shape[0], ink.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = ink
    step = np.diff(padded, axis=1)
    rows, starts = np.nonzero(step == 1)
    _, ends = np.nonzero(step == -1)  # row-major order: each run's end follows its start
    long = ends - starts >= shortest
    return rows[long], starts[long], ends[long]


def _bands(rows: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> list[list[int]]:
    """Runs on neighbouring rows that overlap, gathered into bands: [first row, last row, x0, x1]."""
    bands: list[list[int]] = []
    open_: list[list[int]] = []
    for row, start, end in zip(rows.tolist(), starts.tolist(), ends.tolist(), strict=True):
        open_ = [b for b in open_ if b[1] >= row - 2]
        for band in open_:
            if min(end, band[3]) - max(start, band[2]) > 0:
                band[1], band[2], band[3] = row, min(band[2], start), max(band[3], end)
                break
        else:
            band = [row, row, start, end]
            bands.append(band)
            open_.append(band)
    return [b for b in bands if b[1] - b[0] < THICKEST]


def find(grey: np.ndarray) -> list[Rule]:
    """The ruling lines of a page image (grey values, one byte a pixel)."""
    ink = grey < INK
    level = [Rule(x0, y0, x1, y1 + 1) for y0, y1, x0, x1 in _bands(*_runs(ink, LONGEST_GLYPH))]
    plumb = [Rule(x0, y0, x1 + 1, y1) for x0, x1, y0, y1 in _bands(*_runs(ink.T, SHORTEST_ROW))]

    def meets(rule: Rule, y: int) -> bool:
        return any(h.x0 - MEETS <= rule.x0 and rule.x1 <= h.x1 + MEETS and h.y0 - MEETS <= y <= h.y1 + MEETS
                   for h in level)

    def clear(rule: Rule) -> bool:
        """Whether white space runs beside the run on both sides, as beside a rule between cells; a letter's
        stem has its bowl, arm or diagonal beside it ("d", "k", "h", "N" of a header in a tight row)."""
        beside = [ink[rule.y0:rule.y1, max(rule.x0 - CLEARANCE, 0):max(rule.x0 - 1, 0)],
                  ink[rule.y0:rule.y1, rule.x1 + 1:rule.x1 + CLEARANCE]]
        return all(side.size == 0 or side.any(axis=1).mean() < 0.15 for side in beside)

    return level + [r for r in plumb if (meets(r, r.y0) and meets(r, r.y1) and clear(r))
                    or (r.y1 - r.y0 >= LONGEST_GLYPH and (meets(r, r.y0) or meets(r, r.y1)))]


def paint_out(grey: np.ndarray, rules: list[Rule]) -> None:
    """Whiten ``rules`` in ``grey`` with two pixels' margin for the grey fringe a scanner leaves (left in,
    OCR reads it as a dash or a "<" beside the words of the cell)."""
    for r in rules:
        grey[max(r.y0 - 2, 0):r.y1 + 2, max(r.x0 - 2, 0):r.x1 + 2] = 255


def skew(grey: np.ndarray) -> float:
    """The turn (degrees, counter-clockwise) that sets the page's lines level: the one under which the
    rows of ink are sharpest (the squared steps of the ink profile from row to row are largest), searched
    coarsely at 100 dpi and then finely; no turn where none is clearly better."""
    from PIL import Image

    small = Image.fromarray(grey).reduce(3)

    def sharpness(angle: float) -> tuple[int, float]:
        turned = np.asarray(small.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255)) < INK
        profile = turned.sum(axis=1, dtype=np.int64)
        return int((np.diff(profile) ** 2).sum()), -abs(angle)

    coarse: list[float] = np.arange(-TURNED, TURNED + 0.01, 0.25).tolist()
    best = max(coarse, key=sharpness)
    fine: list[float] = np.arange(best - 0.2, best + 0.21, 0.05).tolist()
    angle = max(fine, key=sharpness)
    return round(angle, 2)


def straightened(grey: np.ndarray) -> np.ndarray:
    """The page image turned level (:func:`skew`)."""
    from PIL import Image

    angle = skew(grey)
    if abs(angle) < 0.05:
        return grey
    return np.array(Image.fromarray(grey).rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255))


def cleaned(data: bytes) -> tuple[bytes, list[list[Rule]]]:
    """The PDF as page images without their ruling lines (for OCR), and each page's lines."""
    from PIL import Image

    source, out = pdfium.PdfDocument(data), pdfium.PdfDocument.new()
    found: list[list[Rule]] = []
    try:
        for index in range(len(source)):
            page = source[index]
            width, height = page.get_size()
            grey = np.array(page.render(scale=DPI / 72, grayscale=True, may_draw_forms=False).to_pil().convert("L"))
            page.close()
            grey = straightened(grey)
            rules = find(grey)
            paint_out(grey, rules)
            found.append(rules)
            jpeg = io.BytesIO()
            Image.fromarray(grey).save(jpeg, "JPEG", quality=92, dpi=(DPI, DPI))
            target = out.new_page(width, height)
            image = pdfium.PdfImage.new(out)
            image.load_jpeg(jpeg, pages=[target])
            image.set_matrix(pdfium.PdfMatrix().scale(width, height))
            target.insert_obj(image)
            target.gen_content()
            target.close()
        buffer = io.BytesIO()
        out.save(buffer)
        return buffer.getvalue(), found
    finally:
        source.close()
        out.close()


def drawn(data: bytes, rules: list[list[Rule]]) -> bytes:
    """OCR's PDF with each page's ``rules`` drawn in as level and plumb lines (a half point wide)."""
    pdf = pdfium.PdfDocument(data)
    try:
        scale = 72 / DPI
        for index, page_rules in enumerate(rules):
            if not page_rules:
                continue
            page = pdf[index]
            height = page.get_height()
            for r in page_rules:
                if r.level:
                    y = height - (r.y0 + r.y1) / 2 * scale
                    ends = (r.x0 * scale, y), (r.x1 * scale, y)
                else:
                    x = (r.x0 + r.x1) / 2 * scale
                    ends = (x, height - r.y0 * scale), (x, height - r.y1 * scale)
                path = pdfium_c.FPDFPageObj_CreateNewPath(ctypes.c_float(ends[0][0]), ctypes.c_float(ends[0][1]))
                pdfium_c.FPDFPath_LineTo(path, ctypes.c_float(ends[1][0]), ctypes.c_float(ends[1][1]))
                pdfium_c.FPDFPageObj_SetStrokeWidth(path, ctypes.c_float(0.5))
                pdfium_c.FPDFPageObj_SetStrokeColor(path, 0, 0, 0, 255)
                pdfium_c.FPDFPath_SetDrawMode(path, pdfium_c.FPDF_FILLMODE_NONE, True)
                pdfium_c.FPDFPage_InsertObject(page.raw, path)
            page.gen_content()
            page.close()
        buffer = io.BytesIO()
        pdf.save(buffer)
        return buffer.getvalue()
    finally:
        pdf.close()
