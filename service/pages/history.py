"""A document's field history as people read it: per version, each changed field's old and new value
in Swedish words, rather than the stored JSON with the contract's English keys."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kansli.areas import AREAS

_CONTACT = {"name": "Namn", "title": "Titel", "email": "E-post", "phone": "Telefon"}


@dataclass(frozen=True)
class Change:
    label: str
    old: list[str]
    new: list[str]


def _number(value: Any) -> str:
    """Numbers as Swedish writes them: a decimal comma, and 60 rather than 60.0."""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value).replace(".", ",")
    return str(value)


def _point(point: Any) -> str:
    if not isinstance(point, dict) or (point.get("value") is None and point.get("year") is None):
        return "–"
    value = _number(point["value"]) if point.get("value") is not None else "–"
    return f"{value} ({point['year']})" if point.get("year") is not None else value


def shown(control: str, value: Any) -> list[str]:
    """A field's value as lines of text, the way the review form's control shows it; empty: no value."""
    if value is None or value == "" or value == [] or value == {}:
        return []
    if control == "period" and isinstance(value, dict):
        return [f"{value.get('start') or '?'}–{value.get('end') or '?'}"]
    if control == "goals" and isinstance(value, dict):
        return [f"{AREAS[a].label if a in AREAS else a}: {goal}" for a, goals in value.items() for goal in goals or []]
    if control == "contact" and isinstance(value, dict):
        return [f"{_CONTACT.get(k, k)}: {v}" for k, v in value.items() if v]
    if control == "indicators" and isinstance(value, list):
        return [f"{i.get('name')}{' (' + i['unit'] + ')' if i.get('unit') else ''}: "
                f"utgångsläge {_point(i.get('baseline'))}, mål {_point(i.get('target'))}"
                for i in value if isinstance(i, dict)]
    if isinstance(value, list):
        return [_number(v) for v in value]
    return [_number(value)]


def changes(schema: dict[str, tuple[str, str]], before: dict[str, Any] | None, after: dict[str, Any]) -> list[Change]:
    """What differs between two versions of the fields, per field in the form's order, by Swedish label.

    Against no earlier version (the extraction), every field that has a value."""
    found = []
    for name, (control, label) in schema.items():
        old, new = shown(control, (before or {}).get(name)), shown(control, after.get(name))
        if old != new:
            found.append(Change(label, old, new))
    return found
