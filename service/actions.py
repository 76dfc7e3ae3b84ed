"""What a signed-in user can do, in one place for the pages and the JSON API alike.

Each action is one transaction on the request's session: the domain functions it calls only flush, the
audit entry joins the same transaction, and the action commits once at the end. Work for the queues is
handed to Redis only after the commit, so a worker never looks for a row that is not there yet.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from importlib.metadata import version
from typing import Any

from flask_login import current_user
from redis.exceptions import RedisError
from sqlalchemy import select
from sqlalchemy.orm import Session

from kansli import audit, documentlist, idempotency, jobstate, learning, queues, templates, users
from kansli.avstamning import plan_indicators
from kansli.db import transaction
from kansli.documents import DocumentGone, DocumentRefused, add_document, correct, receive, remove
from kansli.models import (
    Case,
    Dispatch,
    Document,
    IndicatorMatch,
    LearnedLabel,
    Output,
    Partnership,
    Registration,
    Revision,
    Template,
    User,
    utcnow,
)
from kansli.names import display_name, municipality_key
from kansli.outputs import OutputRejected, request_output
from kansli.registry import (
    archiving,
    case_export,
    cases,
    details,
    dispatch,
    numbering,
    partnerships,
    retention,
    secrecy,
    voiding,
)
from kansli.registry.erms import erms_xml
from kansli.registry.erms import validate as validate_erms
from kansli.registry.errors import RegistryError
from kansli.validation import (
    CaseRequest,
    DispatchRequest,
    Invalid,
    NewUser,
    OutputRequest,
    PartnershipRequest,
    RegistrationAmendment,
    RegistrationRequest,
    SecrecyLiftRequest,
    SecrecyRequest,
    is_plain,
)
from service.database import get_session, get_store, settings

log = logging.getLogger("kansli.web")


class Unmatched(Invalid):
    """A match correction naming no indicator of the municipality's plan."""

    status = 422
    code = "invalid_fields"


def _transaction() -> AbstractContextManager[Session]:
    """The request's session, committed if the block succeeds and rolled back if it raises."""
    return transaction(get_session())


def _audit(session: Session, action: str, subject: str, **details: Any) -> None:
    audit.record(session, current_user.name, action, subject, **details)


def _enqueue(what: str, row_id: int, enqueue: Callable[[Any, int], Any]) -> None:
    """Queue work; if Redis is away, the row stays queued and recovery queues it later."""
    try:
        enqueue(settings(), row_id)
    except RedisError:
        log.exception("%s %s: could not reach Redis; recovery will queue it", what, row_id)


def receive_upload(file: Any, key: str | None = None) -> tuple[Document, bool, bool]:
    """Store one uploaded file and queue it for extraction; returns the document, whether it is new, and
    whether it answers an earlier request with the same idempotency ``key`` (a client's retry, told so in
    the API's ``Idempotent-Replayed`` header, as a draft's is).

    The same bytes again give the same document, and so does a retry with the same ``key``.
    """
    data = file.read()
    received = receive(get_store(), data, file.filename)  # the slow part, before the transaction
    with _transaction() as session:
        audit.lock_chain(session)  # one order of locks with removal, which frees bytes an upload may share
        if key and (claim := idempotency.claim(session, current_user.id, key, "document")) is None:
            return session.get_one(Document, idempotency.earlier(session, current_user.id, key, "document")), False, True
        doc, created = add_document(session, received, current_user.id)
        if key and claim:
            claim.resource_id = doc.id
        if created:
            _audit(session, "upload", f"document {doc.id}", filename=doc.filename, sha256=doc.sha256)
    get_store().put(data)  # a removal of the same bytes may have freed them between receiving and committing
    if created:
        log.info("document %s: uploaded %r (%d bytes, %s pages) by %s", doc.id, doc.filename, doc.size,
                 doc.pages if doc.pages is not None else "uncounted", current_user.name)
        heavy = queues.is_heavy(settings(), doc.pages, doc.attempts)
        _enqueue("document", doc.id, lambda config, row_id: queues.enqueue_extraction(config, row_id, heavy))
    else:
        log.info("document %s: %r uploaded again by %s; same bytes, kept once", doc.id, file.filename,
                 current_user.name)
    return doc, created, False


