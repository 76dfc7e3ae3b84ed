"""What changed between two versions of a municipality's strategic district plan, in Swedish.

Each agreement "ska utgå från dessa stadsdelsplaner och revideras vid behov": when a newer plan is
registered, the revision of an agreement built on the old one opens with this list, so that the agency
and the municipality see what they are asked to agree to anew. Goals are compared per area, indicators by
area and name; a goal or indicator reworded only slightly is shown as changed, not as removed and added.
"""
from __future__ import annotations

from difflib import SequenceMatcher
from typing import Any

from kansli.areas import AREAS

#: How alike two wordings must be (difflib's ratio) to be the same goal or indicator, reworded.
SAME = 0.75


def _norm(text: Any) -> str:
    return " ".join(str(text or "").split()).casefold()


def _number(value: Any) -> str:
    if value is None:
        return "–"
    return (f"{value:g}" if isinstance(value, float) else str(value)).replace(".", ",")


def _point(point: dict[str, Any] | None, unit: str | None) -> str:
    point = point or {}
    value = _number(point.get("value")) + (f" {unit}" if unit and point.get("value") is not None else "")
    return f"{value} ({point['year']})" if point.get("year") else value


def _area(key: str | None) -> str:
    return AREAS[key].label if key in AREAS else "okänt område"


def _pair(old: list[str], new: list[str]) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """Match old to new wordings: (reworded pairs, removed, added); identical ones are left out."""
    old_left = [o for o in old if _norm(o) not in {_norm(n) for n in new}]
    new_left = [n for n in new if _norm(n) not in {_norm(o) for o in old}]
    pairs = []
    for item in list(old_left):
        scored = [(SequenceMatcher(None, _norm(item), _norm(n)).ratio(), n) for n in new_left]
        if scored and (best := max(scored))[0] >= SAME:
            pairs.append((item, best[1]))
            old_left.remove(item)
            new_left.remove(best[1])
    return pairs, old_left, new_left


def _goal_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    lines = []
    for key in [*AREAS, *sorted((set(old) | set(new)) - set(AREAS))]:
        pairs, removed, added = _pair(list(old.get(key) or []), list(new.get(key) or []))
        area = _area(key)
        lines += [f"Nytt mål inom {area}: {goal}" for goal in added]
        lines += [f"Borttaget mål inom {area}: {goal}" for goal in removed]
        lines += [f"Ändrat mål inom {area}: ”{before}” blir ”{after}”" for before, after in pairs]
    return lines


def _describe(indicator: dict[str, Any]) -> str:
    unit = indicator.get("unit")
    return (f"{indicator.get('name')} (utgångsvärde {_point(indicator.get('baseline'), unit)}, "
            f"målvärde {_point(indicator.get('target'), unit)})")


def _indicator_changes(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[str]:
    lines = []
    areas = [*AREAS, *sorted({str(i.get("area")) for i in old + new} - set(AREAS))]
    for key in areas:
        before = {str(i.get("name")): i for i in old if str(i.get("area")) == key}
        after = {str(i.get("name")): i for i in new if str(i.get("area")) == key}
        pairs, removed, added = _pair(list(before), list(after))
        pairs += [(name, name) for name in before if name in after]  # the same name: compare the values
        area = _area(key)
        lines += [f"Ny indikator inom {area}: {_describe(after[name])}" for name in added]
        lines += [f"Borttagen indikator inom {area}: {_describe(before[name])}" for name in removed]
        for old_name, new_name in pairs:
            was, now = before[old_name], after[new_name]
            parts = [f"namn ”{old_name}” blir ”{new_name}”"] if _norm(old_name) != _norm(new_name) else []
            if _norm(was.get("unit")) != _norm(now.get("unit")):
                parts.append(f"enhet {was.get('unit') or '–'} blir {now.get('unit') or '–'}")
            for field, label in (("baseline", "utgångsvärde"), ("target", "målvärde")):
                if (was.get(field) or {}) != (now.get(field) or {}):
                    parts.append(f"{label} {_point(was.get(field), was.get('unit'))} blir "
                                 f"{_point(now.get(field), now.get('unit'))}")
            if parts:
                lines.append(f"Ändrad indikator inom {area}, {new_name}: " + "; ".join(parts))
    return lines


def plan_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The differences from plan ``old`` to plan ``new`` (extracted or corrected fields), one Swedish
    sentence each: period and districts first, then goals and indicators area by area."""
    lines = []
    was, now = old.get("period") or {}, new.get("period") or {}
    if (was.get("start"), was.get("end")) != (now.get("start"), now.get("end")):
        lines.append(f"Perioden {was.get('start') or '–'}–{was.get('end') or '–'} blir "
                     f"{now.get('start') or '–'}–{now.get('end') or '–'}")
    gone = [d for d in old.get("districts") or [] if d not in (new.get("districts") or [])]
    came = [d for d in new.get("districts") or [] if d not in (old.get("districts") or [])]
    lines += [f"Ny stadsdel: {d}" for d in came] + [f"Stadsdel som inte längre ingår: {d}" for d in gone]
    lines += _goal_changes(old.get("goals") or {}, new.get("goals") or {})
    lines += _indicator_changes(list(old.get("indicators") or []), list(new.get("indicators") or []))
    return lines
