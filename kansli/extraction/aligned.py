"""Tables without ruling lines: columns read from how the words line up.

A scan's text layer (OCR) has no ruling lines, so pdfplumber's lattice finder sees no table there, and its
"text" strategy takes any page of prose for one. Here a table is a run of lines that each break into parts
far apart (further than any word space of the line's type), whose words leave the same vertical channels
free from top to bottom: the channels are the column boundaries. Rows are told apart by the extra space a
table puts between them (a wrapped cell's lines stand closer), or where rows are set without it, a line
with words in only some columns continues the row above. Linear in the region's words (after sorting).
"""
from __future__ import annotations

import re
from typing import Any

Word = dict[str, Any]
#: (top, rows of cell strings)
Aligned = tuple[float, list[list[str | None]]]

#: Ruling lines a scan's OCR reads as characters: a word made only of these is a line, not text.
_RULE = re.compile(r"^[|¦\[\]]+$")
#: A gap this many times the type's height parts columns; OCR'd word spaces reach about one height.
_APART = 1.3


def _height(words: list[Word]) -> float:
    heights = sorted(w["bottom"] - w["top"] for w in words)
    return heights[len(heights) // 2] if heights else 0.0


def lines_of(words: list[Word]) -> list[list[Word]]:
    """Words in lines, top to bottom, each left to right; a word joins the line whose middle is level
    with its own (chained, so that a scan turned a little still reads one line at a time)."""
    lines: list[list[Word]] = []
    level = None
    for word in sorted(words, key=lambda w: (w["top"] + w["bottom"]) / 2):
        middle = (word["top"] + word["bottom"]) / 2
        if lines and level is not None and middle - level <= (word["bottom"] - word["top"]) * 0.4:
            lines[-1].append(word)
        else:
            lines.append([word])
        level = middle
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def _apart(line: list[Word]) -> bool:
    """Whether the line breaks into parts further apart than its word spaces."""
    height = _height(line)
    return any(b["x0"] - a["x1"] > height * _APART for a, b in zip(line, line[1:], strict=False))


def _close(above: list[Word], below: list[Word], factor: float) -> bool:
    return below[0]["top"] - above[0]["top"] <= _height(below) * factor


def _blocks(lines: list[list[Word]]) -> list[list[list[Word]]]:
    """Runs of lines that break apart (two at least), near each other, with up to three lines between
    them (a wrapped cell's): candidates, checked against their columns by :func:`_fitting`."""
    blocks: list[list[list[Word]]] = []
    current: list[list[Word]] = []
    between: list[list[Word]] = []
    for line in lines:
        near = bool(current) and _close((between or current)[-1], line, 2.6)
        if _apart(line):
            if near:
                current += between + [line]
            else:
                blocks.append(current)
                current = [line]
            between = []
        elif near and len(between) < 3:
            between.append(line)
        else:
            blocks.append(current)
            current, between = [], []
    blocks.append(current)
    return [b for b in blocks if sum(_apart(line) for line in b) >= 2]


def _fits(line: list[Word], columns: list[tuple[float, float]]) -> bool:
    """Whether every word of ``line`` stands inside one column (none bridges a channel)."""
    return all(any(a - 1 <= w["x0"] and w["x1"] <= b + 1 for a, b in columns) for w in line)


def _columns(block: list[list[Word]]) -> list[tuple[float, float]]:
    """The columns' spans: what the block's words cover, merged across gaps narrower than a column gap."""
    height = _height([w for line in block for w in line])
    spans: list[list[float]] = []
    for x0, x1 in sorted((w["x0"], w["x1"]) for line in block for w in line):
        if spans and x0 - spans[-1][1] <= height * _APART:
            spans[-1][1] = max(spans[-1][1], x1)
        else:
            spans.append([x0, x1])
    return [(a, b) for a, b in spans]


def _rows(block: list[list[Word]], columns: list[tuple[float, float]]) -> list[list[list[Word]]]:
    """The block's lines grouped in rows, by the space between rows, or by lines that fill only some columns."""
    def filled(line: list[Word]) -> set[int]:
        return {_column(w, columns) for w in line}

    steps = [b[0]["top"] - a[0]["top"] for a, b in zip(block, block[1:], strict=False)]
    pitch = min(steps, default=0.0)
    spaced = any(s > pitch * 1.3 for s in steps)
    rows: list[list[list[Word]]] = [[block[0]]]
    for step, line in zip(steps, block[1:], strict=False):
        same = step <= pitch * 1.3 if spaced else len(filled(line)) < len(filled(rows[-1][0]))
        if same:
            rows[-1].append(line)
        else:
            rows.append([line])
    return rows


def _column(word: Word, columns: list[tuple[float, float]]) -> int:
    middle = (word["x0"] + word["x1"]) / 2
    return min(range(len(columns)), key=lambda k: 0 if columns[k][0] <= middle <= columns[k][1]
               else min(abs(middle - columns[k][0]), abs(middle - columns[k][1])))


def _extended(block: list[list[Word]], lines: list[list[Word]], columns: list[tuple[float, float]]
              ) -> list[list[Word]]:
    """The block with the lines that stand as close as a cell's lines above and below it and fit its
    columns: a cell's first lines above the rest of its row (set at the bottom), its last lines below."""
    at = {id(line): i for i, line in enumerate(lines)}
    first, last = at[id(block[0])], at[id(block[-1])]
    while first > 0 and _close(lines[first - 1], lines[first], 1.6) and _fits(lines[first - 1], columns):
        first -= 1
    while last + 1 < len(lines) and _close(lines[last], lines[last + 1], 1.6) and _fits(lines[last + 1], columns):
        last += 1
    return lines[first:last + 1]


def tables(words: list[Word]) -> list[Aligned]:
    """The tables among one region's ``words`` (those of ruled tables left out by the caller)."""
    lines = lines_of([w for w in words if not _RULE.match(w["text"])])
    found = []
    for candidate in _blocks(lines):
        columns = _columns(candidate)
        if len(columns) < 2:
            continue
        block = _extended(candidate, lines, columns)
        rows = []
        for row in _rows(block, columns):
            cells: list[list[str]] = [[] for _ in columns]
            for line in row:
                parts: dict[int, list[str]] = {}
                for word in line:
                    if text := word["text"].strip("|¦"):
                        parts.setdefault(_column(word, columns), []).append(text)
                for k, texts in parts.items():
                    cells[k].append(" ".join(texts))
            rows.append([("\n".join(c) if c else None) for c in cells])
        if len(rows) >= 2:
            found.append((block[0][0]["top"], rows))
    return found
