"""Drafts from documents selected together on the document list ("Skapa utkast från markerade").

What a drafter expects from a selection of one kind: from district plans an agreement per plan and chosen
agency, from agency reports one consolidated report, from government decisions a decision letter each.
A selection that mixes kinds, or holds a document not yet read, is refused whole, naming the document.
"""
from __future__ import annotations

from collections.abc import Sequence

from kansli.models import AGENCIES, Document
from kansli.outputs import OutputRejected
from kansli.status import DocumentStatus
from kansli.validation import OutputRequest

#: The kinds a selection can be drafted from, with the word for one of them in a refusal.
DRAFTABLE = {"district_plan": "en stadsdelsplan", "report": "en myndighetsrapport", "decision": "ett regeringsbeslut"}


def _refuse(message: str) -> OutputRejected:
    return OutputRejected(409, "wrong_kind", message)


def draft_requests(docs: Sequence[Document], agencies: Sequence[str]) -> list[OutputRequest]:
    """The drafts a selection makes, in the list's order; :class:`OutputRejected` if it makes none."""
    if not docs:
        raise OutputRejected(400, "bad_request", "Markera minst ett dokument att skapa utkast från.")
    for doc in docs:
        if doc.status != DocumentStatus.EXTRACTED:
            raise _refuse(f"{doc.filename} är inte färdigläst (status: {DocumentStatus(doc.status).label.lower()}); "
                          "utkast skapas bara från lästa dokument.")
        if doc.kind not in DRAFTABLE:
            raise _refuse(f"Det går inte att skapa utkast från {doc.filename}: utkast görs från stadsdelsplaner, "
                          "myndighetsrapporter och regeringsbeslut.")
    kind = docs[0].kind or ""
    if other := next((d for d in docs if d.kind != kind), None):
        raise _refuse(f"Markera dokument av en och samma typ: {docs[0].filename} är {DRAFTABLE[kind]}, "
                      f"{other.filename} {DRAFTABLE[other.kind or '']}.")
    if kind == "report":
        return [OutputRequest(kind="report", document_ids=[d.id for d in docs])]
    if kind == "decision":
        return [OutputRequest(kind="decision", document_id=d.id) for d in docs]
    if not agencies:
        raise OutputRejected(400, "bad_request", "Välj minst en myndighet att göra överenskommelser för.")
    if unknown := [a for a in agencies if a not in AGENCIES]:
        raise OutputRejected(400, "bad_request", f"Okänd myndighet {unknown[0]}; välj bland {', '.join(AGENCIES)}.")
    return [OutputRequest(kind="agreement", document_id=d.id, agency=a) for d in docs for a in agencies]
