"""Fields of a strategic district plan (strategisk stadsdelsplan), from label lines, tables and prose."""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from kansli.areas import AREAS
from kansli.names import MUNICIPALITY, municipality_key

from . import learned as learning
from . import ocrtext
from .normalize import BULLETS, clean, parse_date, parse_number, split_list
from .pdf import PdfText, PlacedTable, held_by, pitch

KNOWN_AGENCIES = (
    "Arbetsförmedlingen",
    "Försäkringskassan",
    "Polismyndigheten",
    "Migrationsverket",
    "Skatteverket",
    "Kriminalvården",
)
_YEAR = r"((?:19|20)\d\d)"


#: How sure a value is, by how it was found: under a label or a table header, under a label learned from
#: a drafter's correction of this municipality's plan, in the title, or in prose.
LABELLED, LEARNED, TITLED, PROSE, GUESSED, MISSING = 1.0, 0.95, 0.9, 0.7, 0.4, 0.0
Found = tuple[Any, float]


def _label(text: str, *labels: str, loose: tuple[str, ...] = ()) -> str | None:
    """The rest of the first line that starts with one of ``labels`` followed by ':' or a tab.

    In the document's head (a cover table's rows read as text) a label of ``loose`` may stand without a
    colon, before a value that starts with a capital or a digit.
    """
    # (a colon OCR read twice, or with a speck as a dash: "Diarienummer::-KSN 2007/539")
    pattern = r"^\s*(?:" + "|".join(labels) + r")[ \t]*[:\t][ \t:;,.\-–]*(\S.*)$"
    if m := re.search(pattern, text, re.IGNORECASE | re.MULTILINE):
        return m.group(1).strip()
    return _loose("\n".join(text.splitlines()[:40]), *loose) if loose else None


def _loose(head: str, *labels: str) -> str | None:
    """The rest of the first line of ``head`` that starts with one of ``labels`` and a space, before a
    value that starts with a capital or a digit: a fact in the document's head written without a colon."""
    m = re.search(r"^\s*(?:" + "|".join(labels) + r") ([A-ZÅÄÖ\d].{0,80})$", head, re.MULTILINE)
    return m.group(1).strip() if m else None


def _head(pdf: PdfText) -> str:
    """The document's first 40 lines without the rows of tables of three columns or more: a table's header
    row ("Område Indikator Utgångsläge Målvärde") is not a label and its value. A cover table's rows (label
    and value) stay."""
    wide = [t for page in pdf.tables for t in page if t.rows and len(t.rows[0]) >= 3]
    held = held_by(wide)
    return "\n".join([line.text for line in pdf.lines if not held(line)][:40])


def _row_value(pdf: PdfText, *labels: str) -> str | None:
    """The value cell of a two-column table's row whose first cell is one of ``labels``: a cover table's fact."""
    pattern = re.compile(r"(?:" + "|".join(labels) + r")\s*:?", re.IGNORECASE)
    for table in (t for page in pdf.tables for t in page if t.rows and len(t.rows[0]) == 2):
        for row in table.rows:
            cells = [" ".join((c or "").split()) for c in row]
            if pattern.fullmatch(cells[0]) and cells[1]:
                return cells[1]
    return None


def title(pdf: PdfText) -> str:
    """The first page's largest type, whatever runs above it, all its lines: a long title wraps
    ("Strategisk stadsdelsplan för Bergsjön, Biskopsgården / och Gårdsten"). Its lines are those of its size
    in its region that follow it closely; a line of that size further down is something else."""
    first = [line for line in pdf.lines if line.page == 1 and line.text.strip()]
    if not first:
        return ""
    top = max(first, key=lambda line: line.size)
    lines, last = [top.text], top
    same = top.size * 0.15 if pdf.ocr else 0.5  # OCR measures type by its ink: "och Hyllie" 27 under 30
    for line in first[first.index(top) + 1:]:
        if abs(line.size - top.size) > same or line.region != top.region or line.top - last.top > top.size * 1.6:
            break
        lines.append(line.text)
        last = line
    return " ".join(" ".join(lines).split())


def municipality(text: str) -> Found:
    if value := _label(text, "Kommun", loose=("Kommun",)):
        return clean(value if value.lower().endswith("kommun") else f"{value} kommun"), LABELLED
    named = [m.group(0) for m in MUNICIPALITY.finditer(text)]
    if not named:
        return None, MISSING
    return named[0], (TITLED if len(set(named)) == 1 else GUESSED)  # one municipality named: it is the plan's


