"""Which kind of document a text is: each kind scores its own markers, the best score wins."""
from __future__ import annotations

import re

MARKERS: dict[str, list[tuple[str, int]]] = {
    "decision": [
        (r"\bRegeringsbeslut\b", 3),
        (r"\bRegeringens beslut\b", 3),
        (r"På regeringens vägnar", 2),
        (r"\bLikalydande till\b", 2),
        (r"\bKopia till\b", 1),
    ],
    "district_plan": [  # recognised by what a plan holds, whatever its title says
        (r"\bstadsdelsplan", 4),
        (r"\butvecklingsplan\b|\bHandlingsplan\b|\bStrategisk plan\b", 2),
        (r"\blokal(?:a|t)? partnerskap(?:et)?s? styrdokument|\bpartnerskapet har enats", 2),
        (r"\b(?:Utgångsläge|Utgångsvärde|Basvärde|Nuläge)\b", 1),
        (r"\bMålvärde|\bMålår\b|\bÖnskat läge\b", 1),
        (r"\b(?:ska|skall) (?:öka|minska)\b", 1),
        (r"\bStadsdel(?:ar|en|arna)?\b", 1),
        (r"\bPlanperiod\b", 2),
        (r"\bIndikator", 1),
        (r"\bLokalt utvecklingsavtal|lokala utvecklingsavtal", 1),
    ],
    "report": [
        (r"\bRedovisning\b", 2),
        (r"\b13 ?§", 2),
        (r"\bverksamhetsåret\b", 2),
        (r"Förslag till åtgärder", 2),
        (r"\b[ÅA]rsrapport\b|\bRapport\b", 1),
    ],
    "follow_up": [  # a partnership's own follow-up: reported outcomes per year
        (r"\bUppföljning av\b|\bUppföljningsrapport|\bLägesrapport", 3),
        (r"\b[ÅA]rsrapport\b[^\n]{0,60}\blokalt partnerskap", 3),
        (r"\b(?:Utfall|Uppnått värde|Redovisat värde)\b", 2),
        (r"\b(?:Uppföljningsår|Avser år)\b", 2),
        (r"\bvar \d+(?:,\d+)? (?:procent|%|st|stycken|kronor|poäng) (?:år )?(?:19|20)\d\d\b", 1),
    ],
}
#: ("[ÅA]rsrapport": OCR may lose the ring of a capital Å; "Arsrapport" is no word of its own.)
#: Markers that count only in the document's first lines, where its title stands: a plan may speak of
#: "uppföljning av indikatorerna", but only a follow-up report is titled so.
TITLE_MARKERS: dict[str, list[tuple[str, int]]] = {
    "follow_up": [(r"^\s*(?:Uppföljning av|Uppföljningsrapport|Lägesrapport|[ÅA]rsrapport\b[^\n]*\blokalt partnerskap)", 4)],
}
THRESHOLD = 4


def classify(text: str) -> str:
    head = " ".join(text[:20000].split())  # a marker's words may wrap over lines in a narrow column
    top = "\n".join(line for line in text.splitlines() if line.strip())[:600]
    scores = {
        kind: sum(weight for pattern, weight in markers if re.search(pattern, head, re.IGNORECASE))
        + sum(weight for pattern, weight in TITLE_MARKERS.get(kind, []) if re.search(pattern, top, re.IGNORECASE | re.MULTILINE))
        for kind, markers in MARKERS.items()
    }
    kind, score = max(scores.items(), key=lambda item: item[1])
    return kind if score >= THRESHOLD else "unknown"
