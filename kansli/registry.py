"""The registry (diarium): registration numbers and what a registration records.

Numbers are ``PREFIX YEAR/NNNNN``, gap-free within a year and never reused: the year's counter is
bumped by an atomic upsert in the same transaction that inserts the registration, so a failed
registration rolls its number back and concurrent ones queue on the counter row.
"""
from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Integer, column, func, literal_column, or_, select
from sqlalchemy import text as sql
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from kansli.archive import build_package
from kansli.convert import ConversionError, pdf_to_pdfa
from kansli.models import (ArchivedFile, Document, Output, OutputFile, Registration, RegistryCounter, SearchEntry,
                           Template, utcnow)
from kansli.storage import Store

KIND_NAMES = {"district_plan": "Strategisk stadsdelsplan", "report": "Myndighetsrapport",
              "decision": "Regeringsbeslut", "unknown": "Dokument", None: "Dokument"}
OUTPUT_NAMES = {"agreement": "Samverkansöverenskommelse", "decision": "Beslutsbrev",
                "batch": "Samverkansöverenskommelser", "report": "Sammanställd redovisning"}


class RegistryError(ValueError):
    """A registration that cannot be made or changed; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def next_number(session: Session, year: int) -> int:
    """Take the year's next number, inside the caller's transaction."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(RegistryCounter).values(year=year, last=1)
    stmt = stmt.on_conflict_do_update(index_elements=["year"], set_={"last": RegistryCounter.last + 1})
    return session.execute(stmt.returning(RegistryCounter.last)).scalar_one()


def _describe_document(doc: Document) -> tuple[str | None, str]:
    fields = doc.current_fields() or {}
    party = fields.get("municipality") or fields.get("agency") or fields.get("department")
    subject = fields.get("title") or (f"{fields['municipality']}, {', '.join(fields.get('districts') or [])}"
                                      if fields.get("municipality") else None)
    return party, f"{KIND_NAMES.get(doc.kind, 'Dokument')}: {subject or doc.filename}"


def _describe_output(output: Output) -> tuple[str | None, str]:
    fields = output.fields or {}
    if output.kind == "decision":
        recipients = [fields.get("addressee"), *(fields.get("identical_to") or [])]
        return ", ".join(r for r in recipients if r), f"Beslutsbrev: {fields.get('title') or 'utan rubrik'}"
    if output.kind == "agreement":
        return fields.get("municipality"), f"Samverkansöverenskommelse {output.agency} – {fields.get('municipality')}"
    return output.agency, OUTPUT_NAMES.get(output.kind, "Utkast")


def register(session: Session, prefix: str, *, document_id: int | None = None, output_id: int | None = None,
             user_id: int | None = None, party: str | None = None, description: str | None = None,
             retention: dict[str, int | None] | None = None) -> Registration:
    """Register an uploaded document (incoming) or a ready output (outgoing) under a new number."""
    if (document_id is None) == (output_id is None):
        raise RegistryError(400, "Ange antingen document_id eller output_id.")
    year = date.today().year
    number = next_number(session, year)  # first: the transaction writes before it reads
    if earlier := session.scalar(select(Registration).where(
            Registration.document_id == document_id if document_id is not None else Registration.output_id == output_id)):
        raise RegistryError(409, f"Det är redan registrerat som {earlier.dnr}.")
    if document_id is not None:
        doc = session.get(Document, document_id)
        if doc is None:
            raise RegistryError(404, f"Dokument {document_id} finns inte.")
        guess_party, guess_description = _describe_document(doc)
        direction, when, kind = "incoming", doc.created_at, doc.kind or "unknown"
    else:
        output = session.get(Output, output_id)
        if output is None:
            raise RegistryError(404, f"Utkast {output_id} finns inte.")
        if output.status != "ready":
            raise RegistryError(409, "Utkastet är inte klart ännu; registrera det när filerna finns.")
        guess_party, guess_description = _describe_output(output)
        direction, when, kind = "outgoing", output.created_at, output.kind
    registration = Registration(
        dnr=f"{prefix} {year}/{number:05d}", year=year, number=number, direction=direction,
        document_id=document_id, output_id=output_id, date=when.date().isoformat(),
        party=(party or guess_party or None), description=description or guess_description,
        registered_by=user_id, status="registered",
        retain_until=_retain_until(when.date(), (retention or {}).get(kind)),
    )
    session.add(registration)
    session.flush()
    index(session, registration)
    return registration


def index(session: Session, registration: Registration) -> None:
    """Make a registration findable by its fields and its document's text (idempotent)."""
    kind, fields, body = None, {}, ""
    if registration.document_id is not None:
        doc = session.get(Document, registration.document_id)
        kind, fields, body = doc.kind, doc.current_fields() or {}, doc.text or ""
    elif registration.output_id is not None:
        output = session.get(Output, registration.output_id)
        kind, fields = output.kind, output.fields or {}
    parts = [registration.dnr, registration.party or "", registration.description,
             json.dumps(fields, ensure_ascii=False), body]
    entry = SearchEntry(registration_id=registration.id, body="\n".join(parts), kind=kind,
                        municipality=fields.get("municipality") if isinstance(fields.get("municipality"), str) else None)
    session.merge(entry)
    if session.get_bind().dialect.name == "sqlite":
        session.execute(sql("DELETE FROM registry_fts WHERE rowid = :id"), {"id": registration.id})
        session.execute(sql("INSERT INTO registry_fts (rowid, body) VALUES (:id, :body)"),
                        {"id": registration.id, "body": entry.body})


