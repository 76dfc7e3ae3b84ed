"""Every status a row can be in, with the Swedish word the pages show for it.

The values are what the database stores and the API returns (``shared/contracts/api.md``); members are
``str`` so that rows read back as plain strings compare equal to them.
"""
from __future__ import annotations

from enum import StrEnum


class _Status(StrEnum):
    @property
    def label(self) -> str:
        """The status as the pages say it (per class: equal values of two classes are equal strings)."""
        return _LABELS[type(self)][self.value]


class DocumentStatus(_Status):
    QUEUED = "queued"
    PROCESSING = "processing"
    EXTRACTED = "extracted"
    FAILED = "failed"
    DISPOSED = "disposed"


class OutputStatus(_Status):
    QUEUED = "queued"
    RENDERING = "rendering"
    READY = "ready"
    FAILED = "failed"
    DISPOSED = "disposed"


class RegistrationStatus(_Status):
    REGISTERED = "registered"
    ARCHIVED = "archived"
    DISPOSED = "disposed"
    #: Made in error and voided (makulerad): the number stays, shown as such, and is never given again.
    VOIDED = "voided"


class CaseStatus(_Status):
    OPEN = "open"
    CLOSED = "closed"


class Direction(_Status):
    """Which way a registered document went: not a status, but a word the pages show just as one."""

    INCOMING = "incoming"
    OUTGOING = "outgoing"
    INTERNAL = "internal"


class AgreementStatus(_Status):
    """Where an agency's cooperation agreement with a municipality stands, read from the registry."""

    NONE = "none"
    DRAFT = "draft"
    SENT = "sent"
    SIGNED = "signed"


_LABELS: dict[type[_Status], dict[str, str]] = {
    DocumentStatus: {"queued": "I kö", "processing": "Läses", "extracted": "Extraherad", "failed": "Misslyckades",
                     "disposed": "Gallrad"},
    OutputStatus: {"queued": "I kö", "rendering": "Skapas", "ready": "Klar", "failed": "Misslyckades",
                   "disposed": "Gallrad"},
    RegistrationStatus: {"registered": "Registrerad", "archived": "Arkiverad", "disposed": "Gallrad",
                         "voided": "Makulerad"},
    CaseStatus: {"open": "Öppet", "closed": "Avslutat"},
    Direction: {"incoming": "Inkommande", "outgoing": "Upprättad/utgående", "internal": "Intern"},
    AgreementStatus: {"none": "Ingen", "draft": "Utkast", "sent": "Skickad", "signed": "Undertecknad"},
}
