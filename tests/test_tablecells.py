"""Kansli's cell search finds exactly pdfplumber's cells, in pdfplumber's order, on every page of the real-world
corpus and on generated ruled tables (wrapped cells, a table broken over a page, a 40-row grid)."""
from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pdfplumber.table import TableSettings, edges_to_intersections, intersections_to_cells

from helpers.data import REALWORLD
from helpers.pdfs import plan_pdf
from kansli.extraction import tablecells
from kansli.extraction.textlayer import read_page


def pages(data: bytes) -> list[tuple[int, object]]:
    document = pdfium.PdfDocument(data)
    try:
        return [(i, read_page(document, i)) for i in range(min(len(document), 12))]
    finally:
        document.close()


def both(page: object) -> tuple[list[object], list[object]]:
    finder = tablecells.Tables(page)
    settings = TableSettings.resolve(None)
    intersections = edges_to_intersections(finder.edges, settings.intersection_x_tolerance,
                                           settings.intersection_y_tolerance)
    return tablecells.cells(intersections), intersections_to_cells(intersections)


#: Files PDFium cannot open (no pages, a password): extraction refuses them before looking for a table.
UNREADABLE = {"empty.pdf", "password-example.pdf"}


def test_the_unreadable_ones_are_unreadable() -> None:
    for path in REALWORLD:
        if path.name in UNREADABLE:
            with pytest.raises(pdfium.PdfiumError):
                pages(path.read_bytes())


@pytest.mark.parametrize("path", [p for p in REALWORLD if p.name not in UNREADABLE], ids=lambda p: p.name)
def test_the_cells_of_real_world_pages_are_pdfplumbers(path: Path) -> None:
    for number, page in pages(path.read_bytes()):
        ours, theirs = both(page)
        assert ours == theirs, f"page {number + 1}"


def test_the_cells_of_ruled_plans_are_pdfplumbers() -> None:
    found = 0
    for data in (plan_pdf(filler_pages=3, ruled_rows=40), plan_pdf(filler_pages=2, ruled_rows=7)):
        for number, page in pages(data):
            ours, theirs = both(page)
            assert ours == theirs, f"page {number + 1}"
            found += len(ours)
    assert found > 400  # the grids were there to find
