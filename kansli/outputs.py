"""Generated outputs: every kind a drafter may ask for, and what each is made from.

:data:`KINDS` is the one registry of output kinds: its Swedish name, its Word template, how a request
for it is checked, how its files are rendered, and how the registry describes it. Jobs, templates,
the registry, the API's JSON and its OpenAPI description all read it, so a new kind of output is an
entry here plus its template in ``templates/docx/``.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kansli.avstamning import overview, partnerships
from kansli.fields import EXAMPLES
from kansli.followup import build_series
from kansli.generation import (
    agreement_context,
    agreement_name,
    batch_name,
    decision_context,
    render_agreement,
    render_batch,
    render_decision,
    render_report,
    report_context,
    report_name,
)
from kansli.generation.followup_report import followup_context, followup_report_name, render_followup_report
from kansli.models import AGENCIES, Document, Output, Registration
from kansli.names import municipality_key
from kansli.planchanges import plan_changes
from kansli.status import DocumentStatus, OutputStatus, RegistrationStatus
from kansli.validation import DecisionLetterFields, Invalid, OutputRequest, check

#: Media type of each file format an output can have.
MEDIA_TYPES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
               "pdf": "application/pdf", "png": "image/png", "zip": "application/zip"}

#: The draft page's previews: every page of the draft's PDF, readable at this resolution, up to a limit at
#: which a long draft stops (its page says so).
PREVIEW_DPI, PREVIEW_PAGES = 100, 50
#: The small first-page picture every converted draft has had from the start, for the document page's list.
THUMBNAIL_SUFFIX = "-forhandsvisning.png"
_PAGE_PREVIEW = re.compile(r"-sida-(\d+)\.png$")

#: Reports progress in percent of the rendering step.
Progress = Callable[[int], None]
#: (output, template file, agency → areas or None for the built-in mapping, progress) → [(file name, bytes)]
Renderer = Callable[[Output, Path, "dict[str, tuple[str, ...]] | None", Progress], "list[tuple[str, bytes]]"]


def preview_name(docx: str, page: int) -> str:
    """A page preview's file name: after the Word file's, numbered so that the names sort by page."""
    return f"{docx.removesuffix('.docx')}-sida-{page:02d}.png"


def page_previews(names: list[str]) -> list[tuple[int, str]]:
    """(page, file name) of a draft's page previews, in page order. A draft made before every page was
    previewed has only its thumbnail, which then stands for its first page."""
    found = sorted((int(m.group(1)), name) for name in names if (m := _PAGE_PREVIEW.search(name)))
    return found or [(1, name) for name in names if name.endswith(THUMBNAIL_SUFFIX)][:1]


#: A draft registered under one of these may no longer be changed: its page's forms are read-only.
LOCKED = (RegistrationStatus.ARCHIVED, RegistrationStatus.DISPOSED)


class OutputRejected(ValueError):
    """A request for an output that cannot be made; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass(frozen=True)
class OutputKind:
    name: str
    #: As pages, messages and the registry say it.
    label: str
    #: The Word template it is rendered with (built in, or an admin's newer version of it).
    template: str
    #: The template's variables filled from example fields: which variables an uploaded version may use,
    #: and what it is test-rendered with before it is kept.
    sample_context: Callable[[], dict[str, Any]]
    #: Checks a drafter's request (the API's body, its shape already checked) and returns the new, unsaved row.
    request: Callable[[Session, OutputRequest, int | None], Output]
    render: Renderer
    #: Sender or recipient, and a short description, proposed when the output is registered.
    describe: Callable[[Output], tuple[str | None, str]]
    #: Each Word file also as PDF/A-2b with a preview; a zip of many drafts is delivered as it is.
    converts: bool = True


def _extracted_document(session: Session, doc_id: int | None, kind: str, what: str) -> Document:
    doc = session.get(Document, doc_id) if doc_id is not None else None
    if doc is None:
        raise OutputRejected(404, "not_found", f"Dokument {doc_id} finns inte.")
    if doc.status != DocumentStatus.EXTRACTED:
        raise OutputRejected(409, "not_ready", "Dokumentet är inte färdigläst ännu; vänta tills det är extraherat.")
    if doc.kind != kind:
        raise OutputRejected(409, "wrong_kind", f"{what}, och det här dokumentet är ingen sådan.")
    return doc


