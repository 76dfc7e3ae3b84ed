"""Normalisation rules of the extraction contract: strings, dates and numbers."""
from __future__ import annotations

import re

BULLETS = "•◦▪▫●○·‣⁃*-–—"
MONTHS = {
    m: i
    for i, m in enumerate(
        "januari februari mars april maj juni juli augusti september oktober november december".split(),
        start=1,
    )
}
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_SWEDISH = re.compile(r"\b(\d{1,2})\s+(" + "|".join(MONTHS) + r")\s+(\d{4})\b", re.IGNORECASE)


def clean(value: str | None) -> str | None:
    """Trimmed, single-spaced, no leading bullet, no trailing full stop; empty becomes None."""
    if value is None:
        return None
    text = " ".join(value.split())
    text = text.lstrip(BULLETS + " ").rstrip()
    while text.endswith(".") and not text.endswith(".."):
        text = text[:-1].rstrip()
    return text or None


def parse_date(text: str | None) -> str | None:
    """The first date in ``text`` as ISO ``YYYY-MM-DD``."""
    if not text:
        return None
    found = []
    if m := _ISO.search(text):
        found.append((m.start(), f"{m[1]}-{m[2]}-{m[3]}"))
    if m := _SWEDISH.search(text):
        found.append((m.start(), f"{m[3]}-{MONTHS[m[2].lower()]:02d}-{int(m[1]):02d}"))
    return min(found)[1] if found else None


def parse_number(text: str | None) -> float | int | None:
    """``61,7`` → 61.7, ``1 234`` → 1234; None when ``text`` holds no number."""
    if text is None:
        return None
    m = re.search(r"-?\d[\d\s\u00a0]*(?:[.,]\d+)?", text)
    if not m:
        return None
    raw = re.sub(r"[\s\u00a0]", "", m.group()).replace(",", ".")
    value = float(raw)
    return int(value) if value.is_integer() and "." not in raw else value


def split_list(text: str) -> list[str]:
    """``Alby, Fittja och Hallunda`` → three names."""
    parts = re.split(r",|\boch\b|&|;|\n", text)
    return [c for p in parts if (c := clean(p))]
