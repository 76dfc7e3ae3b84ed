"""Putting back work that a dead worker or a lost Redis left behind.

The database is the record of what must be done. Anything it says is queued but Redis no longer holds,
and anything whose worker stopped renewing its lease, is queued again — or, after too many attempts,
marked failed with a reason, so that nothing uploaded ends stuck. This module only finds that work and
puts it back in Redis; the rules for the rows are :mod:`kansli.jobstate`'s.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from redis import Redis
from rq import Queue
from rq.registry import clean_registries
from sqlalchemy import select

from kansli import jobstate, queues
from kansli.config import Settings
from kansli.db import session_scope
from kansli.models import Document, Output, utcnow

log = logging.getLogger(__name__)

def _requeue_document(settings: Settings, row_id: int) -> None:
    """Back on the queue its row says: after a lost or handed-on attempt, or when long, the heavy one."""
    with session_scope(settings.database_url) as session:
        pages, attempts = session.execute(select(Document.pages, Document.attempts).where(Document.id == row_id)).one()
    queues.enqueue_extraction(settings, row_id, heavy=queues.is_heavy(settings, pages, attempts))


KINDS: tuple[tuple[jobstate.Model, Callable[[int], tuple[str, ...]], Callable[[Settings, int], None], str], ...] = (
    (Document, queues.document_job_ids, _requeue_document, "document"),
    (Output, lambda row_id: (queues.output_job_id(row_id),), queues.enqueue_render, "output"),
)


def recover(settings: Settings, redis: Redis) -> list[str]:
    """One pass; returns what it did, one line per row, for the log and the tests."""
    for name in queues.ALL_QUEUES:  # RQ's own bookkeeping of expired and abandoned jobs, now rather than later
        clean_registries(Queue(name, connection=redis))
    done: list[str] = []
    now = utcnow()
    for model, job_ids_of, enqueue, label in KINDS:
        with session_scope(settings.database_url) as session:
            stale = session.scalars(
                select(model.id).where(model.status == model.RUNNING, model.lease_until < now)
            ).all()
            waiting = session.scalars(select(model.id).where(model.status == model.QUEUED)).all()
        for row_id in stale:
            with session_scope(settings.database_url) as session:
                ended = jobstate.release(session, model, row_id, settings.max_attempts)
            if ended is None:  # finished, or renewed, since we looked
                continue
            # The lost attempt's RQ job goes, so that RQ's own clean-up can't act on it later.
            for job_id in job_ids_of(row_id):
                queues.forget(redis, job_id)
            if ended.status == model.FAILED:
                log.warning("%s %s: failed after %d lost attempts", label, row_id, ended.attempts)
                done.append(f"{label} {row_id}: failed")
            else:
                enqueue(settings, row_id)
                log.warning("%s %s: worker %s stopped mid-job; queued again", label, row_id, ended.worker)
                done.append(f"{label} {row_id}: requeued after lost worker")
        for row_id in waiting:
            # A document's job may be on either extraction queue (an RQ retry stays where it was).
            if all(queues.live_job(redis, job_id) is None for job_id in job_ids_of(row_id)):
                for job_id in job_ids_of(row_id):
                    queues.forget(redis, job_id)
                enqueue(settings, row_id)
                log.warning("%s %s: missing from Redis; queued again", label, row_id)
                done.append(f"{label} {row_id}: requeued after lost queue entry")
    return done
