"""The cooperation agreement (samverkansöverenskommelse) between an agency and a municipality.

Built from a district plan's fields: the plan's goals for the areas that concern the agency, its
indicators, districts, period and contact.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from kansli.areas import AGENCY_AREAS, AREAS
from kansli.models import AGENCIES
from kansli.names import slug

from .errors import GenerationError
from .render import render_docx

MISSING = "[att fylla i]"


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " och " + names[-1]


def _number(value: Any) -> str:
    if value is None:
        return ""
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return text.replace(".", ",")


def _measure(point: dict[str, Any] | None) -> str:
    point = point or {}
    value, year = _number(point.get("value")), point.get("year")
    return f"{value} ({year})" if value and year else value or (str(year) if year else "")


def agreement_context(fields: dict[str, Any], agency: str,
                      agency_areas: dict[str, tuple[str, ...]] | None = None) -> dict[str, Any]:
    """The template's variables; gaps become visible placeholders rather than blank text."""
    if agency not in AGENCIES:
        raise GenerationError(f"Okänd myndighet {agency!r}; välj en av {', '.join(AGENCIES)}.")
    if not isinstance(fields, dict):
        raise GenerationError("Fälten måste vara ett JSON-objekt med stadsdelsplanens fält.")
    districts = [d for d in fields.get("districts") or [] if isinstance(d, str) and d.strip()]
    period = fields.get("period") or {}
    start, end = period.get("start"), period.get("end")
    contact = fields.get("contact") or {}
    contact_parts = [str(contact[k]) for k in ("name", "title", "email", "phone") if contact.get(k)]
    areas = (agency_areas or AGENCY_AREAS).get(agency, ())
    goals = fields.get("goals") or {}
    revision: dict[str, Any] = fields["revision"] if isinstance(fields.get("revision"), dict) else {}
    return {
        "agency": agency,
        "municipality": fields.get("municipality") or MISSING,
        "districts": districts,
        "districts_text": _join(districts) if districts else MISSING,
        "period_text": f"{start}–{end}" if start and end else "under perioden " + MISSING,
        "reference": fields.get("reference"),
        "adopted": fields.get("adopted"),
        "goal_areas": [
            {"heading": AREAS[a].heading, "goals": list(goals[a])} for a in areas if goals.get(a)
        ],
        "indicators": [
            {
                "name": i.get("name") or "",
                "unit": i.get("unit") or "",
                "baseline": _measure(i.get("baseline")),
                "target": _measure(i.get("target")),
                "area": AREAS[i["area"]].heading if i.get("area") in AREAS else "",
            }
            for i in fields.get("indicators") or []
            if isinstance(i, dict)
        ],
        "contact_text": ", ".join(contact_parts) if contact_parts else MISSING,
        # A revision (kansli.outputs): what changed in the plan since the agreement it revises.
        "changes": [str(c) for c in revision.get("changes") or []],
        "changes_since": str(revision.get("since") or MISSING),
    }


def agreement_name(agency: str, municipality: str | None, complete: bool = True) -> str:
    """``samverkansoverenskommelse-polismyndigheten-botkyrka.docx``, alone or in a batch alike."""
    place = slug(re.sub(r"\s+kommun$", "", municipality or ""), "kommun")
    return f"samverkansoverenskommelse-{slug(agency)}-{place}{'' if complete else '-ofullstandig'}.docx"


def render_agreement(fields: dict[str, Any], agency: str, template: Path,
                     agency_areas: dict[str, tuple[str, ...]] | None = None) -> bytes:
    return render_docx(template, agreement_context(fields, agency, agency_areas))
