"""The public diary (offentligt diarium): what anyone may read of the registry, without signing in.

A row holds only what OSL 5 kap. 2 § makes public: number, date, direction, and the sender/recipient
and description unless a marking in force protects them, in which case the text says so and under which
provision. Search runs over those public parts only (never over document text or protected parts), so a
query for a secret party finds nothing. The row's status text comes from the status enum, so a status
added there (voided: makulerad) shows without a change here.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from kansli.models import Registration
from kansli.registry.secrecy import protected, protected_in_sql
from kansli.registry.terms import SecrecyPart
from kansli.status import RegistrationStatus

#: Rows per page: the diary is open to anyone, so every answer is bounded.
PER_PAGE = 50
DIRECTIONS = {"incoming": "Inkommen", "outgoing": "Upprättad"}


def protected_text(provision: str) -> str:
    return f"Uppgift skyddad enligt {provision}"


def public_row(registration: Registration) -> dict[str, Any]:
    """A registration as the public may see it; nothing protected leaves this function."""
    hidden = protected(registration)
    status = RegistrationStatus(registration.status)

    def shown(part: SecrecyPart, value: str | None) -> str | None:
        return protected_text(hidden[part]) if part in hidden else value

    return {
        "dnr": registration.dnr, "date": registration.date, "direction": registration.direction,
        "direction_text": DIRECTIONS.get(registration.direction, registration.direction),
        "party": shown(SecrecyPart.PARTY, registration.party),
        "description": shown(SecrecyPart.DESCRIPTION, registration.description),
        "status": status.value, "status_text": status.label,
        "protected": [{"part": part.value, "provision": provision} for part, provision in hidden.items()],
        "document_secret": SecrecyPart.DOCUMENT in hidden,
    }


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def public_search(session: Session, text: str | None = None, *, year: int | None = None, page: int = 1
                  ) -> tuple[list[Registration], int]:
    """One page of registrations whose public parts match ``text``, newest first, and how many match in all."""
    query = select(Registration)
    if text and text.strip():
        like = _like(text.strip())
        query = query.where(or_(
            func.lower(Registration.dnr).like(like, escape="\\"),
            and_(func.lower(Registration.party).like(like, escape="\\"), ~protected_in_sql(SecrecyPart.PARTY)),
            and_(func.lower(Registration.description).like(like, escape="\\"),
                 ~protected_in_sql(SecrecyPart.DESCRIPTION))))
    if year:
        query = query.where(Registration.year == year)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.options(selectinload(Registration.secrecy_marks))
                           .order_by(Registration.id.desc()).offset((page - 1) * PER_PAGE).limit(PER_PAGE))
    return list(rows), total
