"""Redis connections and the RQ queues: extraction, heavy extraction, rendering.

Jobs are enqueued by dotted name, so the web process never imports the job code, and keyed by the
row id, so the same work is never queued twice.

Long documents, documents whose pages could not be counted, and documents an earlier attempt did not
finish (a lost worker, or an ordinary worker that handed them on) are read on a queue of their own, so
that ordinary uploads and drafts never wait behind them. Which queue is decided from the row alone
(:func:`is_heavy`), so that recovery puts lost work back where it belongs.
"""
from __future__ import annotations

from functools import cache

from redis import Redis
from rq import Queue, Retry
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import Job, JobStatus

from kansli.config import Settings

EXTRACT = "kansli-extract"
EXTRACT_HEAVY = "kansli-extract-heavy"
RENDER = "kansli-render"
MAINTENANCE = "kansli-maintenance"
#: What each kind of worker listens on, in order: an idle heavy worker helps with ordinary extraction.
QUEUES = (EXTRACT, RENDER, MAINTENANCE)
HEAVY_QUEUES = (EXTRACT_HEAVY, EXTRACT)
#: Seconds before the 1st, 2nd, 3rd retry of a job that raised.
BACKOFF = [5, 30, 120]


@cache
def connection(url: str) -> Redis:
    return Redis.from_url(url)


def document_job_id(document_id: int, heavy: bool = False) -> str:
    """Apart for the heavy queue: a document is handed on while its ordinary job is still running."""
    return f"document-{document_id}-heavy" if heavy else f"document-{document_id}"


def document_job_ids(document_id: int) -> tuple[str, str]:
    return document_job_id(document_id), document_job_id(document_id, heavy=True)


def output_job_id(output_id: int) -> str:
    return f"output-{output_id}"


def _enqueue(settings: Settings, queue: str, func: str, row_id: int, job_id: str, *extra: object) -> None:
    assert settings.redis_url, "REDIS_URL must be set in processes that enqueue"
    q = Queue(queue, connection=connection(settings.redis_url))
    try:
        q.enqueue_call(
            func, args=(row_id, *extra), job_id=job_id, unique=True,
            timeout=settings.job_timeout, result_ttl=3600, failure_ttl=7 * 24 * 3600,
            retry=Retry(max=max(settings.max_attempts - 1, 0), interval=BACKOFF),
        )
    except DuplicateJobError:
        pass  # already queued: enqueueing is idempotent


def is_heavy(settings: Settings, pages: int | None, attempts: int) -> bool:
    """Whether a document is read on the heavy queue: more than ``heavy_pages`` pages, pages that could not
    be counted at upload, or an earlier attempt that did not finish."""
    return pages is None or pages > settings.heavy_pages or attempts > 0


def enqueue_extraction(settings: Settings, document_id: int, heavy: bool = False) -> None:
    """Queue a document's reading; ``heavy`` (see :func:`is_heavy`) puts it on the heavy queue, with that budget."""
    _enqueue(settings, EXTRACT_HEAVY if heavy else EXTRACT, "workers.jobs.extract_document", document_id,
             document_job_id(document_id, heavy), heavy)


def enqueue_render(settings: Settings, output_id: int) -> None:
    _enqueue(settings, RENDER, "workers.jobs.render_output", output_id, output_job_id(output_id))


def live_job(redis: Redis, job_id: str) -> Job | None:
    """The job if Redis still holds it in a state that will run; None if lost or dead."""
    try:
        job = Job.fetch(job_id, connection=redis)
    except NoSuchJobError:
        return None
    status = job.get_status(refresh=False)
    if status in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED, JobStatus.FINISHED, None):
        return None
    return job


def forget(redis: Redis, job_id: str) -> None:
    """Remove a job and its registry entries, so RQ's own clean-up can't act on a stale copy later."""
    try:
        Job.fetch(job_id, connection=redis).delete(remove_from_queue=True)
    except NoSuchJobError:
        pass
