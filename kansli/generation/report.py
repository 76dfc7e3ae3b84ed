"""The consolidated report (sammanställd redovisning) from several agencies' reports under 13 §.

For example Rikspolisstyrelsen merging the police authorities' reports, as the seed decision asks:
per municipality which agency reported, and every proposal once, with the reports it came from.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .errors import GenerationError
from .render import render_docx


def _key(text: str) -> str:
    """Proposals that differ only in case, spacing or punctuation are the same proposal."""
    return re.sub(r"[\W_]+", " ", text.casefold()).strip()


def _source(report: dict[str, Any]) -> str:
    return ", ".join(str(p) for p in (report.get("agency") or "okänd myndighet", report.get("reference")) if p)


def report_context(reports: list[dict[str, Any]]) -> dict[str, Any]:
    if not reports or not all(isinstance(r, dict) for r in reports):
        raise GenerationError("Välj minst en myndighetsrapport att sammanställa.")
    by_municipality = sorted(
        ({"municipality": m, "agency": r.get("agency") or "", "reference": r.get("reference") or "",
          "date": r.get("date") or ""} for r in reports for m in dict.fromkeys(r.get("municipalities") or [])),
        key=lambda row: (row["municipality"], row["agency"]),
    )
    proposals: dict[str, dict[str, Any]] = {}
    for report in reports:
        for text in report.get("proposals") or []:
            entry = proposals.setdefault(_key(text), {"text": text, "sources": []})
            if _source(report) not in entry["sources"]:
                entry["sources"].append(_source(report))
    years = sorted({r["year"] for r in reports if isinstance(r.get("year"), int)})
    years_text = "–".join(map(str, (years[0], years[-1]))) if len(years) > 1 else (str(years[0]) if years else "[år]")
    return {
        "years_text": years_text,
        "reports": [{k: r.get(k) or "" for k in ("agency", "year", "reference", "date")} for r in reports],
        "by_municipality": by_municipality,
        "proposals": list(proposals.values()),
    }


def report_name(reports: list[dict[str, Any]]) -> str:
    years = sorted({r["year"] for r in reports if isinstance(r.get("year"), int)})
    return f"sammanstalld-redovisning-{'-'.join(map(str, years)) or 'utan-ar'}.docx"


def render_report(reports: list[dict[str, Any]], template: Path) -> bytes:
    return render_docx(template, report_context(reports))
