"""A corpus that varies on purpose: every document is drawn from independent choices of how municipalities, agencies
and the Government Offices write (title form, where districts are named, heading typography, goal markers, indicator
table layout, contact block and which of its parts it gives, columns, running headers and footers, address lines;
for follow-up reports their title form, values table layout and where units, areas and years stand).

``draw(rng)`` returns one ``(kind, choices, pdf, truth)``; the extractor must never import from here: it is the
ground truth it is measured against, and the vocabulary is wide (all 21 municipalities of the seed decision,
their districts, many indicators and units) so that nothing is learnt from one example.
"""
from __future__ import annotations

import io
import random
from collections.abc import Callable
from typing import Any

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import BaseDocTemplate, Frame, FrameBreak, PageTemplate, Paragraph, Spacer, Table, TableStyle

from helpers.pdfs import text_pdf

rl_config.invariant = 1

#: The 21 municipalities of the seed decision and districts their local development agreements named.
MUNICIPALITIES: dict[str, list[str]] = {
    "Borås kommun": ["Hässleholmen", "Norrby"], "Botkyrka kommun": ["Alby", "Fittja", "Hallunda"],
    "Gävle kommun": ["Sätra", "Andersberg"], "Göteborgs kommun": ["Bergsjön", "Biskopsgården", "Gårdsten", "Hjällbo"],
    "Halmstads kommun": ["Andersberg", "Vallås"], "Haninge kommun": ["Jordbro"],
    "Huddinge kommun": ["Flemingsberg", "Vårby"], "Jönköpings kommun": ["Råslätt", "Öxnehaga"],
    "Kristianstads kommun": ["Gamlegården"], "Landskrona kommun": ["Centrum", "Öster"],
    "Linköpings kommun": ["Skäggetorp", "Berga", "Ryd"], "Luleå kommun": ["Lerbäcken", "Hertsön"],
    "Malmö kommun": ["Rosengård", "Fosie", "Hyllie"], "Nacka kommun": ["Fisksätra"],
    "Norrköpings kommun": ["Hageby", "Navestad", "Klockaretorpet"],
    "Stockholms kommun": ["Husby", "Rinkeby", "Tensta", "Skärholmen"], "Sundsvalls kommun": ["Nacksta", "Skönsberg"],
    "Södertälje kommun": ["Hovsjö", "Ronna", "Fornhöjden"], "Trollhättans kommun": ["Kronogården", "Sylte"],
    "Uppsala kommun": ["Gottsunda", "Valsätra"], "Växjö kommun": ["Araby"],
}
MONTHS = "januari februari mars april maj juni juli augusti september oktober november december".split()
HEADINGS = {
    "arbete": ["Arbete och sysselsättning", "Arbete", "Sysselsättning och försörjning", "Ökad sysselsättning"],
    "utbildning": ["Skola och utbildning", "Utbildning", "Utbildning och lärande", "Bättre skolresultat"],
    "trygghet": ["Trygghet i stadsdelen", "Trygghet", "Trygghet och säkerhet", "Ökad trygghet"],
    "tillvaxt": ["Lokal tillväxt", "Tillväxt och företagande", "Näringsliv och tillväxt", "Lokalt företagande"],
}
AREA_CELLS = {"arbete": ["Arbete", "Sysselsättning"], "utbildning": ["Utbildning", "Skola"],
              "trygghet": ["Trygghet"], "tillvaxt": ["Tillväxt", "Näringsliv"]}
GOALS = {
    "arbete": ["Andelen förvärvsarbetande i åldern 20–64 år ska öka", "Fler unga ska ha ett arbete eller studera",
               "Andelen hushåll med försörjningsstöd ska minska", "Fler utrikes födda kvinnor ska ha ett arbete"],
    "utbildning": ["Fler elever ska vara behöriga till gymnasieskolan", "Andelen vuxna med gymnasieexamen ska öka",
                   "Alla elever ska nå målen i svenska i årskurs 3", "Fler ungdomar ska fullfölja gymnasiet"],
    "trygghet": ["Invånarna ska känna sig trygga i sin stadsdel", "Antalet anmälda skadegörelsebrott ska minska",
                 "Färre unga ska begå brott", "Fler boende ska delta i grannsamverkan"],
    "tillvaxt": ["Fler företag ska startas i stadsdelen", "Antalet arbetsställen ska öka",
                 "Handeln i centrum ska utvecklas", "Fler lokala entreprenörer ska få stöd"],
}
#: (area, name, canonical unit, how the unit may be written)
INDICATORS = [
    ("arbete", "Förvärvsfrekvens 20–64 år", "%", ["%", "procent", "andel i procent"]),
    ("arbete", "Andel med försörjningsstöd", "%", ["%", "procent"]),
    ("arbete", "Öppet arbetslösa 18–24 år", "st", ["st", "antal", "stycken"]),
    ("arbete", "Medelinkomst per invånare", "kronor", ["kronor"]),
    ("utbildning", "Behörighet till gymnasieskolan", "%", ["%", "procent", "andel i procent"]),
    ("utbildning", "Genomsnittligt meritvärde", "poäng", ["poäng"]),
    ("utbildning", "Elever med gymnasieexamen inom fyra år", "%", ["%", "procent"]),
    ("trygghet", "Anmälda brott per 1 000 invånare", "st", ["st", "antal"]),
    ("trygghet", "Andel som känner sig trygga utomhus", "%", ["%", "procent"]),
    ("trygghet", "Anmälda skadegörelsebrott", "st", ["st", "antal", "stycken"]),
    ("tillvaxt", "Nystartade företag", "st", ["st", "antal"]),
    ("tillvaxt", "Arbetsställen i stadsdelen", "st", ["st", "antal", "stycken"]),
]
FIRST = ["Anna", "Erik", "Maria", "Johan", "Fatima", "Ali", "Karin", "Mehmet", "Sara", "Lars", "Amina", "Per"]
LAST = ["Berg", "Lund", "Ek", "Nilsson", "Yilmaz", "Andersson", "Holm", "Öberg", "Sandberg", "Karlsson"]
TITLES = ["utvecklingsstrateg", "samordnare", "projektledare", "områdessamordnare", "utvecklingsledare"]
AGENCIES = ["Arbetsförmedlingen", "Försäkringskassan", "Polismyndigheten", "Migrationsverket", "Skatteverket"]
FILLER = ["Stadsdelen präglas av en ung befolkning och ett rikt föreningsliv.",
          "Bostäderna byggdes till största delen under miljonprogrammet.",
          "Många invånare har sin bakgrund i andra länder och talar flera språk.",
          "Partnerskapet möts fyra gånger om året och följer upp arbetet gemensamt."]

