"""RQ jobs: thin edges that load a row's input, call the pure pipeline, and store the result.

Each job holds its row through a :class:`kansli.jobstate.Attempt` (claim, heartbeat, finish), so a job
that runs twice — after a lost worker, or a duplicate in Redis — does its work at most once, and an
attempt that lost its lease stops at its next progress report or before it writes, leaving no trace.
"""
from __future__ import annotations

import functools
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rq.timeouts import JobTimeoutException
from sqlalchemy.orm import Session

from kansli import budget, config, documentlist, fixity, jobstate, learning, office, pageimages, queues, templates
from kansli.convert import ConversionError, page_count, page_pngs, preview_png, to_pdf
from kansli.db import session_scope
from kansli.extraction import HeavyWork, Refusal, extract_with_text
from kansli.extraction.pdf import PARSE_ERRORS, PdfText
from kansli.extraction.provenance import locate
from kansli.extraction.refusal import MESSAGES
from kansli.generation import GenerationError
from kansli.models import Document, Output, OutputFile, Revision
from kansli.outputs import KINDS, PREVIEW_DPI, PREVIEW_PAGES, THUMBNAIL_SUFFIX, preview_name
from kansli.storage import Store

log = logging.getLogger("kansli.jobs")

Work = Callable[[Session, Any, jobstate.Attempt], dict[str, Any]]


def _run(model: jobstate.Model, row_id: int, label: str, work: Work) -> None:
    """Every job's one path: claim the row, do the work, finish it — or record why not, in jobstate's terms."""
    settings = config.load()
    attempt = jobstate.Attempt.claim(settings.database_url, model, row_id, settings.lease_seconds)
    if attempt is None:
        log.info("%s %s: nothing to do (finished, or held by another attempt)", label, row_id)
        return
    log.info("%s %s: started by %s", label, row_id, jobstate.worker_name())

    def not_recorded(what: str) -> None:
        log.warning("%s %s: lost the lease to another attempt; its %s is not recorded", label, row_id, what)

    try:
        with attempt, session_scope(settings.database_url) as session:
            values = work(session, session.get(model, row_id), attempt)
            attempt.finish(session, **values)
        log.info("%s %s: %s", label, row_id, model.DONE)
    except jobstate.LeaseLost as lost:
        # Not an error to retry: the attempt that holds the work now finishes it.
        log.warning("%s %s: lost the lease to another attempt %s; stopped, nothing written", label, row_id, lost)
    except HeavyWork as reason:
        # Only extraction hands work on: its queue's worker starts it again with the heavy budget.
        if not attempt.hand_off():
            return not_recorded("hand-off")
        queues.enqueue_extraction(settings, row_id, heavy=True)
        log.info("%s %s: %s; handed to the heavy queue", label, row_id, reason)
    except (Refusal, GenerationError) as exc:
        code = exc.code if isinstance(exc, Refusal) else "invalid_fields"
        if not attempt.fail(str(exc), code):
            return not_recorded(f"failure ({code})")
        log.info("%s %s: failed (%s): %s", label, row_id, code, exc)
    except JobTimeoutException:
        # Final: a file that hangs the parser once will hang it again.
        if not attempt.fail(MESSAGES["timeout"], "timeout"):
            return not_recorded("time-out")
        log.warning("%s %s: timed out after %d s", label, row_id, settings.job_timeout)
    except Exception as exc:
        ended = attempt.retry_or_fail(settings.max_attempts, exc)
        if ended is None:
            return not_recorded(f"error ({type(exc).__name__})")
        retry = ended.status == model.QUEUED
        log.exception("%s %s: attempt %d raised%s", label, row_id, ended.attempts,
                      "; will retry" if retry else "; giving up")
        if retry:
            raise  # RQ schedules the retry with backoff


def _read_for_review(data: bytes, **limits: Any) -> tuple[dict[str, Any], PdfText, dict[str, Any]]:
    """What a budgeted child reads: the contract's object, the pages' text, and where each value stands
    (locating opens the pages again, so it is held to the same budget)."""
    result, pdf = extract_with_text(data, **limits)  # with ``learned``: the labels corrections taught
    where = locate(pdf.source or data, pdf.texts, result["fields"])  # a scan's boxes are in OCR's text layer
    if not pdf.ocr:
        pdf.source = None  # not carried back out of the child: the upload is what is stored
    return result, pdf, where


def _page_images(data: bytes, where: dict[str, Any], settings: config.Settings, heavy: bool,
                 deadline: float) -> dict[int, tuple[bytes, float, float]]:
    """The review's page images, rendered in a budgeted child of their own: a page that cannot be drawn
    within the budget costs the review its picture, not the document its fields."""
    try:
        return budget.run(pageimages.render, data, pageimages.pages_to_render(where),
                          budget=budget.of(settings, heavy=heavy, deadline=deadline))
    except (budget.OverBudget, budget.Crashed, OSError, *PARSE_ERRORS) as exc:  # a page PDFium or PIL can't draw
        log.warning("page images not made: %r", exc)
        return {}


