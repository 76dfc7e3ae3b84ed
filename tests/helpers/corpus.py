"""A varied corpus with ground truth: plans, reports and decisions in the layouts the extraction must
survive, made by two producers (reportlab, and python-docx converted by LibreOffice).

Each builder returns (kind, pdf bytes, expected fields); ``build()`` makes the whole corpus.
"""
from __future__ import annotations

import io
import random
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import docx
from docx.shared import Cm
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, SimpleDocTemplate, Spacer, Table

from helpers.pdfs import text_pdf

MUNICIPALITIES = {
    "Borås kommun": ["Hässleholmen"], "Botkyrka kommun": ["Alby", "Fittja"], "Göteborgs kommun":
    ["Bergsjön", "Biskopsgården", "Gunnared"], "Malmö kommun": ["Fosie", "Rosengård"], "Nacka kommun": ["Fisksätra"],
    "Trollhättans kommun": ["Kronogården"], "Uppsala kommun": ["Gottsunda"], "Växjö kommun": ["Araby"],
    "Södertälje kommun": ["Hovsjö", "Ronna"], "Örebro kommun": ["Vivalla"], "Gävle kommun": ["Sätra"],
    "Halmstads kommun": ["Andersberg"], "Huddinge kommun": ["Flemingsberg", "Vårby"], "Luleå kommun": ["Lerbäcken"],
}
MONTHS = "januari februari mars april maj juni juli augusti september oktober november december".split()
HEADING_WORDS = {
    "arbete": ["Arbete och sysselsättning", "Arbete", "Sysselsättning och försörjning"],
    "utbildning": ["Skola och utbildning", "Utbildning", "Utbildning och lärande"],
    "trygghet": ["Trygghet i stadsdelen", "Trygghet", "Trygghet och säkerhet"],
    "tillvaxt": ["Lokal tillväxt", "Tillväxt och företagande", "Näringsliv och tillväxt"],
}
GOALS = {
    "arbete": ["Andelen förvärvsarbetande i åldern 20–64 år ska öka", "Fler unga ska ha ett arbete eller studera"],
    "utbildning": ["Fler elever ska vara behöriga till gymnasieskolan", "Andelen vuxna med gymnasieexamen ska öka"],
    "trygghet": ["Invånarna ska känna sig trygga i sin stadsdel", "Antalet anmälda skadegörelsebrott ska minska"],
    "tillvaxt": ["Fler företag ska startas i stadsdelen", "Antalet arbetsställen ska öka"],
}
INDICATORS = [("arbete", "Förvärvsfrekvens 20–64 år", "%"), ("arbete", "Andel med försörjningsstöd", "%"),
              ("utbildning", "Behörighet till gymnasieskolan", "%"), ("trygghet", "Anmälda brott per 1 000 invånare", "st"),
              ("tillvaxt", "Nystartade företag", "st")]
AGENCY_CHOICES = ["Arbetsförmedlingen", "Försäkringskassan", "Polismyndigheten"]


