"""Reading the review form back into fields of the extraction contract's shape."""
from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from kansli.areas import AREAS
from kansli.fields import CONTACT_KEYS, SCHEMAS, FieldError

#: Empty indicator rows offered below the existing ones, for adding new ones.
SPARE_ROWS = 2


def _text(form: MultiDict, key: str) -> str | None:
    value = (form.get(key) or "").strip()
    return value or None


def _lines(form: MultiDict, key: str) -> list[str]:
    return [line.strip() for line in (form.get(key) or "").splitlines() if line.strip()]


def _int(form: MultiDict, key: str, label: str) -> int | None:
    raw = _text(form, key)
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        raise FieldError(f"{label} ska vara ett heltal, inte {raw!r}.") from None


def _num(form: MultiDict, key: str, label: str) -> float | int | None:
    raw = _text(form, key)
    if raw is None:
        return None
    try:
        value = float(raw.replace(",", ".").replace(" ", ""))
    except ValueError:
        raise FieldError(f"{label} ska vara ett tal, inte {raw!r}.") from None
    return int(value) if value.is_integer() and "," not in raw and "." not in raw else value


def fields_from_form(kind: str, form: MultiDict) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name, (ftype, label) in SCHEMAS.get(kind, SCHEMAS["unknown"]).items():
        key = f"f-{name}"
        if ftype in ("str", "date", "text"):
            fields[name] = _text(form, key)
        elif ftype == "int":
            fields[name] = _int(form, key, label)
        elif ftype == "strlist":
            fields[name] = _lines(form, key)
        elif ftype == "period":
            start, end = _int(form, f"{key}-start", "Startår"), _int(form, f"{key}-end", "Slutår")
            if (start is None) != (end is None):
                raise FieldError("Planperioden behöver både startår och slutår.")
            fields[name] = {"start": start, "end": end} if start is not None else None
        elif ftype == "goals":
            fields[name] = {a: g for a in AREAS if (g := _lines(form, f"{key}-{a}"))}
        elif ftype == "contact":
            fields[name] = {k: _text(form, f"{key}-{k}") for k in CONTACT_KEYS}
        elif ftype == "indicators":
            fields[name] = _indicators(form)
    return fields


def _indicators(form: MultiDict) -> list[dict[str, Any]]:
    rows = []
    for i in range(int(form.get("indicator-rows") or 0)):
        p = f"f-indicators-{i}-"
        name = _text(form, p + "name")
        if not name:
            continue  # an emptied row removes the indicator
        label = f"Indikatorn {name!r}"
        rows.append({
            "area": _text(form, p + "area"),
            "name": name,
            "unit": _text(form, p + "unit"),
            "baseline": {"year": _int(form, p + "by", label), "value": _num(form, p + "bv", label)},
            "target": {"year": _int(form, p + "ty", label), "value": _num(form, p + "tv", label)},
        })
    return rows
