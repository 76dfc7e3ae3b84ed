"""Voiding (makulering): a registration made in error is marked void with a reason, never removed.

Its number stays taken and shows as makulerad in every list; the item it was of may be registered
again, under a new number. An archived or disposed registration is past voiding: its record is final.
"""
from __future__ import annotations

from kansli.models import Registration, utcnow
from kansli.registry.errors import RegistryError
from kansli.status import RegistrationStatus


def refuse_if_voided(registration: Registration, what: str) -> None:
    """Stop ``what`` (say "arkiveras") for a voided registration: it stands only as a record of the error."""
    if registration.status == RegistrationStatus.VOIDED:
        raise RegistryError(409, f"{registration.dnr} är makulerad och kan inte {what}.")


def void(registration: Registration, user_id: int | None, reason: str) -> None:
    refuse_if_voided(registration, "makuleras igen")
    if registration.status != RegistrationStatus.REGISTERED:
        label = RegistrationStatus(registration.status).label.lower()
        raise RegistryError(409, f"{registration.dnr} är {label} och kan inte längre makuleras.")
    if not reason.strip():
        raise RegistryError(400, "Ange varför registreringen makuleras.")
    registration.status, registration.void_reason = RegistrationStatus.VOIDED, reason.strip()
    registration.voided_by, registration.voided_at = user_id, utcnow()
