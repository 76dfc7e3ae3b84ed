"""Job state in the database: claims and leases, idempotent jobs, retries, recovery from a lost Redis or
a lost worker, and attempts that lost their lease stopping without a trace."""
from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import psutil
import pytest
from redis import Redis
from rq import Queue
from rq.job import Job
from sqlalchemy import func, select, update

from helpers.pdfs import PLAN, plan_pdf
from helpers.processes import Processes, wait_for
from kansli import db, jobstate, pageimages, queues, recovery
from kansli.documents import add_upload
from kansli.models import Document, Output, OutputFile, Revision, utcnow
from kansli.outputs import request_output
from kansli.storage import Store
from kansli.validation import OutputRequest
from workers import jobs
from workers.jobs import extract_document, render_output


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


def revisions(settings: Any) -> int:
    with db.session_scope(settings.database_url) as session:
        return session.scalar(select(func.count()).select_from(Revision))


def stored(settings: Any) -> set[str]:
    """The digest of every file in the store."""
    return {p.parent.name + p.name for p in settings.files_dir.glob("*/*") if not p.name.startswith(".")}


class Stalled:
    """A first attempt run in a thread, held at a point of the test's choosing: a worker paused mid-job."""

    def __init__(self, job: Callable[[int], None], row_id: int) -> None:
        self.held, self.go_on = threading.Event(), threading.Event()
        self.errors: list[BaseException] = []
        self.thread = threading.Thread(target=self._run, args=(job, row_id), daemon=True)

    def _run(self, job: Callable[[int], None], row_id: int) -> None:
        try:
            job(row_id)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.errors.append(exc)

    def mine(self) -> bool:
        """Whether the caller is this attempt (the hooks are shared with the attempt that takes over)."""
        return threading.current_thread() is self.thread

    def hold(self) -> None:
        self.held.set()
        assert self.go_on.wait(60)

    def start(self) -> None:
        self.thread.start()
        assert self.held.wait(60), "the first attempt never reached its hold"

    def finish(self) -> None:
        self.go_on.set()
        self.thread.join(60)
        assert not self.thread.is_alive() and self.errors == []


def take_over(settings: Any, model: jobstate.Model, row_id: int, label: str) -> None:
    """The held attempt's lease runs out, and recovery gives the work to the next attempt."""
    with db.session_scope(settings.database_url) as session:
        session.execute(update(model).where(model.id == row_id).values(lease_until=utcnow() - timedelta(seconds=1)))
    assert recovery.recover(settings, redis(settings)) == [f"{label} {row_id}: requeued after lost worker"]


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


def test_a_claim_is_the_callers_to_commit_or_roll_back(settings: Any) -> None:
    doc_id = new_document(settings)
    with db.session_scope(settings.database_url) as session:
        assert jobstate.claim(session, Document, doc_id, lease_seconds=60)
        session.rollback()  # e.g. a later step of the caller's transaction failed: nothing was taken
    assert (row(settings, doc_id).status, row(settings, doc_id).attempts) == ("queued", 0)


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
    # A document that outlived its worker is suspect: it goes to the heavy worker, not back in line.
    assert Queue(queues.EXTRACT_HEAVY, connection=redis(settings)).job_ids == [queues.document_job_id(doc_id, heavy=True)]
    extract_document(doc_id, heavy=True)
    assert row(settings, doc_id).status == "extracted"


def test_long_and_uncountable_documents_are_queued_for_the_heavy_worker(
        make_settings: Callable[..., Any], database_url: str, tokens: dict[str, str]) -> None:
    from helpers.api import upload
    from service import create_app

    settings = make_settings(database_url, KANSLI_HEAVY_PAGES="3")
    client = create_app(settings, {"TESTING": True}).test_client()
    headers = {"Authorization": f"Bearer {tokens['clerk']}"}
    ids = {name: upload(client, headers, data, f"{name}.pdf").json["id"] for name, data in (
        ("short", plan_pdf(filler_pages=2)), ("long", plan_pdf(filler_pages=3)), ("uncountable", b"%PDF-1.4 odd"))}
    assert Queue(queues.EXTRACT, connection=redis(settings)).job_ids == [queues.document_job_id(ids["short"])]
    assert Queue(queues.EXTRACT_HEAVY, connection=redis(settings)).job_ids == [
        queues.document_job_id(ids["long"], heavy=True), queues.document_job_id(ids["uncountable"], heavy=True)]
    assert (row(settings, ids["short"]).pages, row(settings, ids["long"]).pages) == (3, 4)
    assert row(settings, ids["uncountable"]).pages is None
    job = Job.fetch(queues.document_job_id(ids["long"], heavy=True), connection=redis(settings))
    assert job.func_name == "workers.jobs.extract_document" and job.args == (ids["long"], True)

    redis(settings).flushdb()  # and recovery puts each back where it belongs
    assert len(recovery.recover(settings, redis(settings))) == 3
    assert Queue(queues.EXTRACT, connection=redis(settings)).job_ids == [queues.document_job_id(ids["short"])]
    assert len(Queue(queues.EXTRACT_HEAVY, connection=redis(settings)).job_ids) == 2


