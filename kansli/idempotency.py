"""Idempotency keys (the ``Idempotency-Key`` header): a client that retries a request it never got an
answer to gets the first answer again, and nothing is made twice.

The key is claimed first, in the same transaction as the work: a second request with the same key waits
for the first to commit (the unique index) and then finds what it made.
"""
from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from kansli.db import insert_for
from kansli.models import IdempotencyKey, utcnow

#: Printable ASCII, as HTTP header values are, and not too long to index.
VALID = re.compile(r"[\x21-\x7e]{1,200}")


class KeyRejected(ValueError):
    """A key that cannot be used: malformed, or used before for another kind of request."""


def claim(session: Session, user_id: int, key: str, resource: str) -> IdempotencyKey | None:
    """Take ``key`` for a new request; None when an earlier request has it (then see :func:`earlier`)."""
    if not VALID.fullmatch(key):
        raise KeyRejected("Idempotency-Key ska vara 1–200 synliga ASCII-tecken.")
    new_id = session.execute(
        insert_for(session, IdempotencyKey)
        .values(user_id=user_id, key=key, resource=resource, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["user_id", "key"]).returning(IdempotencyKey.id)
    ).scalar()
    return session.get_one(IdempotencyKey, new_id) if new_id is not None else None


def earlier(session: Session, user_id: int, key: str, resource: str) -> int:
    """What the earlier request with ``key`` made."""
    row = session.scalars(select(IdempotencyKey).where(IdempotencyKey.user_id == user_id,
                                                       IdempotencyKey.key == key)).one()
    if row.resource != resource or row.resource_id is None:
        raise KeyRejected("Idempotency-Key har redan använts för en annan begäran; välj en ny nyckel.")
    return row.resource_id
