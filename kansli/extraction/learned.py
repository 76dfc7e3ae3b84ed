"""Labels learned from drafters' corrections: finding them in a corrected document, using them in the next.

Each municipality writes its plan its own way; where a drafter corrects a field and the corrected value
stands in the document's text, the words before it on its line (or, for a value standing alone, the line
above it: a stacked label or a column's header) are what that municipality calls the field. A corrected
indicator teaches the header of its table's baseline and target columns ("Läget 2007"), an added goal the
heading it stands under ("Säkra stadsdelar" for trygghet). The next plan from the same municipality is read
with those as candidates. Pure functions of text and plain data, so the budgeted child that reads a PDF gets
them as arguments.
"""
from __future__ import annotations

import re
from typing import Any

from kansli.areas import AREAS

from .normalize import _ISO, _SWEDISH, BULLETS, clean, parse_date, split_list

#: The fields a label can be learned for, as paths into the plan's fields.
FIELDS = ("reference", "adopted", "districts", "contact.name", "contact.title", "contact.email", "contact.phone")
#: An indicator table's columns whose header a corrected indicator teaches ("Läget 2007": the baseline).
COLUMNS = ("indicators.baseline", "indicators.target")
#: The areas whose heading a corrected goal teaches ("Säkra stadsdelar": trygghet), as "goals.<area>".
GOALS = "goals."
#: Every path a label is learned for.
PATHS = FIELDS + COLUMNS + tuple(GOALS + key for key in AREAS)

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
        if path not in FIELDS:  # a column header or a heading: the plan's reader uses those (see :func:`taught`)
            continue
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


def _written(value: Any) -> str | None:
    """A number as a Swedish table writes it: "52,1", "727"."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return f"{value:g}".replace(".", ",") if isinstance(value, float) else str(value)


def column_label(text: str, column: dict[str, Any]) -> str | None:
    """The header words of the column a corrected indicator value (``{"year", "value"}``) stands in, where
    the header writes the value's year ("Läget 2007"): the row is the line that holds the value, the header
    the nearest line above it that holds the year, and the label the words before the year there (back to
    the line's start or the column before's year), without the year, which the next plan's table changes."""
    written, year = _written(column.get("value")), column.get("year")
    if written is None or not isinstance(year, int):
        return None
    lines = [" ".join(line.split()) for line in text.splitlines()]
    for i, line in enumerate(lines):
        if not re.search(rf"(?<![\d,]){re.escape(written)}(?![\d,])", line):
            continue
        for above in reversed(lines[max(0, i - 12):i]):
            if not (m := re.search(rf"\b{year}\b", above)):
                continue
            before = re.split(r"\b(?:19|20)\d\d\b", above[:m.start()])[-1]
            return _label_words(before)
    return None


def heading_above(text: str, goal: str) -> str | None:
    """The heading a goal stands under: the nearest line of the 15 above the goal's that starts a paragraph
    and ends a phrase (the next line starts anew), short, and not a sentence; its numbering left out
    ("2. Säkra stadsdelar")."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    start = " ".join(goal.split()[:5]).casefold()
    at = next((i for i, line in enumerate(lines) if start in line.casefold()), 0)
    for j in range(at - 1, max(at - 16, -1), -1):
        line, after = lines[j], lines[j + 1]
        alone = (j == 0 or not lines[j - 1]) and not after[:1].islower()
        if not line or not alone or len(line) > 60 or line.endswith((".", ":", ",", ";")) or line[0] in BULLETS:
            continue
        heading = re.sub(r"^(?:\d+(?:\.\d+)*\.?|[IVX]+\.)\s+", "", line)
        if heading[:1].isupper() and " ska " not in f" {heading} " and _label_words(heading):
            return heading
    return None


def taught(text: str, before: dict[str, Any], after: dict[str, Any]) -> list[tuple[str, str]]:
    """(path, label) for what a correction from ``before`` to ``after`` teaches: the label before each
    corrected field's value, the column header over each corrected indicator's baseline and target, and
    the heading over each goal a drafter added to an area (where the plan's reader did not read them so)."""
    from .district_plan import _area_of_heading, column_of  # here: district_plan reads with what is taught here
    found = [(path, label) for path in FIELDS if (value := value_at(after, path)) != value_at(before, path)
             and (label := label_for(text, path, value))]
    old = before.get("indicators") or []
    for indicator in after.get("indicators") or []:
        if not isinstance(indicator, dict) or indicator in old:
            continue
        for path in COLUMNS:
            column = indicator.get(path.partition(".")[2])
            words = (column_label(text, column) or "").split() if isinstance(column, dict) else []
            while words and column_of(words[0]):  # the header words of the columns before it ("Indikator")
                words.pop(0)
            if words and column_of(" ".join(words)) != path.partition(".")[2]:  # one read already teaches nothing
                found.append((path, " ".join(words)))
    had = before.get("goals") or {}
    for area, goals in (after.get("goals") or {}).items():
        for goal in goals if isinstance(goals, list) else []:
            if isinstance(goal, str) and goal not in had.get(area, []) and (heading := heading_above(text, goal)) \
                    and _area_of_heading(heading) != area:
                found.append((GOALS + area, heading))
    return list(dict.fromkeys(found))
