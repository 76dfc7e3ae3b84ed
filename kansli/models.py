"""Database models: users, tokens and login sessions, uploaded documents with their extraction history, outputs.

Job state (status, progress, error, attempts, lease) lives on the rows themselves, not only in Redis,
so that work survives a lost Redis or a killed worker (see :mod:`kansli.jobstate`).
"""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from kansli.status import CaseStatus, DocumentStatus, OutputStatus, RegistrationStatus

ROLES = ("clerk", "drafter", "registrar", "admin")
AGENCIES = ("Arbetsförmedlingen", "Försäkringskassan", "Polismyndigheten")


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: DateTime(timezone=True), dict[str, Any]: JSON, list[Any]: JSON}


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Set while the account is disabled: no login, no token, no session works, but its history stays.
    disabled_at: Mapped[datetime | None] = mapped_column()
    #: Set by an admin's password reset: the user's login session opens only the page that sets a new
    #: password until they have chosen one (the reset password was seen by someone else).
    must_change_password: Mapped[bool] = mapped_column(default=False)
    #: When the password was last set: a temporary one (``must_change_password``) stops working a while after.
    password_set_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: SHA-256 of the token: tokens are random, so a fast hash is enough and the token is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: None: never expires (tokens issued before expiry existed, or on purpose with ``--days 0``).
    expires_at: Mapped[datetime | None] = mapped_column()
    #: Revoked tokens are kept, so the audit trail's token ids keep pointing somewhere.
    revoked_at: Mapped[datetime | None] = mapped_column()
    user: Mapped[User] = relationship()


class LoginSession(Base):
    """A signed-in browser. Its cookie holds only a random id and this row its SHA-256, so deleting the row
    ends the session wherever the cookie was copied to."""

    __tablename__ = "login_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The client address it signed in from, for an operator who wonders whose session it is.
    address: Mapped[str | None] = mapped_column(String(64))
    user: Mapped[User] = relationship()


class LoginFailure(Base):
    """One failed login, counted per account name and per client address to throttle guessing.

    Kept in the database so that every web process counts the same failures; rows older than the
    throttling window are deleted as new ones arrive.
    """

    __tablename__ = "login_failures"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: The name as typed, whether or not such a user exists: unknown names are throttled alike.
    account: Mapped[str] = mapped_column(String(100), index=True)
    address: Mapped[str | None] = mapped_column(String(64), index=True)


class JobStateMixin:
    """Columns every queued piece of work carries; see :mod:`kansli.jobstate` for the rules."""

    status: Mapped[str] = mapped_column(String(20), default=DocumentStatus.QUEUED.value, index=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    error_code: Mapped[str | None] = mapped_column(String(40))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: Random token of the attempt that holds the work; a stale attempt can no longer write.
    claim: Mapped[str | None] = mapped_column(String(32))
    lease_until: Mapped[datetime | None] = mapped_column()
    #: "host:pid" of the process running the work, for the logs and for operators.
    worker: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Document(JobStateMixin, Base):
    __tablename__ = "documents"
    QUEUED, RUNNING, DONE, FAILED = (DocumentStatus.QUEUED, DocumentStatus.PROCESSING, DocumentStatus.EXTRACTED,
                                     DocumentStatus.FAILED)

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    #: Same bytes, same document: an upload of known bytes returns the existing one.
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str | None] = mapped_column(String(20))
    pages: Mapped[int | None] = mapped_column(Integer)
    warnings: Mapped[list[Any]] = mapped_column(default=list)
    #: The text layer, kept for full-text search.
    text: Mapped[str | None] = mapped_column(Text)
    #: Where each extracted value stands: page and bounding box, shaped like the fields.
    provenance: Mapped[dict[str, Any] | None] = mapped_column()
    #: How sure the extraction is of each field (0–1, keyed like the fields): below 0.8, a drafter checks it.
    confidence: Mapped[dict[str, Any] | None] = mapped_column()
    revisions: Mapped[list[Revision]] = relationship(
        order_by="Revision.number", back_populates="document", cascade="all, delete-orphan"
    )

    def current_fields(self) -> dict[str, Any] | None:
        return self.revisions[-1].fields if self.revisions else None


