"""The avstämning from the database: each municipality's current plan and follow-up reports, as series.

:mod:`kansli.followup` builds series from fields; this module only finds those fields — the newest
extracted plan of each municipality (municipalities compared by :func:`kansli.names.municipality_key`,
since a plan says "Göteborg" and a report "Göteborgs kommun"), every follow-up report of it, and the
drafters' match corrections — so the API, the page, the exports and the report all show the same numbers.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kansli.areas import AREAS
from kansli.followup import Series, Standing, build_series
from kansli.models import Document, IndicatorMatch
from kansli.names import municipality_key
from kansli.status import DocumentStatus


@dataclass
class Partnership:
    """One municipality's part of the avstämning: which plan version its series are measured against."""

    municipality: str
    plan_id: int
    plan_revision: int
    plan_filename: str
    period: dict[str, Any] | None
    districts: list[str]
    #: (document id, year reported on) of each follow-up report, oldest year first.
    reports: list[tuple[int, int | None]] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"municipality": self.municipality,
                "plan": {"document_id": self.plan_id, "revision": self.plan_revision, "filename": self.plan_filename,
                         "period": self.period, "districts": self.districts},
                "reports": [{"document_id": doc_id, "year": year} for doc_id, year in self.reports],
                "series": [s.as_json() for s in self.series]}


def _extracted(session: Session, kind: str) -> list[Document]:
    return list(session.scalars(
        select(Document).where(Document.kind == kind, Document.status == DocumentStatus.EXTRACTED)
        .options(selectinload(Document.revisions)).order_by(Document.id)))


def corrections(session: Session) -> dict[str, dict[str, str]]:
    """Municipality key → reported name → plan indicator name, as drafters chose."""
    chosen: dict[str, dict[str, str]] = {}
    for match in session.scalars(select(IndicatorMatch).order_by(IndicatorMatch.id)):
        chosen.setdefault(match.municipality, {})[match.reported_name] = match.indicator
    return chosen


def partnerships(session: Session, municipality: str | None = None, district: str | None = None,
                 area: str | None = None) -> list[Partnership]:
    """Every municipality with an extracted plan, sorted by name, with its series; filters narrow it.

    ``district`` keeps municipalities whose plan names that district; ``area`` keeps only that area's series.
    """
    plans: dict[str, Document] = {}
    for doc in _extracted(session, "district_plan"):  # oldest first: the newest plan of a municipality wins
        name = (doc.current_fields() or {}).get("municipality")
        if name:
            plans[municipality_key(name)] = doc
    reports: dict[str, list[Document]] = {}
    for doc in _extracted(session, "follow_up"):
        name = (doc.current_fields() or {}).get("municipality")
        if name:
            reports.setdefault(municipality_key(name), []).append(doc)
    chosen = corrections(session)
    wanted = municipality_key(municipality) if municipality else None
    result = []
    for key, plan in plans.items():
        fields = plan.current_fields() or {}
        districts = list(fields.get("districts") or [])
        if wanted is not None and key != wanted:
            continue
        if district and district.casefold() not in {d.casefold() for d in districts}:
            continue
        # By year, then upload order: a later report on the same year (a corrected one) wins.
        follow_ups = sorted(reports.get(key, []), key=lambda d: ((d.current_fields() or {}).get("year") or 0, d.id))
        series = build_series(fields["municipality"], fields, [d.current_fields() or {} for d in follow_ups],
                              chosen.get(key))
        result.append(Partnership(
            fields["municipality"], plan.id, plan.revisions[-1].number, plan.filename, fields.get("period"),
            districts, [(d.id, (d.current_fields() or {}).get("year")) for d in follow_ups],
            [s for s in series if area is None or s.area == area]))
    return sorted(result, key=lambda p: p.municipality)


def overview(found: list[Partnership]) -> list[dict[str, Any]]:
    """Per municipality and area: how many indicators are on track, behind, and without data."""
    rows = []
    for partnership in found:
        for area in [*AREAS, None]:
            standing = Counter(s.standing for s in partnership.series if s.area == area)
            if standing:
                rows.append({"municipality": partnership.municipality, "area": area,
                             "area_label": AREAS[area].label if area else "Utan område",
                             **{s.value: standing[s] for s in Standing}})
    return rows


def plan_indicators(session: Session, municipality: str) -> list[str] | None:
    """The names of the indicators in the municipality's current plan, or None where it has no plan."""
    found = partnerships(session, municipality)
    return [s.name for s in found[0].series] if found else None
