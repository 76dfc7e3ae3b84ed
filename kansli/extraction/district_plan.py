"""Fields of a strategic district plan (strategisk stadsdelsplan), from label lines, tables and prose."""
from __future__ import annotations

import re
from typing import Any

from kansli.areas import AREAS
from kansli.names import MUNICIPALITY

from .normalize import BULLETS, clean, parse_date, parse_number, split_list
from .pdf import PdfText

KNOWN_AGENCIES = (
    "Arbetsförmedlingen",
    "Försäkringskassan",
    "Polismyndigheten",
    "Migrationsverket",
    "Skatteverket",
    "Kriminalvården",
)
_YEAR = r"((?:19|20)\d\d)"


def _label(text: str, *labels: str) -> str | None:
    """The rest of the first line that starts with one of ``labels`` followed by ':' or a tab.

    In the document's head (a cover table's rows read as text) the label may stand without a colon.
    """
    pattern = r"^\s*(?:" + "|".join(labels) + r")\s*[:\t]\s*(.+)$"
    if m := re.search(pattern, text, re.IGNORECASE | re.MULTILINE):
        return m.group(1).strip()
    head = "\n".join(text.splitlines()[:40])
    m = re.search(r"^\s*(?:" + "|".join(labels) + r") (\S.{0,80})$", head, re.MULTILINE)
    return m.group(1).strip() if m else None


def municipality(text: str) -> str | None:
    if value := _label(text, "Kommun"):
        return clean(value if value.lower().endswith("kommun") else f"{value} kommun")
    m = MUNICIPALITY.search(text)
    return m.group(0) if m else None


def districts(text: str) -> list[str]:
    if value := _label(text, r"Stadsdel\(ar\)", r"Stadsdel(?:ar|en|arna)?", "Område"):
        return split_list(value)
    m = re.search(
        r"stadsdel(?:arna|en)\s+((?:[A-ZÅÄÖ][\wåäö-]+)(?:(?:,\s*|\s+och\s+)[A-ZÅÄÖ][\wåäö-]+)*)", text
    )
    return split_list(m.group(1)) if m else []


def period(text: str) -> dict[str, int] | None:
    candidates = [_label(text, "Planperiod", "Period", "Giltighetstid"), text]
    for source in candidates:
        if not source:
            continue
        m = re.search(_YEAR + r"\s*(?:[–—-]|till(?: och med)?)\s*" + _YEAR, source)
        if m and int(m[1]) <= int(m[2]):
            return {"start": int(m[1]), "end": int(m[2])}
    return None


def adopted(text: str) -> str | None:
    if value := _label(text, "Beslutad", "Antagen", "Antagen av [a-zåäö]+", "Fastställd", "Beslutsdatum"):
        return parse_date(value)
    m = re.search(r"(?:antagen|antogs|beslutad|fastställd)[^.]{0,80}?(\d{4}-\d\d-\d\d|\d{1,2}\s+\w+\s+\d{4})",
                  text, re.IGNORECASE)
    return parse_date(m.group(1)) if m else None


def reference(text: str) -> str | None:
    if value := _label(text, "Dnr", "Diarienummer", "Diarienr", "Ärendenummer"):
        return clean(value)
    m = re.search(r"\b(?:dnr|diarienummer)\.?\s+([A-ZÅÄÖ]{1,5}[\s-]?\d{4}[/:.-]\d+(?:[/-]\d+)*)", text,
                  re.IGNORECASE)
    return clean(m.group(1)) if m else None


def _area_of_heading(line: str) -> str | None:
    stripped = re.sub(r"^\s*(?:\d+(?:\.\d+)*\.?|[IVX]+\.)\s+", "", line).strip()
    if not stripped or len(stripped) > 60 or stripped.endswith((".", ":", ",")) or stripped[0] in BULLETS:
        return None
    if not stripped[0].isupper():
        return None
    words = stripped.lower()
    for area, keys in ((a.key, a.words) for a in AREAS.values()):
        if any(re.search(rf"\b{k}", words) for k in keys):
            return area
    return None


_GOAL = re.compile(r"^\s*(?:[" + re.escape(BULLETS) + r"]\s+|Mål\s*\d*\s*[:.]\s*|Målsättning\s*[:.]\s*)(.+)$")