_NAMES = r"([A-ZÅÄÖ][\wåäöé-]+(?:(?:,\s*|\s+och\s+)[A-ZÅÄÖ][\wåäöé-]+)*)"


def districts(pdf: PdfText) -> Found:
    """Under a label (with a colon, in a cover table's row, or without a colon in the head), in bullets under
    one, in the title, or in prose. "Område" alone, without a colon outside a cover table, may be a table's
    column header read as text: only 0.7."""
    text = pdf.text
    label = r"(?:Berörda\s+)?(?:Stadsdel\(ar\)|Stadsdel(?:ar|en|arna)?|Område)"
    head = _head(pdf)
    for value, sure in ((_label(text, label), LABELLED), (_row_value(pdf, label), LABELLED),
                        (_loose(head, r"Stadsdel\(ar\)", r"Stadsdel(?:ar|en|arna)?"), LABELLED),
                        (_loose(head, "Område"), PROSE)):
        if value:
            return split_list(value), sure
    if m := re.search(rf"^\s*{label}\s*:\s*\n((?:\s*[{re.escape(BULLETS)}]\s*\S.*\n?)+)", text, re.IGNORECASE | re.MULTILINE):
        return [c for line in m.group(1).splitlines() if (c := clean(line))], LABELLED
    heading = re.sub(r"\s*(?:19|20)\d\d\s*[–-]\s*(?:19|20)\d\d\s*$", "", title(pdf))
    if m := re.search(r"(?:stadsdelsplan|utvecklingsplan)(?:\s+för)?\s+" + _NAMES + r"\s*$", heading, re.IGNORECASE):
        return split_list(m.group(1)), TITLED
    if m := re.search(r"stadsdel(?:arna|en)\s+" + _NAMES, text):
        return split_list(m.group(1)), PROSE
    return [], MISSING


def period(text: str) -> Found:
    for source, confidence in ((_label(text, "Planperiod", "Period", "Giltighetstid"), LABELLED), (text, PROSE)):
        if not source:
            continue
        m = re.search(_YEAR + r"\s*(?:[–—-]|till(?: och med)?)\s*" + _YEAR, source)
        if m and int(m[1]) <= int(m[2]):
            return {"start": int(m[1]), "end": int(m[2])}, confidence
    return None, MISSING


def adopted(text: str) -> Found:
    if value := _label(text, "Beslutad", "Antagen", "Antagen av [a-zåäö]+", "Fastställd", "Beslutsdatum",
                       loose=("Beslutad", "Antagen", "Fastställd")):
        return parse_date(value), LABELLED
    m = re.search(r"(?:antagen|antogs|beslutad|fastställd)[^.]{0,80}?(\d{4}-\d\d-\d\d|\d{1,2}\s+\w+\s+\d{4})",
                  text, re.IGNORECASE)
    return (parse_date(m.group(1)), PROSE) if m else (None, MISSING)


def reference(text: str) -> Found:
    if value := _label(text, "Dnr", "Diarienummer", "Diarienr", "Ärendenummer", loose=("Dnr", "Diarienummer")):
        return clean(value), LABELLED
    m = re.search(r"\b(?:dnr|diarienummer)\.?\s+([A-ZÅÄÖ]{1,5}(?:\s+|-)?\d{4}[/:.-]\d+(?:[/-]\d+)*)", text,
                  re.IGNORECASE)
    return (clean(m.group(1)), PROSE) if m else (None, MISSING)


def _area_of_heading(line: str, learned: dict[str, str] | None = None) -> str | None:
    """The area a heading opens: as a heading this municipality's corrections taught says, or by its words."""
    stripped = re.sub(r"^\s*(?:\d+(?:\.\d+)*\.?|[IVX]+\.)\s+", "", line).strip()
    if not stripped or len(stripped) > 60 or stripped.endswith((".", ":", ",")) or stripped[0] in BULLETS:
        return None
    if learned and (taught := learned.get(" ".join(stripped.casefold().split()))):
        return taught
    if not stripped[0].isupper() or " ska " in f" {stripped.lower()} ":
        return None
    words = stripped.lower()
    for area, keys in ((a.key, a.words) for a in AREAS.values()):
        if any(re.search(rf"\b{k}", words) for k in keys):
            return area
    return None