def _agency(body: OutputRequest) -> str:
    agency = body.agency
    if agency is None or agency not in AGENCIES:
        raise OutputRejected(400, "bad_request", f"Välj myndighet: {', '.join(AGENCIES)}.")
    return agency


def made_from(*docs: Document) -> dict[str, int]:
    """Which version of each document's fields a draft is made from (document id → revision number), read
    when its fields are frozen, so the draft page can say which version it shows."""
    return {str(doc.id): doc.revisions[-1].number for doc in docs if doc.revisions}


def plans_for(session: Session, municipalities: list[str]) -> dict[str, Document | None]:
    """Each municipality's newest extracted plan, or None where none is uploaded."""
    plans = session.scalars(
        select(Document).where(Document.kind == "district_plan", Document.status == DocumentStatus.EXTRACTED)
        .order_by(Document.id.desc())
    ).all()
    by_key: dict[str, Document] = {}
    for doc in plans:
        fields = doc.current_fields() or {}
        if fields.get("municipality"):
            by_key.setdefault(municipality_key(fields["municipality"]), doc)
    return {m: by_key.get(municipality_key(m)) for m in municipalities}


# --- agreement: one cooperation agreement from a district plan ---

def _request_agreement(session: Session, body: OutputRequest, user_id: int | None) -> Output:
    agency = _agency(body)
    doc = _extracted_document(session, body.document_id, "district_plan",
                              "En samverkansöverenskommelse skapas från en strategisk stadsdelsplan")
    fields = dict(doc.current_fields() or {})
    if body.revises is not None:
        fields["revision"] = _revision(session, body.revises, doc, agency, fields)
    return Output(kind="agreement", document_id=doc.id, agency=agency, fields=fields, created_by=user_id,
                  revisions=made_from(doc))


def _revision(session: Session, revises: int, plan: Document, agency: str, fields: dict[str, Any]) -> dict[str, Any]:
    """What a revision of agreement ``revises`` records: which agreement it revises and how the plan changed.

    The changes run from the plan fields the old agreement was made from (frozen in it) to the new plan's.
    """
    old = session.get(Output, revises)
    if old is None or old.kind != "agreement":
        raise OutputRejected(404, "not_found", f"Det finns ingen samverkansöverenskommelse med id {revises} att revidera.")
    before = old.fields or {}
    if old.agency != agency:
        raise OutputRejected(409, "wrong_agency", f"Överenskommelse {revises} gäller {old.agency}, inte {agency}; "
                                                  "välj samma myndighet som i den som revideras.")
    if municipality_key(str(before.get("municipality") or "")) != municipality_key(str(fields.get("municipality") or "")):
        raise OutputRejected(409, "wrong_municipality", f"Överenskommelse {revises} gäller {before.get('municipality')}, "
                                                        f"inte {fields.get('municipality')}; välj kommunens nya plan.")
    if old.document_id == plan.id:
        raise OutputRejected(409, "same_plan", f"Överenskommelse {revises} är redan gjord från den här planen; "
                                               "välj den nyare stadsdelsplanen för revideringen.")
    registration = session.scalar(select(Registration).where(Registration.output_id == old.id,
                                                             Registration.status != RegistrationStatus.VOIDED))
    return {"output_id": old.id, "since": registration.dnr if registration else old.created_at.date().isoformat(),
            "changes": plan_changes(before, fields)}


def _render_agreement(output: Output, template: Path, areas: dict[str, tuple[str, ...]] | None,
                      _progress: Progress) -> list[tuple[str, bytes]]:
    agency = output.agency or ""
    return [(agreement_name(agency, (output.fields or {}).get("municipality")),
             render_agreement(output.fields, agency, template, areas))]


def _describe_agreement(output: Output) -> tuple[str | None, str]:
    municipality = (output.fields or {}).get("municipality")
    return municipality, f"Samverkansöverenskommelse {output.agency} – {municipality}"


