"""The audit trail: an append-only log of who did what, each entry chained to the one before by hash.

Changing or removing an entry breaks the chain at that point, which ``kansli audit verify`` reports.
Each entry is written in a short transaction of its own, retried if another writer appended first.
"""
from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError

from kansli.db import session_scope
from kansli.models import AuditEntry, utcnow

log = logging.getLogger(__name__)
GENESIS = "0" * 64


def entry_hash(prev_hash: str, at: str, actor: str | None, action: str, subject: str, details: dict[str, Any]) -> str:
    payload = json.dumps([prev_hash, at, actor, action, subject, details], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def record(database_url: str, actor: str | None, action: str, subject: str, **details: Any) -> None:
    for attempt in range(5):
        try:
            with session_scope(database_url) as session:
                last = session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
                prev = last.hash if last else GENESIS
                at = utcnow().isoformat(timespec="microseconds")
                session.add(AuditEntry(at=at, actor=actor, action=action, subject=subject, details=details,
                                       prev_hash=prev, hash=entry_hash(prev, at, actor, action, subject, details)))
            log.info("audit: %s %s %s", actor, action, subject)
            return
        except (IntegrityError, OperationalError):  # someone appended after the same entry: read again
            if attempt == 4:
                raise


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
