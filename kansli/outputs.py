"""Generated outputs: what a drafter may ask for, and from which fields."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kansli.generation import municipality_key

from kansli.fields import FieldError, validate
from kansli.models import AGENCIES, Document, Output


class OutputRejected(ValueError):
    """A request for an output that cannot be made; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _extracted_document(session: Session, body: dict[str, Any], kind: str, what: str) -> Document:
    doc_id = body.get("document_id")
    doc = session.get(Document, doc_id) if isinstance(doc_id, int) and not isinstance(doc_id, bool) else None
    if doc is None:
        raise OutputRejected(404, "not_found", f"Dokument {doc_id} finns inte.")
    if doc.status != "extracted":
        raise OutputRejected(409, "not_ready", "Dokumentet är inte färdigläst ännu; vänta tills det är extraherat.")
    if doc.kind != kind:
        raise OutputRejected(409, "wrong_kind", f"{what}, och det här dokumentet är ingen sådan.")
    return doc


def _agency(body: dict[str, Any]) -> str:
    agency = body.get("agency")
    if agency not in AGENCIES:
        raise OutputRejected(400, "bad_request", f"Välj myndighet: {', '.join(AGENCIES)}.")
    return agency


def plans_for(session: Session, municipalities: list[str]) -> dict[str, dict[str, Any] | None]:
    """Each municipality's newest extracted plan's current fields, or None where none is uploaded."""
    plans = session.scalars(
        select(Document).where(Document.kind == "district_plan", Document.status == "extracted")
        .order_by(Document.id.desc())
    ).all()
    by_key: dict[str, dict[str, Any]] = {}
    for doc in plans:
        fields = doc.current_fields() or {}
        if fields.get("municipality"):
            by_key.setdefault(municipality_key(fields["municipality"]), fields)
    return {m: by_key.get(municipality_key(m)) for m in municipalities}


def _decision_fields(body: dict[str, Any], session: Session) -> tuple[int | None, dict[str, Any]]:
    if "fields" in body:
        given = body["fields"]
        if not isinstance(given, dict):
            raise OutputRejected(400, "bad_request", "fields ska vara ett JSON-objekt med beslutets fält.")
        item = given.get("item")
        try:
            fields = validate("decision", {k: v for k, v in given.items() if k != "item"})
        except FieldError as exc:
            raise OutputRejected(422, "invalid_fields", str(exc)) from None
        if item is not None:
            fields["item"] = str(item).strip()
        return None, fields
    doc = _extracted_document(session, body, "decision", "Ett beslutsbrev skapas från ett regeringsbeslut")
    return doc.id, dict(doc.current_fields() or {})


def request_output(session: Session, body: Any, user_id: int | None) -> Output:
    """Validate a request (the API's ``POST /api/outputs`` body) and create the queued output."""
    if not isinstance(body, dict):
        raise OutputRejected(400, "bad_request", "Skicka ett JSON-objekt med kind och document_id.")
    kind = body.get("kind")
    if kind == "decision":
        doc_id, fields = _decision_fields(body, session)
        if not (fields.get("addressee") and fields.get("title")):
            raise OutputRejected(422, "invalid_fields", "Beslutet behöver minst mottagare (addressee) och rubrik (title).")
        output = Output(kind="decision", document_id=doc_id, fields=fields, created_by=user_id, status="queued")
    elif kind == "batch":
        agency = _agency(body)
        decision = _extracted_document(session, body, "decision", "Överenskommelser i omgång skapas från ett regeringsbeslut")
        fields = dict(decision.current_fields() or {})
        if not fields.get("municipalities"):
            raise OutputRejected(422, "invalid_fields", "Beslutet nämner inga kommuner; rätta fältet municipalities först.")
        output = Output(kind="batch", document_id=decision.id, agency=agency, created_by=user_id, status="queued",
                        fields={"decision": fields, "plans": plans_for(session, fields["municipalities"])})
    elif kind == "report":
        ids = body.get("document_ids")
        if not isinstance(ids, list) or not ids:
            raise OutputRejected(400, "bad_request", "Ange document_ids: de myndighetsrapporter som ska sammanställas.")
        docs = [_extracted_document(session, {"document_id": i}, "report",
                                    "En sammanställning görs av myndighetsrapporter") for i in dict.fromkeys(ids)]
        output = Output(kind="report", document_id=docs[0].id, created_by=user_id, status="queued",
                        fields={"reports": [d.current_fields() for d in docs], "document_ids": [d.id for d in docs]})
    elif kind == "agreement":
        agency = _agency(body)
        doc = _extracted_document(session, body, "district_plan",
                                  "En samverkansöverenskommelse skapas från en strategisk stadsdelsplan")
        output = Output(kind="agreement", document_id=doc.id, agency=agency, fields=doc.current_fields(),
                        created_by=user_id, status="queued")
    else:
        raise OutputRejected(400, "bad_request",
                             "Okänd typ av utkast; ange kind \"agreement\", \"decision\", \"batch\" eller \"report\".")
    session.add(output)
    session.commit()
    return output


def agreement_name(output: Output) -> str:
    """A download name that says what the file is, e.g. ``samverkansoverenskommelse-…-botkyrka.docx``."""
    municipality = (output.fields or {}).get("municipality") or "kommun"
    slug = "-".join(
        "".join(c for c in part if c.isalnum()).lower()
        for part in (output.agency or "", municipality.removesuffix(" kommun"))
    )
    table = str.maketrans("åäöéü", "aaoeu")
    return f"samverkansoverenskommelse-{slug.translate(table)}.docx"
