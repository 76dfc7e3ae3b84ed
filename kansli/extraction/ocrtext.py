"""What OCR makes of a plan's characters, put right where that is safe.

Tesseract reads a bullet as whatever glyph it resembles ("e", "o", "©", "«", "»", "°", "*" …), a digit
among digits now and then as a letter ("6l,7", "2O08"), "@" as "Q", "©" or "&" (or not at all), and an en
dash as a hyphen. A bullet at a line's start becomes "•" again (the document model's list marker); a number
or an e-mail address is repaired only where its shape leaves no doubt, and every repaired word is named, so
that its field's confidence says so.
"""
from __future__ import annotations

import json
import re
from itertools import takewhile
from typing import Any

from pdfminer.fontmetrics import FONT_METRICS

# A line-start glyph that stands for a bullet: a symbol (or two: "»«", ".«") before any word, or a lone "e"/"o" (not Swedish
# words) before a name or a sentence (a capital, then nothing or a small letter: not a table's header of
# capitalised words); "»" only where no "»" closes a quotation later in the line.
_MARKER = re.compile(r"^(\s*)(?:[©®«°¢*+•·◦▪■□●○➢>~.,]|»(?!.*»)|[©®«»°¢*+•·◦▪■□●○➢>~.,]{2}"
                     r"|[eoO](?=\s+[A-ZÅÄÖ]\S*(?:$|\s+[a-zåäö\d])))\s+(?=\S)")
# A bullet glyph set close before an item's first word ("«En nationell samordnare …"): a symbol no word
# starts with, or "«" that no "»" closes later in the line.
_GLUED_MARKER = re.compile(r"^(\s*)(?:[©®°¢•·◦▪■□●○➢]|«(?![^\n]*»))(?=[A-ZÅÄÖ][a-zåäö])")
# The paragraph sign of a statute reference read as "8", "S" or "$": "13 8 förordningen (2008:348)".
_SECTION = re.compile(r"(?<![\d,.])(\d{1,3}) [8S$](?= (?:första |andra |tredje |fjärde )?(?:stycket )?"
                      r"(?:förordningen|lagen)\b)")
# A number with letters among its digits: "6l,7", "2O08", "l5" (a digit at least, nothing else around it).
_NUMBER = re.compile(r"(?<![\w@.,])(?=[\dOolI]*\d)(?=[\dOolI,.]*[OolI])[\dOolI]+(?:,[\dOolI]+)?(?![\w@])")
_DIGIT = str.maketrans("OolI", "0011")
# A thousands' space read as a full stop ("per 1.000 invånare"): Swedish writes neither thousands nor decimals
# with one. Not a phone number's, a date's or a reference's parts (a leading 0, or more digits or marks around).
_THOUSANDS = re.compile(r"(?<![\d.,/:-])([1-9]\d{0,2})\.(\d{3})(?![\d.,/:-])")
# The "I" that starts a Government Offices' reference read as "1" or "l": "1J2008/122/IU" is "IJ2008/122/IU".
_REFERENCE_I = re.compile(r"(?<![\w/])[1l]([A-ZÅÄÖ][a-zåäö]?\d{4}/\d+/[A-ZÅÄÖ]+)\b")
# "år" (years) after a figure whose ring OCR lost: "20–64 ar". No Swedish word "ar" follows a figure.
_YEARS = re.compile(r"(?<![\w,.])(\d+)(\s+)ar\b")
# A figure alone on its line (a table cell) whose sevens OCR read as "T" ("TT", "T3,5"): no word is all T's
# and digits.
_SEVENS = re.compile(r"^(?=[\dT,]*T)[\dT]+(?:,[\dT]+)?$", re.MULTILINE)
# "%" as Tesseract reads it, alone in a cell, in a name's brackets ("(96)", "(9260)", "(92/0)": a unit, never a
# count of one to three digits, nor a year of the 9000s), or between a figure and the words after it.
_PERCENT = re.compile(r"^(?:Yo|yo|Vo|vo|VC|vC|%o|o/o|9\d?/0|0/0)$"
                      r"|(?<=\()(?:Yo|yo|Vo|vo|VC|vC|%o|o/o|0/0|9\d?/0|\d{1,3}|9\d{3})(?=\)$)"
                      # after a decimal figure in prose ("var 52,9 20 år 2009"): no count follows a figure so
                      r"|(?:(?<=\d,\d )|(?<=\d,\d\d ))(?:20|26|96|960|9/0|0/0|Yo|yo|%o|o/o)(?= [a-zåäö])",
                      re.MULTILINE)
