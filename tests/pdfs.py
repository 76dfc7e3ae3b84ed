"""District-plan PDFs made with reportlab from known fields, so every test knows its ground truth."""
from __future__ import annotations

import io
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

PLAN: dict[str, Any] = {
    "municipality": "Botkyrka kommun",
    "districts": ["Alby", "Fittja"],
    "period": {"start": 2008, "end": 2010},
    "adopted": "2008-04-24",
    "reference": "KS 2008/214",
    "goals": {
        "arbete": ["Andelen förvärvsarbetande i åldern 20–64 år ska öka"],
        "utbildning": ["Fler elever ska vara behöriga till gymnasieskolan"],
        "trygghet": ["Invånarna ska känna sig trygga i sin stadsdel"],
    },
    "indicators": [
        {"area": "arbete", "name": "Förvärvsfrekvens 20–64 år", "unit": "%",
         "baseline": {"year": 2006, "value": 52.1}, "target": {"year": 2010, "value": 60.0}},
        {"area": "arbete", "name": "Andel med försörjningsstöd", "unit": "%",
         "baseline": {"year": 2006, "value": 18.4}, "target": {"year": 2010, "value": 12.5}},
    ],
    "contact": {"name": "Anna Berg", "title": "utvecklingsstrateg",
                "email": "anna.berg@botkyrka.se", "phone": "08-530 610 00"},
    "agencies": ["Arbetsförmedlingen", "Försäkringskassan"],
}
HEADINGS = {"arbete": "Arbete och sysselsättning", "utbildning": "Skola och utbildning",
            "trygghet": "Trygghet i stadsdelen", "tillvaxt": "Lokal tillväxt"}


def _num(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def plan_pdf(fields: dict[str, Any] = PLAN, *, filler_pages: int = 0) -> bytes:
    """A plan in the label-line layout; ``filler_pages`` adds prose pages to make extraction slow."""
    styles = getSampleStyleSheet()
    body, h1, h2 = styles["BodyText"], styles["Title"], styles["Heading2"]
    story: list[Any] = [
        Paragraph(f"Strategisk stadsdelsplan för {' och '.join(fields['districts'])}", h1),
        Paragraph(f"Kommun: {fields['municipality'].removesuffix(' kommun')}", body),
        Paragraph(f"Stadsdelar: {', '.join(fields['districts'])}", body),
        Paragraph(f"Planperiod: {fields['period']['start']}–{fields['period']['end']}", body),
        Paragraph(f"Antagen av kommunfullmäktige: {fields['adopted']}", body),
        Paragraph(f"Dnr: {fields['reference']}", body),
        Spacer(1, 12),
        Paragraph("Planen är det lokala partnerskapets styrdokument enligt förordningen (2008:348) "
                  f"om urbant utvecklingsarbete. I partnerskapet ingår {' och '.join(fields['agencies'])}.",
                  body),
    ]
    for number, (area, goals) in enumerate(fields["goals"].items(), start=1):
        story.append(Paragraph(f"{number}. {HEADINGS[area]}", h2))
        story += [Paragraph(f"• {goal}.", body) for goal in goals]
        rows = [i for i in fields["indicators"] if i["area"] == area]
        if rows:
            table = Table(
                [["Indikator", "Basår", "Utgångsläge", "Målår", "Målvärde"]]
                + [[f"{i['name']} ({i['unit']})", str(i["baseline"]["year"]), _num(i["baseline"]["value"]),
                    str(i["target"]["year"]), _num(i["target"]["value"])] for i in rows]
            )
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
            story += [Spacer(1, 6), table]
    c = fields["contact"]
    story += [Spacer(1, 12),
              Paragraph(f"Kontaktperson: {c['name']}, {c['title']}, {c['email']}, {c['phone']}", body)]
    for page in range(filler_pages):
        story += [PageBreak(), Paragraph(f"Bilaga {page + 1}: Lägesbeskrivning", h2)]
        story += [Paragraph("Stadsdelen har ett aktivt föreningsliv och många unga invånare. " * 8, body)
                  for _ in range(6)]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, title="Strategisk stadsdelsplan").build(story)
    return out.getvalue()