# (A list number of two digits leaves the tab after it so narrow that the text runs on: "10.Antalet …".)
_GOAL = re.compile(r"^\s*(?:[" + re.escape(BULLETS) + r"]\s+|\d+[.)](?:\s+|(?=[A-ZÅÄÖ][a-zåäö]))"
                   r"|Mål\s*\d*\s*[:.]\s*|Målsättning\s*[:.]\s*)(.+)$")


def _body_size(pdf: PdfText) -> float:
    """The size most of the text is set in, counted by characters: a table of narrow cells, whose words
    break over many short lines of small type, must not pass for the body (its lines would outnumber it).
    OCR measures a line's type by its ink (a line of capitals or of short letters reads smaller, no two lines
    alike): there it is the median size of long lines."""
    if pdf.ocr:
        long = sorted(line.size for line in pdf.lines if len(line.text) >= 30)
        return long[len(long) // 2] if long else 0.0
    sizes = Counter({round(line.size, 1): 0 for line in pdf.lines})
    for line in pdf.lines:
        sizes[round(line.size, 1)] += len(line.text.strip())
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _headings(pdf: PdfText) -> set[int]:
    """Indexes of the lines that are headings: larger or bold type standing alone, or numbered and short in
    the body's type, or (OCR'd) set apart by space — never a table's row ("2011 Indikator 2007", a header
    cell's wrapped line, is no heading)."""
    body = _body_size(pdf)
    # OCR's measured size varies from line to line: a heading must stand out further, and a numbered line's
    # size says nothing
    larger, floor = (body * 1.25, 0.0) if pdf.ocr else (body * 1.12, body * 0.95)
    held = held_by(t for page in pdf.tables for t in page)
    found = set()
    apart = _set_apart(pdf) if pdf.ocr else set()
    for i, line in enumerate(pdf.lines):
        stripped = line.text.strip()
        if not stripped or len(stripped) > 70 or stripped.endswith((".", ",", ";")) or " ska " in f" {stripped} ":
            continue
        if (line.size > larger or line.bold or i in apart or re.match(r"^\d+(?:\.\d+)*\.?\s+[A-ZÅÄÖ]", stripped)
                and len(stripped.split()) <= 6 and line.size >= floor) and not held(line):
            found.add(i)
    return found


def _set_apart(pdf: PdfText) -> set[int]:
    """Indexes of the lines of an OCR'd text that stand alone, with more space above and below than between
    a paragraph's lines, name an area and hold no number but their own: OCR keeps no weight and measures type
    by its ink, so space is what still marks a heading (a single-line paragraph, a table's header or row
    stand alone too, but name no area or hold numbers). The pitch is the body's: a table's rows, set in
    smaller type, step closer, and measured with them a paragraph's own lines stood apart.

    A heading a word processor sets with little space after it (the next line follows at about the pitch) is
    told by the wide space above it and its larger type, though OCR measured it short of :func:`_headings`'
    bar for type alone — or by a space above it wider still: OCR measures type by its ink, and a word without
    descenders ("Arbete") measures no larger than the body."""
    lines = pdf.lines
    held = held_by(t for page in pdf.tables for t in page)
    prose = [line for line in lines if not held(line)]
    steps = sorted(b.top - a.top for a, b in zip(prose, prose[1:], strict=False)
                   if (a.page, a.region) == (b.page, b.region) and b.top > a.top)
    if not steps:
        return set()
    step = pitch(steps)  # a plan of one-line paragraphs ("Mål 1: …") has more gaps than lines in paragraphs
    body = _body_size(pdf)
    found = set()
    for i, line in enumerate(lines):
        above = [n for n in lines[max(i - 1, 0):i] if (n.page, n.region) == (line.page, line.region)]
        below = [n for n in lines[i + 1:i + 2] if (n.page, n.region) == (line.page, line.region)]
        alone = all(abs(n.top - line.top) > step * 1.25 for n in above + below)
        gap = min((line.top - n.top for n in above), default=step * 3)
        raised = gap > step * 2 and (line.size > body * 1.1 or gap > step * 2.5)
        if (alone or raised) and _area_of_heading(line.text) \
                and not re.search(r"\d", re.sub(r"^\s*\d+(?:\.\d+)*\.?\s+", "", line.text)):
            found.add(i)
    return found


def _area_headings(pdf: PdfText, learned: dict[str, str] | None = None
                   ) -> list[tuple[tuple[int, int, float], str | None]]:
    """Where each heading stands and the area it opens (None: a heading of something else)."""
    return [(pdf.lines[i].at, _area_of_heading(pdf.lines[i].text, learned)) for i in sorted(_headings(pdf))]


def goals(pdf: PdfText, learned: dict[str, str] | None = None) -> Found:
    """Goal sentences under each area's heading: marked lines (bullets, numbers, "Mål 1:", "Målsättning:"),
    or, in a section without any, its sentences that say what "ska" happen. An indicator table's rows read as
    text are none of them, and the table ends the goal before it (a scan's heading set close above a table may
    not be told as one, and then the table followed the last goal). Other tables may be a list OCR's aligned
    words made one of: their lines are read."""
    headings = _headings(pdf)
    held = held_by({id(t): t for t, *_ in headed_rows(pdf, _indicator_columns)}.values())
    marked: dict[str, list[list[str]]] = {}
    prose: dict[str, list[str]] = {}
    area: str | None = None
    current: list[str] | None = None
    for i, line in enumerate(pdf.lines):
        text = line.text.strip()
        if i in headings:
            area, current = _area_of_heading(text, learned), None
            continue
        if area is None or not text:
            continue
        if held(line):
            current = None
            continue
        if m := _GOAL.match(text):
            current = [m.group(1)]
            marked.setdefault(area, []).append(current)
        elif current is not None and not current[-1].rstrip().endswith("."):
            current.append(text)
        else:
            current = None
            prose.setdefault(area, []).append(text)
    result: dict[str, list[str]] = {}
    guessed = False
    for key in AREAS:
        if key in marked:
            result[key] = [g for parts in marked[key] if (g := clean(_goal(" ".join(parts), pdf.ocr)))]
        elif key in prose:
            sentences = re.split(r"(?<=[.!?])\s+", " ".join(prose[key]))
            if found := [g for s in sentences if " ska " in f" {s} " and (g := clean(s))]:
                result[key], guessed = found, True
    result = {k: v for k, v in result.items() if v}
    return result, (MISSING if not result else PROSE if guessed else LABELLED)


def _goal(text: str, ocr: bool) -> str:
    """A marked goal's text; OCR reads its full stop as a colon at times, and no goal ends in one."""
    return text.rstrip().removesuffix(":") if ocr else text


def _split_unit(name: str) -> tuple[str, str | None]:
    m = re.match(r"^(.*?)\s*\(([^()]+)\)\s*$", name)
    return (clean(m.group(1)) or name, m.group(2).strip()) if m else (clean(name) or name, None)


def unit(written: str | None, ocr: bool = False) -> str | None:
    """The contract's unit: % for procent, st for antal, otherwise as written; ``ocr``: a unit column's
    cell read from a scan, where a lone "%" comes back as other glyphs (:func:`.ocrtext.unit_cell`)."""
    if not written:
        return None
    if ocr:
        written = ocrtext.unit_cell(written)
    squeezed = "".join(written.lower().split())  # (OCR loses and adds word spaces: "andeli procent")
    if squeezed in ("%", "procent", "andeliprocent", "andel(%)", "procentenheter"):
        return "%"
    if squeezed in ("st", "st.", "antal", "stycken"):
        return "st"
    return written.strip()


def _year(text: str | None) -> int | None:
    m = re.search(_YEAR, text or "")
    return int(m.group(1)) if m else None


_COLUMNS = (  # in this order: "Målområde" is an area, "Måttenhet" a unit, "År utgångsläge" a year
    ("area", r"område"), ("unit", r"enhet"), ("name", r"indikator|nyckeltal|mått|^namn"),
    ("baseline_year", r"basår|utgångsår|år ?utgångs|år ?för ?utgångs|^[åa]r$"), ("target_year", r"målår|år ?för ?mål"),
    ("baseline", r"utgångs|bas|nuläge|startvärde"), ("target", r"mål|önskat|förväntat"),
)


def column_of(cell: str, learned: dict[str, str] | None = None) -> str | None:
    """What a header cell's column holds: as a header this municipality's corrections taught says (its
    words without the year, in any case: "Läget 2008" as "Läget 2007" did), or as the header's words say."""
    h = cell.casefold()
    h_words = " ".join(re.sub(r"\s*\d{4}\s*", " ", h).split())
    if learned and (key := learned.get(h_words)):
        return key
    joined = re.sub(r"\s+(?=[a-zåäö])", "", h)  # narrow cells break words: "Utgångsl äge"
    return next((key for key, pattern in _COLUMNS if re.search(pattern, h_words) or re.search(pattern, joined)), None)


def _indicator_columns(header: list[str], learned: dict[str, str] | None = None) -> dict[str, int] | None:
    """What each column holds, read from the header's words in any order."""
    cols: dict[str, int] = {}
    for i, cell in enumerate(header):
        if key := column_of(cell, learned):
            cols.setdefault(key, i)
    if "name" not in cols:
        cols["name"] = 0
    return cols if "baseline" in cols and "target" in cols else None


def _area_of_cell(text: str) -> str | None:
    words = text.lower()
    return next((a.key for a in AREAS.values() if any(re.search(rf"\b{k}", words) for k in a.words)), None)


def _value(cell: str) -> tuple[float | int | None, int | None]:
    """"61,7 (2006)": the value, and the year in brackets after it."""
    m = re.match(r"^\s*(.*?)\s*\(\s*((?:19|20)\d\d)\s*\)\s*$", cell)
    return (parse_number(m.group(1)), int(m.group(2))) if m else (parse_number(cell), None)


#: How sure an indicator read from a table is, by the weakest evidence behind it (``UNHEADED``: a year
#: taken from a column of years whose header was not read).
INHERITED, JOINED, NO_UNIT, UNHEADED = 0.9, 0.6, 0.7, 0.6


def headed_rows(pdf: PdfText, columns: Callable[[list[str]], dict[str, int] | None]
                ) -> Iterator[tuple[PlacedTable, list[str], dict[str, int], int, list[str], float]]:
    """Each data row of the tables whose header ``columns`` can read (plans' indicators, follow-ups' values):
    the table, its header, the columns, the row's index and cells, and how sure the header is. A table
    broken over a page keeps the header of its first part (then 0.9, carried over)."""
    last: tuple[list[str], dict[str, int]] | None = None  # the table before, which may run on
    for page_tables in pdf.tables:
        for table in page_tables:
            header = [" ".join((c or "").split()) for c in table.rows[0]]
            if cols := columns(header):
                first, carried = 1, LABELLED
            elif last and len(header) == len(last[0]):  # a table broken over a page: its header stands before
                (header, cols), first, carried = last, 0, INHERITED
            else:
                last = None
                continue
            last = header, cols
            for r, row in enumerate(table.rows[first:], start=first):
                cells = [" ".join((c or "").split()) for c in row]
                if len(cells) >= len(header) and cells[cols["name"]]:
                    yield table, header, cols, r, cells, carried


def table_indicators(pdf: PdfText, headings: dict[str, str] | None = None, columns: dict[str, str] | None = None
                     ) -> list[tuple[tuple[int, int, float], dict[str, Any], float]]:
    """Each row of an indicator table, where it stands, and how sure it is: an area or header carried over
    from a heading or the table's first part (0.9), a name whose broken word was joined (a guess, 0.6),
    no unit (0.7), a missing area, year or value (0.4).

    A year the columns do not give is taken from a cell of the row that holds a year alone, in a column whose
    header was not read (a scan's "År utgångsläge" came back "ugångsläge"): the first such for the baseline,
    the next for the target."""
    areas = _area_headings(pdf, headings)
    found = []
    for table, header, cols, r, cells, carried in headed_rows(pdf, lambda h: _indicator_columns(h, columns)):
        above = [area for at, area in areas if at < table.at]
        name, written = _split_unit(cells[cols["name"]])
        column = "unit" in cols and bool(cells[cols["unit"]])
        if column:
            written = cells[cols["unit"]]
        values = {}
        for key in ("baseline", "target"):
            value, year = _value(cells[cols[key]])
            if f"{key}_year" in cols:
                year = _year(cells[cols[f"{key}_year"]]) or year
            values[key] = {"year": year or _year(header[cols[key]]), "value": value}
        unheaded = [int(c) for i, c in enumerate(cells) if i not in cols.values() and re.fullmatch(_YEAR, c)]
        evidence = [carried]
        for key in ("baseline", "target"):
            if values[key]["year"] is None and unheaded:
                values[key]["year"] = unheaded.pop(0)
                evidence.append(UNHEADED)
        if "area" in cols:
            area, sure = _area_of_cell(cells[cols["area"]]), LABELLED
        else:
            area, sure = (above[-1] if above else None), INHERITED
        indicator = {"area": area, "name": name, "unit": unit(written, pdf.ocr and column), **values}
        evidence += [sure, JOINED if (r, cols["name"]) in table.joined else LABELLED,
                     NO_UNIT if written is None else LABELLED]
        if None in (area, values["baseline"]["year"], values["baseline"]["value"],
                    values["target"]["year"], values["target"]["value"]):
            evidence.append(GUESSED)
        found.append((table.at, indicator, min(evidence)))
    return found


_PROSE_INDICATOR = re.compile(
    r"(?:^|(?<=[.!?]\s))(?P<name>[A-ZÅÄÖ][^.!?]{2,80}?)\s+var\s+(?P<bv>\d+(?:,\d+)?)\s+(?P<unit>procent|%|st|kronor)"
    r"\s+(?:år\s+)?(?P<by>(?:19|20)\d\d)\s+och\s+målet\s+är\s+(?P<tv>\d+(?:,\d+)?)\s+(?:procent|%|st|kronor)"
    r"\s+(?:år\s+)?(?P<ty>(?:19|20)\d\d)", re.MULTILINE)


def prose_indicators(text: str) -> list[tuple[int, dict[str, Any]]]:
    """Indicators written as sentences: "X var 52,1 procent år 2006 och målet är 60 procent år 2010"."""
    found = []
    for m in _PROSE_INDICATOR.finditer(text):
        found.append((m.start(), {
            "area": _area_before(text, m.start()),
            "name": clean(m["name"]), "unit": unit(m["unit"]),
            "baseline": {"year": int(m["by"]), "value": parse_number(m["bv"])},
            "target": {"year": int(m["ty"]), "value": parse_number(m["tv"])},
        }))
    return found


def indicators(pdf: PdfText, headings: dict[str, str] | None = None, columns: dict[str, str] | None = None
               ) -> Found:
    """Tables first, in document order, then indicators written as sentences; as sure as the least sure.
    ``headings`` and ``columns``: the area headings and column headers this municipality's corrections taught."""
    tables = sorted(table_indicators(pdf, headings, columns), key=lambda t: t[0])
    prose = prose_indicators(pdf.text)
    found = [i for _, i, _ in tables] + [i for _, i in prose]
    if not found:
        return [], MISSING
    return found, min([sure for _, _, sure in tables] + [PROSE] * bool(prose))


def _area_before(text: str, position: int) -> str | None:
    """The area of the last heading before ``position`` in the text."""
    area = None
    for line_match in re.finditer(r"^.*$", text[:max(position, 0)], re.MULTILINE):
        if heading_area := _area_of_heading(line_match.group()):
            area = heading_area
    return area


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"\b0\d{1,3}(?:-\s?|\s)\d{2,3}(?:\s?\d{2,3}){1,3}\b")  # may wrap, even after "-"
_PERSON = r"([A-ZÅÄÖ][\wåäöé-]+(?: [A-ZÅÄÖ][\wåäöé-]+)+)"