# "%" alone in a unit column's cell, where no word beside it helps Tesseract's Swedish model: read as digits
# ("96", "2", "960"), capitals ("NY", "HN", "N"), "Yo" or a quotation mark. No unit is written so; the
# capitals of a currency are.
_LONE_PERCENT = re.compile(r"^(?:\d{1,3}|9\d{3}|9\d?/0|[A-ZÅÄÖ]{1,3}|[YyVv][oOcC]|%o|o/o|[”“\"'°]{1,2})$")
_CURRENCIES = frozenset({"SEK", "KR", "TKR", "MKR", "EUR"})
# A range of numbers: OCR reads its en dash as a hyphen, at times with a space or a line's end after it ("20- 64
# år", a narrow cell's "20-" over "64 år"). Not a phone number's ("08-123 45"), which starts with 0, nor a date's
# ("2009-01-20"), which goes on with another hyphen.
_RANGE = re.compile(r"(?<![\w-])([1-9]\d{0,3})-[ \n]?(\d{1,4})(?![\w-])")
# A speck read as a full stop or a comma between a phone number's groups ("020-371 44.15"): Swedish numbers are
# grouped by spaces, and a sentence's full stop has a space after it. After a group a space apart only: "kl.
# 08-16.30" is a time.
_PHONE_SPECK = re.compile(r"(?<![\w.,-])(0\d{1,3}-\d{2,3}(?: \d{2,3})+)[.,](\d{2,3})(?![\d.,])")
# A figure alone in a table's cell whose decimal comma OCR read as a slash or left out ("34/2", "44 6"): a
# cell holds no fraction or date of so few digits, nor two figures a space apart with one digit after it.
_DECIMAL = re.compile(r"^([1-9]\d{0,2}|0)[/ ](\d)$", re.MULTILINE)
# An e-mail address whose "@" was read as another glyph or two (capitals: "Q", "O", "W", "QQ", "QO", "QÖ", "ÖQ",
# "ÅQ", "AQ"; "©", "®", "&", "(W", "(Q"), or whose name OCR set a space into ("karin .yilmaz@"):
# name[.name]<glyph>domain.tld, where nothing else has capitals or symbols between small letters and a domain.
_EMAIL = re.compile(r"\b([a-z0-9][a-z0-9_-]*(?: ?\.[a-z0-9][a-z0-9_-]*)*) ?\(?[@A-ZÅÄÖ©®&]{1,2} ?"
                    r"([a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:se|nu|com|org|net|eu))\b"
                    # or left out, a space in its place: then only after a name of two parts ("anna.berg") that
                    # is no domain itself
                    r"|(?<![\w.@-])([a-z0-9]+(?:[_-][a-z0-9]+)*\.[a-z0-9]+(?:[._-][a-z0-9]+)*)"
                    r"(?<!\.se)(?<!\.nu)(?<!\.com)(?<!\.org)(?<!\.net)(?<!\.eu) "
                    r"([a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:se|nu|com|org|net|eu))\b")


def list_marker(line: str) -> str:
    """The line with an OCR'd bullet at its start written as "• "."""
    return _GLUED_MARKER.sub(r"\1• ", _MARKER.sub(r"\1• ", line, count=1), count=1)


def lost_markers(lines: list[str]) -> list[str]:
    """``lines`` with the bullet OCR dropped put back: a line that starts with a capital between two list
    items (blank lines aside) is one too. (The last item of a list cannot be told from what follows it.)"""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    out = list(lines)
    for before, i, after in zip(filled, filled[1:], filled[2:], strict=False):
        if lines[before].lstrip().startswith("• ") and lines[after].lstrip().startswith("• ") \
                and lines[i].lstrip()[:1].isupper():
            out[i] = "• " + lines[i].lstrip()
    return out


