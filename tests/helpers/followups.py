"""Plans and follow-up reports as extracted documents, straight into the database (no PDF, no extraction).

The extraction of follow-up reports is its own work; the avstämning only reads the fields, so its tests
put fields where extraction would.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

from kansli import db
from kansli.models import Document, Revision
from kansli.status import DocumentStatus

PLAN = {"municipality": "Uppsala kommun", "districts": ["Gottsunda", "Valsätra"], "period": {"start": 2008, "end": 2010},
        "adopted": "2008-04-24", "reference": "KS 2008/214", "goals": {}, "contact": {}, "agencies": [],
        "indicators": [
            {"area": "arbete", "name": "Förvärvsfrekvens 20–64 år", "unit": "%",
             "baseline": {"year": 2006, "value": 52.1}, "target": {"year": 2010, "value": 60.0}},
            {"area": "arbete", "name": "Andel med försörjningsstöd", "unit": "%",
             "baseline": {"year": 2006, "value": 12.0}, "target": {"year": 2010, "value": 8.0}},
            {"area": "trygghet", "name": "Andel som känner sig trygga", "unit": "%",
             "baseline": {"year": 2006, "value": 60.0}, "target": {"year": 2010, "value": 75.0}}]}


def follow_up(year: int, values: list[tuple[str, float]], municipality: str = "Uppsala") -> dict[str, Any]:
    return {"municipality": municipality, "year": year, "districts": ["Gottsunda"], "reference": f"KS {year + 1}/118",
            "date": f"{year + 1}-03-01",
            "values": [{"area": None, "name": name, "unit": "%", "year": year, "value": value} for name, value in values]}


def add(database_url: str, kind: str, fields: dict[str, Any], filename: str = "") -> int:
    """An extracted document of ``kind`` with ``fields`` as its extraction; returns its id."""
    data = json.dumps([kind, fields], sort_keys=True).encode()
    with db.session_scope(database_url) as session:
        doc = Document(filename=filename or f"{kind}.pdf", sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                       kind=kind, status=DocumentStatus.EXTRACTED, progress=100, pages=1)
        doc.revisions.append(Revision(number=1, source="extraction", fields=fields))
        session.add(doc)
        session.flush()
        return doc.id


def uppsala(database_url: str) -> int:
    """Uppsala's plan and its follow-up reports for 2008 and 2009 (names worded a little differently)."""
    plan_id = add(database_url, "district_plan", PLAN, "plan-uppsala.pdf")
    add(database_url, "follow_up", follow_up(2009, [("Förvärvsfrekvens 20-64 år", 57.3),
                                                    ("Andel hushåll som får försörjningsstöd", 9.0)]))
    add(database_url, "follow_up", follow_up(2008, [("Förvärvsfrekvens, 20–64 år", 55.0),
                                                    ("Andel hushåll som får försörjningsstöd", 11.5)]))
    return plan_id


def nation(municipalities: int = 21, indicators: int = 10, years: int = 3) -> list[tuple[str, dict[str, Any]]]:
    """(kind, fields) of a whole avstämning: each municipality's plan and a follow-up report for each year."""
    documents: list[tuple[str, dict[str, Any]]] = []
    for m in range(municipalities):
        name = f"Kommun{chr(65 + m % 26)}{m} kommun"
        rows = [{"area": ("arbete", "utbildning", "trygghet", "tillvaxt")[i % 4], "name": f"Indikator {i + 1}",
                 "unit": "%", "baseline": {"year": 2006, "value": 40.0 + i},
                 "target": {"year": 2010, "value": 40.0 + i + (5 if i % 2 else -5)}} for i in range(indicators)]
        documents.append(("district_plan", {**PLAN, "municipality": name, "indicators": rows}))
        for y in range(years):
            documents.append(("follow_up", {**follow_up(2007 + y, []), "municipality": name, "values": [
                {"area": r["area"], "name": r["name"], "unit": "%", "year": 2007 + y,
                 "value": 40.0 + i + (y + 1) * (1 if i % 3 else -1)} for i, r in enumerate(rows)]}))
    return documents
