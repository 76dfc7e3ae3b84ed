"""Writes templates/docx/followup_report.docx, the avstämning report's template (python-docx + docxtpl tags).

Run once to (re)make the built-in version; after that, edit the .docx in Word or LibreOffice like the others.
"""
from __future__ import annotations

import sys
from pathlib import Path

import docx
from docx.shared import Mm


def _table(document: docx.document.Document, header: list[str], cells: list[str], loop: str) -> None:
    """A header row, a ``{%tr for %}`` row, the row of cells, and a ``{%tr endfor %}`` row."""
    table = document.add_table(rows=4, cols=len(header))
    table.style = "Table Grid"
    for i, text in enumerate(header):
        table.rows[0].cells[i].text = text
    table.rows[1].cells[0].text = f"{{%tr for {loop} %}}"
    for i, text in enumerate(cells):
        table.rows[2].cells[i].text = text
    table.rows[3].cells[0].text = "{%tr endfor %}"


def build(path: Path) -> None:
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(25)
    document.core_properties.title = "Avstämning av lokala utvecklingsavtal"
    document.add_heading("Avstämning av lokala utvecklingsavtal", level=1)
    document.add_paragraph("Sammanställd {{ date_text }}: {{ municipalities|length }} kommuner, "
                           "{{ indicator_count }} indikatorer ur kommunernas strategiska stadsdelsplaner, med de "
                           "värden som de lokala partnerskapens uppföljningsrapporter redovisat.")
    document.add_paragraph("En indikator är i fas när det senast redovisade värdet ligger på eller bättre än den raka "
                           "linjen från utgångsläge till mål, i indikatorns riktning.")
    document.add_heading("Översikt", level=2)
    _table(document, ["Kommun", "Område", "I fas", "Efter", "Uppgift saknas"],
           ["{{ row.municipality }}", "{{ row.area_label }}", "{{ row.on_track }}", "{{ row.behind }}",
            "{{ row.no_data }}"], "row in overview")
    document.add_paragraph("{%p for m in municipalities %}")
    document.add_heading("{{ m.municipality }}", level=2)
    document.add_paragraph("Plan: {{ m.plan }}. Stadsdelar: {{ m.districts }}. Uppföljningsrapporter: {{ m.reports }}.")
    _table(document, ["Indikator", "Utgångsläge", "Redovisat", "Mål", "Bedömning"],
           ["{{ s.name }}", "{{ s.baseline }}", "{{ s.reported }}", "{{ s.target }}", "{{ s.standing }}"],
           "s in m.series")
    document.add_paragraph("{%p for s in m.series %}")
    document.add_heading("{{ s.name }}", level=3)
    document.add_paragraph("{{ s.chart }}")
    document.add_paragraph("{{ s.description }}")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("{%p endfor %}")
    document.save(str(path))


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent.parent / "templates/docx/followup_report.docx")