def retry_document(doc: Document) -> None:
    """"Försök igen" for an upload that could not be read: queued afresh, on the heavy queue (an earlier
    attempt did not finish), with its old RQ jobs forgotten so the new one is not taken for a duplicate."""
    with _transaction() as session:
        audit.lock_chain(session)  # first, as removal takes it: the two on one row never deadlock
        if not jobstate.requeue(session, Document, doc.id):
            raise DocumentRefused(f"{doc.filename} kan inte försökas igen: bara uppladdningar som inte gick att "
                                  "läsa försöks igen, och den här är redan i kö eller läst.")
        _audit(session, "retry", f"document {doc.id}", filename=doc.filename)
    log.info("document %s: %r queued again by %s", doc.id, doc.filename, current_user.name)

    def enqueue(config: Any, row_id: int) -> None:
        redis = queues.connection(config.redis_url)
        for job_id in queues.document_job_ids(row_id):
            queues.forget(redis, job_id)
        queues.enqueue_extraction(config, row_id, queues.is_heavy(config, doc.pages, attempts=1))

    _enqueue("document", doc.id, enqueue)


def remove_document(doc: Document) -> None:
    """"Ta bort" for a failed upload nothing refers to (:func:`kansli.documents.remove`); its bytes leave the
    store after the commit, unless another row needs the same bytes."""
    doc_id, filename, digest = doc.id, doc.filename, doc.sha256
    with _transaction() as session:
        audit.lock_chain(session)  # as registering does: a document is not registered while it is removed
        if session.scalar(select(Document.id).where(Document.id == doc_id)) is None:  # removed meanwhile
            raise DocumentGone(f"{filename} är redan borttaget.")
        session.refresh(doc)
        freed = remove(session, doc)
        _audit(session, "remove", f"document {doc_id}", filename=filename, sha256=digest)
    with _transaction() as session:  # under the lock uploads take: none commits a row for these bytes meanwhile
        audit.lock_chain(session)
        removed = retention.remove_unreferenced(session, get_store(), freed)
    try:  # SQLite may give the id to the next upload: no finished job of this one may stand in its way
        redis = queues.connection(settings().redis_url)
        for job_id in queues.document_job_ids(doc_id):
            queues.forget(redis, job_id)
    except RedisError:
        log.warning("document %s: its jobs could not be forgotten, Redis is away; they expire by themselves", doc_id)
    log.info("document %s: %r removed by %s (%d stored files freed)", doc_id, filename, current_user.name,
             len(removed))


def start_outputs(bodies: list[OutputRequest], names: dict[int, str]) -> list[Output]:
    """Several drafts in one go ("Skapa utkast från markerade"): all are made or none, a refusal naming
    the document (``names``: document id → file name) it is about."""
    with _transaction() as session:
        made = []
        for body in bodies:
            try:
                made.append(_request_output(session, body))
            except OutputRejected as exc:
                named = names.get(body.document_id or 0)
                raise OutputRejected(exc.status, exc.code, f"{named}: {exc.message}" if named else exc.message) \
                    from None
    for output in made:
        _queue_output(output)
    return made


def apply_correction(doc: Document, changes: Any) -> Revision:
    """A drafter's corrections as a new revision of the fields (none when nothing changed)."""
    with _transaction() as session:
        audit.lock_chain(session)  # one correction at a time, each on the latest revision
        session.refresh(doc)
        before = doc.revisions[-1].number if doc.revisions else 0
        fields_before = doc.revisions[-1].fields if doc.revisions else {}
        revision = correct(session, doc, changes, current_user.id)
        if revision.number != before:
            documentlist.index(session, doc.id, doc.filename, revision.fields, doc.text)
            taught = learning.learn(session, doc, fields_before, revision, current_user.id)
            _audit(session, "correct", f"document {doc.id}", revision=revision.number, changed=revision.changed,
                   **({"learned": [f"{t.field}: {t.label}" for t in taught]} if taught else {}))
    if revision.number != before:
        log.info("document %s: revision %d by %s changed %s", doc.id, revision.number, current_user.name,
                 ", ".join(revision.changed))
    return revision