def _full_text(session: Session, text: str):  # noqa: ANN202 - an SQL expression
    if session.get_bind().dialect.name == "sqlite":
        terms = " ".join('"' + t.replace('"', '""') + '"*' for t in text.split())
        ids = sql("SELECT rowid FROM registry_fts WHERE registry_fts MATCH :q").bindparams(q=terms)
        return Registration.id.in_(ids.columns(column("rowid", Integer)))
    swedish = literal_column("'swedish'")
    matches = func.to_tsvector(swedish, SearchEntry.body).op("@@")(func.plainto_tsquery(swedish, text))
    return Registration.id.in_(select(SearchEntry.registration_id).where(matches))


def _retain_until(day: date, years: int | None) -> str | None:
    if years is None:
        return None
    try:
        return day.replace(year=day.year + years).isoformat()
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28).isoformat()


def set_hold(registration: Registration, hold: bool, reason: str | None) -> None:
    """A legal hold stops disposal whatever the retention period says."""
    if registration.status == "disposed":
        raise RegistryError(409, f"{registration.dnr} är redan gallrat.")
    if hold and not (reason or "").strip():
        raise RegistryError(400, "Ange skälet till den rättsliga spärren.")
    registration.legal_hold, registration.hold_reason = hold, (reason or "").strip() or None


def _may_dispose(registration: Registration) -> None:
    if registration.status == "disposed":
        raise RegistryError(409, f"{registration.dnr} är redan gallrat.")
    if registration.legal_hold:
        raise RegistryError(409, f"{registration.dnr} har en rättslig spärr ({registration.hold_reason}) och får inte gallras.")
    if registration.retain_until is None:
        raise RegistryError(409, f"{registration.dnr} ska bevaras och får inte gallras.")
    if registration.retain_until > date.today().isoformat():
        raise RegistryError(409, f"{registration.dnr} får gallras tidigast {registration.retain_until}.")


def request_disposal(registration: Registration, user_id: int, reason: str | None) -> None:
    _may_dispose(registration)
    if not (reason or "").strip():
        raise RegistryError(400, "Ange gallringsbeslutet eller skälet till gallringen.")
    registration.disposal_requested_by, registration.disposal_reason = user_id, reason.strip()


def approve_disposal(session: Session, store: Store, registration: Registration, user_id: int) -> None:
    """Dispose of the registered material; the registration stays as the record that it existed."""
    _may_dispose(registration)
    if registration.disposal_requested_by is None:
        raise RegistryError(409, f"Ingen har begärt gallring av {registration.dnr} ännu.")
    if registration.disposal_requested_by == user_id:
        raise RegistryError(409, "Gallringen måste godkännas av en annan registrator än den som begärde den.")
    digests = [registration.package_sha256] if registration.package_sha256 else []
    if registration.document_id is not None:
        doc = session.get(Document, registration.document_id)
        digests.append(doc.sha256)
        doc.text, doc.status, doc.revisions = None, "disposed", []
        doc.error = f"Gallrat enligt {registration.dnr}."
    else:
        output = session.get(Output, registration.output_id)
        digests += [f.sha256 for f in output.files]
        output.files, output.fields, output.status = [], {}, "disposed"
    registration.files = []
    registration.package_sha256 = None
    registration.status, registration.disposed_by, registration.disposed_at = "disposed", user_id, utcnow()
    session.execute(sql("DELETE FROM registry_search WHERE registration_id = :id"), {"id": registration.id})
    if session.get_bind().dialect.name == "sqlite":
        session.execute(sql("DELETE FROM registry_fts WHERE rowid = :id"), {"id": registration.id})
    session.flush()
    for digest in digests:
        if not referenced(session, digest):
            store.remove(digest)


def referenced(session: Session, digest: str) -> bool:
    """Whether any row still needs the stored file ``digest``, so that disposal leaves it alone.

    The store keeps identical bytes once: an upload, an output's file, a template version and an archive
    package can all be the same file. These four columns are every reference into the store; an
    ArchivedFile's digest is of a member inside a package, which the store holds only as the whole zip.
    A disposed document's row keeps its digest as a record but no longer needs the bytes.
    """
    holders = (select(Document.id).where(Document.sha256 == digest, Document.status != "disposed"),
               select(OutputFile.id).where(OutputFile.sha256 == digest),
               select(Template.id).where(Template.sha256 == digest),
               select(Registration.id).where(Registration.package_sha256 == digest))
    return bool(session.scalar(select(or_(*(holder.exists() for holder in holders)))))