def extract_document(document_id: int, heavy: bool = False) -> None:
    """Read an uploaded PDF and store its fields as the document's first revision, and the images of
    the pages its review shows. ``heavy``: the heavy queue's budget (OCR, the full CPU time), which every
    worker has where no heavy worker runs — nothing is handed on to a queue nobody serves."""
    settings = config.load()
    heavy = heavy or settings.heavy_workers == 0

    def work(session: Session, doc: Document, attempt: jobstate.Attempt) -> dict[str, Any]:
        store = Store(settings.files_dir)
        data = store.get(doc.sha256)
        # Our own limit, checked between pages, ends a long read cleanly before RQ's signal (which a
        # library may swallow) or its hard kill 60 s later; a hang inside one page kills the child.
        deadline = time.monotonic() + settings.job_timeout * 0.9
        read = functools.partial(_read_for_review, learned=learning.by_municipality(session))
        result, pdf, where = budget.read(read, data, settings, heavy=heavy, deadline=deadline,
                                         on_progress=lambda page, total: attempt.progress(int(page * 90 / total)))
        # a scan's pages are drawn as OCR read them (straightened, :mod:`kansli.extraction.rulings`): its boxes fit
        images = _page_images(pdf.source or data, where, settings, heavy, deadline)
        pdf.source = None
        attempt.check()
        stored = {page: {"sha256": store.put(png), "width": width, "height": height}
                  for page, (png, width, height) in images.items()}
        if not doc.revisions:
            session.add(Revision(document_id=doc.id, number=1, source="extraction", fields=result["fields"]))
        text = pdf.text.replace("\x00", "")
        documentlist.index(session, doc.id, doc.filename,
                           doc.revisions[-1].fields if doc.revisions else result["fields"], text)
        log.info("document %s: %s, %d pages, %d warnings, %d page images", doc.id, result["kind"], result["pages"],
                 len(result["warnings"]), len(stored))
        return {"kind": result["kind"], "pages": result["pages"], "warnings": result["warnings"],
                "confidence": result["confidence"],
                "text": text, "provenance": pageimages.recorded(where, stored)}

    _run(Document, document_id, "document", work)


def libreoffice_profile(settings: config.Settings) -> Path:
    """One LibreOffice profile per worker process (the work horse's parent): shared ones block."""
    return settings.data_dir / "libreoffice" / office.profile_name(os.getppid())


def render_output(output_id: int) -> None:
    """Fill the output's templates from its frozen fields; store each .docx, its PDF/A, a thumbnail of the
    first page and a preview of each page of the first PDF (the draft page's)."""
    settings = config.load()

    def work(session: Session, output: Output, attempt: jobstate.Attempt) -> dict[str, Any]:
        attempt.progress(5)
        store = Store(settings.files_dir)
        kind = KINDS[output.kind]
        template, version = templates.current(session, store, settings.templates_dir, kind.template)
        documents = dict(kind.render(output, template, settings.agency_areas,
                                     lambda percent: attempt.progress(5 + percent * 25 // 100)))
        files = [(name, data) for name, data in documents.items()]
        attempt.progress(30)
        error, pages = None, None
        try:
            if kind.converts:
                pdfs = to_pdf(documents, libreoffice_profile(settings), port=settings.unoserver_port)
                files += [(name.removesuffix(".docx") + ".pdf", pdf) for name, pdf in pdfs.items()]
                first = next(iter(pdfs))
                files.append((first.removesuffix(".docx") + THUMBNAIL_SUFFIX, preview_png(pdfs[first])))
                files += [(preview_name(first, page), png) for page, png in
                          enumerate(page_pngs(pdfs[first], PREVIEW_DPI, PREVIEW_PAGES), start=1)]
                pages = page_count(pdfs[first])
        except ConversionError as exc:  # the Word files are still delivered; say what is missing
            error = f"Word-filerna är klara, men PDF kunde inte skapas: {exc}"
            log.warning("output %s: %s", output.id, error)
        attempt.check()
        known = {f.name for f in output.files}
        for name, data in files:
            if name not in known:
                session.add(OutputFile(output_id=output.id, name=name, format=name.rsplit(".", 1)[-1],
                                       sha256=store.put(data), size=len(data)))
        return {"error": error, "templates": {kind.template: version}, "pages": pages}

    _run(Output, output_id, "output", work)


def check_fixity() -> None:
    """The scheduled fixity check (``workers/cron.py``): the same check as ``kansli fixity``."""
    settings = config.load()
    run = fixity.check(settings.database_url, Store(settings.files_dir))
    level = logging.WARNING if run.failures else logging.INFO
    log.log(level, "fixity: %d files checked, %d differ%s", run.checked, len(run.failures),
            "".join(f"\n  {f}" for f in run.failures))
