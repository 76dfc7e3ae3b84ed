"""Dispatch (expediering): recording that an outgoing document was sent, and to whom it should go.

The recipients are proposed from the output's own fields: a decision letter goes to its addressee, to
everyone on "Likalydande till" and to everyone on "Kopia till" (shared/contracts/extraction.md); an
agreement to its agency and its municipality. The registrar records each sending as it happens.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from kansli.models import Dispatch, Output, Registration
from kansli.registry.errors import RegistryError
from kansli.registry.record import registered_item
from kansli.status import RegistrationStatus
from kansli.validation import DispatchRequest

#: Why a recipient is proposed, as the registration page says it.
ROLES = {"addressee": "Mottagare", "identical_to": "Likalydande till", "copies_to": "Kopia till",
         "agency": "Myndighet", "municipality": "Kommun"}


@dataclass(frozen=True)
class Proposal:
    recipient: str
    role: str
    address: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "role_text": ROLES[self.role]}


def _names(value: Any) -> list[str]:
    """A field's names, whether it holds one or a list (fields are checked, but old outputs may be odd)."""
    values = value if isinstance(value, list) else [value]
    return [v.strip() for v in values if isinstance(v, str) and v.strip()]


def proposals(output: Output) -> list[Proposal]:
    """Who the output should be sent to, each once, in the order its fields name them."""
    fields = output.fields or {}
    found: list[Proposal] = []
    if output.kind == "decision":
        address = fields.get("addressee_address") if isinstance(fields.get("addressee_address"), str) else None
        found += [Proposal(n, "addressee", address) for n in _names(fields.get("addressee"))]
        found += [Proposal(n, "identical_to") for n in _names(fields.get("identical_to"))]
        found += [Proposal(n, "copies_to") for n in _names(fields.get("copies_to"))]
    elif output.kind in ("agreement", "batch"):
        found += [Proposal(n, "agency") for n in _names(output.agency)]
        decision = fields["decision"] if isinstance(fields.get("decision"), dict) else {}
        municipalities = fields.get("municipality") if output.kind == "agreement" else decision.get("municipalities")
        found += [Proposal(n, "municipality") for n in _names(municipalities)]
    unique: dict[str, Proposal] = {}
    for proposal in found:
        unique.setdefault(proposal.recipient.casefold(), proposal)
    return list(unique.values())


def _outgoing(registration: Registration) -> None:
    if registration.direction != "outgoing":
        raise RegistryError(409, f"{registration.dnr} är en inkommen handling; bara upprättade handlingar expedieras.")


def proposed_for(session: Session, registration: Registration) -> list[Proposal]:
    _outgoing(registration)
    item = registered_item(session, registration)
    return proposals(item) if isinstance(item, Output) else []


def record(session: Session, registration: Registration, body: DispatchRequest, user_id: int | None) -> Dispatch:
    """Record one sending of an outgoing registration."""
    _outgoing(registration)
    if registration.status == RegistrationStatus.DISPOSED:
        raise RegistryError(409, f"{registration.dnr} är gallrat och kan inte expedieras.")
    if registration.status == RegistrationStatus.ARCHIVED:
        raise RegistryError(409, f"{registration.dnr} är arkiverat och kan inte längre ändras; "
                                 "registrera expedieringen före arkiveringen.")
    dispatch = Dispatch(registration=registration, recipient=body.recipient, address=body.address,
                        method=body.method, sent_on=body.date or date.today().isoformat(), dispatched_by=user_id)
    session.add(dispatch)
    session.flush()
    return dispatch
