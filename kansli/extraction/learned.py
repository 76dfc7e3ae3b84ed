"""Labels learned from drafters' corrections: finding them in a corrected document, using them in the next.

Each municipality writes its plan its own way; where a drafter corrects a field and the corrected value
stands in the document's text, the words before it on its line (or, for a value standing alone, the line
above it: a stacked label or a column's header) are what that municipality calls the field. The next plan
from the same municipality is read with those labels as candidates. Pure functions of text and plain data,
so the budgeted child that reads a PDF gets them as arguments.
"""
from __future__ import annotations

import re
from typing import Any

from .normalize import _ISO, _SWEDISH, clean, parse_date, split_list

#: The fields a label can be learned for, as paths into the plan's fields.
FIELDS = ("reference", "adopted", "districts", "contact.name", "contact.title", "contact.email", "contact.phone")

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"\b0\d{1,3}(?:-\s?|\s)\d{2,3}(?:\s?\d{2,3}){1,3}\b")
_MAX_WORDS = 6

Learned = dict[str, list[str]]  # field path → labels, for one municipality


def value_at(fields: dict[str, Any], path: str) -> Any:
    """The value at ``path`` ("contact.name") in a plan's fields."""
    head, _, rest = path.partition(".")
    value = fields.get(head)
    return value.get(rest) if rest and isinstance(value, dict) else (None if rest else value)


def _where(line: str, path: str, value: Any) -> int | None:
    """Where ``value`` starts in ``line`` (single-spaced), as the document writes it (a date in any form)."""
    if path == "adopted":
        for pattern in (_ISO, _SWEDISH):
            for m in pattern.finditer(line):
                if parse_date(m.group()) == value:
                    return m.start()
        return None
    if path == "districts":
        if not value or not all(name.casefold() in line.casefold() for name in value):
            return None
        return line.casefold().find(value[0].casefold())
    found = line.casefold().find(" ".join(str(value).split()).casefold())
    return None if found < 0 else found


def _label_words(words: str) -> str | None:
    """Words that can be a label: letters, a few of them, no value of their own."""
    label = " ".join(words.strip().rstrip(":\t ").split())
    if not label or len(label.split()) > _MAX_WORDS or not re.search(r"[A-Za-zÅÄÖåäö]", label):
        return None
    if re.search(r"\d|@", label):
        return None
    return label


def label_for(text: str, path: str, value: Any) -> str | None:
    """The label that stands before ``value`` in ``text``: the words before it on its line, or the line
    above where the value stands alone. None where the value is not in the text or nothing label-like is."""
    if value in (None, "", []) or path not in FIELDS:
        return None
    lines = [" ".join(line.split()) for line in text.splitlines()]
    for i, line in enumerate(lines):
        at = _where(line, path, value)
        if at is None:
            continue
        if before := line[:at].strip():
            if label := _label_words(before):
                return label
            continue
        above = next((lines[j] for j in range(i - 1, -1, -1) if lines[j].strip()), "")
        if label := _label_words(above):
            return label
    return None


def _parse(path: str, raw: str) -> Any:
    if path == "adopted":
        return parse_date(raw)
    if path == "districts":
        return split_list(raw) or None
    if path == "contact.email":
        return m.group(0).rstrip(".") if (m := _EMAIL.search(raw)) else None
    if path == "contact.phone":
        return re.sub(r"-\s+", "-", " ".join(m.group(0).split())) if (m := _PHONE.search(raw)) else None
    if path in ("contact.name", "contact.title"):
        return clean(raw.split(",")[0])
    return clean(raw)


def find(text: str, learned: Learned) -> dict[str, Any]:
    """Each learned field's value under one of its labels: after the label on its line, or on the next
    line where the label stands alone. The first label that yields a value wins."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    found: dict[str, Any] = {}
    for path, labels in learned.items():
        for label in labels:
            pattern = re.compile(r"^" + r"\s+".join(map(re.escape, label.split())) + r"\s*:?\s*(.*)$", re.IGNORECASE)
            for i, line in enumerate(lines):
                if not (m := pattern.match(line)):
                    continue
                rest = m.group(1) or next((lines[j] for j in range(i + 1, len(lines)) if lines[j].strip()), "")
                if (value := _parse(path, rest)) is not None:
                    found[path] = value
                    break
            if path in found:
                break
    return found
