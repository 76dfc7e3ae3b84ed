"""The government decision letter (regeringsbeslut) in the Government Offices' layout.

The decision goes to its addressee and, as identical letters ("Likalydande"), to everyone on the
"Likalydande till" list: one letter each, the same text, each with its own recipient on top.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from kansli.names import slug

from .errors import GenerationError
from .render import render_docx

_POSTCODE_TOWN = re.compile(r"^(\d{3} ?\d{2})\s+(.+)$")


def _paragraphs(text: Any) -> list[str]:
    if not text:
        return []
    if not isinstance(text, str):
        raise GenerationError("Beslutstexten och bakgrunden ska vara text.")
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


def _address_lines(address: str | None) -> list[str]:
    """``"Hälsingegatan 38, 113 99 Stockholm"`` → lines, the town in capitals as in the letters."""
    lines = [part.strip() for part in (address or "").split(",") if part.strip()]
    return [f"{m[1]} {m[2].upper()}" if (m := _POSTCODE_TOWN.match(line)) else line for line in lines]


def _strings(fields: dict[str, Any], name: str) -> list[str]:
    value = fields.get(name) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise GenerationError(f"Fältet {name} ska vara en lista med text.")
    return [v.strip() for v in value if v.strip()]


def recipients(fields: dict[str, Any]) -> list[str]:
    """Who gets a letter: the addressee, then each "Likalydande till" recipient, once each."""
    addressee = (fields.get("addressee") or "").strip()
    if not addressee:
        raise GenerationError("Beslutet saknar mottagare; fyll i fältet addressee.")
    return list(dict.fromkeys([addressee, *_strings(fields, "identical_to")]))


def decision_context(fields: dict[str, Any], recipient: str) -> dict[str, Any]:
    if not isinstance(fields, dict):
        raise GenerationError("Fälten måste vara ett JSON-objekt med beslutets fält.")
    if not (fields.get("title") or "").strip():
        raise GenerationError("Beslutet saknar rubrik; fyll i fältet title.")
    first = recipient == (fields.get("addressee") or "").strip()
    return {
        "department": fields.get("department") or "",
        "item": fields.get("item") or "",
        "date": fields.get("date") or "",
        "reference": fields.get("reference") or "",
        "recipient": recipient,
        # Only the first addressee's postal address is known from the decision itself.
        "address_lines": _address_lines(fields.get("addressee_address")) if first else [],
        "title": fields["title"].strip(),
        "decision": _paragraphs(fields.get("decision")),
        "background": _paragraphs(fields.get("background")),
        "signatories": _strings(fields, "signatories"),
        "identical_to": _strings(fields, "identical_to"),
        "copies_to": _strings(fields, "copies_to"),
    }


def letter_name(fields: dict[str, Any], recipient: str) -> str:
    reference = fields.get("reference") or "utan-dnr"
    return f"beslut-{slug(reference)}-{slug(recipient, 'mottagare')}.docx"


def render_decision(fields: dict[str, Any], template: Path) -> list[tuple[str, bytes]]:
    """All letters of a decision, as (file name, .docx bytes), the addressee's first."""
    return [(letter_name(fields, r), render_docx(template, decision_context(fields, r))) for r in recipients(fields)]
