"""Fields of a local partnership's follow-up report (uppföljning, lägesrapport, årsrapport).

The facts are read as a plan's are (label lines, title, prose); the reported values from tables whose
header meaning is read from its words, in any column order, with the year in a column of its own or a
column per year, or from sentences ("Förvärvsfrekvens 20–64 år var 57,3 procent år 2009").
"""
from __future__ import annotations

import re
from typing import Any

from .district_plan import (
    _NAMES,
    GUESSED,
    INHERITED,
    JOINED,
    LABELLED,
    MISSING,
    NO_UNIT,
    PROSE,
    TITLED,
    Found,
    _area_before,
    _area_headings,
    _area_of_cell,
    _headings,
    _label,
    _split_unit,
    headed_rows,
    municipality,
    reference,
    title,
    unit,
)
from .district_plan import (
    districts as plan_districts,
)
from .normalize import clean, parse_date, parse_number, split_list
from .pdf import PdfText

_YEAR = r"((?:19|20)\d\d)"
#: Header words in this order: "Målområde" is an area, "Måttenhet" a unit, "Uppnått värde" a value.
_COLUMNS = (("area", r"område"), ("unit", r"enhet"), ("name", r"indikator|nyckeltal|mått|^namn"),
            ("year", r"^[åa]r$|^period$|^avser år$"), ("value", r"utfall|värde|resultat"))
_YEAR_COLUMN = re.compile(r"^(?:(?:utfall|värde|resultat)\s+)?" + _YEAR + r"$")


def year(pdf: PdfText) -> Found:
    """The year reported on: under a label, in the title, or in "för år 2009"."""
    if value := _label(pdf.text, "Uppföljningsår", "Avser år", "Redovisningsår", "Verksamhetsår"):
        if m := re.search(_YEAR, value):
            return int(m.group(1)), LABELLED
    if m := re.search(_YEAR + r"\s*$", title(pdf)):
        return int(m.group(1)), TITLED
    m = re.search(r"\b(?:för|under|avser)\s+(?:år\s+)?" + _YEAR + r"\b", pdf.text, re.IGNORECASE)
    return (int(m.group(1)), PROSE) if m else (None, MISSING)


def districts(pdf: PdfText) -> Found:
    """As a plan's; a title may name them too: "Uppföljningsrapport för Alby och Fittja 2009"."""
    found, sure = plan_districts(pdf)
    if sure >= TITLED:
        return found, sure
    heading = re.sub(r"\s*(?:19|20)\d\d\s*$", "", title(pdf))
    # (a title's "Å" whose ring OCR lost reads "Arsrapport", as the document is classified)
    if m := re.search(r"(?:uppföljning\w*|lägesrapport|[åa]rsrapport)\b.*?\bför\s+" + _NAMES + r"\s*$", heading,
                      re.IGNORECASE):
        return split_list(m.group(1)), TITLED
    return found, sure


def date(text: str) -> Found:
    if value := _label(text, "Datum", "Rapportdatum", loose=("Datum",)):
        return parse_date(value), LABELLED
    head = "\n".join(text.splitlines()[:15])
    return (found, GUESSED) if (found := parse_date(head)) else (None, MISSING)


def _value_columns(header: list[str]) -> dict[str, int] | None:
    """What each column holds, from the header's words; a column headed by a year holds that year's values."""
    cols: dict[str, int] = {}
    for i, cell in enumerate(header):
        h = cell.lower()
        if m := _YEAR_COLUMN.match(h):
            cols[f"y{m.group(1)}"] = i
            continue
        for key, pattern in _COLUMNS:
            if re.search(pattern, h):
                cols.setdefault(key, i)
                break
    has_years = any(k.startswith("y") and k != "year" for k in cols)
    if "name" not in cols or not (has_years or ("year" in cols and "value" in cols)):
        return None
    return cols


def table_values(pdf: PdfText) -> list[tuple[tuple[int, int, float], list[dict[str, Any]], float]]:
    """Each row of a values table: its outcomes (one a year column), where it stands, and how sure it is,
    by the weakest evidence as for a plan's indicators."""
    headings = _area_headings(pdf)
    found = []
    for table, _header, cols, r, cells, carried in headed_rows(pdf, _value_columns):
        above = [area for at, area in headings if at < table.at]
        name, written = _split_unit(cells[cols["name"]])
        column = "unit" in cols and bool(cells[cols["unit"]])
        if column:
            written = cells[cols["unit"]]
        if "area" in cols:
            area, sure = _area_of_cell(cells[cols["area"]]), LABELLED
        else:
            area, sure = (above[-1] if above else None), INHERITED
        if "year" in cols:
            m = re.search(_YEAR, cells[cols["year"]])
            pairs = [(int(m.group(1)) if m else None, cells[cols["value"]])]
        else:
            pairs = sorted((int(k[1:]), cells[i]) for k, i in cols.items() if k.startswith("y") and k != "year")
        values = [{"area": area, "name": name, "unit": unit(written, pdf.ocr and column), "year": y, "value": parse_number(v)}
                  for y, v in pairs if parse_number(v) is not None or y is None]
        evidence = [carried, sure, JOINED if (r, cols["name"]) in table.joined else LABELLED,
                    NO_UNIT if written is None else LABELLED]
        if any(v["year"] is None or v["value"] is None for v in values):
            evidence.append(GUESSED)
        if values:
            found.append((table.at, values, min(evidence)))
    return found


_PROSE_VALUE = re.compile(
    r"(?:^|(?<=[.!?]\s))(?P<name>[A-ZÅÄÖ][^.!?\n]{2,80}?)\s+var\s+(?P<value>\d[\d\s]*(?:,\d+)?)\s+"
    r"(?P<unit>procent|%|st|stycken|kronor|poäng)\s+(?:år\s+)?(?P<year>(?:19|20)\d\d)\b", re.MULTILINE)


def prose_values(text: str, headings: frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    """Outcomes written as sentences, under the area of the heading before them. ``headings``: the lines
    that are headings, which stay lines of their own ("Utfall per indikator" is no part of a sentence)."""
    lines = text.split("\n")
    flat = lines[0]
    for before, line in zip(lines, lines[1:], strict=False):  # a sentence wrapped over lines is joined
        joined = bool(before[-1:].strip() and line[:1].strip()) and before.strip() not in headings
        flat += (" " if joined else "\n") + line
    return [{"area": _area_before(flat, m.start()), "name": clean(m["name"]), "unit": unit(m["unit"]),
             "year": int(m["year"]), "value": parse_number(m["value"])} for m in _PROSE_VALUE.finditer(flat)]


def values(pdf: PdfText) -> Found:
    """Tables first, in document order, then sentences; as sure as the least sure."""
    tables = sorted(table_values(pdf), key=lambda t: t[0])
    prose = prose_values(pdf.text, frozenset(pdf.lines[i].text.strip() for i in _headings(pdf)))
    found = [v for _, row, _ in tables for v in row] + prose
    if not found:
        return [], MISSING
    return found, min([sure for _, _, sure in tables] + [PROSE] * bool(prose))


def extract(pdf: PdfText) -> tuple[dict[str, Any], list[str], dict[str, float]]:
    text = pdf.text
    found: dict[str, Found] = {
        "municipality": municipality(text),
        "year": year(pdf),
        "districts": districts(pdf),
        "reference": reference(text),
        "date": date(text),
        "values": values(pdf),
    }
    fields = {name: value for name, (value, _) in found.items()}
    warnings = [f"Fältet {name} hittades inte i dokumentet." for name, value in fields.items() if value in (None, [])]
    return fields, warnings, {name: confidence for name, (_, confidence) in found.items()}
