"""Fields of a government decision (regeringsbeslut) in the Government Offices' layout, like the seed."""
from __future__ import annotations

import re
from typing import Any

from kansli.names import MUNICIPALITY

from .normalize import clean, parse_date
from .pdf import PdfText

REFERENCE = re.compile(r"\b[A-ZÅÄÖ][A-Za-zåäö]?\d{4}/\d+/[A-ZÅÄÖ]+(?:\s*\(delvis\))?")
# "Box 1234", "113 99 Stockholm", "Drottninggatan 21" — or on one line, "Box 1234, 100 00 Stockholm".
_ADDRESS_LINE = re.compile(r"^(?:(?:Box \d+|.+\s\d+[A-Z]?),\s*)?(?:Box \d+|\d{3} ?\d{2}\s+\S+|.+\s\d+[A-Z]?)$")
# Letterhead lines, alone or side by side as a letterhead table's rows come out: "Regeringen Regeringsbeslut 5".
_LETTERHEAD = re.compile(
    r"^Regeringen\b|Regeringsbeslut|departementet\b|^\d{4}-\d\d-\d\d$|^(?:den )?\d{1,2} [a-zåäö]+ \d{4}$", re.IGNORECASE)
_DEPARTMENT = re.compile(r"\b([A-ZÅÄÖ][\w\- ]*?departementet)\b")


def _index(lines: list[str], *names: str) -> int | None:
    for i, line in enumerate(lines):
        if line.strip().lower() in {n.lower() for n in names}:
            return i
    return None


def _paragraphs(lines: list[str]) -> str | None:
    text = "\n".join(line.strip() for line in lines).strip()
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "\n\n".join(paragraphs) or None


def extract(pdf: PdfText) -> tuple[dict[str, Any], list[str]]:
    text = pdf.text
    lines = [line.rstrip() for line in text.splitlines()]
    nonblank = [line.strip() for line in lines if line.strip()]
    head = "\n".join(nonblank[:12])
    department = next((m.group(1) for line in nonblank[:8] if (m := _DEPARTMENT.search(line))), None)
    reference = REFERENCE.search(head) or REFERENCE.search(text)

    i_decision = _index(lines, "Regeringens beslut")
    i_background = _index(lines, "Bakgrund")
    i_identical = _index(lines, "Likalydande till")
    i_copies = _index(lines, "Kopia till")
    i_behalf = _index(lines, "På regeringens vägnar")

    addressee = address = title = None
    if i_decision is not None:
        block = [ln.strip() for ln in lines[:i_decision] if ln.strip() and not _LETTERHEAD.search(ln.strip())]
        block = [ln for ln in block if not REFERENCE.fullmatch(ln)]
        if block:
            addressee = block[0]
            rest = block[1:]
            address_lines = []
            while rest and _ADDRESS_LINE.match(rest[0]):
                address_lines.append(rest.pop(0))
            address = ", ".join(address_lines) or None
            title = clean(" ".join(rest))

    end_of_text = min(i for i in (i_identical, i_copies, len(lines)) if i is not None)
    signatories: list[str] = []
    if i_behalf is not None:
        signatories = [ln.strip() for ln in lines[i_behalf + 1:end_of_text] if ln.strip()][:2]
        end_background = i_behalf
    else:
        tail = [i for i in range(end_of_text) if lines[i].strip()][-2:]
        signatories = [lines[i].strip() for i in tail]
        end_background = tail[0] if tail else end_of_text

    def listed(start: int | None, stop: int | None) -> list[str]:
        if start is None:
            return []
        return [c for ln in lines[start + 1: stop if stop is not None else len(lines)] if (c := clean(ln))]

    fields: dict[str, Any] = {
        "department": department,
        "date": parse_date(head) or parse_date(text),
        "reference": reference.group(0) if reference else None,
        "addressee": addressee,
        "addressee_address": address,
        "identical_to": listed(i_identical, i_copies if (i_copies or 0) > (i_identical or 0) else None),
        "title": title,
        "decision": _paragraphs(lines[i_decision + 1: i_background]) if i_decision is not None and i_background else None,
        "background": _paragraphs(lines[i_background + 1: end_background]) if i_background is not None else None,
        "municipalities": sorted({f"{name} kommun" for name in MUNICIPALITY.findall(text)}),
        "signatories": signatories,
        "copies_to": listed(i_copies, None),
    }
    warnings = [f"Fältet {k} hittades inte i dokumentet." for k, v in fields.items() if v in (None, [], {})]
    return fields, warnings