class Revision(Base):
    """One version of a document's fields: number 1 is the extraction, later ones are corrections."""

    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("document_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(20))  # "extraction" or "correction"
    fields: Mapped[dict[str, Any]] = mapped_column()
    changed: Mapped[list[Any]] = mapped_column(default=list)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    document: Mapped[Document] = relationship(back_populates="revisions")
    user: Mapped[User | None] = relationship()


class Output(JobStateMixin, Base):
    __tablename__ = "outputs"
    QUEUED, RUNNING, DONE, FAILED = OutputStatus.QUEUED, OutputStatus.RENDERING, OutputStatus.READY, OutputStatus.FAILED

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    agency: Mapped[str | None] = mapped_column(String(100))
    #: The fields the output is made from, frozen at request time: later corrections don't change it.
    fields: Mapped[dict[str, Any]] = mapped_column()
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Which template version made each file: template file name → SHA-256.
    templates: Mapped[dict[str, Any] | None] = mapped_column()
    #: Which version of each document's fields it is made from, read at request time: document id → revision number.
    revisions: Mapped[dict[str, Any] | None] = mapped_column()
    #: How many pages its (first) PDF has; its page previews stop at a limit, and the draft page says so.
    pages: Mapped[int | None] = mapped_column(Integer)
    files: Mapped[list[OutputFile]] = relationship(
        order_by="OutputFile.id", back_populates="output", cascade="all, delete-orphan"
    )


class OutputFile(Base):
    __tablename__ = "output_files"
    __table_args__ = (UniqueConstraint("output_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    output_id: Mapped[int] = mapped_column(ForeignKey("outputs.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(255))
    format: Mapped[str] = mapped_column(String(10))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    output: Mapped[Output] = relationship(back_populates="files")


class Template(Base):
    """An admin's version of a Word template; the newest of a name is used, older ones are kept."""

    __tablename__ = "templates"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), index=True)  # "agreement.docx", "decision.docx"
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(255))
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    user: Mapped[User | None] = relationship()


class RegistryCounter(Base):
    """The last case number of each year; bumped in the same transaction that opens the case."""

    __tablename__ = "registry_counters"
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer)


