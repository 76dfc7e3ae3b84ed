"""What OCR makes of a plan's characters, put right where that is safe.

Tesseract reads a bullet as whatever glyph it resembles ("e", "o", "©", "«", "»", "°", "*" …), a digit
among digits now and then as a letter ("6l,7", "2O08"), "@" as "Q", "©" or "&", and an en dash as a hyphen. A bullet at a line's
start becomes "•" again (the document model's list marker); a number or an e-mail address is repaired only
where its shape leaves no doubt, and every repaired word is named, so that its field's confidence says so.
"""
from __future__ import annotations

import json
import re
from typing import Any

# A line-start glyph that stands for a bullet: a symbol before any word, or a lone "e"/"o" (not Swedish
# words) before a capital; "»" only where no "»" closes a quotation later in the line.
_MARKER = re.compile(r"^(\s*)(?:[©®«°¢*+•·◦▪■□●○➢>~]|»(?!.*»)|[eoO](?=\s+[A-ZÅÄÖ]))\s+(?=\S)")
# A number with letters among its digits: "6l,7", "2O08", "l5" (a digit at least, nothing else around it).
_NUMBER = re.compile(r"(?<![\w@.,])(?=[\dOolI]*\d)(?=[\dOolI,.]*[OolI])[\dOolI]+(?:,[\dOolI]+)?(?![\w@])")
_DIGIT = str.maketrans("OolI", "0011")
# "%" as Tesseract reads it, alone in a cell or in a name's brackets: never a unit or a value of its own.
_PERCENT = re.compile(r"^(?:Yo|yo|Vo|vo|VC|vC|%o|o/o)$|(?<=\()(?:Yo|yo|Vo|vo|VC|vC|%o|o/o|0/0|96|90|20)(?=\)$)", re.MULTILINE)
# A range of numbers: OCR reads its en dash as a hyphen. Not a phone number's ("08-123 45"), which starts with
# 0, nor a date's ("2009-01-20"), which goes on with another hyphen.
_RANGE = re.compile(r"(?<![\w-])([1-9]\d{0,3})-(\d{1,4})(?![\w-])")
# An e-mail address whose "@" was read as another glyph ("Q", "QA", "©", "®", "&"): name[.name]<glyph>domain.tld,
# nothing else like it.
_EMAIL = re.compile(r"\b([a-z0-9][a-z0-9._-]*[a-z0-9]) ?(?:QA?|©|®|&) ?([a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:se|nu|com|org|net|eu))\b")


def list_marker(line: str) -> str:
    """The line with an OCR'd bullet at its start written as "• "."""
    return _MARKER.sub(r"\1• ", line, count=1)


def repair(text: str) -> tuple[str, set[str]]:
    """``text`` with its list markers, numbers and e-mail addresses put right, and the words repaired."""
    repaired: set[str] = set()

    def number(m: re.Match[str]) -> str:
        fixed = m.group(0).translate(_DIGIT)
        if sum(c.isdigit() for c in m.group(0)) * 2 < sum(c.isalnum() for c in m.group(0)):
            return m.group(0)  # mostly letters: a word, not a number
        repaired.add(fixed)
        return fixed

    def email(m: re.Match[str]) -> str:
        fixed = f"{m.group(1)}@{m.group(2)}"
        repaired.add(fixed)
        return fixed

    def percent(m: re.Match[str]) -> str:
        repaired.add("%")
        return "%"

    lines = [list_marker(_PERCENT.sub(percent, line)) for line in text.split("\n")]
    return _RANGE.sub(r"\1–\2", _EMAIL.sub(email, _NUMBER.sub(number, "\n".join(lines)))), repaired


#: How sure a value read through OCR can be at most, and where a misread character of it was repaired.
RECOGNISED, REPAIRED = 0.85, 0.6


def doubted(fields: dict[str, Any], confidence: dict[str, float], repaired: frozenset[str]) -> dict[str, float]:
    """``confidence`` for a document read through OCR: no value surer than :data:`RECOGNISED`, and one that
    holds a repaired word no surer than :data:`REPAIRED`."""
    forms = [(w, re.compile(r"(?<![\w.])" + re.escape(w.replace(",", ".")) + r"(?![\w])")) for w in repaired]
    out = {}
    for name, sure in confidence.items():
        written = json.dumps(fields.get(name), ensure_ascii=False)
        hit = any(word in written or pattern.search(written) for word, pattern in forms)
        out[name] = min(sure, REPAIRED if hit else RECOGNISED)
    return out