def search(session: Session, text: str | None = None, *, kind: str | None = None, municipality: str | None = None,
           year: int | None = None, status: str | None = None, limit: int = 200) -> list[Registration]:
    """Registrations matching ``text`` (full text of fields and documents) and the filters, newest first."""
    query = select(Registration).outerjoin(SearchEntry).order_by(Registration.id.desc()).limit(limit)
    if text and text.strip():
        like = f"%{text.strip().lower()}%"
        query = query.where(or_(_full_text(session, text.strip()), func.lower(Registration.dnr).like(like),
                                func.lower(Registration.party).like(like),
                                func.lower(Registration.description).like(like)))
    if kind:
        query = query.where(SearchEntry.kind == kind)
    if municipality:
        query = query.where(func.lower(SearchEntry.municipality) == municipality.strip().lower())
    if year:
        query = query.where(Registration.year == year)
    if status:
        query = query.where(Registration.status == status)
    return list(session.scalars(query))


def as_dict(registration: Registration) -> dict[str, Any]:
    search_entry = registration.search_entry
    related = []
    if registration.output_id is not None:
        output = registration.output
        related = [{"document_id": i} for i in (output.fields or {}).get("document_ids") or [output.document_id] if i]
    return {
        "id": registration.id, "dnr": registration.dnr, "direction": registration.direction,
        "kind": search_entry.kind if search_entry else None, "related": related,
        "date": registration.date, "party": registration.party, "description": registration.description,
        "document_id": registration.document_id, "output_id": registration.output_id,
        "status": registration.status, "registered_by": registration.user.name if registration.user else None,
        "created_at": registration.created_at.isoformat(),
        "archived_at": registration.archived_at.isoformat() if registration.archived_at else None,
        "package_sha256": registration.package_sha256,
        "retain_until": registration.retain_until, "legal_hold": registration.legal_hold,
        "hold_reason": registration.hold_reason, "disposal_reason": registration.disposal_reason,
        "disposal_requested": registration.disposal_requested_by is not None,
        "disposed_at": registration.disposed_at.isoformat() if registration.disposed_at else None,
    }


def archived_registration_of_document(session: Session, document_id: int) -> Registration | None:
    return session.scalar(select(Registration).where(Registration.document_id == document_id,
                                                     Registration.status == "archived").limit(1))


def _software() -> dict[str, str]:
    from importlib.metadata import version

    return {name: version(name) for name in ("kansli", "docxtpl", "python-docx", "pdfplumber", "pypdfium2")}


def archive(session: Session, store: Store, registration: Registration, submitter: tuple[str, str | None]
            ) -> Registration:
    """Freeze a registration into an archive package; archived material is read-only from then on.

    ``submitter`` (name, organisationsnummer or None) is who the package says hands it to the archive.
    """
    if registration.status == "archived":
        raise RegistryError(409, f"{registration.dnr} är redan arkiverat och kan inte ändras.")
    if registration.status == "disposed":
        raise RegistryError(409, f"{registration.dnr} är gallrat; det finns inget kvar att arkivera.")
    events = []
    if registration.document_id is not None:
        doc = session.get(Document, registration.document_id)
        original = store.get(doc.sha256)
        data_files = [(safe_name(doc.filename), original)]
        fields, templates = doc.current_fields(), None
        events.append({"type": "ingestion", "at": doc.created_at.isoformat(), "detail": f"Uppladdad: {doc.filename}"})
        try:
            data_files.append((Path(data_files[0][0]).stem + "-pdfa.pdf", pdf_to_pdfa(original)))
            events.append({"type": "migration", "at": utcnow().isoformat(),
                           "detail": "PDF/A-2b framställd ur originalet med Ghostscript"})
        except ConversionError as exc:  # the original is archived regardless; the package says what is missing
            events.append({"type": "migration", "at": utcnow().isoformat(), "detail": f"Ingen PDF/A: {exc}"})
    else:
        output = session.get(Output, registration.output_id)
        data_files = [(f.name, store.get(f.sha256)) for f in output.files if f.format in ("docx", "pdf", "zip")]
        fields, templates = output.fields, output.templates
        events.append({"type": "creation", "at": output.created_at.isoformat(),
                       "detail": f"Skapad av Kansli ur mall {json.dumps(templates or {}, ensure_ascii=False)}"})
    now = utcnow()
    events += [{"type": "registration", "at": registration.created_at.isoformat(), "detail": f"Registrerad som {registration.dnr}"},
               {"type": "transfer", "at": now.isoformat(), "detail": "Arkiverad i paket enligt FGS Paketstruktur 2.0"}]
    record = {**as_dict(registration), "fields": fields, "templates": templates, "software": _software()}
    package, listing = build_package(record, data_files, events, submitter)
    registration.package_sha256 = store.put(package)
    registration.status, registration.archived_at = "archived", now
    registration.files = [ArchivedFile(path=path, sha256=sha, size=size) for path, sha, size in listing]
    session.flush()
    return registration


def safe_name(filename: str) -> str:
    name = re.sub(r"[^\w.\-]+", "_", filename, flags=re.UNICODE).strip("._")
    return name or "dokument.pdf"