_STYLES = getSampleStyleSheet()
BODY, TITLE, H2 = _STYLES["BodyText"], _STYLES["Title"], _STYLES["Heading2"]
BOLD = ParagraphStyle("bold", parent=BODY, fontName="Helvetica-Bold", spaceBefore=8)


def _num(value: float) -> str:
    return (f"{value:.1f}" if isinstance(value, float) else str(value)).replace(".", ",")


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " och " + names[-1]


def swedish_date(iso: str) -> str:
    y, m, d = map(int, iso.split("-"))
    return f"{d} {MONTHS[m - 1]} {y}"


def _domain(municipality: str) -> str:
    base = municipality.removesuffix(" kommun").lower()
    base = base[:-1] if base.endswith("s") and base not in ("borås",) else base
    return base.translate(str.maketrans("åäöé", "aaoe"))


def plan_truth(rng: random.Random) -> dict[str, Any]:
    municipality = rng.choice(sorted(MUNICIPALITIES))
    pool = MUNICIPALITIES[municipality]
    districts = sorted(rng.sample(pool, rng.randint(1, min(3, len(pool)))), key=pool.index)
    start = rng.choice([2008, 2009, 2010])
    areas = sorted(rng.sample(list(GOALS), rng.randint(2, 4)), key=list(GOALS).index)
    indicators = []
    for area, name, unit, _ in INDICATORS:
        if area in areas and rng.random() < 0.5:
            base: float = round(rng.uniform(5, 70), 1) if unit in ("%", "poäng") else rng.randint(12, 900)
            target: float = round(base * rng.uniform(0.6, 1.4), 1) if isinstance(base, float) \
                else int(base * rng.uniform(0.6, 1.4))
            indicators.append({"area": area, "name": name, "unit": unit, "baseline": {"year": start - 2, "value": base},
                               "target": {"year": start + 2, "value": target}})
    first, last = rng.choice(FIRST), rng.choice(LAST)
    email = f"{first.lower()}.{last.lower()}@{_domain(municipality)}.se".translate(str.maketrans("åäö", "aao"))
    return {
        "municipality": municipality,
        "districts": districts,
        "period": {"start": start, "end": start + 2},
        "adopted": f"{start - rng.randint(0, 1)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "reference": f"{rng.choice(['KS', 'KF', 'SBN', 'KSN'])} {start - 1}/{rng.randint(10, 999)}",
        "goals": {a: rng.sample(GOALS[a], rng.randint(1, 3)) for a in areas},
        "indicators": indicators,
        "contact": {"name": f"{first} {last}", "title": rng.choice(TITLES), "email": email,
                    "phone": f"0{rng.randint(10, 99)}-{rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}"},
        "agencies": sorted(rng.sample(AGENCIES, rng.randint(1, 3))),
    }


def plan_choices(rng: random.Random, truth: dict[str, Any]) -> dict[str, Any]:
    title = rng.choice(["för", "stadsdelsplan", "lokal", "handlingsplan", "strategisk"])
    columns = rng.random() < 0.3  # tables set inside a column have room for fewer columns
    return {
        "title": title,
        # a title naming the districts may be the only place they stand
        "districts": rng.choice(["title", "label", "bullets", "prose"] if title in ("för", "stadsdelsplan")
                                else ["label", "bullets", "prose"]),
        "municipality": rng.choice(["label", "subtitle", "prose"]),
        "facts": rng.choice(["labels", "cover", "prose"]),
        "headings": rng.choice(["style", "bold", "numbered", "caps"]),
        "goals": rng.choice(["bullets", "numbers", "mal", "malsattning", "prose"]),
        "area_in": rng.choice(["section"] if columns else ["section", "column"]),
        "units": rng.choice(["brackets", "column"]),
        "years": rng.choice(["header", "brackets"] if columns else ["header", "cell", "brackets"]),
        "order": rng.random(),
        "wrap": rng.random() < 0.4,
        "header_words": rng.randrange(4),
        "contact": rng.choice(["labelled", "unlabelled", "fragor"]),
        "columns": columns,
        "running": rng.random() < 0.6,
        # some contact blocks give no title, or no phone number
        "contact_parts": rng.choice(["all", "all", "all", "no_title", "no_phone"]),
    }


def _title(truth: dict[str, Any], choice: str, municipality: str) -> str:
    d = _and(truth["districts"])
    return {"för": f"Strategisk stadsdelsplan för {d}", "stadsdelsplan": f"Stadsdelsplan {d}",
            "lokal": "Lokal utvecklingsplan", "handlingsplan": "Handlingsplan för lokalt partnerskap",
            "strategisk": "Strategisk plan för urbant utvecklingsarbete"}[choice]


