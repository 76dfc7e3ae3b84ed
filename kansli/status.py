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


_LABELS: dict[type[_Status], dict[str, str]] = {
    DocumentStatus: {"queued": "I kö", "processing": "Läses", "extracted": "Extraherad", "failed": "Misslyckades",
                     "disposed": "Gallrad"},
    OutputStatus: {"queued": "I kö", "rendering": "Skapas", "ready": "Klar", "failed": "Misslyckades",
                   "disposed": "Gallrad"},
    RegistrationStatus: {"registered": "Registrerad", "archived": "Arkiverad", "disposed": "Gallrad"},
}