# --- decision: the letter and its identical letters, from a decision or from fields ---

def _request_decision(session: Session, body: OutputRequest, user_id: int | None) -> Output:
    doc_id, revisions = None, {}
    if body.fields is not None:
        try:
            fields = check(DecisionLetterFields, body.fields).model_dump(exclude_unset=True)
        except Invalid as exc:
            raise OutputRejected(422, "invalid_fields", exc.message) from None
    else:
        doc = _extracted_document(session, body.document_id, "decision",
                                  "Ett beslutsbrev skapas från ett regeringsbeslut")
        doc_id, fields, revisions = doc.id, dict(doc.current_fields() or {}), made_from(doc)
    if not (fields.get("addressee") and fields.get("title")):
        raise OutputRejected(422, "invalid_fields", "Beslutet behöver minst mottagare (addressee) och rubrik (title).")
    return Output(kind="decision", document_id=doc_id, fields=fields, created_by=user_id, revisions=revisions)


def _render_decision(output: Output, template: Path, _areas: dict[str, tuple[str, ...]] | None,
                     _progress: Progress) -> list[tuple[str, bytes]]:
    return render_decision(output.fields, template)


def _describe_decision(output: Output) -> tuple[str | None, str]:
    fields = output.fields or {}
    recipients = [fields.get("addressee"), *(fields.get("identical_to") or [])]
    return ", ".join(r for r in recipients if r), f"Beslutsbrev: {fields.get('title') or 'utan rubrik'}"


# --- batch: one agreement per municipality a decision names, as a zip ---

def _request_batch(session: Session, body: OutputRequest, user_id: int | None) -> Output:
    agency = _agency(body)
    decision = _extracted_document(session, body.document_id, "decision",
                                   "Överenskommelser i omgång skapas från ett regeringsbeslut")
    fields = dict(decision.current_fields() or {})
    if not fields.get("municipalities"):
        raise OutputRejected(422, "invalid_fields", "Beslutet nämner inga kommuner; rätta fältet municipalities först.")
    plans = plans_for(session, fields["municipalities"])
    return Output(kind="batch", document_id=decision.id, agency=agency, created_by=user_id,
                  fields={"decision": fields, "plans": {m: p.current_fields() if p else None for m, p in plans.items()}},
                  revisions=made_from(decision, *(p for p in plans.values() if p)))