def _num(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def plan_truth(rng: random.Random) -> dict[str, Any]:
    municipality = rng.choice(sorted(MUNICIPALITIES))
    start = rng.choice([2008, 2009])
    areas = rng.sample(list(GOALS), rng.randint(2, 4))
    areas.sort(key=list(GOALS).index)
    indicators = []
    for area, name, unit in INDICATORS:
        if area in areas and rng.random() < 0.8:
            base = round(rng.uniform(5, 70), 1)
            indicators.append({"area": area, "name": name, "unit": unit, "baseline": {"year": start - 2, "value": base},
                               "target": {"year": start + 2, "value": round(base * rng.uniform(0.6, 1.4), 1)}})
    first, last = rng.choice(["Anna", "Erik", "Maria", "Johan", "Fatima", "Ali"]), rng.choice(["Berg", "Lund", "Ek", "Nilsson"])
    domain = municipality.split()[0].lower().rstrip("s").translate(str.maketrans("åäö", "aao"))
    return {
        "municipality": municipality,
        "districts": MUNICIPALITIES[municipality],
        "period": {"start": start, "end": start + 2},
        "adopted": f"{start}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "reference": f"{rng.choice(['KS', 'KF', 'SBN'])} {start}/{rng.randint(10, 999)}",
        "goals": {a: rng.sample(GOALS[a], rng.randint(1, 2)) for a in areas},
        "indicators": indicators,
        "contact": {"name": f"{first} {last}", "title": rng.choice(["utvecklingsstrateg", "samordnare", "projektledare"]),
                    "email": f"{first.lower()}.{last.lower()}@{domain}.se",
                    "phone": f"0{rng.randint(10, 99)}-{rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}"},
        "agencies": sorted(rng.sample(AGENCY_CHOICES, rng.randint(1, 3))),
    }


def swedish_date(iso: str, with_den: bool = False) -> str:
    y, m, d = map(int, iso.split("-"))
    return f"{'den ' if with_den else ''}{d} {MONTHS[m - 1]} {y}"


def _indicator_table(rows: list[dict[str, Any]], style: int) -> list[list[str]]:
    if style == 0:
        return [["Indikator", "Basår", "Utgångsläge", "Målår", "Målvärde"]] + [
            [f"{i['name']} ({i['unit']})", str(i["baseline"]["year"]), _num(i["baseline"]["value"]),
             str(i["target"]["year"]), _num(i["target"]["value"])] for i in rows]
    if style == 1:
        by, ty = rows[0]["baseline"]["year"], rows[0]["target"]["year"]
        return [["Indikator", f"Utgångsläge {by}", f"Mål {ty}"]] + [
            [f"{i['name']} ({i['unit']})", _num(i["baseline"]["value"]), _num(i["target"]["value"])] for i in rows]
    return [["Nyckeltal", "Enhet", "Basår", "Basvärde", "Målår", "Målvärde"]] + [
        [i["name"], i["unit"], str(i["baseline"]["year"]), _num(i["baseline"]["value"]), str(i["target"]["year"]),
         _num(i["target"]["value"])] for i in rows]


def _goal_line(goal: str, style: int, n: int) -> str:
    return [f"• {goal}.", f"Mål {n}: {goal}.", f"Målsättning: {goal}."][style]


def plan_reportlab(truth: dict[str, Any], rng: random.Random, layout: str) -> bytes:
    """layout: "labels" (label lines), "cover" (key–value cover table), "prose", "columns" (two columns)."""
    styles = getSampleStyleSheet()
    body, h2 = styles["BodyText"], styles["Heading2"]
    m, d, p = truth["municipality"], truth["districts"], truth["period"]
    districts_text = " och ".join([", ".join(d[:-1]), d[-1]] if len(d) > 1 else d)
    head: list[Any] = [Paragraph(f"Strategisk stadsdelsplan för {districts_text}", styles["Title"])]
    if layout == "cover":
        table = Table([["Kommun", m], ["Stadsdel(ar)", districts_text], ["Planperiod", f"{p['start']}–{p['end']}"],
                       ["Beslutad", swedish_date(truth["adopted"])], ["Diarienummer", truth["reference"]]])
        table.setStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)])
        head += [table, Spacer(1, 12)]
    elif layout == "prose":
        head.append(Paragraph(
            f"{m} har tagit fram planen tillsammans med det lokala partnerskapet. Planen avser stadsdel"
            f"{'arna' if len(d) > 1 else 'en'} {districts_text} för perioden {p['start']} till {p['end']} och antogs av "
            f"kommunstyrelsen {swedish_date(truth['adopted'], with_den=True)} (dnr {truth['reference']}).", body))
    else:
        head += [Paragraph(f"Kommun: {m.removesuffix(' kommun')}", body),
                 Paragraph(f"Stadsdelar: {', '.join(d)}", body),
                 Paragraph(f"Planperiod: {p['start']}–{p['end']}", body),
                 Paragraph(f"Antagen av kommunfullmäktige: {truth['adopted']}", body),
                 Paragraph(f"Dnr: {truth['reference']}", body)]
    flow: list[Any] = [Paragraph("I det lokala partnerskapet ingår " + " och ".join(truth["agencies"]) + ".", body)]
    if layout == "columns":  # enough text before the goals that they run over into the second column
        flow += [Paragraph("Stadsdelen präglas av en ung befolkning och ett rikt föreningsliv. " * 6, body)] * 3
    # Prose plans also give their indicators in sentences, after the goals, instead of in tables.
    prose_indicators = [i for i in truth["indicators"] if i["unit"] == "%"] if layout == "prose" else []
    goal_style, numbered, table_style = rng.randrange(3), rng.random() < 0.5, rng.randrange(3)
    for n, (area, goals) in enumerate(truth["goals"].items(), start=1):
        heading = rng.choice(HEADING_WORDS[area])
        flow.append(Paragraph(f"{n}. {heading}" if numbered else heading, h2))
        flow.append(Paragraph("Partnerskapet har enats om följande inriktning för området.", body))
        flow += [Paragraph(_goal_line(g, goal_style, k), body) for k, g in enumerate(goals, start=1)]
        for i in (i for i in prose_indicators if i["area"] == area):
            flow.append(Paragraph(
                f"{i['name']} var {_num(i['baseline']['value'])} procent år {i['baseline']['year']} och målet är "
                f"{_num(i['target']['value'])} procent år {i['target']['year']}.", body))
        rows = [i for i in truth["indicators"] if i["area"] == area and i not in prose_indicators]
        if rows:
            cells = _indicator_table(rows, table_style)
            narrow = layout == "columns"  # a table set inside its column, its name cells wrapping
            table = Table([[Paragraph(c, body) if narrow and k == 0 else c for k, c in enumerate(r)] for r in cells],
                          colWidths=[85] + [160 / (len(cells[0]) - 1)] * (len(cells[0]) - 1) if narrow else None)
            if narrow:
                table.setStyle([("FONTSIZE", (1, 0), (-1, -1), 6)])
            table.setStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)])
            flow += [Spacer(1, 6), table, Spacer(1, 6)]
    c = truth["contact"]
    flow += [Paragraph(f"Kontaktperson: {c['name']}, {c['title']}, {c['email']}, {c['phone']}", body)]
    out = io.BytesIO()
    if layout == "columns":
        doc = BaseDocTemplate(out, pagesize=A4)
        w, h = A4
        top = Frame(40, h - 140, w - 80, 100, id="top")
        left, right = Frame(40, 40, (w - 100) / 2, h - 190, id="l"), Frame(60 + (w - 100) / 2, 40, (w - 100) / 2, h - 190, id="r")
        doc.addPageTemplates([PageTemplate(id="two", frames=[top, left, right])])
        from reportlab.platypus import FrameBreak

        doc.build(head[:1] + [FrameBreak()] + head[1:] + flow)
    else:
        SimpleDocTemplate(out, pagesize=A4).build(head + flow)
    return out.getvalue()


