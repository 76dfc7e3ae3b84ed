"""The shape of each document kind's fields, used to check a drafter's corrections.

The same shape is the extraction contract's (shared/contracts/extraction.md); a correction must keep
it, so that generation can trust what it reads.
"""
from __future__ import annotations

import re
from typing import Any

from kansli.areas import AREAS

#: Each kind of document as the pages and the registry name it.
KIND_LABELS: dict[str | None, str] = {"district_plan": "Strategisk stadsdelsplan", "report": "Myndighetsrapport",
               "decision": "Regeringsbeslut", "unknown": "Okänd dokumenttyp"}
#: kind → field → (type, Swedish label). Types: str, date, int, strlist, period, goals, indicators, contact.
SCHEMAS: dict[str, dict[str, tuple[str, str]]] = {
    "district_plan": {
        "municipality": ("str", "Kommun"),
        "districts": ("strlist", "Stadsdelar"),
        "period": ("period", "Planperiod"),
        "adopted": ("date", "Antagen"),
        "reference": ("str", "Diarienummer"),
        "goals": ("goals", "Mål per område"),
        "indicators": ("indicators", "Indikatorer"),
        "contact": ("contact", "Kontaktperson"),
        "agencies": ("strlist", "Myndigheter i partnerskapet"),
    },
    "report": {
        "agency": ("str", "Myndighet"),
        "year": ("int", "Redovisningsår"),
        "municipalities": ("strlist", "Kommuner"),
        "reference": ("str", "Diarienummer"),
        "date": ("date", "Datum"),
        "proposals": ("strlist", "Förslag till åtgärder"),
    },
    "decision": {
        "department": ("str", "Departement"),
        "date": ("date", "Datum"),
        "reference": ("str", "Diarienummer"),
        "addressee": ("str", "Mottagare"),
        "addressee_address": ("str", "Mottagarens adress"),
        "identical_to": ("strlist", "Likalydande till"),
        "title": ("str", "Rubrik"),
        "decision": ("text", "Regeringens beslut"),
        "background": ("text", "Bakgrund"),
        "municipalities": ("strlist", "Kommuner"),
        "signatories": ("strlist", "Undertecknare"),
        "copies_to": ("strlist", "Kopia till"),
    },
    "unknown": {"title": ("str", "Rubrik")},
}
CONTACT_KEYS = ("name", "title", "email", "phone")


class FieldError(ValueError):
    """A correction that does not fit the field's shape; the message names the field."""


def _check(kind: str, value: Any, label: str) -> Any:
    if value is None or value == "":
        return None if kind in ("str", "date", "int", "text", "period") else ([] if kind in ("strlist", "indicators") else {})
    if kind in ("str", "text"):
        if not isinstance(value, str):
            raise FieldError(f"{label} ska vara text.")
        return value.strip() if kind == "text" else " ".join(value.split())
    if kind == "date":
        if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d\d-\d\d", value.strip()):
            raise FieldError(f"{label} ska vara ett datum på formen ÅÅÅÅ-MM-DD.")
        return value.strip()
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise FieldError(f"{label} ska vara ett heltal.")
        return value
    if kind == "strlist":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise FieldError(f"{label} ska vara en lista med text.")
        return [" ".join(v.split()) for v in value if v.strip()]
    if kind == "period":
        if not isinstance(value, dict) or not all(isinstance(value.get(k), int) for k in ("start", "end")):
            raise FieldError(f"{label} ska ha ett startår och ett slutår.")
        if value["start"] > value["end"]:
            raise FieldError(f"{label}: startåret kan inte ligga efter slutåret.")
        return {"start": value["start"], "end": value["end"]}
    if kind == "goals":
        if not isinstance(value, dict) or set(value) - set(AREAS):
            raise FieldError(f"{label} ska ordnas under områdena {', '.join(AREAS)}.")
        return {a: _check("strlist", g, f"{label} ({AREAS[a].label})") for a, g in value.items() if g}
    if kind == "contact":
        if not isinstance(value, dict) or set(value) - set(CONTACT_KEYS):
            raise FieldError(f"{label} har fälten {', '.join(CONTACT_KEYS)}.")
        return {k: _check("str", value.get(k), label) for k in CONTACT_KEYS}
    if kind == "indicators":
        if not isinstance(value, list) or not all(isinstance(i, dict) for i in value):
            raise FieldError(f"{label} ska vara en lista med indikatorer.")
        return [_indicator(i, label) for i in value]
    raise AssertionError(kind)


def _number(value: Any, label: str) -> float | int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FieldError(f"{label}: värdet ska vara ett tal.")
    return value


def _indicator(item: dict[str, Any], label: str) -> dict[str, Any]:
    name = _check("str", item.get("name"), label)
    if not name:
        raise FieldError(f"{label}: varje indikator behöver ett namn.")
    area = item.get("area")
    if area is not None and area not in AREAS:
        raise FieldError(f"{label}: området {area!r} finns inte; välj en av {', '.join(AREAS)}.")
    out: dict[str, Any] = {"area": area, "name": name, "unit": _check("str", item.get("unit"), label)}
    for point in ("baseline", "target"):
        p = item.get(point) or {}
        if not isinstance(p, dict):
            raise FieldError(f"{label}: {point} ska ha år och värde.")
        year = p.get("year")
        if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
            raise FieldError(f"{label}: året ska vara ett heltal.")
        out[point] = {"year": year, "value": _number(p.get("value"), label)}
    return out


def validate(kind: str, changes: Any) -> dict[str, Any]:
    """Check corrections to a document of ``kind``; returns them normalised, or raises FieldError."""
    schema = SCHEMAS.get(kind, SCHEMAS["unknown"])
    if not isinstance(changes, dict) or not changes:
        raise FieldError("Skicka ett JSON-objekt med de fält som ska rättas.")
    unknown = sorted(set(changes) - set(schema))
    if unknown:
        raise FieldError(f"Okänt fält för {kind}: {', '.join(unknown)}.")
    return {name: _check(schema[name][0], value, schema[name][1]) for name, value in changes.items()}
