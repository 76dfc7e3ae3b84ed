"""Fields of an agency's yearly report under 13 § förordningen (2008:348)."""
from __future__ import annotations

import re
from typing import Any

from kansli.names import MUNICIPALITY

from .district_plan import KNOWN_AGENCIES, _label
from .normalize import clean, parse_date
from .pdf import PdfText

_ITEM = re.compile(r"^\s*(?:\d+[.)]|[•\-–*])\s+(.+)$")


def proposals(text: str) -> list[str]:
    m = re.search(r"^.*Förslag till åtgärder.*$", text, re.MULTILINE | re.IGNORECASE)
    if not m:
        return []
    items: list[list[str]] = []
    for line in text[m.end():].splitlines():
        if not line.strip():
            continue
        if item := _ITEM.match(line):
            items.append([item.group(1)])
        elif items and not items[-1][-1].rstrip().endswith("."):
            items[-1].append(line)
        else:
            break
    return [p for parts in items if (p := clean(" ".join(parts)))]


def extract(pdf: PdfText) -> tuple[dict[str, Any], list[str]]:
    text = pdf.text
    head = "\n".join(text.splitlines()[:10])
    agency = next((a for a in KNOWN_AGENCIES + ("Rikspolisstyrelsen",) if a in head), None) or next(
        (a for a in KNOWN_AGENCIES + ("Rikspolisstyrelsen",) if a in text), None
    )
    year = re.search(r"(?:verksamhetsåret|år|för)\s+((?:19|20)\d\d)\b", text, re.IGNORECASE) or re.search(
        r"^.*(?:rapport|redovisning).*\b((?:19|20)\d\d)\s*$", head, re.IGNORECASE | re.MULTILINE)
    date_label = _label(text, "Datum")
    fields: dict[str, Any] = {
        "agency": agency,
        "year": int(year.group(1)) if year else None,
        "municipalities": list(dict.fromkeys(f"{name} kommun" for name in MUNICIPALITY.findall(text))),
        "reference": clean(_label(text, "Diarienummer", "Dnr", "Diarienr")),
        "date": parse_date(date_label) if date_label else parse_date(head),
        "proposals": proposals(text),
    }
    warnings = [f"Fältet {k} hittades inte i dokumentet." for k, v in fields.items() if v in (None, [], {})]
    return fields, warnings
