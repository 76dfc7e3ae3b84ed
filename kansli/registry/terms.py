"""The registry's closed lists with their Swedish words: what secrecy can cover, how a dispatch is sent.

Kept apart from the rules that use them so that :mod:`kansli.validation` can check requests against
them without importing the registry's database code.
"""
from __future__ import annotations

from enum import StrEnum


class SecrecyPart(StrEnum):
    """What of a registration a secrecy marking can protect (OSL 5 kap. 2 §); never its number or date."""

    PARTY = "party"
    DESCRIPTION = "description"
    #: The document itself: its file is never offered to anyone who is not signed in.
    DOCUMENT = "document"

    @property
    def label(self) -> str:
        return {"party": "avsändare/mottagare", "description": "beskrivning", "document": "handlingen"}[self.value]


class DispatchMethod(StrEnum):
    """How an outgoing document was sent."""

    EMAIL = "email"
    POST = "post"
    ESIGN = "esign"

    @property
    def label(self) -> str:
        return {"email": "E-post", "post": "Post", "esign": "E-legitimation/underskriftstjänst"}[self.value]