def indented_markers(lines: list[tuple[str, float, float | None]]) -> list[str]:
    """The texts of a region's ``lines`` (text, left edge, left edge of its second word) with the bullets OCR
    dropped put back where the place shows them: a line starting with a capital (a sentence or a name) next to
    a list item, standing where that item's text starts after its bullet (compared with its neighbour only: a
    scan turned a little moves the margin down the page)."""
    texts = [text for text, _, _ in lines]
    starts: list[float | None] = [second if list_marker(text).lstrip().startswith("• ") else None
                                  for text, _, second in lines]
    for order in (range(len(lines)), range(len(lines) - 1, -1, -1)):
        for i in order:
            text, x0, _ = lines[i]
            if starts[i] is not None or not text[:1].isupper() or not (text.rstrip().endswith(".")
                                                                        or len(text.split()) <= 4):
                continue  # a list item is a sentence or a name, not a table's row
            for k in (i - 1, i + 1):
                start = starts[k] if 0 <= k < len(lines) else None
                if start is not None and abs(x0 - start) <= 2.5 and lines[k][1] <= x0 - 4:
                    texts[i], starts[i] = "• " + text, x0
                    break
    return texts


# What is left of a ruling line, or a speck, beside a cell's words: a mark alone on a line of the cell, one
# glued before a word ("<Öppet", "<:Förvärvsfrekvens"), one a space after the last ("stadsdelen ="), a dash PDF cannot name.
_STRAY = re.compile(r"^[<>=|_~—–'’‘`-]+$\n?|^[<>=|_~—–-]+:? ?(?=[^\W\d_])| +[<>=|_~—–'’‘`-]+:?$| ?\(cid:\d+\)", re.MULTILINE)


def first_letter_width(chars: list[dict[str, Any]]) -> float:
    """The width of the first letter of a line of OCR's characters (in order), as its share of its word's box.

    OCR's text layer knows a word's box, not its letters': it spreads the box evenly over the word and the space
    after it. The letters' shares are taken from Helvetica's widths (an "m" is three times an "f"), near
    enough for the sans and serif faces plans are set in."""
    word = list(takewhile(lambda c: not c["text"].isspace(), chars))
    if not word:
        return 0.0
    box = chars[len(word)]["x1"] if len(word) < len(chars) else word[-1]["x1"]
    shares = [_HELVETICA.get(c["text"], _AVERAGE) for c in word]
    return float((box - word[0]["x0"]) * shares[0] / sum(shares))


_HELVETICA = FONT_METRICS["Helvetica"][1]
_AVERAGE = _HELVETICA["n"]


