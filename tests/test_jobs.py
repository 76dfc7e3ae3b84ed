"""Job state in the database: claims and leases, idempotent jobs, retries, recovery from a lost Redis."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from redis import Redis
from rq.job import Job
from sqlalchemy import func, select, update

from kansli import db, jobstate, queues, recovery
from kansli.documents import add_upload
from kansli.models import Document, Revision, utcnow
from kansli.storage import Store
from helpers.pdfs import plan_pdf
from workers.jobs import extract_document


def new_document(settings: Any, data: bytes | None = None, enqueue: bool = True) -> int:
    with db.session_scope(settings.database_url) as session:
        doc, _ = add_upload(session, Store(settings.files_dir), data or plan_pdf(), "plan.pdf", None)
        doc_id = doc.id
    if enqueue:
        queues.enqueue_extraction(settings, doc_id)
    return doc_id


def row(settings: Any, doc_id: int) -> Document:
    with db.session_scope(settings.database_url) as session:
        doc = session.get(Document, doc_id)
        session.expunge(doc)
        return doc


def redis(settings: Any) -> Redis:
    return queues.connection(settings.redis_url)


def test_a_job_runs_at_most_once_per_document(settings: Any) -> None:
    doc_id = new_document(settings)
    extract_document(doc_id)
    extract_document(doc_id)  # a duplicate delivery: nothing left to do
    doc = row(settings, doc_id)
    assert (doc.status, doc.attempts, doc.progress) == ("extracted", 1, 100)
    with db.session_scope(settings.database_url) as session:
        assert session.scalar(select(func.count()).select_from(Revision)) == 1


def test_enqueueing_twice_queues_one_job(settings: Any) -> None:
    doc_id = new_document(settings)
    queues.enqueue_extraction(settings, doc_id)
    from rq import Queue

    assert Queue(queues.EXTRACT, connection=redis(settings)).job_ids == [queues.document_job_id(doc_id)]


def test_a_refused_pdf_fails_at_once_with_the_reason(settings: Any) -> None:
    doc_id = new_document(settings, b"%PDF-1.4\nthis is not really a pdf at all")
    extract_document(doc_id)
    doc = row(settings, doc_id)
    assert (doc.status, doc.error_code, doc.attempts) == ("failed", "corrupt", 1)
    assert doc.error.startswith("PDF-filen är trasig")


def test_an_unexpected_error_is_retried_then_failed(settings: Any) -> None:
    doc_id = new_document(settings)
    with db.session_scope(settings.database_url) as session:
        sha = session.get(Document, doc_id).sha256
    path = Store(settings.files_dir).path(sha)
    path.chmod(0o600)
    path.unlink()  # the stored file vanished: not the document's fault, so worth retrying
    for attempt in range(1, settings.max_attempts):
        with pytest.raises(FileNotFoundError):
            extract_document(doc_id)
        doc = row(settings, doc_id)
        assert (doc.status, doc.attempts) == ("queued", attempt)
        assert "oväntat fel" in doc.error
    extract_document(doc_id)  # the last attempt records the failure instead of raising
    doc = row(settings, doc_id)
    assert (doc.status, doc.error_code, doc.attempts) == ("failed", "internal", settings.max_attempts)


def test_a_stale_attempt_cannot_finish_after_another_took_over(settings: Any) -> None:
    doc_id = new_document(settings)
    url = settings.database_url
    with db.session_scope(url) as session:
        first = jobstate.claim(session, Document, doc_id, lease_seconds=60)
        assert jobstate.claim(session, Document, doc_id, lease_seconds=60) is None  # lease still held
        session.execute(update(Document).values(lease_until=utcnow() - timedelta(seconds=1)))
        session.commit()
        second = jobstate.claim(session, Document, doc_id, lease_seconds=60)
        assert second and second != first
        assert not jobstate.renew(session, Document, doc_id, first, 60)
        assert not jobstate.settle(session, Document, doc_id, first, "extracted")
        assert jobstate.settle(session, Document, doc_id, second, "extracted")
    doc = row(settings, doc_id)
    assert (doc.status, doc.attempts) == ("extracted", 2)


def test_recovery_requeues_work_that_redis_lost(settings: Any) -> None:
    ids = [new_document(settings, plan_pdf(filler_pages=n)) for n in range(3)]
    redis(settings).flushdb()
    done = recovery.recover(settings, redis(settings))
    assert sorted(done) == sorted(f"document {i}: requeued after lost queue entry" for i in ids)
    for doc_id in ids:
        assert Job.fetch(queues.document_job_id(doc_id), connection=redis(settings)).get_status() == "queued"
    assert recovery.recover(settings, redis(settings)) == []  # nothing left to do


def test_recovery_takes_back_work_from_a_dead_worker(settings: Any) -> None:
    doc_id = new_document(settings)
    with db.session_scope(settings.database_url) as session:
        assert jobstate.claim(session, Document, doc_id, lease_seconds=60)
    assert recovery.recover(settings, redis(settings)) == []  # a live lease is left alone
    with db.session_scope(settings.database_url) as session:  # the worker died: nobody renews
        session.execute(update(Document).values(lease_until=utcnow() - timedelta(seconds=1)))
    assert recovery.recover(settings, redis(settings)) == [f"document {doc_id}: requeued after lost worker"]
    assert row(settings, doc_id).status == "queued"
    extract_document(doc_id)
    assert row(settings, doc_id).status == "extracted"


def test_recovery_gives_up_after_too_many_lost_attempts(settings: Any) -> None:
    doc_id = new_document(settings)
    with db.session_scope(settings.database_url) as session:
        session.execute(update(Document).values(status="processing", attempts=settings.max_attempts, claim="x",
                                                lease_until=utcnow() - timedelta(seconds=5)))
    assert recovery.recover(settings, redis(settings)) == [f"document {doc_id}: failed"]
    doc = row(settings, doc_id)
    assert (doc.status, doc.error_code) == ("failed", "worker_lost")
    assert "avbröts 3 gånger" in doc.error
