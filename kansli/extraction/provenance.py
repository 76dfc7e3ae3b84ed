"""Where each extracted value stands in the PDF: page number and bounding box, for the review page.

Found after extraction: each value's page is picked from the page texts already read, and only those
pages are opened again to measure the words' boxes. A value not found as written (a date written out
in words, say) is tried in its other spellings; one still not found gets None.
"""
from __future__ import annotations

import re
from typing import Any

import pypdfium2 as pdfium

from .normalize import MONTHS
from .textlayer import Page, read_page

Box = dict[str, Any]


def _pattern(value: Any) -> str | None:
    """A regular expression for how ``value`` may be written in the document."""
    if isinstance(value, bool) or value is None or value == "" or value == [] or value == {}:
        return None
    if isinstance(value, (int, float)):
        return re.escape(f"{value:g}".replace(".", ",")) + "|" + re.escape(f"{value:g}")
    text = str(value)
    if m := re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)", text):
        year, month, day = m.groups()
        return f"{text}|{int(day)}\\s+{list(MONTHS)[int(month) - 1]}\\s+{year}"
    words = text.split()[:8]  # a long text is found by its beginning
    return r"\s*".join(re.escape(w) for w in words) if len(words) == 1 else r"\s+".join(map(re.escape, words))


class Locator:
    def __init__(self, data: bytes, texts: list[str]) -> None:
        self.data, self.texts = data, texts
        self._pdf: pdfium.PdfDocument | None = None
        self._pages: dict[int, Page] = {}

    def __enter__(self) -> Locator:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pdf:
            self._pdf.close()

    def _page(self, number: int) -> Page:
        if self._pdf is None:
            self._pdf = pdfium.PdfDocument(self.data)
        if number not in self._pages:
            self._pages[number] = read_page(self._pdf, number - 1)
        return self._pages[number]

    def find(self, value: Any) -> Box | None:
        box = self._find(_pattern(value))
        if box is None and isinstance(value, str) and len(value.split()) > 1:
            # Assembled values ("Botkyrka kommun" from "Kommun: Botkyrka"): where their main word stands.
            box = self._find(_pattern(max(value.split(), key=len)))
        return box

    def _find(self, pattern: str | None) -> Box | None:
        if pattern is None:
            return None
        for number, text in enumerate(self.texts, start=1):
            if not re.search(pattern, text, re.IGNORECASE):
                continue
            try:
                page = self._page(number)
                # A turned page's boxes are in its unturned frame, which a page image does not show.
                hits = [] if page.rotation else page.search(pattern)
            except Exception:  # noqa: BLE001 - a page that cannot be searched has no box to give
                hits = []
            if hits:
                hit = hits[0]
                return {"page": number, "bbox": [round(hit[k], 1) for k in ("x0", "top", "x1", "bottom")]}
            return {"page": number, "bbox": None}
        return None

    def of(self, value: Any) -> Any:
        """Provenance shaped like the value: a box for a scalar, a list or dict of them otherwise."""
        if isinstance(value, list):
            return [self.of(v) for v in value]
        if isinstance(value, dict):
            if set(value) == {"start", "end"}:  # a period: where its first year is written
                return self.find(value.get("start"))
            if "name" in value and ("baseline" in value or "value" in value):  # an indicator or reported value: its name
                return self.find(value.get("name"))
            if set(value) == {"year", "value"}:
                return self.find(value.get("value"))
            return {k: self.of(v) for k, v in value.items()}
        return self.find(value)


def locate(data: bytes, texts: list[str], fields: dict[str, Any]) -> dict[str, Any]:
    with Locator(data, texts) as locator:
        return {name: locator.of(value) for name, value in fields.items()}


def first_box(provenance: dict[str, Any] | None, field: str, item: str | int | None = None) -> Box | None:
    """Where a field's value was read, if known: a list's first located item, a group's first located
    value; ``item`` (a list index or a group key) narrows the search to one entry first."""
    found = (provenance or {}).get(field)
    if item is not None:
        found = entry(found, item)
    while isinstance(found, (list, dict)) and "page" not in found:
        values = found if isinstance(found, list) else list(found.values())
        found = next((v for v in values if v), None)
    return found if isinstance(found, dict) else None


def entry(value: Any, item: str | int) -> Any:
    """One entry of a list (by index) or of a group (by key), or None."""
    if isinstance(value, list) and isinstance(item, int):
        return value[item] if 0 <= item < len(value) else None
    return value.get(item) if isinstance(value, dict) and "page" not in value else None