def _wrap(text: str, width: float, font: str, size: float) -> list[str]:
    """Greedy line breaking as a word processor does it, breaking a word that is wider than the line."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if stringWidth(candidate, font, size) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        while stringWidth(word, font, size) > width:
            cut = max(k for k in range(1, len(word) + 1) if stringWidth(word[:k], font, size) <= width)
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    return lines + ([line] if line else [])


HEADER_WORDS = {
    "name": ["Indikator", "Nyckeltal", "Mått", "Indikator"], "unit": ["Enhet", "Enhet", "Måttenhet", "Enhet"],
    "area": ["Område", "Insatsområde", "Område", "Målområde"],
    "baseline": ["Utgångsläge", "Utgångsvärde", "Basvärde", "Nuläge"],
    "baseline_year": ["Basår", "Utgångsår", "Basår", "År utgångsläge"],
    "target": ["Målvärde", "Mål", "Målvärde", "Önskat läge"],
    "target_year": ["Målår", "Målår", "År för mål", "Målår"],
}


def _indicator_cells(rows: list[dict[str, Any]], c: dict[str, Any], rng: random.Random
                     ) -> tuple[list[str], list[list[str]]]:
    """The indicator table's columns (in the order the choices give), and its header and rows as strings."""
    columns = ["name", "baseline", "target"]
    if c["units"] == "column":
        columns.insert(1, "unit")
    if c["area_in"] == "column":
        columns.insert(0, "area")
    if c["years"] == "cell":
        columns += ["baseline_year", "target_year"]
    order = random.Random(c["order"])
    if order.random() < 0.5:  # any column order; half the tables keep the usual one
        order.shuffle(columns)
    words = {k: v[c["header_words"]] for k, v in HEADER_WORDS.items()}
    by, ty = rows[0]["baseline"]["year"], rows[0]["target"]["year"]
    if c["years"] == "header":
        words["baseline"] += f" {by}"
        words["target"] += f" {ty}"
    unit_word = {r["name"]: rng.choice(next(u for _, n, _, u in INDICATORS if n == r["name"])) for r in rows}

    def cell(r: dict[str, Any], column: str) -> str:
        if column == "name":
            return f"{r['name']} ({unit_word[r['name']]})" if c["units"] == "brackets" else r["name"]
        if column == "unit":
            return unit_word[r["name"]]
        if column == "area":
            return rng.choice(AREA_CELLS[r["area"]])
        if column in ("baseline", "target"):
            value = _num(r[column]["value"])
            return f"{value} ({r[column]['year']})" if c["years"] == "brackets" else value
        return str(r[column.removesuffix("_year")]["year"])

    return columns, [[words[k] for k in columns]] + [[cell(r, k) for k in columns] for r in rows]


def _indicator_table(rows: list[dict[str, Any]], c: dict[str, Any], rng: random.Random, narrow: bool) -> Table:
    keys, data = _indicator_cells(rows, c, rng)
    columns = len(keys)
    size = 7 if narrow else 9
    style = ParagraphStyle("cell", parent=BODY, fontSize=size, leading=size + 2)
    name_at = keys.index("name")
    other = 45 if narrow else 60
    available = (240 if narrow else 470) - other * (columns - 1)
    width = min(available, max(stringWidth(r[name_at], "Helvetica", size) for r in data[1:]) + 7)
    if c["wrap"]:  # a name column too narrow for its longest word: the word breaks inside
        longest = max((w for r in data[1:] for w in r[name_at].split()), key=lambda w: stringWidth(w, "Helvetica", size))
        width = min(width, stringWidth(longest, "Helvetica", size) * 0.7 + 6)
    cells = [[Paragraph("<br/>".join(_wrap(v, width - 6, "Helvetica", size)), style) if k == name_at and i
              else Paragraph(v, style) for k, v in enumerate(r)] for i, r in enumerate(data)]
    widths = [width if k == name_at else other for k in range(columns)]
    table = Table(cells, colWidths=widths)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("LEFTPADDING", (0, 0), (-1, -1), 3),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 3)]))
    return table


def _heading(text: str, number: int, c: dict[str, Any]) -> Paragraph:
    if c["headings"] == "numbered":
        return Paragraph(f"{number}. {text}" if number % 2 or c["order"] < 0.5 else f"{number} {text}", H2)
    if c["headings"] == "caps":
        return Paragraph(text.upper(), H2 if c["order"] < 0.5 else BOLD)
    return Paragraph(text, H2 if c["headings"] == "style" else BOLD)


def plan_pdf(truth: dict[str, Any], c: dict[str, Any], rng: random.Random) -> bytes:
    state = rng.getstate()

    def story() -> tuple[list[Any], list[Any], str]:
        rng.setstate(state)  # the same draws each time a pass builds the story anew
        return _story(truth, c, rng)

    return _build(story, c["columns"], c["running"])


def _intro(c: dict[str, Any], truth: dict[str, Any]) -> str:
    """A plan's opening paragraph, naming the municipality and the facts where the choices put them in prose."""
    p = truth["period"]
    intro = ("Planen är det lokala partnerskapets styrdokument enligt förordningen (2008:348) om urbant "
             f"utvecklingsarbete. I partnerskapet ingår {_and(truth['agencies'])}.")
    if c["municipality"] == "prose":
        intro = f"{truth['municipality']} har tecknat ett lokalt utvecklingsavtal med staten. " + intro
    if c["facts"] == "prose":
        intro += (f" Planen gäller för perioden {p['start']} till {p['end']} och antogs av kommunfullmäktige den "
                  f"{swedish_date(truth['adopted'])} (dnr {truth['reference']}).")
    return intro


