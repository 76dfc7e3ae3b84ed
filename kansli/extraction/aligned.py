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
from collections import defaultdict
from typing import Any, NamedTuple

Word = dict[str, Any]


class Aligned(NamedTuple):
    bbox: tuple[float, float, float, float]
    rows: list[list[str | None]]
    #: (row, column) of the cells where a word broken over two lines was joined
    joined: frozenset[tuple[int, int]]


#: Words that stand on their own in any Swedish phrase: a line that starts with one was wrapped, not broken.
FUNCTION_WORDS = frozenset("som till sig med per och för från inom under efter mot vid utan eller samt hos "
                           "över enligt mellan bland än att inte".split())

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
    """Whether ``below`` follows ``above`` within ``factor`` times their type's height, baseline to
    baseline (OCR measures a line by its ink, so its top moves with its letters; the taller line counts)."""
    return below[0]["bottom"] - above[0]["bottom"] <= max(_height(above), _height(below)) * factor


def _blocks(lines: list[list[Word]]) -> list[list[list[Word]]]:
    """Runs of lines that break apart (two at least), near each other, with up to four short lines
    between them (a wrapped cell's): candidates, whose columns :func:`tables` then reads."""
    blocks: list[list[list[Word]]] = []
    current: list[list[Word]] = []
    between: list[list[Word]] = []
    for line in lines:
        near = bool(current) and _close((between or current)[-1], line, 2.8)
        if _apart(line):
            if near:
                current += between + [line]
            else:
                blocks.append(current)
                current = [line]
            between = []
        elif near and len(between) < 4 and len(line) <= 5:  # a cell's line is short; a paragraph's ends the run
            between.append(line)
        else:
            blocks.append(current)
            current, between = [], []
    blocks.append(current)
    return [b for b in blocks if sum(_apart(line) for line in b) >= 2]


def _fits(line: list[Word], columns: list[tuple[float, float]]) -> bool:
    """Whether no word of ``line`` reaches into two columns (it may stand out of its own into a channel)."""
    return all(sum(w["x0"] < b and w["x1"] > a for a, b in columns) <= 1 for w in line)


def _columns(block: list[list[Word]]) -> list[tuple[float, float]]:
    """The columns' spans: what the block's words cover, parted where a channel runs free from top to bottom
    and is either wide (wider than any word space) or followed by words that line up (on their left edge,
    or on their right as numbers do) in two lines at least: a narrow table's columns stand closer than an
    OCR'd line's word spaces can."""
    height = _height([w for line in block for w in line])
    spans: list[list[float]] = []
    for x0, x1 in sorted((w["x0"], w["x1"]) for line in block for w in line):
        if spans and x0 - spans[-1][1] <= height * 0.4:
            spans[-1][1] = max(spans[-1][1], x1)
        else:
            spans.append([x0, x1])
    # which lines have a word starting (ending) at each whole point: the lining up is looked up, not searched
    starts: dict[int, set[int]] = defaultdict(set)
    ends: dict[int, set[int]] = defaultdict(set)
    for i, line in enumerate(block):
        for w in line:
            starts[round(w["x0"])].add(i)
            ends[round(w["x1"])].add(i)

    def lines_at(edges: dict[int, set[int]], x: float) -> int:
        return len(set().union(*(edges.get(round(x) + d, set()) for d in range(-1, 2))))

    columns = spans[:1]
    for span in spans[1:]:
        lined_up = lines_at(starts, span[0]) >= 2 or lines_at(ends, span[1]) >= 2
        if span[0] - columns[-1][1] > height * _APART or lined_up:
            columns.append(span)
        else:
            columns[-1][1] = max(columns[-1][1], span[1])
    return [(a, b) for a, b in columns]


