"""A scan's ruling lines (kansli/extraction/rulings.py): found in the page image, painted out before OCR,
drawn back as lines the table finder reads; and the page straightened first. On images and PDFs made here,
where the lines and the turn are known exactly.
"""
from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from kansli.extraction import ocrtext, rulings
from kansli.extraction.textlayer import read_page

#: A4 at the resolution pages are read at.
SIZE = (2480, 3508)


def _grid(image: ImageDraw.ImageDraw, x0: int, y0: int, columns: list[int], rows: int, height: int) -> None:
    """A table's ruling lines, two pixels wide (half a point at 300 dpi)."""
    x1, y1 = x0 + sum(columns), y0 + rows * height
    for r in range(rows + 1):
        image.line([(x0, y0 + r * height), (x1, y0 + r * height)], fill=0, width=2)
    x = x0
    for width in [0, *columns]:
        x += width
        image.line([(x, y0), (x, y1)], fill=0, width=2)


def _page(turn: float = 0.0) -> np.ndarray:
    """A page with text and a ruled table of three columns and three rows, turned ``turn`` degrees."""
    page = Image.new("L", SIZE, 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.load_default(size=40)
    draw.text((300, 300), "Strategisk stadsdelsplan för Alby och Fittja", fill=0, font=font)
    draw.text((300, 380), "Lllllllllll IIIIIIIIII ——", fill=0, font=font)  # tall and wide letters: no lines
    _grid(draw, 300, 600, [700, 400, 400], 3, 120)
    return np.array(page.rotate(turn, resample=Image.Resampling.BICUBIC, fillcolor=255))


def test_a_tables_ruling_lines_are_found_and_letters_are_not() -> None:
    rules = rulings.find(_page())
    level = sorted((r.y0, r.x0, r.x1) for r in rules if r.level)
    plumb = sorted((r.x0, r.y0, r.y1) for r in rules if not r.level)
    assert np.allclose([y for y, _, _ in level], [600, 720, 840, 960], atol=2)
    assert all(abs(x0 - 300) <= 2 and abs(x1 - 1800) <= 2 for _, x0, x1 in level)
    assert np.allclose([x for x, _, _ in plumb], [300, 1000, 1400, 1800], atol=2)
    assert all(abs(y0 - 600) <= 2 and abs(y1 - 960) <= 2 for _, y0, y1 in plumb)
    assert all(r.y1 - r.y0 <= rulings.THICKEST for r in rules if r.level)


def test_a_lone_header_row_is_a_table_and_a_letter_under_a_line_is_no_rule() -> None:
    """A table's header row alone at the foot of a page is no taller than a word is wide: its column rules
    count because they meet a level line at both ends; a stroke that touches one is a letter."""
    page = Image.new("L", SIZE, 255)
    draw = ImageDraw.Draw(page)
    _grid(draw, 300, 3000, [700, 400, 400], 1, 70)
    draw.line([(400, 2900), (1800, 2900)], fill=0, width=2)
    draw.line([(600, 2902), (600, 2945)], fill=0, width=5)  # an "l" set right under a rule
    rules = rulings.find(np.array(page))
    assert np.allclose(sorted(r.x0 for r in rules if not r.level), [300, 1000, 1400, 1800], atol=2)
    assert len([r for r in rules if r.level]) == 3


def test_a_letters_stem_in_a_tight_header_row_is_no_rule() -> None:
    """Word sets a table's rows tight: a header's "d", "k" and "h" reached within a few pixels of the rules
    above and below, their stems were taken for column rules and painted out ("Indikator" came back "Inc iz
    ator"). A stem has the rest of its letter beside it; a rule between cells has white space."""
    page = Image.new("L", SIZE, 255)
    draw = ImageDraw.Draw(page)
    _grid(draw, 300, 3000, [700, 400, 400], 1, 48)
    draw.line([(620, 3006), (620, 3042)], fill=0, width=5)  # the stem of a "d", its bowl on the left
    draw.ellipse([(592, 3026), (618, 3042)], outline=0, width=4)  # (a serif face: the bowl a third of its height)
    plumb = sorted(r.x0 for r in rulings.find(np.array(page)) if not r.level)
    assert len(plumb) == 4 and np.allclose(plumb, [300, 1000, 1400, 1800], atol=2), plumb


def test_painting_out_leaves_the_words_and_no_trace_of_the_lines() -> None:
    grey = _page()
    rules = rulings.find(grey)
    before = (grey[280:440, 280:2300] < rulings.INK).sum()
    rulings.paint_out(grey, rules)
    assert (grey[560:1000, 250:1850] < 250).sum() == 0  # not even the grey fringe
    assert (grey[280:440, 280:2300] < rulings.INK).sum() == before  # the text above is untouched
    assert rulings.find(grey) == []


@pytest.mark.parametrize("turn", [-2.4, -0.5, 0.3, 1.2])
def test_a_turned_page_is_straightened_before_its_lines_are_looked_for(turn: float) -> None:
    """A scan turned a degree draws a ruling line across a dozen rows of pixels: it would be taken for a
    bar and left to OCR, and the words of one line of text would stand at different heights."""
    grey = _page(turn)
    assert abs(rulings.skew(grey) + turn) <= 0.1
    straight = rulings.straightened(grey)
    assert len([r for r in rulings.find(straight) if r.level]) == 4
    assert rulings.skew(_page()) == 0.0  # a level page is left as it is


def _scan(draw: callable) -> bytes:  # type: ignore[valid-type]
    page = Image.new("L", SIZE, 255)
    draw(ImageDraw.Draw(page))
    out = io.BytesIO()
    sheet = canvas.Canvas(out, pagesize=A4)
    png = io.BytesIO()
    page.save(png, "PNG")
    png.seek(0)
    from reportlab.lib.utils import ImageReader
    sheet.drawImage(ImageReader(png), 0, 0, width=A4[0], height=A4[1])
    sheet.showPage()
    sheet.save()
    return out.getvalue()


def test_the_lines_are_drawn_back_into_the_pdf_as_a_table_the_finder_reads() -> None:
    data = _scan(lambda d: _grid(d, 300, 600, [700, 400, 400], 3, 120))
    cleaned, rules = rulings.cleaned(data)
    assert len(rules) == 1 and len(rules[0]) == 8
    document = pdfium.PdfDocument(cleaned)
    assert read_page(document, 0).edges == []  # OCR is shown the page without them
    document.close()
    document = pdfium.PdfDocument(rulings.drawn(cleaned, rules))
    page = read_page(document, 0, flow=True)
    document.close()
    [table] = page.find_tables()
    assert len(table.rows) == 3 and len(table.rows[0].cells) == 3
    x0, top, x1, bottom = table.bbox
    scale = 72 / rulings.DPI
    assert abs(x0 - 300 * scale) < 1 and abs(x1 - 1800 * scale) < 1
    assert abs(top - 600 * scale) < 1 and abs(bottom - 960 * scale) < 1


@pytest.mark.parametrize(("cell", "read"), [("-\nÖppet arbetslösa", "Öppet arbetslösa"),
                                            ("<Öppetarbetslösa 18–24 år", "Öppetarbetslösa 18–24 år"),
                                            ("Arbetsställen i\nstadsdelen =", "Arbetsställen i\nstadsdelen"),
                                            ("20,5 (2006) (cid:8212)", "20,5 (2006)"),
                                            ("-3,5", "-3,5"), ("20 - 64 år", "20 - 64 år"), ("Nuläge –", "Nuläge")])
def test_what_a_ruling_line_leaves_beside_a_cells_words_is_dropped(cell: str, read: str) -> None:
    assert ocrtext.cell(cell) == read


@pytest.mark.parametrize(("cell", "unit"), [("96", "%"), ("2", "%"), ("NY", "%"), ("HN", "%"), ("Yo", "%"),
                                            ("”", "%"), ("SEK", "SEK"), ("kr", "kr"), ("procent", "procent"),
                                            ("st", "st")])
def test_a_lone_percent_sign_misread_in_a_unit_column_is_one_again(cell: str, unit: str) -> None:
    assert ocrtext.unit_cell(cell) == unit


@pytest.mark.office  # OCRmyPDF with Tesseract's Swedish model
def test_two_scans_read_at_once_are_both_read() -> None:
    """Two workers' OCR at once: Tesseracts with a thread per core each spun waiting for each other, a page
    took minutes, and OCRmyPDF gave up on it after 180 s and left it without text (refused as no_text)."""
    from helpers.pdfs import PLAN, plan_pdf, scanned
    from kansli.extraction import extract

    data = scanned(plan_pdf(), dpi=300)
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(extract, [data, data]))
    assert [r["fields"]["reference"] for r in results] == [PLAN["reference"]] * 2
