"""Charts of indicator series: SVG for the avstämning page, PNG at print resolution for the Word report.

One library, matplotlib (Agg, no display), draws both from the same code, so the page and the report
cannot disagree. The SVG is made fit for inline use under the pages' strict CSP: no ``<style>`` element
and no ``style`` attributes (turned into the presentation attributes they stand for), ids prefixed so
that many charts can share a page, and a ``<title>`` and ``<desc>`` naming it for screen readers
(``role="img"``, ``aria-labelledby``). Colours are Okabe–Ito's colour-blind-safe ones, and every line
has its own marker and dash, so nothing depends on telling colours apart.
"""
from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Literal

from lxml import etree

from kansli.followup import Series

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Okabe & Ito (2008): distinguishable with every common kind of colour blindness, and in greyscale.
TARGET_COLOUR, REPORTED_COLOUR, BASELINE_COLOUR = "#0072B2", "#D55E00", "#000000"
#: Print resolution for the report's PNGs.
PRINT_DPI = 200
SVG = "http://www.w3.org/2000/svg"


def number(value: float) -> str:
    """``57.3`` → ``"57,3"``, ``60.0`` → ``"60"``: Swedish decimal comma, no needless decimals."""
    return f"{value:.10g}".replace(".", ",").replace("-", "−")


def _with_unit(value: float, unit: str | None) -> str:
    return f"{number(value)} {unit}" if unit else number(value)


def description(series: Series) -> str:
    """The chart in words: what a screen reader says, and what a table caption repeats."""
    parts = []
    if series.baseline:
        parts.append(f"Utgångsläge {_with_unit(series.baseline.value, series.unit)} år {series.baseline.year}.")
    if series.target:
        parts.append(f"Mål {_with_unit(series.target.value, series.unit)} år {series.target.year}.")
    reported = sorted(series.reported, key=lambda p: p.year)
    parts.append("Redovisat: " + ", ".join(f"{p.year} {_with_unit(p.value, series.unit)}" for p in reported) + "."
                 if reported else "Inga redovisade värden.")
    direction = {True: " (ska öka)", False: " (ska minska)", None: ""}[series.rising]
    parts.append(f"Bedömning: {series.standing.label}{direction}.")
    return " ".join(parts)


def _figure(series: Series) -> Figure:
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    fig = Figure(figsize=(6.4, 3.6))
    fig.subplots_adjust(left=0.11, right=0.97, top=0.88, bottom=0.22)  # fixed: a layout engine costs 3x the drawing
    ax = fig.add_subplot()
    if series.baseline and series.target:
        ax.plot([series.baseline.year, series.target.year], [series.baseline.value, series.target.value],
                color=TARGET_COLOUR, linestyle="--", linewidth=1.5, marker="D", markersize=7,
                label="Mållinje (utgångsläge → mål)")
    if series.baseline:
        ax.plot([series.baseline.year], [series.baseline.value], color=BASELINE_COLOUR, marker="s", markersize=8,
                linestyle="none", label="Utgångsläge")
    reported = sorted(series.reported, key=lambda p: p.year)
    if reported:
        ax.plot([p.year for p in reported], [p.value for p in reported], color=REPORTED_COLOUR, linestyle="-",
                linewidth=2, marker="o", markersize=7, label="Redovisat")
    ax.set_title(series.name if len(series.name) <= 70 else series.name[:69] + "…", loc="left", fontsize=11)
    ax.set_ylabel(series.unit or "")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: number(round(v, 6))))
    ax.grid(True, color="#DDDDDD", linewidth=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    if ax.lines:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=3, frameon=False, fontsize=9)
    return fig


def chart(series: Series, format: Literal["svg", "png"] = "svg", ident: str = "chart") -> bytes:  # noqa: A002
    """The series drawn as SVG (inline-ready, ids prefixed with ``ident``) or as PNG at :data:`PRINT_DPI`."""
    # matplotlib is imported on the first chart: importing it costs a second, which the processes that
    # never draw (workers rendering other outputs, template checks under a time limit) should not pay.
    import matplotlib

    matplotlib.use("Agg")
    # Text as text (small, and selectable), DejaVu Sans (installed with matplotlib), ids stable between runs.
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "kansli", "font.family": "DejaVu Sans",
                                "font.size": 10}):
        fig = _figure(series)
        out = io.BytesIO()
        fig.savefig(out, format=format, dpi=PRINT_DPI if format == "png" else 72,
                    metadata={"Date": None} if format == "svg" else None)
    return out.getvalue() if format == "png" else _accessible(out.getvalue(), series, ident)


def _accessible(data: bytes, series: Series, ident: str) -> bytes:
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True))
    for element in root.iter(f"{{{SVG}}}metadata", f"{{{SVG}}}style"):
        element.getparent().remove(element)
    ids = {}
    for element in root.iter():
        if element.get("id"):
            ids[element.get("id")] = f"{ident}-{element.get('id')}".replace(".", "-")
            element.set("id", ids[element.get("id")])
        if style := element.attrib.pop("style", None):
            for declaration in style.split(";"):
                name, _, value = declaration.partition(":")
                if name.strip():
                    element.set(name.strip(), value.strip())
    for element in root.iter():
        for name, value in element.attrib.items():
            if "#" in value:
                element.set(name, re.sub(r"#([\w.-]+)", lambda m: f"#{ids.get(m.group(1), m.group(1))}", value))
    # What the removed <style> said for every element, said once on the root (the properties inherit).
    root.set("stroke-linejoin", "round")
    root.set("stroke-linecap", "butt")
    del root.attrib["width"], root.attrib["height"]  # the page's stylesheet sizes it (viewBox keeps the shape)
    root.set("class", "chart")
    root.set("role", "img")
    root.set("aria-labelledby", f"{ident}-title {ident}-desc")
    title = etree.Element(f"{{{SVG}}}title", id=f"{ident}-title")
    title.text = f"Diagram: {series.name}"
    desc = etree.Element(f"{{{SVG}}}desc", id=f"{ident}-desc")
    desc.text = description(series)
    root.insert(0, desc)
    root.insert(0, title)
    return etree.tostring(root, encoding="utf-8")
