"""Learning from corrections, in the database: which labels drafters' corrections taught, per municipality.

Finding a label in a document's text and reading the next document with it are pure functions in
:mod:`kansli.extraction.learned`; this module stores what they found and loads it for the worker.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kansli.extraction import learned
from kansli.extraction.learned import Learned
from kansli.models import Document, LearnedLabel, Revision
from kansli.names import municipality_key


def learn(session: Session, doc: Document, before: dict[str, Any], revision: Revision,
          user_id: int | None) -> list[LearnedLabel]:
    """The labels a correction of a plan teaches (:func:`~kansli.extraction.learned.taught`): for each
    corrected field whose new value stands in the document's text, the words before it; for a corrected
    indicator, its table's column headers; for an added goal, the heading above it. Kept for the plan's
    municipality (once each)."""
    municipality = revision.fields.get("municipality")
    if doc.kind != "district_plan" or not doc.text or not isinstance(municipality, str):
        return []
    key = municipality_key(municipality)
    taught = []
    for path, label in learned.taught(doc.text, before, revision.fields):
        known = session.scalar(select(LearnedLabel).where(LearnedLabel.municipality == key,
                                                          LearnedLabel.field == path, LearnedLabel.label == label))
        if known is None:
            taught.append(LearnedLabel(municipality=key, field=path, label=label, document_id=doc.id, user_id=user_id))
    session.add_all(taught)
    session.flush()
    return taught


def by_municipality(session: Session) -> dict[str, Learned]:
    """Every learned label as plain data for the extraction: municipality key → field → labels, newest first."""
    learned: dict[str, Learned] = {}
    for row in session.scalars(select(LearnedLabel).order_by(LearnedLabel.id.desc())):
        learned.setdefault(row.municipality, {}).setdefault(row.field, []).append(row.label)
    return learned


def listing(session: Session) -> list[LearnedLabel]:
    """All learned labels, by municipality and field, for the admin page and the API."""
    return list(session.scalars(select(LearnedLabel).order_by(LearnedLabel.municipality, LearnedLabel.field,
                                                              LearnedLabel.id)))
