"""Correcting a registration's particulars — date, sender or recipient, description — before it is archived.

A registrar often registers first and reads closer later: the guessed description is too vague, the
sender was a department rather than the municipality. Until the registration is frozen in an archive
package its particulars may be corrected; every correction is audited with the old and the new value,
and the search index follows.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from kansli.models import Registration
from kansli.registry.errors import RegistryError
from kansli.registry.search import index
from kansli.status import RegistrationStatus
from kansli.validation import RegistrationAmendment

#: The particulars that may be corrected, with their Swedish names for messages and the audit trail.
PARTICULARS = {"date": "Datum", "party": "Avsändare/mottagare", "description": "Beskrivning"}


def changes(registration: Registration, body: RegistrationAmendment) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for what ``body`` would change; nothing for a form saved unchanged."""
    wanted = {"date": body.date, "party": body.party or None, "description": body.description}
    return {name: [getattr(registration, name), value] for name, value in wanted.items()
            if name in body.model_fields_set and value != getattr(registration, name)}


def amend(session: Session, registration: Registration, body: RegistrationAmendment) -> dict[str, list[Any]]:
    """Apply the corrections in ``body``; returns what changed, as :func:`changes` says."""
    if registration.status != RegistrationStatus.REGISTERED:
        label = RegistrationStatus(registration.status).label.lower()
        raise RegistryError(409, f"{registration.dnr} är {label} och kan inte längre ändras.")
    changed = changes(registration, body)
    for name in ("date", "description"):
        if name in changed and not changed[name][1]:
            raise RegistryError(400, f"{PARTICULARS[name]} får inte vara tom{'t' if name == 'date' else ''}.")
    for name, (_old, new) in changed.items():
        setattr(registration, name, new)
    if changed:
        session.flush()
        index(session, registration)
    return changed