def forget_label(label: LearnedLabel) -> None:
    """An admin removes a learned label: the municipality's next plans are read without it."""
    with _transaction() as session:
        session.delete(label)
        _audit(session, "forget_label", f"municipality {label.municipality}", field=label.field, label=label.label)
    log.info("learned label %s (%s, %s) removed by %s", label.id, label.municipality, label.field, current_user.name)


def choose_indicator_match(municipality: str, reported_name: str, indicator: str) -> IndicatorMatch:
    """A drafter's word on which plan indicator a follow-up report's name means; replaces an earlier one.

    Raises :class:`~kansli.validation.Invalid` (422) where the municipality has no plan or its plan no such
    indicator, so a misspelt choice never silently matches nothing.
    """
    with _transaction() as session:
        names = plan_indicators(session, municipality)
        if names is None:
            raise Unmatched(f"{municipality} har ingen extraherad stadsdelsplan; ladda upp planen först.")
        if indicator not in names:
            raise Unmatched(f"Planen för {municipality} har ingen indikator som heter {indicator!r}; "
                            f"välj en av: {', '.join(names)}.")
        key = municipality_key(municipality)
        match = session.scalar(select(IndicatorMatch).where(IndicatorMatch.municipality == key,
                                                            IndicatorMatch.reported_name == reported_name))
        if match is None:
            match = IndicatorMatch(municipality=key, reported_name=reported_name)
            session.add(match)
        match.indicator, match.user_id = indicator, current_user.id
        session.flush()
        _audit(session, "match_indicator", f"municipality {key}", reported_name=reported_name, indicator=indicator)
    return match


def start_output(body: OutputRequest, key: str | None = None) -> tuple[Output, bool]:
    """Check a request for a draft, save it queued and queue its rendering; returns it and whether it is new.

    A retry with the same idempotency ``key`` gets the draft the first request made, not a second one.
    """
    with _transaction() as session:
        if key and (claim := idempotency.claim(session, current_user.id, key, "output")) is None:
            return session.get_one(Output, idempotency.earlier(session, current_user.id, key, "output")), False
        output = _request_output(session, body)
        if key and claim:
            claim.resource_id = output.id
    _queue_output(output)
    return output, True


def _request_output(session: Session, body: OutputRequest) -> Output:
    output = request_output(session, body, current_user.id)
    _audit(session, "generate", f"output {output.id}", kind=output.kind, document_id=output.document_id,
           agency=output.agency)
    return output


def _queue_output(output: Output) -> None:
    log.info("output %s: %s for document %s (%s) requested by %s", output.id, output.kind, output.document_id,
             output.agency, current_user.name)
    _enqueue("output", output.id, queues.enqueue_render)


def record_download(subject: str, what: str) -> None:
    """Who fetched which file, for the audit trail."""
    with _transaction() as session:
        _audit(session, "download", subject, what=what)


def receive_template(name: str, file: Any) -> Template:
    """Check and keep an uploaded template version; it is used from the next draft on."""
    with _transaction() as session:
        template = templates.add(session, get_store(), name, file.read(), display_name(file.filename),
                                 current_user.id)
        _audit(session, "template", name, sha256=template.sha256, filename=template.filename)
    log.info("template %s: version %s uploaded by %s", name, template.sha256[:12], current_user.name)
    return template


def revert_template(version: Template) -> Template:
    """Make an earlier template version current again, as a new version with its bytes."""
    with _transaction() as session:
        template = templates.revert(session, get_store(), version, current_user.id)
        _audit(session, "template_revert", version.name, sha256=template.sha256, from_version=version.id)
    log.info("template %s: version %s made current again by %s", version.name, version.id, current_user.name)
    return template


def add_user(body: NewUser, token_days: int = users.TOKEN_LIFETIME.days) -> tuple[User, str, str]:
    """An admin creates a user with a generated temporary password, which the user replaces at their first
    login (as after a reset: the admin has seen it); returns the user, the temporary password and their
    first API token, both shown once and never stored."""
    temporary = users.temporary_password()
    with _transaction() as session:
        user, token = users.create_user(session, body.name, body.role, temporary, _lifetime(token_days),
                                        must_change=True)
        _audit(session, "user_add", f"user {user.name}", role=user.role, must_change_password=True)
    log.info("user %s (%s) added by %s", user.name, user.role, current_user.name)
    return user, temporary, token