def _story(truth: dict[str, Any], c: dict[str, Any], rng: random.Random) -> tuple[list[Any], list[Any], str]:
    m, d, p = truth["municipality"], truth["districts"], truth["period"]
    short = m.removesuffix(" kommun")
    title = _title(truth, c["title"], m)
    head: list[Any] = [Paragraph(title, TITLE)]
    if c["municipality"] == "subtitle":
        head.append(Paragraph(m, H2))
    facts = [("Kommun", short)] if c["municipality"] == "label" else []
    if c["districts"] == "label":
        facts.append((rng.choice(["Stadsdelar", "Stadsdel(ar)", "Område"]), ", ".join(d)))
    period = f"{p['start']}–{p['end']}"
    adopted = truth["adopted"] if rng.random() < 0.5 else swedish_date(truth["adopted"])
    if c["facts"] != "prose":
        facts += [(rng.choice(["Planperiod", "Period", "Giltighetstid"]), period),
                  (rng.choice(["Antagen", "Beslutad", "Antagen av kommunfullmäktige", "Fastställd"]), adopted),
                  (rng.choice(["Dnr", "Diarienummer"]), truth["reference"])]
    if facts and c["facts"] == "cover":
        table = Table([[Paragraph(k, BODY), Paragraph(v, BODY)] for k, v in facts], colWidths=[150, 250])
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey)]))
        head.append(table)
    else:
        head += [Paragraph(f"{k}: {v}", BODY) for k, v in facts]
    intro = _intro(c, truth)
    flow: list[Any] = [Paragraph(intro, BODY)]
    if c["districts"] == "prose":
        flow.append(Paragraph(f"Planen omfattar stadsdelarna {_and(d)}." if len(d) > 1
                              else f"Planen omfattar stadsdelen {d[0]}.", BODY))
    elif c["districts"] == "bullets":
        flow += [Paragraph("Berörda stadsdelar:", BODY)] + [Paragraph(f"• {x}", BODY) for x in d]
    flow += [Paragraph("Bakgrund", H2 if c["headings"] != "bold" else BOLD)]
    flow += [Paragraph(" ".join(rng.sample(FILLER, 3)), BODY) for _ in range(rng.randint(1, 4))]
    count = 0
    for n, (area, goals) in enumerate(truth["goals"].items(), start=1):
        flow.append(_heading(rng.choice(HEADINGS[area]), n, c))
        flow.append(Paragraph(rng.choice(FILLER), BODY))
        if c["goals"] == "prose":
            flow.append(Paragraph("Partnerskapet har enats om följande mål. " + " ".join(f"{g}." for g in goals), BODY))
        for g in goals if c["goals"] != "prose" else []:
            count += 1
            marker = {"bullets": "•", "numbers": f"{count}.", "mal": f"Mål {count}:", "malsattning": "Målsättning:"}
            flow.append(Paragraph(f"{marker[c['goals']]} {g}.", BODY))
        rows = [i for i in truth["indicators"] if i["area"] == area]
        if rows and c["area_in"] == "section":
            flow += [Spacer(1, 6), _indicator_table(rows, c, rng, c["columns"]), Spacer(1, 6)]
    if truth["indicators"] and c["area_in"] == "column":
        flow += [_heading("Indikatorer och uppföljning", len(truth["goals"]) + 1, c),
                 _indicator_table(truth["indicators"], c, rng, c["columns"])]
    k = truth["contact"]
    title, phone = (f", {k['title']}" if k["title"] else ""), k["phone"]
    flow.append(Spacer(1, 8))
    if c["contact"] == "labelled":
        flow.append(Paragraph(f"Kontaktperson: {k['name']}{title}, {k['email']}" + (f", {phone}" if phone else ""),
                              BODY))
    elif c["contact"] == "unlabelled":
        flow += [Paragraph(f"{k['name']}{title}", BODY),
                 Paragraph(k["email"] + (f" | {phone}" if phone else ""), BODY)]
    else:
        flow.append(Paragraph(f"Frågor besvaras av {k['name']}{title}" + (f", telefon {phone}" if phone else "")
                              + f", e-post {k['email']}.", BODY))
    return head, flow, f"{rng.choice([title, m])} {p['start']}–{p['end']}"


def _build(story: Any, columns: bool, with_running: bool) -> bytes:
    """Two passes when pages say "Sida 1 av 2": the first counts them."""
    total = [0]
    head, flow, text = story()
    running = text if with_running else None

    def furniture(canvas: Any, doc: Any) -> None:
        total[0] = max(total[0], doc.page)
        if running:
            canvas.setFont("Helvetica", 8)
            canvas.drawString(50, A4[1] - 30, running)
            canvas.drawRightString(A4[0] - 50, 25, f"Sida {doc.page} av {pages}")

    w, h = A4
    pages = 0
    for _ in range(2):
        out = io.BytesIO()
        doc = BaseDocTemplate(out, pagesize=A4, topMargin=60, bottomMargin=50)
        if columns:
            # the full-width head is as tall as what it holds (a cover table may be long): a word processor's
            # section break, not a frame the head would overflow into a column
            tall = max(150.0, sum(f.wrap(w - 92, h)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in head) + 24)
            top = Frame(40, h - 50 - tall, w - 80, tall, id="top")
            left = Frame(40, 50, (w - 100) / 2, h - 100 - tall, id="l")
            right = Frame(60 + (w - 100) / 2, 50, (w - 100) / 2, h - 100 - tall, id="r")
            later = [Frame(40, 50, (w - 100) / 2, h - 110, id="l2"), Frame(60 + (w - 100) / 2, 50, (w - 100) / 2, h - 110)]
            from reportlab.platypus import NextPageTemplate
            doc.addPageTemplates([PageTemplate(id="first", frames=[top, left, right], onPage=furniture),
                                  PageTemplate(id="later", frames=later, onPage=furniture)])
            flowables = [NextPageTemplate("later"), *head, FrameBreak(), *flow]
        else:
            doc.addPageTemplates([PageTemplate(id="one", frames=[Frame(50, 50, w - 100, h - 110)], onPage=furniture)])
            flowables = [*head, *flow]
        doc.build(flowables)
        pages = total[0]
        if not running:
            break
        head, flow, _ = story()  # flowables are spent by a build
    return out.getvalue()


AGENCY_CODES = {"Arbetsförmedlingen": "Af", "Försäkringskassan": "FK", "Polismyndigheten": "PM",
                "Migrationsverket": "MIG", "Skatteverket": "SKV"}
