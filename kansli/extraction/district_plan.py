"""Fields of a strategic district plan (strategisk stadsdelsplan), from label lines, tables and prose."""
from __future__ import annotations

import re
from typing import Any

from .normalize import BULLETS, clean, parse_date, parse_number, split_list
from .pdf import PdfText

AREAS = {
    "arbete": ("arbete", "sysselsättning", "försörjning", "arbetsmarknad"),
    "utbildning": ("utbildning", "skola", "skolan", "lärande"),
    "trygghet": ("trygghet", "trygg", "brottslighet"),
    "tillvaxt": ("tillväxt", "näringsliv", "företagande"),
}
KNOWN_AGENCIES = (
    "Arbetsförmedlingen",
    "Försäkringskassan",
    "Polismyndigheten",
    "Migrationsverket",
    "Skatteverket",
    "Kriminalvården",
)
_MUNICIPALITY = re.compile(r"\b([A-ZÅÄÖ][a-zåäöé]+(?:-[A-ZÅÄÖ][a-zåäöé]+)?) kommun\b")
_YEAR = r"((?:19|20)\d\d)"


def _label(text: str, *labels: str) -> str | None:
    """The rest of the first line that starts with one of ``labels`` followed by ':' or a tab."""
    pattern = r"^\s*(?:" + "|".join(labels) + r")\s*[:\t]\s*(.+)$"
    m = re.search(pattern, text, re.IGNORECASE | re.MULTILINE)
    return m.group(1).strip() if m else None


def municipality(text: str) -> str | None:
    if value := _label(text, "Kommun"):
        return clean(value if value.lower().endswith("kommun") else f"{value} kommun")
    m = _MUNICIPALITY.search(text)
    return m.group(0) if m else None


def districts(text: str) -> list[str]:
    if value := _label(text, r"Stadsdel(?:ar|en|arna)?", r"Stadsdel\(ar\)", "Område"):
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
    for area, keys in AREAS.items():
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
        h = cell.lower()
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


def indicators(pdf: PdfText) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    full = pdf.text
    for page_tables in pdf.tables:
        for table in page_tables:
            if len(table) < 2:
                continue
            header = [" ".join((c or "").split()) for c in table[0]]
            cols = _indicator_columns(header)
            if not cols:
                continue
            for row in table[1:]:
                cells = [" ".join((c or "").split()) for c in row]
                if len(cells) < len(header) or not cells[cols["name"]]:
                    continue
                name, unit = _split_unit(cells[cols["name"]])
                if "unit" in cols and cells[cols["unit"]]:
                    unit = cells[cols["unit"]]
                by = _year(cells[cols["baseline_year"]]) if "baseline_year" in cols else _year(header[cols["baseline"]])
                ty = _year(cells[cols["target_year"]]) if "target_year" in cols else _year(header[cols["target"]])
                found.append({
                    "area": _area_before(full, name),
                    "name": name,
                    "unit": unit,
                    "baseline": {"year": by, "value": parse_number(cells[cols["baseline"]])},
                    "target": {"year": ty, "value": parse_number(cells[cols["target"]])},
                })
    return found


def _area_before(text: str, name: str) -> str | None:
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
    if m := re.search(r"\b0\d{1,3}[- ]\d{2,3}(?: ?\d{2,3}){1,3}\b", window):
        result["phone"] = m.group(0)
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