def _is_heading(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and len(stripped) < 60 and not stripped.endswith((".", ",")) and (
        bool(re.match(r"^\d+(?:\.\d+)*\.?\s+[A-ZÅÄÖ]", stripped)) or stripped.istitle() and len(stripped.split()) <= 5
    )


def goals(text: str) -> dict[str, list[str]]:
    """Goal sentences under each area's heading: bullets, "Mål 1: …" or "Målsättning: …" lines."""
    result: dict[str, list[str]] = {}
    area: str | None = None
    current: list[str] | None = None
    for line in text.splitlines():
        heading_area = _area_of_heading(line)
        if heading_area:
            area, current = heading_area, None
            result.setdefault(area, [])
            continue
        if area is None:
            continue
        if m := _GOAL.match(line):
            current = [m.group(1)]
            result[area].append(current)  # type: ignore[arg-type]
        elif current is not None and line.strip() and not _is_heading(line) and line[:1] != " " \
                and not re.match(r"^(Indikator|Nyckeltal)", line.strip()):
            if current and not current[-1].rstrip().endswith("."):
                current.append(line)
            else:
                current = None
        else:
            current = None
            if _is_heading(line):
                area = None
    return {a: [g for parts in goals if (g := clean(" ".join(parts)))] for a, goals in result.items() if goals}


def _split_unit(name: str) -> tuple[str, str | None]:
    m = re.match(r"^(.*?)\s*\(([^()]+)\)\s*$", name)
    return (clean(m.group(1)) or name, m.group(2).strip()) if m else (clean(name) or name, None)


def _year(text: str | None) -> int | None:
    m = re.search(_YEAR, text or "")
    return int(m.group(1)) if m else None


def _indicator_columns(header: list[str]) -> dict[str, int] | None:
    cols: dict[str, int] = {}
    for i, cell in enumerate(header):
        h = re.sub(r"\s+(?=[a-zåäö])", "", cell.lower())  # narrow cells break words: "Utgångsl äge"
        if "indikator" in h or "nyckeltal" in h or h in ("mått", "namn"):
            cols.setdefault("name", i)
        elif "enhet" in h:
            cols["unit"] = i
        elif "basår" in h or (("utgångsläge" in h or "bas" in h) and "år" in h.replace("värde", "")):
            cols["baseline_year"] = i
        elif "utgångsläge" in h or "basvärde" in h or "bas" in h or "nuläge" in h:
            cols["baseline"] = i
        elif "målår" in h:
            cols["target_year"] = i
        elif "mål" in h:
            cols["target"] = i
        elif h.strip() == "år":
            cols["baseline_year"] = i
    if "name" not in cols:
        cols["name"] = 0
    return cols if "baseline" in cols and "target" in cols else None


_PROSE_INDICATOR = re.compile(
    r"(?:^|(?<=[.!?]\s))(?P<name>[A-ZÅÄÖ][^.!?]{2,80}?)\s+var\s+(?P<bv>\d+(?:,\d+)?)\s+(?P<unit>procent|%|st|kronor)"
    r"\s+(?:år\s+)?(?P<by>(?:19|20)\d\d)\s+och\s+målet\s+är\s+(?P<tv>\d+(?:,\d+)?)\s+(?:procent|%|st|kronor)"
    r"\s+(?:år\s+)?(?P<ty>(?:19|20)\d\d)", re.MULTILINE)
UNITS = {"procent": "%"}


def prose_indicators(text: str) -> list[tuple[int, dict[str, Any]]]:
    """Indicators written as sentences: "X var 52,1 procent år 2006 och målet är 60 procent år 2010"."""
    found = []
    for m in _PROSE_INDICATOR.finditer(text):
        found.append((m.start(), {
            "area": _area_before(text, None, m.start()),
            "name": clean(m["name"]), "unit": UNITS.get(m["unit"], m["unit"]),
            "baseline": {"year": int(m["by"]), "value": parse_number(m["bv"])},
            "target": {"year": int(m["ty"]), "value": parse_number(m["tv"])},
        }))
    return found


def indicators(pdf: PdfText) -> list[dict[str, Any]]:
    found: list[tuple[int, dict[str, Any]]] = []
    full = pdf.text
    seen: dict[str, int] = {}
    for page_tables in pdf.tables:
        for table in page_tables:
            if len(table) < 2:
                continue
            header = [" ".join((c or "").split()) for c in table[0]]
            cols = _indicator_columns(header)
            if not cols:
                continue
            # Where the table stands in the text: the n-th time its header line occurs.
            # The text layer puts each cell's first line on one line.
            header_line = " ".join(first for c in table[0] if (first := (c or "").split("\n")[0].strip()))
            seen[header_line] = seen.get(header_line, 0) + 1
            table_at = _nth(full, header_line, seen[header_line])
            for row in table[1:]:
                cells = [" ".join((c or "").split()) for c in row]
                if len(cells) < len(header) or not cells[cols["name"]]:
                    continue
                name, unit = _split_unit(cells[cols["name"]])
                if "unit" in cols and cells[cols["unit"]]:
                    unit = cells[cols["unit"]]
                by = _year(cells[cols["baseline_year"]]) if "baseline_year" in cols else _year(header[cols["baseline"]])
                ty = _year(cells[cols["target_year"]]) if "target_year" in cols else _year(header[cols["target"]])
                found.append((table_at, {
                    "area": _area_before(full, name if table_at < 0 else None, table_at),
                    "name": name,
                    "unit": unit,
                    "baseline": {"year": by, "value": parse_number(cells[cols["baseline"]])},
                    "target": {"year": ty, "value": parse_number(cells[cols["target"]])},
                }))
    # Document order: tables by where their header stands, sentences by where they stand.
    ordered = [(p if p >= 0 else len(full), i) for p, i in found] + prose_indicators(full)
    return [i for _, i in sorted(ordered, key=lambda pair: pair[0])]


def _nth(text: str, needle: str, n: int) -> int:
    position = -1
    for _ in range(n):
        position = text.find(needle, position + 1)
        if position < 0:
            return -1
    return position


def _area_before(text: str, name: str | None, position: int = -1) -> str | None:
    """The area of the last heading before ``position`` (or before ``name``'s first occurrence)."""
    if name is not None:
        position = text.find(name)
    area = None
    for line_match in re.finditer(r"^.*$", text[: position if position >= 0 else 0], re.MULTILINE):
        if heading_area := _area_of_heading(line_match.group()):
            area = heading_area
    return area


def contact(text: str) -> dict[str, str | None]:
    result: dict[str, str | None] = {"name": None, "title": None, "email": None, "phone": None}
    block = _label(text, "Kontaktperson", "Kontakt")
    if block:
        parts = [p for p in (clean(x) for x in block.split(",")) if p]
        if parts and "@" not in parts[0] and not re.search(r"\d", parts[0]):
            result["name"] = parts[0]
        if len(parts) > 1 and "@" not in parts[1] and not re.search(r"\d{3}", parts[1]):
            result["title"] = parts[1]
    start = text.find(block) if block else 0
    window = text[max(start, 0): max(start, 0) + 400] if block else text
    if m := re.search(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", window):
        result["email"] = m.group(0).rstrip(".")
    if m := re.search(r"\b0\d{1,3}(?:-\s?|\s)\d{2,3}(?:\s?\d{2,3}){1,3}\b", window):  # may wrap, even after "-"
        result["phone"] = re.sub(r"-\s+", "-", " ".join(m.group(0).split()))
    return result


def agencies(text: str) -> list[str]:
    found = {a for a in KNOWN_AGENCIES if a.lower() in text.lower()}
    if re.search(r"\b(polisen|polismyndighet)", text, re.IGNORECASE):
        found.add("Polismyndigheten")
    return sorted(found)


def extract(pdf: PdfText) -> tuple[dict[str, Any], list[str]]:
    text = pdf.text
    fields: dict[str, Any] = {
        "municipality": municipality(text),
        "districts": districts(text),
        "period": period(text),
        "adopted": adopted(text),
        "reference": reference(text),
        "goals": goals(text),
        "indicators": indicators(pdf),
        "contact": contact(text),
        "agencies": agencies(text),
    }
    warnings = [
        f"Fältet {name} hittades inte i dokumentet."
        for name in ("municipality", "districts", "period", "adopted", "reference")
        if fields[name] in (None, [], {})
    ]
    return fields, warnings