PROPOSALS = ["En nationell samordnare för urbant utvecklingsarbete bör utses",
             "Statistik per stadsdel bör tas fram årligen", "Myndigheternas uppdrag i partnerskapen bör förtydligas",
             "Samverkan med civilsamhället bör få långsiktig finansiering",
             "Lokala utvecklingsavtal bör gälla i minst fem år", "Uppföljningen bör samordnas mellan myndigheterna"]


def report_truth(rng: random.Random) -> dict[str, Any]:
    year = rng.choice([2008, 2009, 2010, 2011])
    agency = rng.choice(AGENCIES)
    return {
        "agency": agency, "year": year,
        "municipalities": rng.sample(sorted(MUNICIPALITIES), rng.randint(1, 5)),
        "reference": f"{AGENCY_CODES[agency]}-{year + 1}/{rng.randint(100, 9999)}",
        "date": f"{year + 1}-0{rng.randint(1, 3)}-{rng.randint(10, 28)}",
        "proposals": rng.sample(PROPOSALS, rng.randint(1, 4)),
    }


def report_pdf(t: dict[str, Any], c: dict[str, Any], rng: random.Random) -> bytes:
    title = {0: f"Redovisning av uppdraget om urbant utvecklingsarbete för verksamhetsåret {t['year']}",
             1: f"Årsrapport om lokala partnerskap {t['year']}",
             2: f"Redovisning enligt 13 § förordningen (2008:348) för år {t['year']}"}[c["title"]]
    date = t["date"] if c["date"] else swedish_date(t["date"])
    lines = [t["agency"], "", f"{rng.choice(['Diarienummer', 'Dnr'])}: {t['reference']}", f"Datum: {date}", "",
             title, "", "Redovisningen lämnas enligt 13 § förordningen (2008:348) om urbant utvecklingsarbete.", ""]
    for m in t["municipalities"]:
        lines += [m, f"Myndigheten har deltagit i partnerskapets styrgrupp och genomfört insatser i {m}.", ""]
    lines += ["Förslag till åtgärder och förändringar", ""]
    lines += [f"{n}. {p}." if c["numbered"] else f"• {p}." for n, p in enumerate(t["proposals"], 1)]
    return text_pdf("\n".join(lines))


DEPARTMENTS = [("Integrations- och jämställdhetsdepartementet", "IJ", "IU"), ("Arbetsmarknadsdepartementet", "A", "A"),
               ("Justitiedepartementet", "Ju", "PO"), ("Finansdepartementet", "Fi", "BA")]
ADDRESSEES = [("Arbetsförmedlingen", ["113 99 Stockholm"]), ("Försäkringskassan", ["103 51 Stockholm"]),
              ("Rikspolisstyrelsen", ["Box 12256", "102 26 Stockholm"]), ("Migrationsverket", ["601 70 Norrköping"]),
              ("Skatteverket", ["Box 1234", "171 94 Solna"]), ("Boverket", ["Box 534", "371 23 Karlskrona"]),
              ("Länsstyrelsen i Stockholms län", ["Box 22067", "104 22 Stockholm"])]


def decision_truth(rng: random.Random, c: dict[str, Any]) -> dict[str, Any]:
    department, code, unit = rng.choice(DEPARTMENTS)
    addressee, address = rng.choice(ADDRESSEES)
    others = [a for a, _ in ADDRESSEES if a != addressee]
    municipalities = sorted(rng.sample(sorted(MUNICIPALITIES), rng.randint(2, 6)))
    year = rng.choice([2008, 2009, 2010])
    return {
        "department": department, "date": f"{year}-0{rng.randint(1, 9)}-{rng.randint(10, 28)}",
        "reference": f"{code}{year}/{rng.randint(100, 2999)}/{unit}", "addressee": addressee,
        "addressee_address": ", ".join(address), "identical_to": rng.sample(others, rng.randint(0, 2)),
        "title": rng.choice(["Uppdrag att samverka med kommuner som har lokala utvecklingsavtal",
                             "Uppdrag att redovisa insatser i stadsdelar med utanförskap",
                             "Uppdrag att delta i lokala partnerskap för urbant utvecklingsarbete"]),
        "decision": f"{addressee} får i uppdrag att delta i lokala partnerskap.\n\n"
                    "Uppdraget ska redovisas till Regeringskansliet senast den 1 mars varje år.",
        "background": "Regeringen har beslutat förordningen (2008:348) om urbant utvecklingsarbete. "
                      "Följande kommuner omfattas: " + _and(municipalities) + ".",
        "municipalities": municipalities,
        "signatories": [rng.choice(["Nyamko Sabuni", "Sven Otto Littorin", "Beatrice Ask", "Erik Ullenhag"]),
                        rng.choice(["Evert Kroes", "Anna Svensson", "Karin Lindell"])],
        "copies_to": rng.sample(["Statsrådsberedningen", "Finansdepartementet/BA", "Justitiedepartementet/PO",
                                 "Sveriges Kommuner och Landsting"], rng.randint(1, 3)),
    }


def decision_pdf(t: dict[str, Any], c: dict[str, Any], rng: random.Random) -> bytes:
    date_text = t["date"] if c["date"] else swedish_date(t["date"])
    address = [t["addressee_address"]] if c["address_one_line"] else t["addressee_address"].split(", ")
    lines = ["Regeringen", t["department"], "", f"Regeringsbeslut {rng.choice(['5', '20', 'II 7', 'III:4'])}",
             date_text, t["reference"], "", t["addressee"], *address, "", t["title"], "", "Regeringens beslut", "",
             *t["decision"].split("\n"), "", "Bakgrund", "", t["background"], ""]
    if c["behalf"]:
        lines += ["På regeringens vägnar", ""]
    lines += [t["signatories"][0], "", t["signatories"][1], ""]
    if t["identical_to"]:
        lines += ["Likalydande till", *t["identical_to"], ""]
    lines += ["Kopia till", *t["copies_to"]]
    return text_pdf("\n".join(lines))