class Case(Base):
    """A case (ärende): the matter whose number, ``PREFIX YEAR/N``, its documents are registered under.

    Case numbers take the year's counter (:class:`RegistryCounter`), so they are gap-free within a year.
    """

    __tablename__ = "cases"
    __table_args__ = (UniqueConstraint("year", "number", name="uq_cases_year_number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    dnr: Mapped[str] = mapped_column(String(40), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    municipality: Mapped[str | None] = mapped_column(String(100), index=True)
    #: The handling officer (handläggare), where one is named.
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(20), default=CaseStatus.OPEN.value)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column()
    #: The last running number given to a document of the case, bumped in the same transaction as the
    #: registration (``UPDATE … RETURNING``), so running numbers are gap-free within the case.
    last_document: Mapped[int] = mapped_column(Integer, default=0)
    officer: Mapped[User | None] = relationship()
    documents: Mapped[list[Registration]] = relationship(order_by="Registration.number", back_populates="case",
                                                         viewonly=True)


class Partnership(Base):
    """A municipality's local partnership (lokalt partnerskap, 4 § förordningen (2008:348)) and its case.

    Only the link is kept: the plans, agreements and reports shown for it are read from the registrations,
    so the partnership register can never disagree with the diarium.
    """

    __tablename__ = "partnerships"
    id: Mapped[int] = mapped_column(primary_key=True)
    #: :func:`kansli.names.municipality_key`: "Göteborgs kommun" and "Göteborg" are one partnership.
    municipality_key: Mapped[str] = mapped_column(String(100), unique=True)
    #: The name as the case was opened with it, "Botkyrka kommun".
    municipality: Mapped[str] = mapped_column(String(100))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    case: Mapped[Case] = relationship()


class Registration(Base):
    """An entry in the registry (diarium): what arrived or was drawn up, when, from or to whom.

    It is filed in a case and numbered within it: ``dnr`` is the case's number and ``number`` the
    running number, ``KAN 2026/17-3``. Registrations made before cases existed keep the ``dnr`` they
    were given (``KAN 2026/00017``) as document 1 of their case (migration 0009).
    """

    __tablename__ = "registrations"
    __table_args__ = (UniqueConstraint("case_id", "number", name="uq_registrations_case_number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    dnr: Mapped[str] = mapped_column(String(40), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    #: The year of the case's number.
    year: Mapped[int] = mapped_column(Integer)
    #: The running number within the case.
    number: Mapped[int] = mapped_column(Integer)
    #: "incoming", "outgoing" (drawn up, upprättad) or "internal" (:class:`kansli.status.Direction`).
    direction: Mapped[str] = mapped_column(String(10))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    output_id: Mapped[int | None] = mapped_column(ForeignKey("outputs.id"))
    #: The date the document arrived or was drawn up (offentlighets- och sekretesslagen 5 kap. 2 §).
    date: Mapped[str] = mapped_column(String(10))
    party: Mapped[str | None] = mapped_column(String(255))  # sender or recipient
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=RegistrationStatus.REGISTERED.value)
    registered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column()
    #: The archive package (zip) in the file store, once archived.
    package_sha256: Mapped[str | None] = mapped_column(String(64))
    #: ISO date after which the item may be disposed of; None: kept for good (bevaras).
    retain_until: Mapped[str | None] = mapped_column(String(10))
    legal_hold: Mapped[bool] = mapped_column(default=False)
    hold_reason: Mapped[str | None] = mapped_column(Text)
    #: Disposal (gallring) takes two registrars: one requests, another approves.
    disposal_requested_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    disposal_reason: Mapped[str | None] = mapped_column(Text)
    disposed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    disposed_at: Mapped[datetime | None] = mapped_column()
    #: Voiding (makulering): the number stays, with why, when and by whom it was voided.
    void_reason: Mapped[str | None] = mapped_column(Text)
    voided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    voided_at: Mapped[datetime | None] = mapped_column()
    #: An incoming signed copy names the agreement (a registration in the same case) it is the signed copy
    #: of; that agreement then counts as signed in the partnership register (:mod:`kansli.registry.partnerships`).
    signed_copy_of_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id"))
    user: Mapped[User | None] = relationship(foreign_keys=[registered_by])
    voider: Mapped[User | None] = relationship(foreign_keys=[voided_by])
    case: Mapped[Case] = relationship(back_populates="documents")
    output: Mapped[Output | None] = relationship()
    signed_copy_of: Mapped[Registration | None] = relationship(remote_side=[id], foreign_keys=[signed_copy_of_id])
    search_entry: Mapped[SearchEntry | None] = relationship(viewonly=True)
    files: Mapped[list[ArchivedFile]] = relationship(order_by="ArchivedFile.id", cascade="all, delete-orphan")
    #: Every secrecy marking, lifted ones too (OSL 5 kap. 5 §: when and by whom it was marked is recorded).
    secrecy_marks: Mapped[list[SecrecyMark]] = relationship(order_by="SecrecyMark.id", back_populates="registration")
    dispatches: Mapped[list[Dispatch]] = relationship(order_by="Dispatch.id", back_populates="registration")


class SecrecyMark(Base):
    """A registrar's marking that parts of a registration are secret (OSL 5 kap. 2 och 5 §§).

    The number and the date are never protected. A lifted marking stays, with who lifted it, when and why,
    so that the registration shows what the public could see at any time.
    """

    __tablename__ = "secrecy_marks"
    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id"), index=True)
    #: Which parts it protects: the sender or recipient, the description, the document itself (its file).
    party: Mapped[bool] = mapped_column(default=False)
    description: Mapped[bool] = mapped_column(default=False)
    document: Mapped[bool] = mapped_column(default=False)
    #: The provision the secrecy rests on, e.g. "OSL 21 kap. 3 §".
    provision: Mapped[str] = mapped_column(String(200))
    marked_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    marked_at: Mapped[datetime] = mapped_column(default=utcnow)
    lifted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    lifted_at: Mapped[datetime | None] = mapped_column()
    lift_reason: Mapped[str | None] = mapped_column(Text)
    registration: Mapped[Registration] = relationship(back_populates="secrecy_marks")
    marker: Mapped[User | None] = relationship(foreign_keys=[marked_by])
    lifter: Mapped[User | None] = relationship(foreign_keys=[lifted_by])


class Dispatch(Base):
    """An outgoing registration sent (expedierad): to whom, where, how, when and by whom."""

    __tablename__ = "dispatches"
    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id"), index=True)
    recipient: Mapped[str] = mapped_column(String(255))
    #: Postal address or e-mail address, as the method needs.
    address: Mapped[str | None] = mapped_column(Text)
    #: One of :class:`kansli.registry.dispatch.DispatchMethod`.
    method: Mapped[str] = mapped_column(String(20))
    #: The ISO date it was sent.
    sent_on: Mapped[str] = mapped_column(String(10))
    dispatched_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    registration: Mapped[Registration] = relationship(back_populates="dispatches")
    user: Mapped[User | None] = relationship()


class ArchivedFile(Base):
    """A file frozen into an archive package, with the digest ``kansli fixity`` checks it against."""

    __tablename__ = "archived_files"
    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id"))
    path: Mapped[str] = mapped_column(String(500))  # inside the package
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)


class IdempotencyKey(Base):
    """A client's key for one request that creates something, so that a retry gets the first answer.

    The row is claimed before the work and names what was made once it is, all in one transaction.
    """

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    #: "document" or "output".
    resource: Mapped[str] = mapped_column(String(20))
    resource_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class IndicatorMatch(Base):
    """A drafter's word on which plan indicator a follow-up report's name means, for one municipality.

    Follow-up reports are written by other hands than the plan; where the tolerant name match guesses
    wrong or not at all, this row decides (:func:`kansli.followup.build_series`'s ``corrections``).
    """

    __tablename__ = "indicator_matches"
    __table_args__ = (UniqueConstraint("municipality", "reported_name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    #: :func:`kansli.names.municipality_key` of the municipality, so "Uppsala" and "Uppsala kommun" agree.
    municipality: Mapped[str] = mapped_column(String(100))
    reported_name: Mapped[str] = mapped_column(String(1000))
    indicator: Mapped[str] = mapped_column(String(1000))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LearnedLabel(Base):
    """A label a drafter's correction taught: what one municipality's plans write before a field's value.

    The next plan from that municipality is read with it as a candidate (:mod:`kansli.extraction.learned`);
    an admin can list and remove them.
    """

    __tablename__ = "learned_labels"
    __table_args__ = (UniqueConstraint("municipality", "field", "label"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    #: :func:`kansli.names.municipality_key` of the plan's municipality.
    municipality: Mapped[str] = mapped_column(String(100))
    #: A path into the plan's fields: "reference", "contact.name", "indicators.baseline", "goals.arbete", …
    #: (``learned.PATHS``).
    field: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    user: Mapped[User | None] = relationship()


class AuditEntry(Base):
    """Append-only: who did what, when; each entry's hash covers the previous one's."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[str] = mapped_column(String(40))  # ISO timestamp as hashed, so it reads back identically
    actor: Mapped[str | None] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(100))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: Unique: two writers appending after the same entry cannot both succeed, so the chain never forks.
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class FixityRun(Base):
    __tablename__ = "fixity_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    checked: Mapped[int] = mapped_column(Integer)
    failures: Mapped[list[Any]] = mapped_column(default=list)


class SearchEntry(Base):
    """What a registration is found by: its fields and its document's text, with the filterable facts.

    SQLite indexes ``body`` with FTS5 (table ``registry_fts``), PostgreSQL with a Swedish tsvector.
    """

    __tablename__ = "registry_search"
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id"), primary_key=True,
                                                 autoincrement=False)
    body: Mapped[str] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(String(20), index=True)
    #: The municipality's key (:func:`kansli.names.municipality_key`): "Uppsala" finds "Uppsala kommun".
    municipality: Mapped[str | None] = mapped_column(String(100), index=True)


class DocumentSearch(Base):
    """What an uploaded document is found by on the document list: its name, fields and text, and its
    municipality's key. SQLite indexes ``body`` with FTS5 (table ``document_fts``), PostgreSQL with a Swedish
    tsvector, as the registry's :class:`SearchEntry`; a document not yet read has no row and is found by name.
    """

    __tablename__ = "document_search"
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True,
                                             autoincrement=False)
    body: Mapped[str] = mapped_column(Text)
    #: The municipality's key (:func:`kansli.names.municipality_key`): "Uppsala" finds "Uppsala kommun".
    municipality: Mapped[str | None] = mapped_column(String(100), index=True)