def without_marks(chars: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """OCR's characters of a cell (in its order) without the words that are only marks a ruling line left
    (:data:`_MARKS`), nor such marks glued before a word's letters ("<ebrott"): before a word broken over the
    cell's lines is joined, its line must end, and the next start, in the word."""
    out: list[dict[str, Any]] = []
    word: list[dict[str, Any]] = []

    def close() -> bool:
        """Whether the word was kept (its space after it with it), without the marks glued before its letters."""
        kept = not word or not all(c["text"] in _MARKS for c in word)
        if word and kept:
            marks = len(list(takewhile(lambda c: c["text"] in _MARKS, word)))
            out.extend(word[marks:] if word[marks]["text"].isalpha() else word)
        word.clear()
        return kept

    for char in chars:
        if word and (char["x0"] < word[-1]["x0"] or abs(char["top"] - word[-1]["top"]) > 3):
            close()  # (a line's end: OCR's layer has no space there)
        if not char["text"].isspace():
            word.append(char)
        elif close():
            out.append(char)
    close()
    return out


_MARKS = frozenset("<>=|_~—–-:'’‘`")


def cell(text: str) -> str:
    """An OCR'd table cell without the stray marks beside its words (:data:`_STRAY`)."""
    return _STRAY.sub("", text).strip("\n")


def unit_cell(text: str) -> str:
    """An OCR'd unit column's cell, "%" where it is that sign misread (:data:`_LONE_PERCENT`)."""
    bare = text.strip()
    return "%" if _LONE_PERCENT.match(bare) and bare not in _CURRENCIES else text


def repair(text: str, cell: bool = False) -> tuple[str, set[str]]:
    """``text`` with its list markers, numbers, "%" signs, references and e-mail addresses put right (the
    patterns above), and the words repaired. ``cell``: the text is a table's cell, where a figure's decimal
    comma may have been misread (:data:`_DECIMAL`; on a page's own line "3/9" is a page number)."""
    repaired: set[str] = set()

    def number(m: re.Match[str]) -> str:
        fixed = m.group(0).translate(_DIGIT)
        if sum(c.isdigit() for c in m.group(0)) * 2 < sum(c.isalnum() for c in m.group(0)):
            return m.group(0)  # mostly letters: a word, not a number
        repaired.add(fixed)
        return fixed

    def sevens(m: re.Match[str]) -> str:
        fixed = m.group(0).replace("T", "7")
        repaired.add(fixed)
        return fixed

    def email(m: re.Match[str]) -> str:
        fixed = f"{(m.group(1) or m.group(3)).replace(' ', '')}@{m.group(2) or m.group(4)}"
        if fixed != m.group(0):
            repaired.add(fixed)
        return fixed

    def percent(m: re.Match[str]) -> str:
        repaired.add("%")
        return "%"

    def thousands(m: re.Match[str]) -> str:
        fixed = f"{m.group(1)} {m.group(2)}"
        repaired.add(fixed)
        return fixed

    def reference(m: re.Match[str]) -> str:
        fixed = "I" + m.group(1)
        repaired.add(fixed)
        return fixed

    def years(m: re.Match[str]) -> str:
        repaired.add(f"{m.group(1)} år")
        return f"{m.group(1)}{m.group(2)}år"

    def phone(m: re.Match[str]) -> str:
        fixed = f"{m.group(1)} {m.group(2)}"
        repaired.add(fixed)
        return fixed

    def decimal(m: re.Match[str]) -> str:
        fixed = f"{m.group(1)},{m.group(2)}"
        repaired.add(fixed)
        return fixed

    lines = lost_markers([list_marker(_PERCENT.sub(percent, line)) for line in text.split("\n")])
    text = _SECTION.sub(r"\1 §", "\n".join(lines))
    text = _YEARS.sub(years, _REFERENCE_I.sub(reference, text))
    text = _THOUSANDS.sub(thousands, _SEVENS.sub(sevens, _NUMBER.sub(number, text)))
    text = _PHONE_SPECK.sub(phone, _DECIMAL.sub(decimal, text) if cell else text)
    return _RANGE.sub(r"\1–\2", _EMAIL.sub(email, text)), repaired


#: How sure a value read through OCR can be at most; one whose structure OCR's layout had to give (a list
#: under a heading told by its space, a table's cells told by aligned words); and one with a repaired word.
RECOGNISED, LAID_OUT, REPAIRED = 0.85, 0.75, 0.6
#: The fields read from such structure: a plan's goals and indicators, a follow-up's values.
FROM_LAYOUT = frozenset({"goals", "indicators", "values"})


def doubted(fields: dict[str, Any], confidence: dict[str, float], repaired: frozenset[str]) -> dict[str, float]:
    """``confidence`` for a document read through OCR: no value surer than :data:`RECOGNISED`, one read from
    layout (:data:`FROM_LAYOUT`: a dropped row or a list cut short leaves no trace) below the review's 0.8,
    and one that holds a repaired word no surer than :data:`REPAIRED`."""
    forms = [(w, re.compile(r"(?<![\w.])" + re.escape(w.replace(",", ".")) + r"(?![\w])")) for w in repaired]
    out = {}
    for name, sure in confidence.items():
        written = json.dumps(fields.get(name), ensure_ascii=False)
        hit = any(word in written or pattern.search(written) for word, pattern in forms)
        out[name] = min(sure, REPAIRED if hit else LAID_OUT if name in FROM_LAYOUT else RECOGNISED)
    return out