def change_user(user: User, action: str, apply: Callable[[Session, User], Any], **details: Any) -> Any:
    """An admin's change to a user (disable, enable, password, token, revoke, end sessions), audited under the
    same action names as ``kansli user``; ``apply`` returns what the audit entry records as ``result``."""
    with _transaction() as session:
        result = apply(session, user)
        if isinstance(result, (int, bool)):
            details["result"] = result
        _audit(session, action, f"user {user.name}", **details)
    log.info("user %s: %s by %s", user.name, action, current_user.name)
    return result


def reset_password(user: User) -> tuple[str, int]:
    """An admin resets ``user``'s password: returns the generated temporary one, to be shown once, and how
    many login sessions ended."""
    with _transaction() as session:
        temporary, ended = users.reset_password(session, user)
        _audit(session, "password_reset", f"user {user.name}", sessions_ended=ended)
    log.info("user %s: password reset by %s", user.name, current_user.name)
    return temporary, ended


class WrongPassword(Exception):
    """The current password, asked before a change, was wrong (already audited and counted), or too many
    wrong ones came lately (``throttled``: not checked)."""

    def __init__(self, throttled: bool) -> None:
        super().__init__("throttled" if throttled else "wrong")
        self.throttled = throttled


def choose_password(password: str, address: str | None, current: str | None = None) -> str:
    """The signed-in user replaces their password with one of their own; returns the id of a new login
    session, as every earlier one (the one in use too) has ended.

    After a reset (or a new account) the temporary password was just used to sign in, so it is not asked
    again; otherwise ``current`` must be the password they have now (:class:`WrongPassword`), checked and
    throttled as a login is, and a wrong one is audited and counted even though nothing changes.
    """
    with _transaction() as session:
        user = session.get_one(User, current_user.id)
        checked = None if user.must_change_password else \
            users.check_current_password(session, user, current or "", address)
        if checked is None or checked.user is not None:
            ended = users.choose_password(session, user, password)
            session_id = users.start_session(session, user, address, users.SessionLimits.of(settings()))
            _audit(session, "password_change", f"user {user.name}", sessions_ended=ended)
        elif not checked.throttled:  # as for logins, refusals unseen are not audited one by one
            _audit(session, "password_change_failed", f"user {user.name}", address=address)
            users.audit_lockouts(session, current_user.name, checked.locked, address)
    if checked is not None and checked.user is None:
        raise WrongPassword(checked.throttled)
    log.info("user %s chose a new password", user.name)
    return session_id


def _lifetime(days: int) -> timedelta | None:
    return timedelta(days=days) if days > 0 else None


def issue_token(user: User, days: int) -> str:
    """Another API token for ``user``, valid ``days`` days (0: until revoked); shown once, never stored."""
    return str(change_user(user, "token", lambda session, u: users.issue_token(session, u, _lifetime(days))))


def register_from(body: RegistrationRequest) -> Registration:
    """File the document or output that ``body`` names in its case (a new one without ``case``)."""
    with _transaction() as session:
        audit.lock_chain(session)  # first, as every audited change takes it: locks are always taken in one order
        prefix, signed_copy_of, opened = settings().dnr_prefix, None, None
        case = body.case
        if body.signed_copy_of is not None:  # filed beside the agreement it is the signed copy of
            signed_copy_of = partnerships.signed_copy_target(session, body.signed_copy_of, body.case,
                                                             body.output_id, body.direction)
            case = signed_copy_of.case.dnr
        elif case is None:
            case, opened = partnerships.filing_case(session, prefix, body.document_id, body.output_id)
        if opened is not None:
            _audit(session, "open_case", case or "", title=opened.case.title, municipality=opened.municipality,
                   officer=None, partnership=True)
        registration = numbering.register(session, prefix, user_id=current_user.id,
                                         retention=settings().retention, party=body.party,
                                         description=body.description, document_id=body.document_id,
                                         output_id=body.output_id, case=case, direction=body.direction)
        registration.signed_copy_of = signed_copy_of
        if case is None:
            _audit(session, "open_case", registration.case.dnr, title=registration.case.title,
                   municipality=registration.case.municipality, officer=None)
        _audit(session, "register", registration.dnr, document_id=body.document_id, output_id=body.output_id,
               case=registration.case.dnr, direction=registration.direction,
               signed_copy_of=signed_copy_of.dnr if signed_copy_of else None)
    log.info("registry: %s registered by %s", registration.dnr, current_user.name)
    return registration


