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
#: Every queue, for those who look after all of them (recovery, health).
ALL_QUEUES = (EXTRACT, EXTRACT_HEAVY, RENDER, MAINTENANCE)
#: Seconds before the 1st, 2nd, 3rd retry of a job that raised.
BACKOFF = [5, 30, 120]
#: Each worker process says it is alive this often, and counts as gone when it has not for LIVE_FOR.
BEAT_EVERY, LIVE_FOR = 5, 15
_ALIVE = "kansli:alive:"


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
            retry=retry(settings.max_attempts),
        )
    except DuplicateJobError:
        pass  # already queued: enqueueing is idempotent


def retry(max_attempts: int) -> Retry | None:
    """RQ's retries after the first attempt, waiting BACKOFF's delays from the first on.

    RQ counts its delays from the end of the list it is given (with two retries left of three delays it
    waits the second), so it gets exactly as many delays as there are retries.
    """
    retries = max(max_attempts - 1, 0)
    if not retries:
        return None
    return Retry(max=retries, interval=[BACKOFF[min(n, len(BACKOFF) - 1)] for n in range(retries)])



def is_heavy(settings: Settings, pages: int | None, attempts: int) -> bool:
    """Whether a document is read on the heavy queue: more than ``heavy_pages`` pages, pages that could not
    be counted at upload, or an earlier attempt that did not finish — unless this installation runs no
    heavy workers (``KANSLI_HEAVY_WORKERS=0``), when every worker reads with the heavy budget instead."""
    return settings.heavy_workers > 0 and (pages is None or pages > settings.heavy_pages or attempts > 0)


def enqueue_extraction(settings: Settings, document_id: int, heavy: bool = False) -> None:
    """Queue a document's reading; ``heavy`` (see :func:`is_heavy`) puts it on the heavy queue, with that budget."""
    _enqueue(settings, EXTRACT_HEAVY if heavy else EXTRACT, "workers.jobs.extract_document", document_id,
             document_job_id(document_id, heavy), heavy)


def enqueue_render(settings: Settings, output_id: int) -> None:
    _enqueue(settings, RENDER, "workers.jobs.render_output", output_id, output_job_id(output_id))


def beat(redis: Redis, worker: str) -> None:
    """Say that ``worker`` (its RQ name) is alive; a key that expires, so a killed worker stops counting.

    RQ's own registry of workers keeps a killed worker for minutes and loses every live one when Redis
    restarts; this key is written again at the next beat either way.
    """
    redis.set(_ALIVE + worker, "1", ex=LIVE_FOR)


def live_workers(redis: Redis) -> set[str]:
    """The RQ names of the workers that said they were alive within the last LIVE_FOR seconds."""
    return {key.decode().removeprefix(_ALIVE) for key in redis.scan_iter(match=_ALIVE + "*", count=500)}


def live_job(redis: Redis, job_id: str) -> Job | None:
    """The job if Redis holds it in a state that will run, or running on a live worker; None if lost or dead.

    A job RQ calls started whose worker no longer beats was taken by a process that died (perhaps before
    Kansli could claim its row): nothing will finish it.
    """
    try:
        job = Job.fetch(job_id, connection=redis)
    except NoSuchJobError:
        return None
    status = job.get_status(refresh=False)
    if status in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED, JobStatus.FINISHED, None):
        return None
    if status == JobStatus.STARTED and job.worker_name not in live_workers(redis):
        return None
    return job


def forget(redis: Redis, job_id: str) -> None:
    """Remove a job and its registry entries, so RQ's own clean-up can't act on a stale copy later."""
    try:
        Job.fetch(job_id, connection=redis).delete(remove_from_queue=True)
    except NoSuchJobError:
        pass