def _render_batch(output: Output, template: Path, areas: dict[str, tuple[str, ...]] | None,
                  progress: Progress) -> list[tuple[str, bytes]]:
    agency = output.agency or ""
    data = render_batch(output.fields["decision"], output.fields["plans"], agency, template,
                        progress=lambda done, total: progress(done * 100 // total), agency_areas=areas)
    return [(batch_name(agency), data)]


# --- report: the consolidated report of several agencies' reports ---

def _request_report(session: Session, body: OutputRequest, user_id: int | None) -> Output:
    ids = body.document_ids
    if not ids:
        raise OutputRejected(400, "bad_request", "Ange document_ids: de myndighetsrapporter som ska sammanställas.")
    docs = [_extracted_document(session, i, "report", "En sammanställning görs av myndighetsrapporter")
            for i in dict.fromkeys(ids)]
    return Output(kind="report", document_id=docs[0].id, created_by=user_id,
                  fields={"reports": [d.current_fields() for d in docs], "document_ids": [d.id for d in docs]},
                  revisions=made_from(*docs))


def _render_report(output: Output, template: Path, _areas: dict[str, tuple[str, ...]] | None,
                   _progress: Progress) -> list[tuple[str, bytes]]:
    reports = output.fields["reports"]
    return [(report_name(reports), render_report(reports, template))]


# --- followup_report: the avstämning of every municipality's plan against its follow-up reports ---

def _request_followup(session: Session, _body: OutputRequest, user_id: int | None) -> Output:
    found = partnerships(session)
    if not found:
        raise OutputRejected(409, "not_ready", "Det finns ingen extraherad stadsdelsplan att stämma av; ladda upp "
                                               "kommunernas planer först.")
    ids = [i for p in found for i in (p.plan_id, *(doc_id for doc_id, _year in p.reports))]
    return Output(kind="followup_report", created_by=user_id,
                  fields={"municipalities": [p.as_json() for p in found], "overview": overview(found)},
                  revisions=made_from(*(session.get_one(Document, i) for i in ids)))


def _render_followup(output: Output, template: Path, _areas: dict[str, tuple[str, ...]] | None,
                     progress: Progress) -> list[tuple[str, bytes]]:
    return [(followup_report_name(),
             render_followup_report(output.fields, template, lambda done, total: progress(done * 100 // total)))]


def _followup_sample() -> dict[str, Any]:
    plan = EXAMPLES["district_plan"]
    series = build_series(plan["municipality"], plan, [EXAMPLES["follow_up"]])
    data = {"municipalities": [{"municipality": plan["municipality"], "plan": {
        "document_id": 1, "revision": 1, "filename": "plan.pdf", "period": plan["period"],
        "districts": plan["districts"]}, "reports": [{"document_id": 2, "year": 2009}],
        "series": [s.as_json() for s in series]}], "overview": []}
    return followup_context(data, draw=False)


def _labelled(label: str) -> Callable[[Output], tuple[str | None, str]]:
    return lambda output: (output.agency, label)


KINDS: dict[str, OutputKind] = {kind.name: kind for kind in (
    OutputKind("agreement", "Samverkansöverenskommelse", "agreement.docx",
               lambda: agreement_context(EXAMPLES["district_plan"], AGENCIES[0]), _request_agreement, _render_agreement,
               _describe_agreement),
    OutputKind("decision", "Beslutsbrev", "decision.docx",
               lambda: decision_context(EXAMPLES["decision"], EXAMPLES["decision"]["addressee"]), _request_decision,
               _render_decision, _describe_decision),
    OutputKind("batch", "Överenskommelser för beslutets kommuner", "agreement.docx",
               lambda: agreement_context(EXAMPLES["district_plan"], AGENCIES[0]), _request_batch, _render_batch,
               _labelled("Samverkansöverenskommelser"), converts=False),
    OutputKind("report", "Sammanställd redovisning", "report.docx",
               lambda: report_context([EXAMPLES["report"]]), _request_report, _render_report,
               _labelled("Sammanställd redovisning")),
    OutputKind("followup_report", "Avstämningsrapport", "followup_report.docx", _followup_sample, _request_followup,
               _render_followup, _labelled("Avstämning av lokala utvecklingsavtal")),
)}


def template_variables() -> dict[str, set[str]]:
    """Each template and the variables it may use: those of every kind rendered with it."""
    variables: dict[str, set[str]] = {}
    for kind in KINDS.values():
        variables.setdefault(kind.template, set()).update(kind.sample_context())
    return variables


def repeat_request(output: Output) -> dict[str, Any]:
    """The request that makes a draft like ``output`` again, from its documents' current fields (the same
    given fields where it was made from fields alone): the draft page's "skapa igen"."""
    fields = output.fields or {}
    body: dict[str, Any] = {"kind": output.kind, "document_id": output.document_id, "agency": output.agency}
    if output.kind == "report":
        body["document_ids"] = fields.get("document_ids")
    elif output.kind == "decision" and output.document_id is None:
        body["fields"] = fields
    elif output.kind == "agreement" and fields.get("revision"):
        body["revises"] = fields["revision"]["output_id"]
    return body


def request_output(session: Session, body: OutputRequest, user_id: int | None) -> Output:
    """Check a request (the API's ``POST /api/outputs`` body, its shape checked) and add the queued output."""
    kind = KINDS.get(body.kind or "")
    if kind is None:
        names = [f'"{k}"' for k in KINDS]
        raise OutputRejected(400, "bad_request",
                             f"Okänd typ av utkast; ange kind {', '.join(names[:-1])} eller {names[-1]}.")
    output = kind.request(session, body, user_id)
    output.status = OutputStatus.QUEUED
    session.add(output)
    session.flush()
    return output