def contact(text: str) -> Found:
    """Under a label ("Kontaktperson: NAME, TITLE, …"), in a sentence ("Frågor besvaras av NAME, TITLE,
    telefon …, e-post …") or as an unlabelled block ("NAME, TITLE" over "EMAIL | PHONE"); any part may be
    left out, and a contact with a part not found is only 0.7: a drafter checks what is missing."""
    result: dict[str, str | None] = {"name": None, "title": None, "email": None, "phone": None}
    confidence = MISSING
    start = -1
    if block := _label(text, "Kontaktperson", "Kontakt"):
        start, confidence = text.find(block), LABELLED
        end = text.find("\n\n", start)  # the label's whole paragraph: a block wraps in a narrow column
        block = " ".join(text[start: end if end >= 0 else None].split()[:40])
        parts = [p for p in (clean(x) for x in block.split(",")) if p]
        if parts and "@" not in parts[0] and not re.search(r"\d", parts[0]):
            result["name"] = parts[0]
        if len(parts) > 1 and "@" not in parts[1] and not re.search(r"\d{3}", parts[1]):
            result["title"] = parts[1]
    elif m := re.search(r"(?:Frågor|Kontakt)[^.\n]{0,40}?\s(?:besvaras|lämnas) av\s+" + _PERSON + r",\s*([^,]{1,60}?),",
                        text, re.IGNORECASE):
        result["name"], result["title"] = clean(m.group(1)), clean(m.group(2))  # the sentence may wrap
        if re.search(r"\d|@|\b(?:telefon|tel|e-post|epost|mejl|mail)\b", m.group(2), re.IGNORECASE):
            result["title"] = None  # no title given: the sentence goes on to the phone or the e-mail
        start, confidence = m.start(), TITLED
    elif email := _EMAIL.search(text):
        before = text[:email.start()].rstrip().rsplit("\n", 2)
        m = re.fullmatch(_PERSON + r",\s*([a-zåäö][\wåäö -]+)", before[-2].strip()) if len(before) > 1 else None
        if m and not before[-1].strip():
            m = None
        if m is None and len(before) > 1:
            m = re.fullmatch(_PERSON + r",\s*([a-zåäö][\wåäö -]+)", before[-1].strip())
        if m:
            result["name"], result["title"] = m.group(1), m.group(2).strip()
            start, confidence = text.find(m.group(0)), 0.8
        elif len(before) > 1 and (m := re.fullmatch(_PERSON, before[-1].strip())):  # a name without a title
            result["name"] = m.group(1)
            start, confidence = text.find(m.group(0)), 0.8
        else:
            start, confidence = email.start(), GUESSED
    window = text[start: start + 400] if start >= 0 else text
    if m := _EMAIL.search(window):
        result["email"] = m.group(0).rstrip(".")
    if m := _PHONE.search(window):
        result["phone"] = re.sub(r"-\s+", "-", " ".join(m.group(0).split()))
    if not (result["email"] or result["name"]):
        return result, MISSING
    return result, min(confidence, PROSE) if None in result.values() else confidence  # a part not found: check it