def _lo_pdf(documents: dict[str, bytes]) -> dict[str, bytes]:
    """Word files to PDF through LibreOffice, in one start: the second producer's text layer."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, data in documents.items():
            (folder / name).write_bytes(data)
        subprocess.run(["soffice", f"-env:UserInstallation=file://{folder / 'profile'}", "--headless", "--convert-to",
                        "pdf", "--outdir", str(folder), *[str(folder / n) for n in documents]],
                       check=True, capture_output=True, timeout=300)
        return {n: (folder / n).with_suffix(".pdf").read_bytes() for n in documents}


def plan_docx(truth: dict[str, Any], rng: random.Random) -> bytes:
    document = docx.Document()
    m, d, p = truth["municipality"], truth["districts"], truth["period"]
    document.add_heading(f"Strategisk stadsdelsplan för {' och '.join(d)}", level=0)
    table = document.add_table(rows=0, cols=2)
    for key, value in (("Kommun", m), ("Stadsdelar", ", ".join(d)), ("Planperiod", f"{p['start']}–{p['end']}"),
                       ("Antagen", swedish_date(truth["adopted"])), ("Diarienummer", truth["reference"])):
        row = table.add_row().cells
        row[0].text, row[1].text = key, value
    document.add_paragraph("I det lokala partnerskapet ingår " + " och ".join(truth["agencies"]) + ".")
    table_style = rng.randrange(3)
    for n, (area, goals) in enumerate(truth["goals"].items(), start=1):
        document.add_heading(f"{n} {rng.choice(HEADING_WORDS[area])}", level=1)
        for goal in goals:
            document.add_paragraph(f"{goal}.", style="List Bullet")
        rows = [i for i in truth["indicators"] if i["area"] == area]
        if rows:
            cells = _indicator_table(rows, table_style)
            t = document.add_table(rows=len(cells), cols=len(cells[0]))
            t.style = "Table Grid"
            t.autofit = False
            widths = [Cm(6.5)] + [Cm(9.5 / (len(cells[0]) - 1))] * (len(cells[0]) - 1)  # a name column that fits
            for column, width in zip(t.columns, widths, strict=True):
                column.width = width
            for row in t.rows:
                for cell, width in zip(row.cells, widths, strict=True):
                    cell.width = width
            for r, values in enumerate(cells):
                for c, value in enumerate(values):
                    t.rows[r].cells[c].text = value
    c = truth["contact"]
    document.add_paragraph(f"Kontaktperson: {c['name']}, {c['title']}, {c['email']}, {c['phone']}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def report_truth(rng: random.Random) -> dict[str, Any]:
    year = rng.choice([2008, 2009, 2010])
    agency = rng.choice(AGENCY_CHOICES)
    code = {"Arbetsförmedlingen": "Af", "Försäkringskassan": "FK", "Polismyndigheten": "PM"}[agency]
    return {
        "agency": agency, "year": year,
        "municipalities": rng.sample(sorted(MUNICIPALITIES), rng.randint(1, 4)),
        "reference": f"{code}-{year + 1}/{rng.randint(100, 9999)}",
        "date": f"{year + 1}-0{rng.randint(1, 3)}-{rng.randint(10, 28)}",
        "proposals": rng.sample(["En nationell samordnare för urbant utvecklingsarbete bör utses",
                                 "Statistik per stadsdel bör tas fram årligen",
                                 "Myndigheternas uppdrag i partnerskapen bör förtydligas",
                                 "Samverkan med civilsamhället bör få långsiktig finansiering"], rng.randint(1, 3)),
    }


def report_lines(t: dict[str, Any], rng: random.Random) -> list[str]:
    title = rng.choice([f"Redovisning av uppdraget om urbant utvecklingsarbete för verksamhetsåret {t['year']}",
                        f"Årsrapport om lokala partnerskap {t['year']}"])
    lines = [t["agency"], "", f"Diarienummer: {t['reference']}", f"Datum: {t['date']}", "", title, "",
             "Redovisningen lämnas enligt 13 § förordningen (2008:348) om urbant utvecklingsarbete.", ""]
    for m in t["municipalities"]:
        lines += [m, f"Myndigheten har deltagit i partnerskapets styrgrupp och genomfört insatser i {m}.", ""]
    lines += ["Förslag till åtgärder och förändringar", ""] + [f"{n}. {p}." for n, p in enumerate(t["proposals"], 1)]
    return lines


def report_docx(t: dict[str, Any], rng: random.Random) -> bytes:
    document = docx.Document()
    for line in report_lines(t, rng):
        if line:
            document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


DEPARTMENTS = [("Integrations- och jämställdhetsdepartementet", "IJ", "IU"), ("Arbetsmarknadsdepartementet", "A", "A"),
               ("Justitiedepartementet", "Ju", "PO")]
ADDRESSEES = [("Arbetsförmedlingen", "113 99 Stockholm"), ("Försäkringskassan", "103 51 Stockholm"),
              ("Rikspolisstyrelsen", "Box 12256, 102 26 Stockholm"), ("Migrationsverket", "601 70 Norrköping")]


def decision_truth(rng: random.Random) -> dict[str, Any]:
    department, code, unit = rng.choice(DEPARTMENTS)
    addressee, address = rng.choice(ADDRESSEES)
    others = [a for a, _ in ADDRESSEES if a != addressee]
    municipalities = sorted(rng.sample(sorted(MUNICIPALITIES), rng.randint(2, 6)))
    year = rng.choice([2008, 2009, 2010])
    return {
        "department": department, "date": f"{year}-0{rng.randint(1, 9)}-{rng.randint(10, 28)}",
        "reference": f"{code}{year}/{rng.randint(100, 2999)}/{unit}", "addressee": addressee,
        "addressee_address": address, "identical_to": rng.sample(others, rng.randint(0, 2)),
        "title": rng.choice(["Uppdrag att samverka med kommuner som har lokala utvecklingsavtal",
                             "Uppdrag att redovisa insatser i stadsdelar med utanförskap"]),
        "decision": f"{addressee} får i uppdrag att delta i lokala partnerskap.\n\n"
                    "Uppdraget ska redovisas till Regeringskansliet senast den 1 mars varje år.",
        "background": "Regeringen har beslutat förordningen (2008:348) om urbant utvecklingsarbete. "
                      "Följande kommuner omfattas: " + ", ".join(municipalities[:-1]) + " och " + municipalities[-1] + ".",
        "municipalities": municipalities,
        "signatories": [rng.choice(["Nyamko Sabuni", "Sven Otto Littorin", "Beatrice Ask"]),
                        rng.choice(["Evert Kroes", "Anna Svensson"])],
        "copies_to": rng.sample(["Statsrådsberedningen", "Finansdepartementet/BA", "Justitiedepartementet/PO",
                                 "Sveriges Kommuner och Landsting"], rng.randint(1, 3)),
    }


def decision_pdf(t: dict[str, Any], rng: random.Random) -> bytes:
    item = rng.choice(["5", "20", "II 7", "III:4"])
    date_text = t["date"] if rng.random() < 0.5 else swedish_date(t["date"])
    lines = ["Regeringen", t["department"], "", f"Regeringsbeslut {item}", date_text, t["reference"], "",
             t["addressee"], *t["addressee_address"].split(", "), "", t["title"], "", "Regeringens beslut", "",
             *t["decision"].split("\n"), "", "Bakgrund", "", t["background"], ""]
    if rng.random() < 0.5:
        lines += ["På regeringens vägnar", ""]
    lines += [t["signatories"][0], "", t["signatories"][1], ""]
    if t["identical_to"]:
        lines += ["Likalydande till", *t["identical_to"], ""]
    lines += ["Kopia till", *t["copies_to"]]
    return text_pdf("\n".join(lines))


def build(seed: int = 2008) -> list[tuple[str, str, bytes, dict[str, Any]]]:
    """(name, kind, pdf, expected fields) for every document of the corpus."""
    rng = random.Random(seed)
    corpus: list[tuple[str, str, bytes, dict[str, Any]]] = []
    for n in range(16):
        layout = ["labels", "cover", "prose", "columns"][n % 4]
        truth = plan_truth(rng)
        corpus.append((f"plan-{layout}-{n}", "district_plan", plan_reportlab(truth, rng, layout), truth))
    word_plans = {f"plan-word-{n}.docx": plan_truth(rng) for n in range(8)}
    word_reports = {f"report-word-{n}.docx": report_truth(rng) for n in range(4)}
    pdfs = _lo_pdf({**{n: plan_docx(t, rng) for n, t in word_plans.items()},
                    **{n: report_docx(t, rng) for n, t in word_reports.items()}})
    corpus += [(n.removesuffix(".docx"), "district_plan", pdfs[n], t) for n, t in word_plans.items()]
    for n in range(6):
        truth = report_truth(rng)
        corpus.append((f"report-letter-{n}", "report", text_pdf("\n".join(report_lines(truth, rng))), truth))
    corpus += [(n.removesuffix(".docx"), "report", pdfs[n], t) for n, t in word_reports.items()]
    for n in range(8):
        truth = decision_truth(rng)
        corpus.append((f"decision-{n}", "decision", decision_pdf(truth, rng), truth))
    # Decisions as Kansli's own template lays them out (letterhead table, "1 (2)" page numbers), via LibreOffice.
    from kansli.config import REPO_ROOT
    from kansli.generation import render_decision

    letters = {f"decision-letter-{n}.docx": decision_truth(rng) for n in range(4)}
    template = REPO_ROOT / "templates" / "docx" / "decision.docx"
    pdfs = _lo_pdf({name: render_decision(t, template)[0][1] for name, t in letters.items()})
    for name, truth in letters.items():
        printed = re.sub(r"(\d{3} ?\d{2}) (\S+)$", lambda m: f"{m[1]} {m[2].upper()}", truth["addressee_address"])
        corpus.append((name.removesuffix(".docx"), "decision", pdfs[name], {**truth, "addressee_address": printed}))
    return corpus