FOLLOW_UP_TITLES = ["uppfoljning", "lagesrapport", "arsrapport", "rapport_for"]
VALUE_WORDS = {"name": ["Indikator", "Mått", "Nyckeltal"], "unit": ["Enhet", "Måttenhet", "Enhet"],
               "area": ["Område", "Insatsområde", "Målområde"], "year": ["År", "År", "År"],
               "value": ["Utfall", "Värde", "Uppnått värde"]}
PROSE_UNITS = {"%": ["procent", "%"], "st": ["st", "stycken"], "kronor": ["kronor"], "poäng": ["poäng"]}


def follow_up_choices(rng: random.Random) -> dict[str, Any]:
    layout = rng.choice(["rows", "years", "prose"])
    return {"title": rng.choice(FOLLOW_UP_TITLES), "layout": layout,
            "area_in": rng.choice(["section", "none"] if layout == "prose" else ["section", "column", "none"]),
            "units": rng.choice(["brackets", "column"]), "two_years": layout != "prose" and rng.random() < 0.5,
            "municipality": rng.choice(["label", "subtitle", "prose"]),
            "districts": rng.choice(["label", "prose", "title"]), "year_label": rng.random() < 0.5,
            "date": rng.choice(["iso", "swedish"]), "order": rng.random(), "header_words": rng.randrange(3),
            "running": rng.random() < 0.6}


def follow_up_truth(rng: random.Random, c: dict[str, Any]) -> dict[str, Any]:
    municipality = rng.choice(sorted(MUNICIPALITIES))
    pool = MUNICIPALITIES[municipality]
    districts = sorted(rng.sample(pool, rng.randint(1, min(3, len(pool)))), key=pool.index)
    year = rng.choice([2008, 2009, 2010, 2011])
    chosen = [i for i in INDICATORS if rng.random() < 0.4] or [rng.choice(INDICATORS)]
    areas = list(GOALS)
    chosen.sort(key=lambda i: areas.index(i[0]))  # reports list them by area
    values = []
    for area, name, unit, _ in chosen:
        for y in ([year - 1, year] if c["two_years"] else [year]):
            value: float = round(rng.uniform(5, 70), 1) if unit in ("%", "poäng") else rng.randint(12, 900)
            values.append({"area": area if c["area_in"] != "none" else None, "name": name, "unit": unit,
                           "year": y, "value": value})
    return {"municipality": municipality, "year": year, "districts": districts,
            "reference": f"{rng.choice(['KS', 'KF', 'SBN', 'KSN'])} {year + 1}/{rng.randint(10, 999)}",
            "date": f"{year + 1}-0{rng.randint(1, 4)}-{rng.randint(10, 28)}", "values": values}


def _values_table(rows: list[dict[str, Any]], c: dict[str, Any], rng: random.Random) -> Table:
    years = sorted({r["year"] for r in rows})
    columns = ["name"] + (["unit"] if c["units"] == "column" else []) + (["area"] if c["area_in"] == "column" else [])
    columns += ["year", "value"] if c["layout"] == "rows" else [f"y{y}" for y in years]
    if random.Random(c["order"]).random() < 0.5:  # any column order; half the tables keep the usual one
        random.Random(c["order"]).shuffle(columns)
    words = {k: v[c["header_words"]] for k, v in VALUE_WORDS.items()}
    words.update({f"y{y}": f"Utfall {y}" if c["header_words"] == 1 else str(y) for y in years})
    by_name: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_name.setdefault(r["name"], []).append(r)
    unit_word = {n: rng.choice(next(u for _, m, _, u in INDICATORS if m == n)) for n in by_name}
    area_word = {n: rng.choice(AREA_CELLS[next(a for a, m, _, _ in INDICATORS if m == n)]) for n in by_name}

    def cell(r: dict[str, Any], column: str) -> str:
        if column == "name":
            return f"{r['name']} ({unit_word[r['name']]})" if c["units"] == "brackets" else r["name"]
        if column == "unit":
            return unit_word[r["name"]]
        if column == "area":
            return area_word[r["name"]]
        if column == "year":
            return str(r["year"])
        if column == "value":
            return _num(r["value"])
        return _num(next(v["value"] for v in by_name[r["name"]] if f"y{v['year']}" == column))

    lines = rows if c["layout"] == "rows" else [group[0] for group in by_name.values()]
    style = ParagraphStyle("cell", parent=BODY, fontSize=9, leading=11)
    data = [[Paragraph(words[k], style) for k in columns]] + [[Paragraph(cell(r, k), style) for k in columns] for r in lines]
    widths = [190 if k == "name" else 280 / (len(columns) - 1) for k in columns]
    table = Table(data, colWidths=widths)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    return table


def _prose_values(rows: list[dict[str, Any]], rng: random.Random) -> Paragraph:
    return Paragraph(" ".join(f"{r['name']} var {_num(r['value'])} {rng.choice(PROSE_UNITS[r['unit']])} "
                              f"{rng.choice(['år ', ''])}{r['year']}." for r in rows), BODY)


def follow_up_pdf(t: dict[str, Any], c: dict[str, Any], rng: random.Random) -> bytes:
    state = rng.getstate()

    def story() -> tuple[list[Any], list[Any], str]:
        rng.setstate(state)
        return _follow_up_story(t, c, rng)

    return _build(story, False, c["running"])


