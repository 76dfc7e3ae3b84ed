"""Images of the pages a document's review shows, made by the worker and kept in the store.

The web process never renders a page: a hostile PDF's page can take seconds and gigabytes to draw, and
a web process busy drawing one answers nobody else. The worker renders the pages that the provenance
points to, in a budgeted child (:mod:`kansli.budget`), right after extraction; the web serves the
stored bytes. The frame around a value is drawn by the browser over the plain image, from the value's
box in PDF points and the page's size recorded here, so one image serves every value on its page.

The images' digests are kept in the document's ``provenance`` under :data:`KEY`, beside the fields'
boxes, where nothing else looks for them.
"""
from __future__ import annotations

import io
import math
from typing import Any

import pypdfium2 as pdfium

#: The key in ``Document.provenance`` under which page number (as text) → {sha256, width, height} is kept.
KEY = "page_images"
#: Enough to read a value at a glance on a screen; an A4 page is 827 × 1170 pixels.
DPI = 100
#: Pages rendered for one document at most: a review shows where the values stand, not the whole file.
MAX_PAGES = 30


def pages_to_render(provenance: dict[str, Any]) -> list[int]:
    """Page 1, the document list's thumbnail of every read document, then the pages that boxes point to in
    the order the fields first name them; at most ``MAX_PAGES``."""
    pages: dict[int, None] = {1: None}

    def walk(value: Any) -> None:
        if isinstance(value, dict) and isinstance(value.get("page"), int):
            pages.setdefault(value["page"])
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for name, value in provenance.items():
        if name != KEY:
            walk(value)
    return list(pages)[:MAX_PAGES]


def render(data: bytes, pages: list[int], dpi: int = DPI) -> dict[int, tuple[bytes, float, float]]:
    """Page number → (PNG, width, height in points) for each of ``pages``, rendered by PDFium."""
    images = {}
    pdf = pdfium.PdfDocument(data)
    try:
        for number in pages:
            page = pdf[number - 1]
            try:
                width, height = page.get_size()
                out = io.BytesIO()
                page.render(scale=dpi / 72).to_pil().save(out, "PNG")
                images[number] = (out.getvalue(), width, height)
            finally:
                page.close()
    finally:
        pdf.close()
    return images


def recorded(provenance: dict[str, Any], images: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """The provenance with the stored images (page → {sha256, width, height}) beside the boxes."""
    return {**provenance, KEY: {str(page): image for page, image in images.items()}}


def image_of(provenance: dict[str, Any] | None, page: int) -> dict[str, Any] | None:
    """The stored image of ``page`` ({sha256, width, height}), or None if none was made."""
    return ((provenance or {}).get(KEY) or {}).get(str(page))


def thumbnail(provenance: dict[str, Any] | None) -> str | None:
    """The digest of page 1's image, the document list's thumbnail; None if none was made."""
    image = image_of(provenance, 1)
    return image["sha256"] if image else None


def digests(provenance: dict[str, Any] | None) -> list[str]:
    return [image["sha256"] for image in ((provenance or {}).get(KEY) or {}).values()]


def boxes(provenance: dict[str, Any] | None) -> dict[str, Any] | None:
    """The provenance as the API shows it: the fields' boxes only."""
    return None if provenance is None else {k: v for k, v in provenance.items() if k != KEY}


def frame(box: dict[str, Any], image: dict[str, Any]) -> dict[str, float] | None:
    """Where the value's frame stands on the page image, in percent of its width and height (CSS's
    left, top, width, height), so that it scales with the image; None where the box is not known."""
    if not box.get("bbox") or not image.get("width") or not image.get("height"):
        return None
    x0, top, x1, bottom = box["bbox"]
    w, h = image["width"], image["height"]
    return {"left": round(x0 / w * 100, 2), "top": round(top / h * 100, 2),
            "width": round((x1 - x0) / w * 100, 2), "height": round((bottom - top) / h * 100, 2)}


Path = tuple[str | int, ...]


def located(provenance: dict[str, Any] | None) -> list[tuple[Path, dict[str, Any]]]:
    """Every box in the provenance with its place in the fields (``("goals", "arbete", 0)``), in field order."""
    found: list[tuple[Path, dict[str, Any]]] = []

    def walk(path: Path, value: Any) -> None:
        if isinstance(value, dict) and isinstance(value.get("page"), int):
            found.append((path, value))
        elif isinstance(value, dict):
            for key, item in value.items():
                walk((*path, key), item)
        elif isinstance(value, list):
            for n, item in enumerate(value):
                walk((*path, n), item)

    for name, value in (provenance or {}).items():
        if name != KEY:
            walk((name,), value)
    return found


def outline_id(path: Path) -> str:
    """The id of a value's outline on the review page: ``box-goals-arbete-0``."""
    return "box-" + "-".join(str(part) for part in path)


def panel(provenance: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The pages the review shows beside the form, in page order: each stored image with the outlines of the
    values read on it (id, place in the fields, frame in percent). A value on a page with no image, or with
    no exact place, gets no outline; the "sida N" link still leads to its page."""
    pages: dict[int, dict[str, Any]] = {}
    for number, image in sorted(((int(n), i) for n, i in ((provenance or {}).get(KEY) or {}).items())):
        pixels = (math.ceil(image["width"] * DPI / 72), math.ceil(image["height"] * DPI / 72))  # as PDFium drew it
        pages[number] = {"page": number, "image": image, "pixels": pixels, "outlines": []}
    for path, box in located(provenance):
        shown = pages.get(box["page"])
        if shown and (where := frame(box, shown["image"])):
            shown["outlines"].append({"id": outline_id(path), "path": path, "frame": where})
    return list(pages.values())
