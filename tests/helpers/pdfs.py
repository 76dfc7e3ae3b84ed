"""District-plan PDFs made with reportlab from known fields, so every test knows its ground truth."""
from __future__ import annotations

import io
import textwrap
from typing import Any

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

rl_config.invariant = 1  # the same fields give the same bytes: tests compare stored files

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


def plan_pdf(fields: dict[str, Any] = PLAN, *, filler_pages: int = 0, ruled_rows: int = 0) -> bytes:
    """A plan in the label-line layout; ``filler_pages`` adds pages to make extraction slow: prose, or with
    ``ruled_rows``, a ruled table of that many rows on each (table finding is then most of the work)."""
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
        if ruled_rows:
            table = Table([["Kvarter", "Invånare", "Andel unga (%)", "Förvärvsfrekvens (%)"]]
                          + [[f"Kvarter {page}.{n}", str(100 + n * 7), _num(10 + n / 4), _num(40 + n / 3)]
                             for n in range(ruled_rows - 1)])
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("FONTSIZE", (0, 0), (-1, -1), 8),
                                       ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
            story.append(table)
            continue
        story += [Paragraph("Stadsdelen har ett aktivt föreningsliv och många unga invånare. " * 8, body)
                  for _ in range(6)]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, title="Strategisk stadsdelsplan").build(story)
    return out.getvalue()


def prose_plan_pdf() -> bytes:
    """A plan whose key facts are only in running prose, with no label lines."""
    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    story = [
        Paragraph("Strategisk stadsdelsplan", styles["Title"]),
        Paragraph("Huddinge kommun", styles["Heading2"]),
        Paragraph("Planen avser stadsdelarna Flemingsberg och Vårby för perioden 2008 till 2010 och antogs "
                  "av kommunstyrelsen den 12 mars 2008 (dnr KS 2008/123). I det lokala partnerskapet deltar "
                  "Polismyndigheten.", body),
    ]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4).build(story)
    return out.getvalue()


def text_pdf(text: str) -> bytes:
    """One line per line of ``text``, blank lines kept as space: the layout of a plain letter."""
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    width, height = A4
    y = height - 60
    for line in text.splitlines():
        chunks = textwrap.wrap(line, 95) or [""]
        for chunk in chunks:
            if y < 60:
                pdf.showPage()
                y = height - 60
            pdf.setFont("Helvetica", 10)
            pdf.drawString(50, y, chunk)
            y -= 14
    pdf.save()
    return out.getvalue()


def image_only_pdf() -> bytes:
    """A page with drawing but no text layer, like a scan."""
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.rect(100, 100, 300, 300, fill=1)
    pdf.save()
    return out.getvalue()


def report_pdf(agency: str, year: int, municipalities: list[str], reference: str, date: str,
               proposals: list[str]) -> bytes:
    """An agency's yearly report under 13 §: letterhead, reference, one section per municipality, proposals."""
    lines = [agency, "", f"Diarienummer: {reference}", f"Datum: {date}", "",
             f"Redovisning av uppdraget om urbant utvecklingsarbete för verksamhetsåret {year}", "",
             "Redovisningen lämnas enligt 13 § förordningen (2008:348) om urbant utvecklingsarbete.", ""]
    for municipality in municipalities:
        lines += [municipality, f"{agency} har deltagit i det lokala partnerskapet i {municipality}.", ""]
    lines += ["Förslag till åtgärder och förändringar", ""]
    lines += [f"{n}. {p}." for n, p in enumerate(proposals, start=1)]
    return text_pdf("\n".join(lines))


def scanned(pdf: bytes, dpi: int = 200) -> bytes:
    """The same pages as images only, as a scanner would deliver them: no text layer at all."""
    import subprocess
    import tempfile
    from pathlib import Path

    from reportlab.pdfgen import canvas

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "in.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(Path(tmp) / "in.pdf"), str(Path(tmp) / "page")],
                       check=True, timeout=120)
        out = io.BytesIO()
        page = canvas.Canvas(out, pagesize=A4)
        for image in sorted(Path(tmp).glob("page*.png")):
            page.drawImage(str(image), 0, 0, width=A4[0], height=A4[1])
            page.showPage()
        page.save()
        return out.getvalue()


def one_page_pdf(content: bytes, filters: bytes = b"/FlateDecode") -> bytes:
    """A one-page PDF whose content stream is ``content`` (already encoded by ``filters``), written by hand
    so that the stream is exactly what a test makes of it."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d /Filter %s >>\nstream\n%s\nendstream" % (len(content), filters, content),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def zip_bomb_pdf(decoded_mb: int) -> bytes:
    """One page whose content stream inflates to ``decoded_mb`` MB of zeros from about a thousandth of
    that, Flate's best ratio. One compressed megabyte, flushed so it stands alone, is repeated: a gigabyte
    costs no time to make."""
    import struct
    import zlib

    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    megabyte = deflate.compress(bytes(1 << 20)) + deflate.flush(zlib.Z_FULL_FLUSH)
    size = decoded_mb << 20
    adler32 = (size % 65521) << 16 | 1  # of zeros: the sum stays 1, the sum of sums counts the bytes
    return one_page_pdf(b"\x78\xda" + megabyte * decoded_mb + deflate.flush() + struct.pack(">I", adler32))


def drawing_bomb_pdf(segments: int) -> bytes:
    """A page of text under ``segments`` tiny line segments, from a Flate stream of a few kilobytes: little to
    unpack, but every segment is an object to PDFium and an edge to the table finder, in time and in memory."""
    import zlib

    text = b"BT /F1 12 Tf 72 720 Td (Ritning till detaljplanen) Tj ET\n"
    return one_page_pdf(zlib.compress(text + b"0 0 m " + b"1 1 l " * segments + b"S", 9))


def blank_pages_pdf(pages: int) -> bytes:
    """Pages with nothing on them: no text layer, so a scan as far as extraction can tell."""
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    for _ in range(pages):
        pdf.showPage()
    pdf.save()
    return out.getvalue()