def open_case(body: CaseRequest) -> Case:
    """Open a case under the year's next number; with ``partnership``, as the municipality's partnership case."""
    with _transaction() as session:
        audit.lock_chain(session)
        if body.partnership and not body.municipality:
            raise RegistryError(400, "Ange kommun för ett partnerskapsärende.")
        if body.partnership and body.municipality and (earlier := partnerships.find(session, body.municipality)):
            raise RegistryError(409, f"{earlier.municipality} har redan ett partnerskapsärende, {earlier.case.dnr}.")
        case = numbering.open_case(session, settings().dnr_prefix, body.title, municipality=body.municipality,
                                   officer_id=cases.officer_id(session, body.officer))
        if body.partnership and body.municipality:
            partnerships.attach(session, case, body.municipality)
        _audit(session, "open_case", case.dnr, title=case.title, municipality=case.municipality, officer=body.officer,
               partnership=body.partnership)
    log.info("registry: case %s opened by %s", case.dnr, current_user.name)
    return case


def open_partnership(body: PartnershipRequest) -> Partnership:
    """Open a municipality's partnership case by hand (it also opens when its first plan is registered)."""
    with _transaction() as session:
        audit.lock_chain(session)
        partnership = partnerships.open_partnership(session, settings().dnr_prefix, body.municipality,
                                                    cases.officer_id(session, body.officer))
        _audit(session, "open_case", partnership.case.dnr, title=partnership.case.title,
               municipality=partnership.municipality, officer=body.officer, partnership=True)
    log.info("registry: partnership case %s for %s opened by %s", partnership.case.dnr, partnership.municipality,
             current_user.name)
    return partnership


def get_case(dnr: str) -> Case | None:
    """The case numbered ``dnr``; a "number" no case can have is not looked up."""
    if not is_plain(dnr):
        return None
    return get_session().scalar(select(Case).where(Case.dnr == dnr))


def change_case(case: Case, action: str, apply: Callable[[Case], Any]) -> Case:
    """Close or reopen a case, audited, in one transaction."""
    with _transaction() as session:
        audit.lock_chain(session)
        session.refresh(case)
        apply(case)
        _audit(session, action, case.dnr)
    log.info("registry: case %s %s by %s", case.dnr, action, current_user.name)
    return case


def close_case(case: Case) -> Case:
    return change_case(case, "close_case", cases.close)


def reopen_case(case: Case) -> Case:
    return change_case(case, "reopen_case", cases.reopen)


def void(registration: Registration, reason: str) -> Registration:
    """Void a registration made in error: its number stays, shown as makulerad, never given again."""
    return change_registration(registration, "void",
                               lambda _session, r: voiding.void(r, current_user.id, reason), reason=reason)


def get_registration(dnr: str) -> Registration | None:
    """The registration numbered ``dnr``; a "number" no registration can have is not looked up."""
    if not is_plain(dnr):
        return None
    return get_session().scalar(select(Registration).where(Registration.dnr == dnr))


def change_registration(registration: Registration, action: str, apply: Callable[[Session, Registration], Any],
                        **details: Any) -> Registration:
    """Apply a registrar's change to a registration and audit it, in one transaction.

    A detail given as a callable is read off the registration after the change (an archive's checksum).
    """
    with _transaction() as session:
        audit.lock_chain(session)  # one change at a time: what was checked (a hold, archived) is what is changed
        session.refresh(registration)
        apply(session, registration)
        _audit(session, action, registration.dnr,
               **{k: v(registration) if callable(v) else v for k, v in details.items()})
    log.info("registry: %s %s by %s", registration.dnr, action, current_user.name)
    return registration


