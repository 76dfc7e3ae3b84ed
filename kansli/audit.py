"""The audit trail: an append-only log of who did what, each entry chained to the one before by hash.

Changing or removing an entry breaks the chain at that point, which ``kansli audit verify`` reports.
An entry is written in the same transaction as the change it records, so that either both are kept or
neither: a change is never saved without its entry, and a request never fails after its change was saved.
Appends are serialised (an advisory lock in PostgreSQL, SQLite's single write lock), so two
transactions never chain onto the same entry.
"""
from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from kansli.db import session_scope
from kansli.models import AuditEntry, utcnow

log = logging.getLogger(__name__)
GENESIS = "0" * 64


def entry_hash(prev_hash: str, at: str, actor: str | None, action: str, subject: str, details: dict[str, Any]) -> str:
    payload = json.dumps([prev_hash, at, actor, action, subject, details], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


#: The PostgreSQL advisory lock that serialises appends to the chain (any constant of our own).
CHAIN_LOCK = 0x6B616E736C69


def lock_chain(session: Session) -> None:
    """Hold the chain until this transaction ends, so the last entry read stays the last.

    Actions that check a row before they change it take it first, so no other audited change can come
    between their check and their write.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
    else:  # a write that changes nothing takes SQLite's one write lock until commit
        session.execute(text("DELETE FROM audit_log WHERE 0"))


def record(session: Session, actor: str | None, action: str, subject: str, **details: Any) -> AuditEntry:
    """Append an entry in ``session``'s transaction; it is kept when, and only when, that commits."""
    lock_chain(session)
    prev = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)) or GENESIS
    at = utcnow().isoformat(timespec="microseconds")
    entry = AuditEntry(at=at, actor=actor, action=action, subject=subject, details=details, prev_hash=prev,
                       hash=entry_hash(prev, at, actor, action, subject, details))
    session.add(entry)
    session.flush()
    log.info("audit: %s %s %s", actor, action, subject)
    return entry


def verify(database_url: str) -> list[str]:
    """Problems in the chain, one line each; empty when every entry is as it was written."""
    problems = []
    prev = GENESIS
    with session_scope(database_url) as session:
        for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
            if entry.prev_hash != prev:
                problems.append(f"post {entry.id}: kedjan bruten – en tidigare post saknas eller är ändrad")
            expected = entry_hash(entry.prev_hash, entry.at, entry.actor, entry.action, entry.subject, entry.details)
            if entry.hash != expected:
                problems.append(f"post {entry.id}: innehållet är ändrat ({entry.action} {entry.subject})")
            prev = entry.hash
    return problems
