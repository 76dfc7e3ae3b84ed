"""The four areas of a strategic district plan, and which of them each agency's agreement cites.

Förordningen (2008:348) names work, education, safety and local growth; plans order their goals
under these areas, agreements quote the goals of the agency's areas, and the extraction finds an area
by the words plans use for it. One list, so that forms, extraction, generation and settings agree.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Area:
    key: str
    #: Short, as on the review form.
    label: str
    #: As a heading in an agreement.
    heading: str
    #: Words that mark the area in a plan's headings (lower case).
    words: tuple[str, ...]


AREAS: dict[str, Area] = {area.key: area for area in (
    Area("arbete", "Arbete", "Arbete och sysselsättning", ("arbete", "sysselsättning", "försörjning", "arbetsmarknad")),
    Area("utbildning", "Utbildning", "Utbildning", ("utbildning", "skol", "lärande")),
    Area("trygghet", "Trygghet", "Trygghet", ("trygghet", "trygg", "brottslighet")),
    Area("tillvaxt", "Tillväxt", "Lokal tillväxt", ("tillväxt", "näringsliv", "företagande")),
)}

#: Which areas each agency works in (its ordinary remit); ``KANSLI_AGENCY_AREAS`` overrides.
AGENCY_AREAS: dict[str, tuple[str, ...]] = {
    "Arbetsförmedlingen": ("arbete", "utbildning"),
    "Försäkringskassan": ("arbete",),
    "Polismyndigheten": ("trygghet",),
}
