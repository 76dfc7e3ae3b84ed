"""Secrecy markings of registrations (offentlighets- och sekretesslagen 5 kap. 2 och 5 §§).

A registrar marks the sender/recipient, the description and/or the document itself of a registration as
secret, naming the provision; the number and the date stay public. Markings are kept when lifted, with
who lifted them, when and why. What is protected right now is read from the markings in force, both for
a registration in memory (:func:`protected`) and in SQL (:func:`protected_in_sql`), so that the public
diary neither shows nor finds protected text.
"""
from __future__ import annotations

from sqlalchemy import ColumnElement, exists
from sqlalchemy.orm import Session

from kansli.models import Registration, SecrecyMark, utcnow
from kansli.registry.errors import RegistryError
from kansli.registry.terms import SecrecyPart


def parts_of(mark: SecrecyMark) -> list[SecrecyPart]:
    return [part for part in SecrecyPart if getattr(mark, part.value)]


def in_force(registration: Registration) -> list[SecrecyMark]:
    return [mark for mark in registration.secrecy_marks if mark.lifted_at is None]


def protected(registration: Registration) -> dict[SecrecyPart, str]:
    """Each protected part of the registration and the provision that protects it."""
    return {part: mark.provision for mark in in_force(registration) for part in parts_of(mark)}


def protected_in_sql(part: SecrecyPart) -> ColumnElement[bool]:
    """The condition "the registration's ``part`` is protected by a marking in force", for queries."""
    return exists().where(SecrecyMark.registration_id == Registration.id, SecrecyMark.lifted_at.is_(None),
                          getattr(SecrecyMark, part.value).is_(True))


def mark(session: Session, registration: Registration, parts: list[str], provision: str,
         user_id: int | None) -> SecrecyMark:
    """Mark ``parts`` secret under ``provision``; a part already protected must be lifted first, so that
    every part rests on one provision the registrar chose."""
    chosen = [SecrecyPart(p) for p in parts]
    if already := [p for p in chosen if p in protected(registration)]:
        shown = ", ".join(f"{p.label} (enligt {protected(registration)[p]})" for p in already)
        raise RegistryError(409, f"{registration.dnr}: {shown} är redan sekretessmarkerad; häv den markeringen först.")
    new = SecrecyMark(registration=registration, provision=provision, marked_by=user_id,
                      **{p.value: p in chosen for p in SecrecyPart})
    session.add(new)
    session.flush()
    return new


def lift(registration: Registration, user_id: int | None, reason: str, mark_id: int | None = None
         ) -> list[SecrecyMark]:
    """Lift one marking in force (``mark_id``) or all of them; returns those lifted."""
    marks = in_force(registration)
    if mark_id is not None:
        marks = [m for m in marks if m.id == mark_id]
        if not marks:
            raise RegistryError(404, f"{registration.dnr} har ingen gällande sekretessmarkering {mark_id}.")
    if not marks:
        raise RegistryError(409, f"{registration.dnr} har ingen sekretessmarkering att häva.")
    now = utcnow()
    for m in marks:
        m.lifted_by, m.lifted_at, m.lift_reason = user_id, now, reason
    return marks
