"""Indicator follow-up for the government's avstämning: a plan's indicators with the values reported since.

A series is baseline → reported values → target. Whether it is "on track" is judged against the straight
line from baseline to target at the year of the latest report, in the indicator's own direction: some
indicators should rise (employment), others fall (dependence on benefits). Reported values are matched to
the plan's indicators by name, tolerant of small wording differences, because follow-up reports are written
by other hands than the plan; a drafter can correct a match, and the series says how it was matched.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher
from enum import StrEnum
from typing import Any

#: How alike two indicator names must be (difflib's ratio, case and spacing ignored) to be the same one.
SAME_NAME = 0.8


class Standing(StrEnum):
    ON_TRACK = "on_track"
    BEHIND = "behind"
    NO_DATA = "no_data"

    @property
    def label(self) -> str:
        return {"on_track": "I fas", "behind": "Efter", "no_data": "Uppgift saknas"}[self.value]


@dataclass(frozen=True)
class Point:
    year: int
    value: float


@dataclass
class Series:
    municipality: str
    area: str | None
    name: str
    unit: str | None
    baseline: Point | None
    target: Point | None
    reported: list[Point] = field(default_factory=list)
    #: For each reported year, the name the report used and how alike it was (1.0: the same words).
    matched: dict[int, tuple[str, float]] = field(default_factory=dict)

    @property
    def rising(self) -> bool | None:
        """Whether the indicator should rise; None when the plan gives no direction."""
        if self.baseline is None or self.target is None or self.target.value == self.baseline.value:
            return None
        return self.target.value > self.baseline.value

    def expected(self, year: int) -> float | None:
        """The value on the straight line from baseline to target in ``year``."""
        if self.baseline is None or self.target is None or self.target.year == self.baseline.year:
            return None
        share = (year - self.baseline.year) / (self.target.year - self.baseline.year)
        return self.baseline.value + (self.target.value - self.baseline.value) * min(max(share, 0.0), 1.0)

    @property
    def standing(self) -> Standing:
        if not self.reported or self.rising is None:
            return Standing.NO_DATA
        latest = max(self.reported, key=lambda p: p.year)
        expected = self.expected(latest.year)
        assert expected is not None  # a direction implies both ends
        on_track = latest.value >= expected if self.rising else latest.value <= expected
        return Standing.ON_TRACK if on_track else Standing.BEHIND

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Series:
        """The series again from :meth:`as_json` (as an output's frozen fields keep it)."""
        reported = data.get("reported") or []
        return cls(data["municipality"], data.get("area"), data["name"], data.get("unit"),
                   _point(data.get("baseline")), _point(data.get("target")),
                   [Point(r["year"], float(r["value"])) for r in reported],
                   {r["year"]: (r.get("reported_as") or "", float(r.get("similarity") or 0)) for r in reported})

    def as_json(self) -> dict[str, Any]:
        point = (lambda p: None if p is None else {"year": p.year, "value": p.value})  # noqa: E731
        return {"municipality": self.municipality, "area": self.area, "name": self.name, "unit": self.unit,
                "baseline": point(self.baseline), "target": point(self.target),
                "reported": [{"year": p.year, "value": p.value, "reported_as": self.matched[p.year][0],
                              "similarity": round(self.matched[p.year][1], 2)} for p in sorted(self.reported,
                                                                                                key=lambda p: p.year)],
                "direction": None if self.rising is None else ("rising" if self.rising else "falling"),
                "standing": self.standing.value, "standing_label": self.standing.label}


def _norm(text: Any) -> str:
    return " ".join(str(text or "").replace("-", "–").split()).casefold()


def _point(raw: Any) -> Point | None:
    if isinstance(raw, dict) and isinstance(raw.get("year"), int) and isinstance(raw.get("value"), int | float):
        return Point(raw["year"], float(raw["value"]))
    return None


def similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, _norm(a), _norm(b)).ratio()


def build_series(municipality: str, plan: dict[str, Any], reports: list[dict[str, Any]],
                 corrections: dict[str, str] | None = None) -> list[Series]:
    """The plan's indicators, each with the values the follow-up reports gave for it.

    ``reports`` are follow-up fields (``values``: ``{"area", "name", "unit", "year", "value"}``), in any
    order; where two reports give the same year, the later in the list wins (a corrected report).
    ``corrections`` maps a reported name to the plan indicator's name a drafter chose for it.
    """
    series = [Series(municipality, i.get("area"), str(i.get("name") or ""), i.get("unit"),
                     _point(i.get("baseline")), _point(i.get("target")))
              for i in plan.get("indicators") or [] if isinstance(i, dict) and i.get("name")]
    by_name = {s.name: s for s in series}
    for report in reports:
        for value in report.get("values") or []:
            if not (isinstance(value, dict) and isinstance(value.get("year"), int)
                    and isinstance(value.get("value"), int | float)):
                continue
            found = _match(series, by_name, value, corrections or {})
            if found is None:
                continue
            target, score = found
            target.reported = [p for p in target.reported if p.year != value["year"]]
            target.reported.append(Point(value["year"], float(value["value"])))
            target.matched[value["year"]] = (str(value.get("name")), score)
    return series


def _match(series: list[Series], by_name: dict[str, Series], value: dict[str, Any],
           corrections: dict[str, str]) -> tuple[Series, float] | None:
    name = str(value.get("name") or "")
    if name in corrections and corrections[name] in by_name:
        return by_name[corrections[name]], 1.0
    candidates = [(similarity(s.name, name), s) for s in series
                  if (not value.get("area") or not s.area or value["area"] == s.area)
                  and (not value.get("unit") or not s.unit or value["unit"] == s.unit)]
    if not candidates:
        return None
    score, best = max(candidates, key=lambda c: c[0])
    return (best, score) if score >= SAME_NAME else None
