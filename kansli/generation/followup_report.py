"""The avstämning report: the national overview, then one section per municipality with its charts and table.

Made from the avstämning's series as the API gives them (``GET /api/indicators``), frozen when the report
is asked for; the charts are drawn here at print resolution by :mod:`kansli.charts`, as on the page.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from kansli.areas import AREAS
from kansli.charts import chart, description, number
from kansli.followup import Series

from .errors import GenerationError
from .render import Picture, render_docx

#: Chart width on an A4 page with ordinary margins.
CHART_MM = 150


def _value(point: dict[str, Any] | None, unit: str | None) -> str:
    if not point:
        return "–"
    return f"{number(point['value'])}{' ' + unit if unit else ''} ({point['year']})"


def followup_context(data: dict[str, Any], progress: Callable[[int, int], None] | None = None,
                     draw: bool = True) -> dict[str, Any]:
    """``data`` is ``{"municipalities": [...], "overview": [...]}`` as the API answers; ``draw=False`` leaves the
    charts out (a template's test render needs the variables, not the pictures)."""
    municipalities = data.get("municipalities") or []
    if not municipalities:
        raise GenerationError("Det finns ingen extraherad stadsdelsplan att stämma av.")
    total, done, sections = sum(len(m["series"]) for m in municipalities), 0, []
    for m in municipalities:
        series = []
        for raw in m["series"]:
            s = Series.from_json(raw)
            series.append({
                "name": s.name, "area": AREAS[s.area].label if s.area in AREAS else "", "unit": s.unit or "",
                "baseline": _value(raw["baseline"], s.unit), "target": _value(raw["target"], s.unit),
                "reported": ", ".join(f"{number(r['value'])} ({r['year']})" for r in raw["reported"]) or "–",
                "standing": s.standing.label, "description": description(s),
                "chart": Picture(chart(s, "png"), CHART_MM) if draw else "",
            })
            done += 1
            if progress:
                progress(done, total)
        plan = m["plan"]
        period = plan.get("period") or {}
        sections.append({
            "municipality": m["municipality"], "series": series,
            "plan": f"{plan['filename']}, fältversion {plan['revision']}"
                    + (f", planperiod {period['start']}–{period['end']}" if period else ""),
            "districts": ", ".join(plan.get("districts") or []) or "–",
            "reports": ", ".join(str(r["year"]) for r in m["reports"] if r.get("year")) or "inga",
        })
    return {"date_text": date.today().isoformat(), "indicator_count": total, "municipalities": sections,
            "overview": [{**row, "area_label": row.get("area_label") or ""} for row in data.get("overview") or []]}


def followup_report_name() -> str:
    return f"avstamning-{date.today().isoformat()}.docx"


def render_followup_report(data: dict[str, Any], template: Path,
                           progress: Callable[[int, int], None] | None = None) -> bytes:
    return render_docx(template, followup_context(data, progress))