def _rows(block: list[list[Word]], columns: list[tuple[float, float]]) -> list[list[list[Word]]]:
    """The block's lines grouped in rows: by the space between rows where the steps from line to line fall
    in two sizes (a cell's lines closer), else by lines that fill fewer columns than the row's first."""
    def filled(line: list[Word]) -> set[int]:
        return {_column(w, columns) for w in line}

    steps = [b[0]["bottom"] - a[0]["bottom"] for a, b in zip(block, block[1:], strict=False)]
    ordered = sorted(steps)
    ratio, cut = max(((b / a if a > 0 else 1.0), (a * b) ** 0.5) for a, b in zip(ordered, ordered[1:], strict=False)) \
        if len(ordered) > 1 else (1.0, 0.0)
    spaced = ratio > 1.25
    rows: list[list[list[Word]]] = [[block[0]]]
    for step, line in zip(steps, block[1:], strict=False):
        same = step < cut if spaced else len(filled(line)) < len(filled(rows[-1][0]))
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
    """The block with the lines above and below it that fit its columns: as close as a cell's lines, in one
    cell or lined up with the columns (a cell's first lines above the rest of its row, set at the bottom; its
    last lines below), or as close as its rows where they fill two columns or more lined up (a header whose
    words stand closer than a column gap); never a heading, which stands in larger type or across columns."""
    height = _height([w for line in block for w in line])

    def joins(above: list[Word], below: list[Word], candidate: list[Word]) -> bool:
        cell_line = _close(above, below, 1.45) and _height(candidate) <= height * 1.15  # not a heading's type
        lined_up = _lined_up(candidate, columns)
        one_cell = len({_column(w, columns) for w in candidate}) == 1
        return _fits(candidate, columns) and (cell_line and (one_cell or lined_up) or _close(above, below, 2.8)
                                              and lined_up)

    at = {id(line): i for i, line in enumerate(lines)}
    first, last = at[id(block[0])], at[id(block[-1])]
    while first > 0 and joins(lines[first - 1], lines[first], lines[first - 1]):
        first -= 1
    while last + 1 < len(lines) and joins(lines[last], lines[last + 1], lines[last + 1]):
        last += 1
    return lines[first:last + 1]


def _lined_up(line: list[Word], columns: list[tuple[float, float]]) -> bool:
    """Whether ``line`` fills two columns or more, each part starting at its column's left edge or ending at
    its right one, and is no sentence: a header row, not the end of a paragraph that happens to fit."""
    parts: dict[int, list[Word]] = {}
    for word in line:
        parts.setdefault(_column(word, columns), []).append(word)
    return len(parts) >= 2 and not line[-1]["text"].endswith(".") and all(
        abs(words[0]["x0"] - columns[k][0]) <= 3 or abs(words[-1]["x1"] - columns[k][1]) <= 3
        for k, words in parts.items())


def _cell(lines: list[list[Word]], right: float) -> tuple[str, bool]:
    """A cell's text from its lines' words, and whether a word broken over two lines was joined: where a
    line is one word, ending in a small letter, that reaches the column's right edge, and the next line
    starts with a small letter (a guess, as for ruled tables: see ``pdf._join_broken``)."""
    texts = [" ".join(t for w in line if (t := w["text"].strip("|¦"))) for line in lines]
    out, joined = texts[0], False
    for before, text in zip(lines, texts[1:], strict=False):
        last, first = out.rsplit("\n", 1)[-1], text.split(" ", 1)[0]
        broken = " " not in last and last[-1:].islower() and first[:1].islower() and first not in FUNCTION_WORDS \
            and before[-1]["x1"] >= right - _height(before)
        out += ("" if broken else "\n") + text
        joined |= broken
    return out, joined


def _list(rows: list[list[str | None]]) -> bool:
    """Whether the rows are a list's items, its markers in a column of their own (a word processor's bullets
    hang at a tab's distance from the text): each first cell one glyph, no digit ("•", "«", "»", "o", "e")."""
    return all(row[0] is not None and len(row[0].strip()) == 1 and not row[0].strip().isdigit() for row in rows)


def tables(words: list[Word]) -> list[Aligned]:
    """The tables among one region's ``words`` (those of ruled tables left out by the caller)."""
    lines = lines_of([w for w in words if not _RULE.match(w["text"])])
    found = []
    for candidate in _blocks(lines):
        columns = _columns(candidate)
        if len(columns) < 2:
            continue
        block = _extended(candidate, lines, columns)
        rows: list[list[str | None]] = []
        joined = set()
        for r, row in enumerate(_rows(block, columns)):
            parts: list[list[list[Word]]] = [[] for _ in columns]
            for line in row:
                for k in range(len(columns)):
                    if inside := [w for w in line if _column(w, columns) == k and w["text"].strip("|¦")]:
                        parts[k].append(inside)
            cells: list[str | None] = []
            for k, cell_lines in enumerate(parts):
                text, was_joined = _cell(cell_lines, columns[k][1]) if cell_lines else (None, False)
                cells.append(text)
                if was_joined:
                    joined.add((r, k))
            rows.append(cells)
        if len(rows) >= 2 and not _list(rows):
            words_in = [w for line in block for w in line]
            bbox = (min(w["x0"] for w in words_in), min(w["top"] for w in words_in), max(w["x1"] for w in words_in),
                    max(w["bottom"] for w in words_in))
            found.append(Aligned(bbox, rows, frozenset(joined)))
    return found