def test_an_ordinary_worker_hands_a_scan_on_and_the_heavy_one_refuses_too_many_pages_unrecognised(
        settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """60 blank pages: short enough for an ordinary worker, but a scan; the heavy worker refuses it
    without recognising a page (1,999 of them once took 380 s of OCR)."""
    import time

    from helpers.pdfs import blank_pages_pdf
    from kansli.extraction import ocr

    def no_ocr(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("OCR ran")

    monkeypatch.setattr(ocr, "available", lambda: True)  # installed or not: the page limit comes first
    monkeypatch.setattr(ocr, "add_text_layer", no_ocr)
    doc_id = new_document(settings, blank_pages_pdf(60))
    extract_document(doc_id)
    doc = row(settings, doc_id)
    assert (doc.status, doc.attempts, doc.progress, doc.error) == ("queued", 1, 0, None)
    assert Queue(queues.EXTRACT_HEAVY, connection=redis(settings)).job_ids == [queues.document_job_id(doc_id, heavy=True)]
    assert recovery.recover(settings, redis(settings)) == []  # queued where it belongs

    started = time.monotonic()
    extract_document(doc_id, heavy=True)
    doc = row(settings, doc_id)
    assert (doc.status, doc.error_code, doc.attempts) == ("failed", "too_many_pages", 2)
    assert "har 60 sidor, men högst 50 sidor tolkas med OCR" in doc.error
    assert time.monotonic() - started < 30


def test_a_document_that_outlasts_an_ordinary_workers_share_is_handed_on_then_refused(
        make_settings: Callable[..., Any], database_url: str) -> None:
    from helpers.pdfs import drawing_bomb_pdf

    settings = make_settings(database_url, KANSLI_HEAVY_AFTER_SECONDS="1", KANSLI_EXTRACT_CPU_SECONDS="1")
    doc_id = new_document(settings, drawing_bomb_pdf(1_000_000))  # about 5 s of CPU time to read
    extract_document(doc_id)
    assert (row(settings, doc_id).status, row(settings, doc_id).attempts) == ("queued", 1)
    extract_document(doc_id, heavy=True)
    doc = row(settings, doc_id)
    assert (doc.status, doc.error_code) == ("failed", "too_large") and "1 sekunders beräkning" in doc.error


def test_a_decompression_bomb_fails_its_document_and_the_worker_reads_the_next(settings: Any) -> None:
    """This process is the worker here: it neither grows nor stops, and the next document is read."""
    import resource

    from helpers.pdfs import zip_bomb_pdf

    bomb, plan = new_document(settings, zip_bomb_pdf(2048)), new_document(settings)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    extract_document(bomb)
    extract_document(plan)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak < 100 * 1024  # KB
    doc = row(settings, bomb)
    assert (doc.status, doc.error_code, doc.attempts) == ("failed", "too_large", 1)
    assert doc.error.startswith("PDF-filen kräver mer än 1024 MB minne")
    assert row(settings, plan).status == "extracted"


def test_recovery_gives_up_after_too_many_lost_attempts(settings: Any) -> None:
    doc_id = new_document(settings)
    with db.session_scope(settings.database_url) as session:
        session.execute(update(Document).values(status="processing", attempts=settings.max_attempts, claim="x",
                                                lease_until=utcnow() - timedelta(seconds=5)))
    assert recovery.recover(settings, redis(settings)) == [f"document {doc_id}: failed"]
    doc = row(settings, doc_id)
    assert (doc.status, doc.error_code) == ("failed", "worker_lost")
    assert "avbröts 3 gånger" in doc.error


def test_an_attempt_that_lost_its_lease_stops_at_its_next_progress_report(
        make_settings: Callable[..., Any], database_url: str, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    # A long lease: no heartbeat during the test, so the lease lapses exactly when the test says.
    settings = make_settings(database_url, KANSLI_LEASE_SECONDS="600")
    doc_id = new_document(settings, plan_pdf(filler_pages=20), enqueue=False)
    first = Stalled(extract_document, doc_id)
    pages: list[int] = []
    read = jobs.budget.read

    def paused_on_page_3(fn: Any, data: bytes, settings: Any, *, on_progress: Callable[[int, int], None],
                         **kwargs: Any) -> Any:
        """Reports arrive from the budgeted child; the job, in this process, holds at the third."""
        def report(page: int, total: int) -> None:
            if first.mine():
                pages.append(page)
                if page == 3:
                    first.hold()
            on_progress(page, total)
        return read(fn, data, settings, on_progress=report, **kwargs)

    monkeypatch.setattr(jobs.budget, "read", paused_on_page_3)
    first.start()
    take_over(settings, Document, doc_id, "document")
    extract_document(doc_id)
    assert (row(settings, doc_id).status, revisions(settings)) == ("extracted", 1)

    first.finish()
    assert pages == [1, 2, 3]  # it stopped where it stood (its child killed), instead of reading the other 18 pages
    doc = row(settings, doc_id)
    assert (doc.status, doc.attempts, doc.progress, revisions(settings)) == ("extracted", 2, 100, 1)
    assert f"document {doc_id}: lost the lease to another attempt at 12 %; stopped, nothing written" in caplog.text


@pytest.mark.office
def test_an_output_whose_lease_was_lost_stores_no_files(
        make_settings: Callable[..., Any], database_url: str, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    settings = make_settings(database_url, KANSLI_LEASE_SECONDS="600")
    doc_id = new_document(settings, enqueue=False)
    extract_document(doc_id)
    with db.session_scope(settings.database_url) as session:
        output_id = request_output(
            session, OutputRequest(kind="agreement", document_id=doc_id, agency="Polismyndigheten"), None).id
    first, second = Stalled(render_output, output_id), Stalled(render_output, output_id)

    def to_pdf(documents: dict[str, bytes], profile: Any, port: int | None = None) -> dict[str, bytes]:
        """Real PDFs without LibreOffice; the first attempt's differ, so any file it stored would show."""
        fields = PLAN
        if first.mine():
            first.hold()  # a long conversion, long enough to lose the lease
            fields = {**PLAN, "reference": "KS 2008/999"}
        elif second.mine():
            second.hold()  # still converting when the first attempt wakes
        return {name: plan_pdf(fields) for name in documents}

    monkeypatch.setattr(jobs, "to_pdf", to_pdf)
    first.start()
    take_over(settings, Output, output_id, "output")
    second.start()
    first.finish()
    second.finish()

    with db.session_scope(settings.database_url) as session:
        output = session.get(Output, output_id)
        assert (output.status, output.attempts, output.error) == ("ready", 2, None)
        files, pages = {f.sha256 for f in session.scalars(select(OutputFile))}, output.pages
        document = session.get(Document, doc_id)
        upload, page_images = document.sha256, set(pageimages.digests(document.provenance))
    assert pages and len(files) == 3 + pages  # the agreement, its PDF, the thumbnail and each page's preview, once
    assert stored(settings) == files | {upload} | page_images
    assert f"output {output_id}: lost the lease to another attempt before writing; stopped, nothing written" \
        in caplog.text


@pytest.mark.slow
def test_a_worker_paused_past_its_lease_stops_and_writes_nothing(
        make_settings: Callable[..., Any], sqlite_url: str, processes: Processes) -> None:
    settings = make_settings(sqlite_url)  # a lease of 3 s
    # One worker process each (a heavy one, which also takes ordinary work), so that each log is one worker's;
    # the work taken back goes to the heavy queue, which the other one serves.
    workers = [processes.start("worker", "--count", "0"), processes.start("worker", "--count", "0")]
    doc_id = new_document(settings, plan_pdf(filler_pages=250))
    busy = wait_for(lambda: (doc := row(settings, doc_id)).status == "processing" and doc.progress >= 5 and doc,
                    60, 0.1, "a worker mid-document")
    horse = psutil.Process(int(busy.worker.rsplit(":", 1)[1]))
    worker = horse.parent()  # RQ runs each job in a forked work horse
    first = next(proc for proc in workers if proc.pid == worker.parent().pid)

    for process in (worker, horse):  # paused, as by a debugger, a VM's suspension or a swap storm
        process.suspend()
    try:
        taken = wait_for(lambda: recovery.recover(settings, redis(settings)), 15, 0.5, "the lease to run out")
        assert taken == [f"document {doc_id}: requeued after lost worker"]
        done = wait_for(lambda: (doc := row(settings, doc_id)).status in ("extracted", "failed") and doc, 90, 0.2,
                        "the other worker to finish")
        assert (done.status, done.attempts) == ("extracted", 2) and done.worker != busy.worker
    finally:
        for process in (worker, horse):
            process.resume()

    lost = f"document {doc_id}: lost the lease to another attempt at "
    wait_for(lambda: lost in processes.log(first), 30, 0.2, "the paused worker to notice")
    horse.wait(30)  # its job over, not retried
    # It stopped where it stood, not at the end of the document, and RQ saw a job done, not one to retry.
    log = processes.log(first)
    stopped_at = int(log.split(lost, 1)[1].split(" %", 1)[0])
    assert 5 <= stopped_at < 95 and f"{stopped_at} %; stopped, nothing written" in log
    assert f"document {doc_id}: extracted" not in log and "Traceback" not in log and worker.is_running()
    doc = row(settings, doc_id)
    assert (doc.status, doc.attempts, doc.progress, doc.error, revisions(settings)) == ("extracted", 2, 100, None, 1)


@pytest.mark.parametrize(("attempts", "delays"), [(3, [5, 30]), (4, [5, 30, 120]), (5, [5, 30, 120, 120]), (1, [])])
def test_retries_wait_the_documented_delays_in_order(settings: Any, attempts: int, delays: list[int]) -> None:
    retry = queues.retry(attempts)
    waited = []
    if retry:
        job = Job.create(func=print, connection=queues.connection(settings.redis_url), retry=retry)
        for _ in range(retry.max):
            waited.append(job.get_retry_interval())
            job.retries_left -= 1
    assert waited == delays


def test_without_heavy_workers_nothing_is_sent_to_the_heavy_queue(make_settings: Any, database_url: str) -> None:
    ordinary = make_settings(database_url)
    assert queues.is_heavy(ordinary, None, 0) and queues.is_heavy(ordinary, 1, 1)
    assert not queues.is_heavy(ordinary, 1, 0)
    alone = make_settings(database_url, KANSLI_HEAVY_WORKERS="0")
    assert not queues.is_heavy(alone, None, 0) and not queues.is_heavy(alone, 10_000, 2)


def test_without_heavy_workers_an_ordinary_worker_reads_a_scan_itself(
        make_settings: Any, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from helpers.pdfs import blank_pages_pdf
    from kansli.extraction import ocr

    settings = make_settings(database_url, KANSLI_HEAVY_WORKERS="0")
    monkeypatch.setattr(ocr, "available", lambda: True)
    doc_id = new_document(settings, blank_pages_pdf(60))
    extract_document(doc_id)  # as an ordinary worker: no one would take it from the heavy queue
    doc = row(settings, doc_id)
    assert (doc.status, doc.error_code) == ("failed", "too_many_pages")  # the heavy budget's answer, here
    assert Queue(queues.EXTRACT_HEAVY, connection=redis(settings)).job_ids == []


@pytest.mark.office  # OCRmyPDF with Tesseract's Swedish model
def test_a_scans_review_images_are_drawn_from_the_straightened_page_its_boxes_were_found_in(
        make_settings: Any, database_url: str) -> None:
    """OCR reads a scan straightened and its boxes are in that layer: the review's page image is drawn from
    it too, or the outlines would stand off the words by the page's turn."""
    import random

    from helpers.variety import scan
    from kansli.extraction import ocr

    settings = make_settings(database_url, KANSLI_HEAVY_WORKERS="0")
    data = scan(plan_pdf(), random.Random(3))  # turned a little
    doc_id = new_document(settings, data)
    extract_document(doc_id)
    doc = row(settings, doc_id)
    assert doc.status == "extracted" and doc.provenance["reference"]["page"] == 1
    stored = Store(settings.files_dir).get(pageimages.image_of(doc.provenance, 1)["sha256"])
    straightened = pageimages.render(ocr.add_text_layer(data), [1])[1][0]
    assert stored == straightened != pageimages.render(data, [1])[1][0]