def agencies(text: str) -> list[str]:
    found = {a for a in KNOWN_AGENCIES if a.lower() in text.lower()}
    if re.search(r"\b(polisen|polismyndighet)", text, re.IGNORECASE):
        found.add("Polismyndigheten")
    return sorted(found)


def _with_learned(found: dict[str, Found], pdf: PdfText, learned: dict[str, learning.Learned] | None) -> None:
    """Values under the labels drafters taught for this municipality win over those found less surely; goals
    and indicators are read again with the headings and column headers taught, and what that changes is
    as sure as a learned label (or less)."""
    name = found["municipality"][0]
    taught = (learned or {}).get(municipality_key(name)) if name else None
    if not taught:
        return
    headings, columns = ({label.casefold(): path.removeprefix(prefix) for path, labels in taught.items()
                          if path.startswith(prefix) for label in labels}
                         for prefix in (learning.GOALS, "indicators."))
    if headings or columns:
        for field, again in (("goals", goals(pdf, headings)), ("indicators", indicators(pdf, headings, columns))):
            if again[0] != found[field][0] and again[0]:
                found[field] = again[0], min(again[1], LEARNED)
    for path, value in learning.find(pdf.text, taught).items():
        head, _, sub = path.partition(".")
        current, sure = found[head]
        if sub:
            if sure < LEARNED or current.get(sub) is None:
                found[head] = {**current, sub: value}, max(sure, LEARNED)
        elif sure < LEARNED:
            found[head] = value, LEARNED


def extract(pdf: PdfText, learned: dict[str, learning.Learned] | None = None
            ) -> tuple[dict[str, Any], list[str], dict[str, float]]:
    """The plan's fields, warnings and confidence. ``learned``: labels taught by drafters' corrections, by
    :func:`~kansli.names.municipality_key` (see :mod:`kansli.extraction.learned`)."""
    text = pdf.text
    found: dict[str, Found] = {
        "municipality": municipality(text),
        "districts": districts(pdf),
        "period": period(text),
        "adopted": adopted(text),
        "reference": reference(text),
        "goals": goals(pdf),
        "indicators": indicators(pdf),
        "contact": contact(text),
        "agencies": (named := agencies(text), LABELLED if named else MISSING),
    }
    _with_learned(found, pdf, learned)
    fields = {name: value for name, (value, _) in found.items()}
    warnings = [
        f"Fältet {name} hittades inte i dokumentet."
        for name in ("municipality", "districts", "period", "adopted", "reference")
        if fields[name] in (None, [], {})
    ]
    return fields, warnings, {name: confidence for name, (_, confidence) in found.items()}
