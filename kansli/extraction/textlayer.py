"""A PDF page's characters and ruling lines, read with PDFium, for pdfplumber's layout algorithms.

pdfminer, under pdfplumber, interprets each page's drawing instructions in Python, and that is most of
the time a read takes; PDFium does the same work in C about ten times faster. Here PDFium's characters
and path segments become the dicts pdfplumber's own algorithms take — words, lines of text, regions,
table finding, search — so the layout rules stay pdfplumber's and only the source of the characters
changes.
"""
from __future__ import annotations

import ctypes
import math
from collections.abc import Iterator
from functools import cached_property
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber import utils
from pdfplumber.table import Table
from pdfplumber.utils.text import TextMap

from kansli.extraction.tablecells import Tables

Obj = dict[str, Any]
Matrix = tuple[float, float, float, float, float, float]
#: A segment this close to level (or plumb) is a ruling line; a slanted one is drawing, not a table.
LEVEL = 0.5


class Page:
    """The slice of pdfplumber's ``Page`` that extraction uses, over PDFium's characters and edges."""

    def __init__(self, chars: list[Obj], edges: list[Obj], bbox: tuple[float, float, float, float],
                 rotation: int = 0, flow: bool = False) -> None:
        #: Coordinates are the page's own, before its /Rotate: the turn a viewer applies (0, 90, 180, 270).
        self.chars, self.edges, self.bbox, self.rotation = chars, edges, bbox, rotation
        #: OCR's text layer: see :meth:`_wordmap`.
        self.flow = flow

    @property
    def width(self) -> float:
        return self.bbox[2] - self.bbox[0]

    @property
    def height(self) -> float:
        return self.bbox[3] - self.bbox[1]

    @cached_property
    def _wordmap(self) -> utils.text.WordMap:
        """Words are grouped once per page: both the word list and the lines of text start from them.

        In OCR's text layer (``flow``) a word is made of the letters in the order OCR wrote them, then the
        words are set in lines by place: OCR's boxes of neighbouring words may overlap ("anna.berg" over
        "Q" over "malmo.se"), and letters sorted by place alone would interleave them.
        """
        if not self.flow:
            return utils.text.WordExtractor().extract_wordmap(self.chars)
        words = list(utils.text.WordExtractor(use_text_flow=True).iter_extract_tuples(self.chars))
        lines = utils.cluster_objects(words, lambda word: word[0]["top"], 3)
        return utils.text.WordMap([word for line in lines for word in sorted(line, key=lambda w: w[0]["x0"])])

    def extract_words(self) -> list[Obj]:
        return [word for word, _ in self._wordmap.tuples]

    def extract_text_lines(self, return_chars: bool = False) -> list[Obj]:
        return self._textmap().extract_text_lines(return_chars=return_chars)

    def search(self, pattern: str) -> list[Obj]:
        """Case-blind regular-expression matches, each with its bounding box."""
        return self._textmap().search(pattern, regex=True, case=False, return_chars=False)

    def within_bbox(self, bbox: tuple[float, float, float, float]) -> Page:
        """The part of the page inside ``bbox``: only what lies wholly within it."""
        return Page(utils.within_bbox(self.chars, bbox), utils.within_bbox(self.edges, bbox), bbox, self.rotation,
                    self.flow)

    def find_tables(self) -> list[Table]:
        # duck-typed: pdfplumber's table algorithm reads only the page's chars, edges and bbox
        return Tables(self).tables

    def _textmap(self) -> TextMap:
        return self._wordmap.to_textmap(layout_bbox=self.bbox, layout_width=self.width, layout_height=self.height,
                                        presorted=True)


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    """``inner`` then ``outer``: an object's matrix inside a form, then the form's own."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _edge(x0: float, y0: float, x1: float, y1: float, height: float) -> Obj | None:
    if abs(y0 - y1) <= LEVEL:
        orientation = "h"
    elif abs(x0 - x1) <= LEVEL:
        orientation = "v"
    else:
        return None
    left, right = sorted((x0, x1))
    low, high = sorted((y0, y1))
    if orientation == "h":
        low = high = (low + high) / 2
    else:
        left = right = (left + right) / 2
    top, bottom = height - high, height - low
    return {"object_type": "curve_edge", "orientation": orientation, "x0": left, "x1": right, "top": top,
            "bottom": bottom, "doctop": top, "y0": low, "y1": high, "width": right - left, "height": bottom - top}


def _path_edges(obj: Any, matrix: Matrix, height: float) -> Iterator[Obj]:
    """Every level or plumb straight segment of a path, as pdfplumber's edges (rectangles give four)."""
    x, y = ctypes.c_float(), ctypes.c_float()
    current = start = None
    for index in range(pdfium_c.FPDFPath_CountSegments(obj.raw)):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj.raw, index)
        if not pdfium_c.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y)):
            continue
        point = _apply(matrix, x.value, y.value)
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            current = start = point
            continue
        if kind == pdfium_c.FPDF_SEGMENT_LINETO and current is not None:
            if edge := _edge(*current, *point, height):
                yield edge
        current = point
        if pdfium_c.FPDFPathSegment_GetClose(segment) and start is not None:
            if edge := _edge(*current, *start, height):
                yield edge
            current = start


def _edges(page: pdfium.PdfPage, height: float) -> list[Obj]:
    edges: list[Obj] = []
    forms: list[Matrix] = []  # page-space matrices of the forms the walk is inside, outermost first
    for obj in page.get_objects(max_depth=8):
        del forms[obj.level:]
        matrix: Matrix = tuple(obj.get_matrix().get())
        if forms:  # inside a form, an object's matrix is relative to the form
            matrix = _compose(matrix, forms[-1])
        if obj.type == pdfium_c.FPDF_PAGEOBJ_FORM:
            forms.append(matrix)
        elif obj.type == pdfium_c.FPDF_PAGEOBJ_PATH:
            edges.extend(_path_edges(obj, matrix, height))
    return edges


