"""Reading forms back: the review form into fields of the extraction contract's shape, and problems onto
the controls they belong to.

The form only turns its text into values (Swedish decimal commas, ASCII digits); whatever it cannot
read it passes on as text, and :func:`kansli.fields.validate` — the API's check — says what is wrong.
A form with errors is shown again with every value as typed, each wrong control marked and an error
summary on top (:class:`FormErrors`, the macros in ``templates/_forms.html``), so no work is lost.
"""
from __future__ import annotations

import re
from typing import Any

from werkzeug.datastructures import MultiDict

from kansli.areas import AREAS
from kansli.fields import CONTACT_KEYS, SCHEMAS, FieldError
from kansli.validation import MAX_ITEMS, Loc

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


class FormErrors:
    """What is wrong with a sent form: each message with the id of its control (None: the form as a whole)."""

    def __init__(self, problems: list[tuple[str | None, str]] | None = None) -> None:
        self.summary: list[tuple[str | None, str]] = []
        self._by_id: dict[str, str] = {}
        for control, message in problems or []:
            self.add(control, message)

    @classmethod
    def of_problems(cls, problems: list[tuple[Loc, str]]) -> FormErrors:
        """A simple form's problems on its controls, whose ids are the fields' names with dashes."""
        return cls([(str(loc[0]).replace("_", "-") if loc else None, message) for loc, message in problems])

    def add(self, control: str | None, message: str) -> None:
        if (control, message) in self.summary:
            return
        self.summary.append((control, message))
        if control:
            self._by_id[control] = f"{self._by_id[control]} {message}" if control in self._by_id else message

    def of(self, control: str) -> str | None:
        return self._by_id.get(control)

    def __bool__(self) -> bool:
        return bool(self.summary)

    def __len__(self) -> int:
        return len(self.summary)


#: An indicator's parts (below its row) → the review form's column keys.
_INDICATOR_PARTS = {("name",): "name", ("unit",): "unit", ("area",): "area", ("baseline", "year"): "by",
                    ("baseline", "value"): "bv", ("baseline",): "by", ("target", "year"): "ty",
                    ("target", "value"): "tv", ("target",): "ty"}


def control_of(kind: str, loc: Loc) -> str | None:
    """The id of the review form's control that a problem at ``loc`` (a place in the fields) belongs to."""
    if not loc or not isinstance(loc[0], str):
        return None
    name, rest = loc[0], loc[1:]
    control = SCHEMAS.get(kind, SCHEMAS["unknown"]).get(name, (None, ""))[0]
    head = rest[0] if rest else None
    if control == "period":
        return f"f-period-{head if head in ('start', 'end') else 'start'}"
    if control == "goals":
        return f"f-goals-{head if isinstance(head, str) and head in AREAS else next(iter(AREAS))}"
    if control == "contact":
        return f"f-contact-{head if head in CONTACT_KEYS else 'name'}"
    if control == "indicators":
        row = head if isinstance(head, int) else 0
        return f"f-indicators-{row}-{_INDICATOR_PARTS.get(tuple(str(p) for p in rest[1:3]), 'name')}"
    if control == "values":
        row, part = head if isinstance(head, int) else 0, rest[1] if len(rest) > 1 else "name"
        return f"f-values-{row}-{part if part in ('area', 'name', 'unit', 'year', 'value') else 'name'}"
    return f"f-{name}" if control else None


def field_errors(kind: str, problems: list[tuple[Loc, str]]) -> FormErrors:
    """The review form's errors: every problem on its control, in the order of the fields."""
    return FormErrors([(control_of(kind, loc), message) for loc, message in problems])