def _follow_up_story(t: dict[str, Any], c: dict[str, Any], rng: random.Random) -> tuple[list[Any], list[Any], str]:
    m, d, year = t["municipality"], t["districts"], t["year"]
    where = f" för {_and(d)}" if c["districts"] == "title" else ""
    title = {"uppfoljning": f"Uppföljning av lokalt utvecklingsavtal{where} {year}",
             "lagesrapport": f"Lägesrapport{where} {year}",
             "arsrapport": f"Årsrapport för lokalt partnerskap{where} {year}",
             "rapport_for": f"Uppföljningsrapport{where} {year}"}[c["title"]]
    head: list[Any] = [Paragraph(title, TITLE)]
    if c["municipality"] == "subtitle":
        head.append(Paragraph(m, H2))
    facts = [("Kommun", m.removesuffix(" kommun"))] if c["municipality"] == "label" else []
    if c["districts"] == "label":
        facts.append((rng.choice(["Stadsdelar", "Stadsdel(ar)"]), ", ".join(d)))
    if c["year_label"]:
        facts.append((rng.choice(["Uppföljningsår", "Avser år"]), str(year)))
    facts += [(rng.choice(["Dnr", "Diarienummer"]), t["reference"]),
              ("Datum", t["date"] if c["date"] == "iso" else swedish_date(t["date"]))]
    head += [Paragraph(f"{k}: {v}", BODY) for k, v in facts]
    intro = ("Rapporten följer upp det lokala partnerskapets arbete enligt förordningen (2008:348) om urbant "
             "utvecklingsarbete.")
    if c["municipality"] == "prose":
        intro = f"{m} har tecknat ett lokalt utvecklingsavtal med staten. " + intro
    flow: list[Any] = [Paragraph(intro, BODY)]
    if c["districts"] == "prose":
        flow.append(Paragraph(f"Arbetet omfattar stadsdelarna {_and(d)}." if len(d) > 1
                              else f"Arbetet omfattar stadsdelen {d[0]}.", BODY))
    flow += [Paragraph(" ".join(rng.sample(FILLER, 2)), BODY)]
    if c["area_in"] == "section":
        for area in dict.fromkeys(v["area"] for v in t["values"]):
            rows = [v for v in t["values"] if v["area"] == area]
            flow += [Paragraph(rng.choice(HEADINGS[area]), H2), Paragraph(rng.choice(FILLER), BODY)]
            flow.append(_prose_values(rows, rng) if c["layout"] == "prose" else _values_table(rows, c, rng))
    else:
        flow.append(Paragraph(rng.choice(["Redovisade värden", "Utfall per indikator", "Indikatorer"]), H2))
        flow.append(_prose_values(t["values"], rng) if c["layout"] == "prose" else _values_table(t["values"], c, rng))
    flow.append(Paragraph(rng.choice(FILLER), BODY))
    return head, flow, f"{m} – uppföljning {year}"


def draw_follow_up(rng: random.Random) -> tuple[str, dict[str, Any], bytes, dict[str, Any]]:
    """One follow-up report, as :func:`draw` gives the other kinds; drawn from a stream of its own so that
    adding the kind left the corpus of plans, reports and decisions as it was."""
    choices = follow_up_choices(rng)
    truth = follow_up_truth(rng, choices)
    return "follow_up", choices, follow_up_pdf(truth, choices, rng), truth


def drawn_plan(rng: random.Random, choose: Callable[[random.Random, dict[str, Any]], dict[str, Any]] = plan_choices
               ) -> tuple[dict[str, Any], dict[str, Any]]:
    """A plan's truth and the choices it is written with (``choose``: a producer's), the contact's parts the
    choices leave out left out of the truth too."""
    truth = plan_truth(rng)
    choices = choose(rng, truth)
    if choices["contact_parts"] != "all":
        truth["contact"][choices["contact_parts"].removeprefix("no_")] = None
    return truth, choices


def draw(rng: random.Random) -> tuple[str, dict[str, Any], bytes, dict[str, Any]]:
    """One document: (kind, the choices it was drawn with, PDF, expected fields). Plans are most of them."""
    roll = rng.random()
    if roll < 0.7:
        truth, choices = drawn_plan(rng)
        return "district_plan", choices, plan_pdf(truth, choices, rng), truth
    if roll < 0.85:
        choices = {"title": rng.randrange(3), "date": rng.random() < 0.5, "numbered": rng.random() < 0.5}
        truth = report_truth(rng)
        return "report", choices, report_pdf(truth, choices, rng), truth
    choices = {"date": rng.random() < 0.5, "address_one_line": rng.random() < 0.5, "behalf": rng.random() < 0.5}
    truth = decision_truth(rng, choices)
    return "decision", choices, decision_pdf(truth, choices, rng), truth


def scan(pdf: bytes, rng: random.Random, dpi: int = 300) -> bytes:
    """The pages as a scanner delivers them: grey images only, each turned a little (up to ±0.5°) and with
    a few specks of dust, in a PDF without any text layer; what OCR then reads is the producer "scan"."""
    import pypdfium2 as pdfium
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    document = pdfium.PdfDocument(pdf)
    out = io.BytesIO()
    sheet = canvas.Canvas(out, pagesize=A4)
    try:
        for page in document:
            image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            image = image.rotate(rng.uniform(-0.5, 0.5), resample=Image.Resampling.BICUBIC, fillcolor=255)
            dust = Image.effect_noise(image.size, 30).point(lambda v: 0 if v < 10 else 255)  # 3 pixels in 10⁵
            sheet.drawImage(ImageReader(Image.composite(image, dust, dust)), 0, 0, width=A4[0], height=A4[1])
            sheet.showPage()
    finally:
        document.close()
    sheet.save()
    return out.getvalue()


def word_choices(rng: random.Random, truth: dict[str, Any]) -> dict[str, Any]:
    """A plan's choices as a drafter in Word makes them: real heading styles, Word's own bullet and number
    lists, tables in "Table Grid"; no columns and no words broken in a cell (Word sizes its cells)."""
    return {**plan_choices(rng, truth), "columns": False, "wrap": False,
            "headings": rng.choice(["style", "numbered", "bold"]), "lists": rng.random() < 0.7}