def _bold(font: Any) -> bool:
    """Whether a font is a bold face: its name ("Helvetica-Bold"), else its weight where the font says
    (LibreOffice gives its bold faces the weight 400, so a name that says bold wins)."""
    name = ctypes.create_string_buffer(128)
    pdfium_c.FPDFFont_GetBaseFontName(font, name, 128)
    if any(word in name.value for word in (b"Bold", b"Black", b"Heavy", b"Semibold")):
        return True
    return bool(pdfium_c.FPDFFont_GetWeight(font) >= 600)


def _line(textpage: pdfium.PdfTextPage, index: int) -> tuple[float, float, float, bool] | None:
    """(bottom, top, font size, bold) of the upright characters a text object shows, from its first one.

    pdfminer's box, which pdfplumber's tolerances are tuned to, starts at the font's declared descent
    and rises one font size; PDFium's loose box rises by the font's ascent instead. All characters of
    one text object share a font, a size and a baseline, so this is asked once per object.
    """
    raw = textpage.raw
    size = pdfium_c.FPDFText_GetFontSize(raw, index)
    upright = abs(math.sin(pdfium_c.FPDFText_GetCharAngle(raw, index))) < 0.1
    x, y, descent = ctypes.c_double(), ctypes.c_double(), ctypes.c_float()
    font = pdfium_c.FPDFTextObj_GetFont(pdfium_c.FPDFText_GetTextObject(raw, index))
    if not (upright and font and pdfium_c.FPDFText_GetCharOrigin(raw, index, ctypes.byref(x), ctypes.byref(y))
            and pdfium_c.FPDFFont_GetDescent(font, size, ctypes.byref(descent))):
        return None
    return y.value + descent.value, y.value + descent.value + size, size, _bold(font)


def _native(function: Any, restype: Any, *argtypes: Any) -> Any:
    """A private prototype of one of PDFium's functions, taking and giving plain addresses and ints.

    pypdfium2's prototypes check and convert typed pointers on every call; over the three thousand
    characters of a page, four calls each, that conversion was a third of a page's reading.
    """
    address = ctypes.cast(function, ctypes.c_void_p).value
    assert address is not None
    return ctypes.CFUNCTYPE(restype, *argtypes)(address)


_IS_GENERATED = _native(pdfium_c.FPDFText_IsGenerated, ctypes.c_int, ctypes.c_void_p, ctypes.c_int)
_LOOSE_BOX = _native(pdfium_c.FPDFText_GetLooseCharBox, ctypes.c_int, ctypes.c_void_p, ctypes.c_int,
                     ctypes.c_void_p)
_MAP_ERROR = _native(pdfium_c.FPDFText_HasUnicodeMapError, ctypes.c_int, ctypes.c_void_p, ctypes.c_int)
_TEXT_OBJECT = _native(pdfium_c.FPDFText_GetTextObject, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)


def _chars(textpage: pdfium.PdfTextPage, height: float) -> list[Obj]:
    """PDFium's characters as pdfplumber's char dicts; the spaces and line ends PDFium adds are left out.

    PDFium adds only spaces and line ends, so only a character that is no letter or digit is asked
    whether it was added.
    """
    raw = textpage.raw
    handle = ctypes.cast(raw, ctypes.c_void_p).value
    count = textpage.count_chars()
    text = textpage.get_text_range(0, count)
    if len(text) != count:  # characters beyond the BMP: the string and the indices part ways
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(raw, i)) for i in range(count))
    box = pdfium_c.FS_RECTF()
    at = ctypes.addressof(box)
    current, line = None, None
    chars = []
    for index in range(count):
        char = text[index]
        if char in "\r\n\ufffe" or not char.isalnum() and _IS_GENERATED(handle, index) == 1 \
                or not _LOOSE_BOX(handle, index, at):
            continue
        if _MAP_ERROR(handle, index) == 1:
            char = f"(cid:{ord(char)})"
        obj = _TEXT_OBJECT(handle, index)
        if obj != current:
            current, line = obj, _line(textpage, index)
        if line:
            (y0, y1, size, bold), upright = line, True
        else:  # no font metrics to go by (or turned text): PDFium's own box
            y0, y1, size, bold = box.bottom, box.top, pdfium_c.FPDFText_GetFontSize(raw, index), False
            upright = abs(math.sin(pdfium_c.FPDFText_GetCharAngle(raw, index))) < 0.1
        left, right = box.left, box.right
        top, bottom = height - y1, height - y0
        chars.append({"object_type": "char", "text": char, "x0": left, "x1": right, "top": top,
                      "bottom": bottom, "doctop": top, "y0": y0, "y1": y1, "width": right - left,
                      "height": bottom - top, "size": size, "upright": upright, "bold": bold})
    return chars


def read_page(document: pdfium.PdfDocument, index: int, flow: bool = False) -> Page:
    """One page's characters and ruling lines; PDFium's own page is closed before this returns.

    The frame is the media box as the page's content stream draws it: a page turned by /Rotate (a
    landscape table, say) keeps its text level, where pdfminer would stand every letter on end.
    """
    page = document[index]
    try:
        left, bottom, right, top = page.get_mediabox()
        textpage = page.get_textpage()
        try:
            chars = _chars(textpage, top)
        finally:
            textpage.close()
        return Page(chars, _edges(page, top), (left, 0.0, right, top - bottom), page.get_rotation(), flow)
    finally:
        page.close()
