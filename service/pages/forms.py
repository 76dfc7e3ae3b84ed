"""Reading the review form back into fields of the extraction contract's shape.

The form only turns its text into values (Swedish decimal commas, ASCII digits); whatever it cannot
read it passes on as text, and :func:`kansli.fields.validate` — the API's check — says what is wrong.
"""
from __future__ import annotations

import re
from typing import Any

from werkzeug.datastructures import MultiDict

from kansli.areas import AREAS
from kansli.fields import CONTACT_KEYS, SCHEMAS, FieldError
from kansli.validation import MAX_ITEMS

#: Empty indicator rows offered below the existing ones, for adding new ones.
SPARE_ROWS = 2

_INTEGER = re.compile(r"-?[0-9]{1,30}")
_DECIMAL = re.compile(r"-?[0-9]{1,15}(?:[.,][0-9]{1,15})?")


def _text(form: MultiDict, key: str) -> str | None:
    value = (form.get(key) or "").strip()
    return value or None


def _lines(form: MultiDict, key: str) -> list[str]:
    return [line.strip() for line in (form.get(key) or "").splitlines() if line.strip()]


def _int(form: MultiDict, key: str) -> int | str | None:
    raw = _text(form, key)
    return int(raw) if raw is not None and _INTEGER.fullmatch(raw) else raw


def _num(form: MultiDict, key: str) -> float | int | str | None:
    raw = _text(form, key)
    if raw is None:
        return None
    digits = re.sub(r"[\s\u00a0]", "", raw)
    if not _DECIMAL.fullmatch(digits):
        return raw
    value = float(digits.replace(",", "."))
    return int(value) if "," not in digits and "." not in digits else value


def fields_from_form(kind: str, form: MultiDict) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name, (control, _label) in SCHEMAS.get(kind, SCHEMAS["unknown"]).items():
        key = f"f-{name}"
        if control in ("str", "date", "text"):
            fields[name] = _text(form, key)
        elif control == "int":
            fields[name] = _int(form, key)
        elif control == "strlist":
            fields[name] = _lines(form, key)
        elif control == "period":
            start, end = _int(form, f"{key}-start"), _int(form, f"{key}-end")
            fields[name] = {"start": start, "end": end} if start is not None or end is not None else None
        elif control == "goals":
            fields[name] = {a: g for a in AREAS if (g := _lines(form, f"{key}-{a}"))}
        elif control == "contact":
            fields[name] = {k: _text(form, f"{key}-{k}") for k in CONTACT_KEYS}
        elif control == "indicators":
            fields[name] = _indicators(form)
        elif control == "values":
            fields[name] = _values(form)
    return fields


def _row_count(form: MultiDict, key: str) -> int:
    count = _int(form, key) or 0
    if not isinstance(count, int) or not 0 <= count <= MAX_ITEMS + SPARE_ROWS:
        raise FieldError("Formuläret är skadat (antalet rader i en tabell); ladda om sidan och försök igen.")
    return count


def _indicators(form: MultiDict) -> list[dict[str, Any]]:
    rows = []
    for i in range(_row_count(form, "indicator-rows")):
        p = f"f-indicators-{i}-"
        name = _text(form, p + "name")
        if not name:
            continue  # an emptied row removes the indicator
        rows.append({
            "area": _text(form, p + "area"),
            "name": name,
            "unit": _text(form, p + "unit"),
            "baseline": {"year": _int(form, p + "by"), "value": _num(form, p + "bv")},
            "target": {"year": _int(form, p + "ty"), "value": _num(form, p + "tv")},
        })
    return rows


def _values(form: MultiDict) -> list[dict[str, Any]]:
    """A follow-up report's reported values; an emptied name removes the row, as for indicators."""
    rows = []
    for i in range(_row_count(form, "value-rows")):
        p = f"f-values-{i}-"
        if name := _text(form, p + "name"):
            rows.append({"area": _text(form, p + "area"), "name": name, "unit": _text(form, p + "unit"),
                         "year": _int(form, p + "year"), "value": _num(form, p + "value")})
    return rows
