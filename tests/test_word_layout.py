"""What Word→LibreOffice plans showed the reader (tests/test_variety.py's "word" producer): a long title set
large wraps, a range breaks after its dash in a narrow cell, a table row runs over a page break, and
LibreOffice gives its bold faces the weight 400."""
from __future__ import annotations

import pytest

from kansli.extraction import district_plan
from kansli.extraction.pdf import Line, PdfText, PlacedTable, _rejoin_rows

HEADER = ["Område", "Indikator", "Utgångsläge 2006", "Mål 2010"]


def test_a_row_a_page_break_cut_in_two_is_one_row_again() -> None:
    before = PlacedTable(1, 0, 500, [HEADER, ["Arbete", "Förvärvsfrekvens 20–64 år", "51,3", "53,4"]])
    after = PlacedTable(2, 0, 60, [[None, "(andel i procent)", None, None], ["Skola", "Behörighet (%)", "60", "65"]],
                        frozenset({(1, 1)}))
    tables = [[before], [after]]
    _rejoin_rows(tables)
    assert tables[0][0].rows[-1] == ["Arbete", "Förvärvsfrekvens 20–64 år\n(andel i procent)", "51,3", "53,4"]
    assert tables[1][0].rows == [["Skola", "Behörighet (%)", "60", "65"]] and tables[1][0].joined == {(0, 1)}


PART = "Genomsnittligt\nmeritvär"


@pytest.mark.parametrize(("full", "rest", "joined"), [({1}, "de (poäng)", "Genomsnittligt\nmeritvärde (poäng)"),
                                                     (set(), "de (poäng)", "Genomsnittligt\nmeritvär\nde (poäng)"),
                                                     ({1}, "och poäng", "Genomsnittligt\nmeritvär\noch poäng"),
                                                     # a break between small letters within the rest: no join
                                                     ({1}, "De (poäng\nper elev)", f"{PART}\nDe (poäng\nper elev)")])
def test_a_word_a_page_broke_in_a_cut_row_is_one_word_again_where_its_line_ran_full(
        full: set[int], rest: str, joined: str) -> None:
    """A narrow cell of a Word plan: "meritvär" filled its line, the row ran over the page, "de" stood in the
    first row of the next page's table; the name came back "Genomsnittligt meritvär de"."""
    before = PlacedTable(1, 0, 500, [HEADER, ["Skola", "Genomsnittligt\nmeritvär", "15,5", "19,1"]],
                         full=frozenset(full))
    after = PlacedTable(2, 0, 60, [[None, rest, None, None], ["Skola", "Behörighet (%)", "60", "65"]])
    tables = [[before], [after]]
    _rejoin_rows(tables)
    assert tables[0][0].rows[-1][1] == joined
    assert tables[0][0].joined == ({(1, 1)} if joined.count("\n") == 1 else set())


@pytest.mark.parametrize(("ocr", "dash"), [(False, "–"), (True, "-")])
def test_a_range_a_page_broke_after_its_dash_in_a_cut_row_is_one_word_again(ocr: bool, dash: str) -> None:
    """Seen in a scanned Word plan: "Förvärvsfrekvens 20-" ended the page, "64 år (%)" started the next."""
    before = PlacedTable(1, 0, 500, [HEADER, ["Arbete", f"Förvärvsfrekvens 20{dash}", "41,4", "39,0"]])
    after = PlacedTable(2, 0, 60, [[None, "64 år (%)", None, None]])
    tables = [[before], [after]]
    _rejoin_rows(tables, ocr)
    assert tables[0][0].rows[-1][1] == "Förvärvsfrekvens 20–64 år (%)"


def test_a_cells_last_line_that_fills_it_is_told_from_one_that_leaves_room() -> None:
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    from kansli.extraction.pdf import read

    out = io.BytesIO()
    narrow = stringWidth("meritvär", "Helvetica", 10) + 12  # the text and reportlab's padding of 6 pt either side
    table = Table([["Indikator", "Mått"], ["Genom-\nsnittligt\nmeritvär", "Anmälda"]], colWidths=[narrow, 120])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, (0, 0, 0))]))
    SimpleDocTemplate(out, pagesize=A4).build([table])
    [[placed]] = read(out.getvalue(), max_pages=1).tables
    assert placed.full == {0}


@pytest.mark.parametrize("first", [HEADER, ["Skola", "Behörighet (%)", "60", "65"], [None, "Ny rad", None, "70"]])
def test_a_page_that_starts_with_a_header_a_full_row_or_cells_the_row_above_lacks_keeps_it(
        first: list[str | None]) -> None:
    tables = [[PlacedTable(1, 0, 500, [HEADER, ["Arbete", "Förvärvsfrekvens", "51,3", None]])],
              [PlacedTable(2, 0, 60, [first])]]
    _rejoin_rows(tables)
    assert tables[1][0].rows == [first]


def _plan(*lines: tuple[str, float], tables: list[list[PlacedTable]] | None = None) -> PdfText:
    placed = [Line(1, 0, 60.0 + 20 * n, text, size, False) for n, (text, size) in enumerate(lines)]
    return PdfText(pages=1, texts=["\n".join(t for t, _ in lines)], tables=tables or [[]], lines=placed)


def test_a_long_title_set_large_is_read_over_its_lines() -> None:
    pdf = _plan(("Strategisk stadsdelsplan för", 26.0), ("Rinkeby och Tensta", 26.0), ("Kommun: Stockholm", 11.0))
    assert district_plan.districts(pdf) == (["Rinkeby", "Tensta"], 0.9)


def test_a_range_broken_after_its_dash_in_a_cell_is_one_word_again() -> None:
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    from kansli.extraction.pdf import read

    out = io.BytesIO()
    table = Table([HEADER, ["Arbete", "Förvärvsfrekvens 20–\n64 år", "51,3", "53,4"]])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, (0, 0, 0))]))
    SimpleDocTemplate(out, pagesize=A4).build([table])
    [[placed]] = read(out.getvalue(), max_pages=1).tables
    assert placed.rows[1][1] == "Förvärvsfrekvens 20–64 år"


def test_a_goal_numbered_10_whose_narrow_tab_left_no_space_is_still_a_goal() -> None:
    # Word's list "10." and its tab came out of LibreOffice as "10.Antalet …": the plan's last goal was lost, sure
    pdf = _plan(("Lokalt företagande", 14.0), ("9. Handeln i centrum ska utvecklas.", 11.0),
                ("10.Antalet arbetsställen ska öka.", 11.0), ("Stadsdelen har ett rikt föreningsliv och många företag.", 11.0))
    assert district_plan.goals(pdf)[0] == {"tillvaxt": ["Handeln i centrum ska utvecklas",
                                                        "Antalet arbetsställen ska öka"]}
