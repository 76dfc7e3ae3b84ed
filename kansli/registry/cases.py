"""Cases (ärenden) once opened: finding them, closing and reopening; opening one takes a number, in :mod:`.numbering`."""
from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from kansli.models import Case, User, utcnow
from kansli.registry.archiving import case_package
from kansli.registry.errors import RegistryError
from kansli.status import CaseStatus


def officer_id(session: Session, name: str | None) -> int | None:
    """The user named as handling officer; a name no user has is refused rather than dropped."""
    if not name:
        return None
    if (user := session.scalar(select(User).where(User.name == name))) is None:
        raise RegistryError(400, f"Det finns ingen användare som heter {name}; ange handläggarens användarnamn.")
    return user.id


def find(session: Session, q: str | None = None, *, status: str | None = None, municipality: str | None = None,
         limit: int = 200) -> list[Case]:
    """Cases whose number or title contains ``q``, with the filters, newest first."""
    query = select(Case).order_by(Case.year.desc(), Case.number.desc()).limit(limit)
    if q and q.strip():
        like = f"%{q.strip().lower()}%"
        query = query.where(or_(func.lower(Case.dnr).like(like), func.lower(Case.title).like(like)))
    if status:
        query = query.where(Case.status == status)
    if municipality and municipality.strip():
        query = query.where(func.lower(Case.municipality) == municipality.strip().lower())
    return list(session.scalars(query))


def close(case: Case) -> None:
    if case.status == CaseStatus.CLOSED:
        raise RegistryError(409, f"Ärendet {case.dnr} är redan avslutat.")
    case.status, case.closed_at = CaseStatus.CLOSED, utcnow()


def reopen(case: Case) -> None:
    """Reopen a closed case; one archived as a whole stays closed, since its package must hold all of it."""
    if case.status == CaseStatus.OPEN:
        raise RegistryError(409, f"Ärendet {case.dnr} är redan öppet.")
    if case_package(case):
        raise RegistryError(409, f"Ärendet {case.dnr} är arkiverat och kan inte öppnas igen; registrera nya "
                                 "handlingar i ett nytt ärende.")
    case.status, case.closed_at = CaseStatus.OPEN, None