def plan_docx(truth: dict[str, Any], c: dict[str, Any], rng: random.Random) -> bytes:
    """The plan as a .docx (python-docx on its default template), for LibreOffice to turn into the PDF."""
    import docx
    from docx.shared import Pt

    document = docx.Document()
    m, d, p = truth["municipality"], truth["districts"], truth["period"]
    short = m.removesuffix(" kommun")
    title = _title(truth, c["title"], m)
    document.add_heading(title, level=0)
    if c["municipality"] == "subtitle":
        document.add_paragraph(m, style="Subtitle")
    facts = [("Kommun", short)] if c["municipality"] == "label" else []
    if c["districts"] == "label":
        facts.append((rng.choice(["Stadsdelar", "Stadsdel(ar)", "Område"]), ", ".join(d)))
    adopted = truth["adopted"] if rng.random() < 0.5 else swedish_date(truth["adopted"])
    if c["facts"] != "prose":
        facts += [(rng.choice(["Planperiod", "Period", "Giltighetstid"]), f"{p['start']}–{p['end']}"),
                  (rng.choice(["Antagen", "Beslutad", "Antagen av kommunfullmäktige", "Fastställd"]), adopted),
                  (rng.choice(["Dnr", "Diarienummer"]), truth["reference"])]
    if facts and c["facts"] == "cover":
        table = document.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for key, value in facts:
            row = table.add_row().cells
            row[0].text, row[1].text = key, value
    else:
        for key, value in facts:
            document.add_paragraph(f"{key}: {value}")
    intro = _intro(c, truth)
    document.add_paragraph(intro)
    if c["districts"] == "prose":
        document.add_paragraph(f"Planen omfattar stadsdelarna {_and(d)}." if len(d) > 1
                               else f"Planen omfattar stadsdelen {d[0]}.")
    elif c["districts"] == "bullets":
        document.add_paragraph("Berörda stadsdelar:")
        for name in d:
            document.add_paragraph(name, style="List Bullet") if c["lists"] else document.add_paragraph(f"• {name}")

    def heading(text: str, number: int) -> None:
        if c["headings"] == "bold":
            document.add_paragraph().add_run(text).bold = True
        else:
            document.add_heading(f"{number}. {text}" if c["headings"] == "numbered" else text, level=1)

    heading("Bakgrund", 0) if c["headings"] != "numbered" else document.add_heading("Bakgrund", level=1)
    for _ in range(rng.randint(1, 3)):
        document.add_paragraph(" ".join(rng.sample(FILLER, 3)))
    count = 0
    for n, (area, goals) in enumerate(truth["goals"].items(), start=1):
        heading(rng.choice(HEADINGS[area]), n)
        document.add_paragraph(rng.choice(FILLER))
        if c["goals"] == "prose":
            document.add_paragraph("Partnerskapet har enats om följande mål. " + " ".join(f"{g}." for g in goals))
        for g in goals if c["goals"] != "prose" else []:
            count += 1
            if c["lists"] and c["goals"] in ("bullets", "numbers"):  # Word's own list: the marker is numbering
                document.add_paragraph(f"{g}.", style="List Bullet" if c["goals"] == "bullets" else "List Number")
                continue
            marker = {"bullets": "•", "numbers": f"{count}.", "mal": f"Mål {count}:", "malsattning": "Målsättning:"}
            document.add_paragraph(f"{marker[c['goals']]} {g}.")
        rows = [i for i in truth["indicators"] if i["area"] == area]
        if rows and c["area_in"] == "section":
            _docx_table(document, _indicator_cells(rows, c, rng)[1])
    if truth["indicators"] and c["area_in"] == "column":
        heading("Indikatorer och uppföljning", len(truth["goals"]) + 1)
        _docx_table(document, _indicator_cells(truth["indicators"], c, rng)[1])
    k = truth["contact"]
    named, phone = k["name"] + (f", {k['title']}" if k["title"] else ""), k["phone"]
    if c["contact"] == "labelled":
        document.add_paragraph(f"Kontaktperson: {named}, {k['email']}" + (f", {phone}" if phone else ""))
    elif c["contact"] == "unlabelled":
        document.add_paragraph(named)
        document.add_paragraph(k["email"] + (f" | {phone}" if phone else ""))
    else:
        document.add_paragraph(f"Frågor besvaras av {named}" + (f", telefon {phone}" if phone else "")
                               + f", e-post {k['email']}.")
    if c["running"]:
        head = document.sections[0].header.paragraphs[0]
        head.text = f"{rng.choice([title, m])} {p['start']}–{p['end']}"
        head.runs[0].font.size = Pt(8)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _docx_table(document: Any, cells: list[list[str]]) -> None:
    table = document.add_table(rows=len(cells), cols=len(cells[0]))
    table.style = "Table Grid"
    for r, values in enumerate(cells):
        for k, value in enumerate(values):
            table.rows[r].cells[k].text = value
    document.add_paragraph()


def draw_word(rng: random.Random) -> tuple[str, dict[str, Any], bytes, dict[str, Any]]:
    """One plan written in Word: (kind, choices, .docx, expected fields); :func:`word_pdfs` makes the PDFs."""
    truth, choices = drawn_plan(rng, word_choices)
    return "district_plan", choices, plan_docx(truth, choices, rng), truth


def word_pdfs(documents: list[bytes]) -> list[bytes]:
    """The .docx files as PDF through real LibreOffice (Kansli's own conversion), in one start."""
    import tempfile
    from pathlib import Path

    from kansli.convert import to_pdf

    with tempfile.TemporaryDirectory() as tmp:
        pdfs = to_pdf({f"{n}.docx": d for n, d in enumerate(documents)}, Path(tmp) / "profile", timeout=600)
    return [pdfs[f"{n}.docx"] for n in range(len(documents))]
