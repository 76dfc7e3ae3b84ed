"""The registry's one error: every refusal carries the HTTP status the API and the pages answer with."""
from __future__ import annotations


class RegistryError(ValueError):
    """A registration that cannot be made or changed; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message