def archive(registration: Registration) -> Registration:
    """Freeze a registration into an archive package; it cannot be changed afterwards."""
    submitter = (settings().organisation, settings().organisation_id)
    return change_registration(registration, "archive",
                               lambda session, r: archiving.archive(session, get_store(), r, submitter),
                               package_sha256=lambda r: r.package_sha256)


def archive_case(case: Case) -> Case:
    """Archive a closed case as one package holding every document; audited for the case and each registration."""
    organisation = (settings().organisation, settings().organisation_id)
    with _transaction() as session:
        audit.lock_chain(session)
        session.refresh(case)
        archived = archiving.archive_case(session, get_store(), case, organisation)
        digest = archived[0].package_sha256
        _audit(session, "archive_case", case.dnr, package_sha256=digest, documents=[r.dnr for r in archived])
        for registration in archived:
            _audit(session, "archive", registration.dnr, package_sha256=digest, case=case.dnr)
    log.info("registry: case %s archived (%d documents) by %s", case.dnr, len(archived), current_user.name)
    return case


def export_case(case: Case) -> bytes:
    """The case as FGS Ärendehantering (CITS ERMS) XML, secret parts included: its download is audited."""
    xml = erms_xml(case_export.export(get_session(), case, (settings().organisation, settings().organisation_id)),
                   utcnow(), version("kansli"))
    if problems := validate_erms(xml):
        log.error("case %s: ERMS export invalid: %s", case.dnr, problems)
        raise RegistryError(409, f"Ärendet {case.dnr} kunde inte exporteras: {problems[0]}")
    record_download(case.dnr, "erms")
    return xml


def amend_registration(registration: Registration, body: RegistrationAmendment) -> dict[str, list[Any]]:
    """Correct a registration's particulars before archiving; the audit entry holds old and new values."""
    if not details.changes(registration, body):
        return {}
    changed: dict[str, list[Any]] = {}
    change_registration(registration, "amend",
                        lambda session, r: changed.update(details.amend(session, r, body)), changed=changed)
    return changed


def hold(registration: Registration, on: bool, reason: str | None) -> Registration:
    return change_registration(registration, "hold" if on else "release",
                               lambda _session, r: retention.set_hold(r, on, reason), reason=reason)


def request_disposal(registration: Registration, reason: str | None) -> Registration:
    return change_registration(registration, "request_disposal",
                               lambda _session, r: retention.request_disposal(r, current_user.id, reason),
                               reason=reason)


def approve_disposal(registration: Registration) -> Registration:
    """Dispose of the material (a second registrar approving); its files go once that is committed."""
    freed: list[str] = []
    change_registration(registration, "dispose",
                        lambda session, r: freed.extend(retention.approve_disposal(session, r, current_user.id)))
    retention.remove_unreferenced(get_session(), get_store(), freed)
    return registration


def mark_secret(registration: Registration, body: SecrecyRequest) -> Registration:
    """Mark parts of a registration secret (OSL 5 kap. 2 §); the marking records who and when (5 §)."""
    return change_registration(
        registration, "secrecy_mark",
        lambda session, r: secrecy.mark(session, r, body.parts, body.provision, current_user.id),
        parts=body.parts, provision=body.provision)


def lift_secrecy(registration: Registration, body: SecrecyLiftRequest) -> Registration:
    lifted: list[int] = []
    change_registration(
        registration, "secrecy_lift",
        lambda _session, r: lifted.extend(m.id for m in secrecy.lift(r, current_user.id, body.reason, body.mark_id)),
        reason=body.reason, marks=lambda _r: lifted)
    return registration


def record_dispatch(registration: Registration, body: DispatchRequest) -> Dispatch:
    """Record that an outgoing registration was sent (expedierad) to one recipient."""
    made: list[Dispatch] = []
    change_registration(
        registration, "dispatch",
        lambda session, r: made.append(dispatch.record(session, r, body, current_user.id)),
        recipient=body.recipient, method=body.method, date=lambda _r: made[0].sent_on)
    return made[0]
