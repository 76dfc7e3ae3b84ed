"""The life of a queued piece of work (a document to extract, an output to render), kept in its row.

An attempt *claims* the row with a random token and a lease, renews the lease while it runs, and only
the holder of the current token may finish it. A worker killed mid-job stops renewing; once its lease
runs out, :mod:`kansli.recovery` hands the work to another attempt, and the dead attempt — should it
wake — can no longer write. That is what makes jobs safe to run twice.

Every change of a row's status is made here, so that the worker (``workers/jobs.py``) and recovery
agree on the rules, above all on when to stop trying. An attempt that wakes after losing its lease (its
process was paused, the database was slow) learns so at its next progress report or before it writes,
and stops with :class:`LeaseLost`: someone else owns the work now, and it must leave no trace.
"""
from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Self, cast

from sqlalchemy import ColumnElement, CursorResult, Result, and_, or_, select, update
from sqlalchemy.orm import Session

from kansli.db import session_scope
from kansli.models import Document, Output, utcnow

Model = type[Document] | type[Output]

UNEXPECTED = "Ett oväntat fel uppstod ({detail}); försök igen, och kontakta förvaltningen om det upprepas."
GAVE_UP = "Arbetet avbröts {n} gånger utan att bli klart; försök igen eller kontakta förvaltningen."
#: Progress is written at most this often (seconds); a lease check comes with each write.
PROGRESS_EVERY = 0.3


class LeaseLost(Exception):
    """Another attempt holds the work now (or it was ended): this attempt must stop and write nothing."""


def _rowcount(result: Result[Any]) -> int:
    """How many rows an UPDATE changed (a DML statement's result is a CursorResult)."""
    return cast(CursorResult[Any], result).rowcount


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim(session: Session, model: Model, row_id: int, lease_seconds: float) -> str | None:
    """Take the work if it is waiting, or if its last holder's lease ran out; None if not ours.

    Like every change here it is written in the caller's transaction: the claim holds once the caller
    commits (:meth:`Attempt.claim` does at once, before the work starts)."""
    token = uuid.uuid4().hex
    now = utcnow()
    result = session.execute(
        update(model)
        .where(
            model.id == row_id,
            or_(model.status == model.QUEUED, and_(model.status == model.RUNNING, model.lease_until < now)),
        )
        .values(
            status=model.RUNNING, claim=token, attempts=model.attempts + 1, progress=0,
            lease_until=now + timedelta(seconds=lease_seconds), worker=worker_name(),
            error=None, error_code=None, updated_at=now,
        )
    )
    return token if _rowcount(result) == 1 else None


def _held(model: Model, row_id: int, token: str) -> ColumnElement[bool]:
    return and_(model.id == row_id, model.claim == token, model.status == model.RUNNING)


def renew(session: Session, model: Model, row_id: int, token: str, lease_seconds: float,
          progress: int | None = None) -> bool:
    """Extend the lease (and record progress); False means another attempt has taken over."""
    values: dict[str, Any] = {"lease_until": utcnow() + timedelta(seconds=lease_seconds)}
    if progress is not None:
        values["progress"] = progress
    result = session.execute(update(model).where(_held(model, row_id, token)).values(**values))
    return _rowcount(result) == 1


def settle(session: Session, model: Model, row_id: int, token: str, status: str, **values: Any) -> bool:
    """End the attempt with ``status`` (done or failed); False if it no longer held the work.

    The result rows the caller writes beside it commit together with it.
    """
    result = session.execute(
        update(model)
        .where(_held(model, row_id, token))
        .values(status=status, claim=None, lease_until=None, updated_at=utcnow(), **values)
    )
    return _rowcount(result) == 1


def hand_off(session: Session, model: Model, row_id: int, token: str) -> bool:
    """Give the work back to the queue unfinished, for a worker of another kind (the heavy queue) to
    claim; False if this attempt no longer held it. The attempt counts: the next one knows it is not the first.
    """
    result = session.execute(
        update(model)
        .where(_held(model, row_id, token))
        .values(status=model.QUEUED, claim=None, lease_until=None, progress=0, updated_at=utcnow())
    )
    return _rowcount(result) == 1


@dataclass(frozen=True)
class Ended:
    """What became of work whose attempt did not finish: ``queued`` again, or ``failed`` for good."""

    status: str
    #: The attempts made so far, the one just ended included.
    attempts: int
    #: The "host:pid" that held it.
    worker: str | None


def _retry_or_give_up(session: Session, model: Model, row_id: int, holder: ColumnElement[bool],
                      attempts: int, worker: str | None, max_attempts: int,
                      retry: dict[str, Any], give_up: dict[str, Any]) -> Ended | None:
    """Queue the work again, or fail it after its last allowed attempt; None if ``holder`` no longer holds it.

    The one place the attempt limit is decided, the same whether the job raised or its worker was lost.
    ``attempts`` is read by the caller beside the claim ``holder`` requires; attempts change only with a
    new claim, so the update acts on the row as read, or matches nothing.
    """
    final = attempts >= max_attempts
    status = model.FAILED if final else model.QUEUED
    result = session.execute(
        update(model)
        .where(model.id == row_id, model.status == model.RUNNING, holder)
        .values(status=status, claim=None, lease_until=None, updated_at=utcnow(), **(give_up if final else retry))
    )
    return Ended(status, attempts, worker) if _rowcount(result) == 1 else None


def retry_or_fail(session: Session, model: Model, row_id: int, token: str, max_attempts: int,
                  error: BaseException) -> Ended | None:
    """After an unexpected error: queued for another attempt, or failed (``internal``) after the last one.

    None if the attempt no longer held the work: then it is not this attempt's to retry.
    """
    read = session.execute(select(model.attempts, model.worker).where(_held(model, row_id, token))).one_or_none()
    if read is None:
        return None
    message = UNEXPECTED.format(detail=type(error).__name__)
    return _retry_or_give_up(session, model, row_id, _held(model, row_id, token), read.attempts, read.worker,
                             max_attempts, retry={"error": message, "error_code": None},
                             give_up={"error": message, "error_code": "internal"})


def release(session: Session, model: Model, row_id: int, max_attempts: int) -> Ended | None:
    """Take back work whose holder stopped renewing its lease: queued again, or failed (``worker_lost``)
    after the last attempt. None if the row is no longer running on a lapsed lease.
    """
    read = session.execute(select(model.claim, model.attempts, model.worker).where(model.id == row_id)).one_or_none()
    if read is None:
        return None
    lapsed = and_(model.claim == read.claim, model.lease_until < utcnow())
    return _retry_or_give_up(session, model, row_id, lapsed, read.attempts, read.worker, max_attempts,
                             retry={"error": None, "error_code": None},
                             give_up={"error": GAVE_UP.format(n=read.attempts), "error_code": "worker_lost"})


def requeue(session: Session, model: Model, row_id: int) -> bool:
    """Put failed work back on its way at a user's word ("Försök igen"): queued, its error cleared and its
    attempts counted afresh. False if the row is not failed (it was retried already, or never failed)."""
    result = session.execute(
        update(model).where(model.id == row_id, model.status == model.FAILED)
        .values(status=model.QUEUED, progress=0, error=None, error_code=None, attempts=0, claim=None,
                lease_until=None, worker=None, updated_at=utcnow()))
    return _rowcount(result) == 1


class Heartbeat:
    """Renews a lease from a background thread, so a long step inside a C library can't lose it."""

    def __init__(self, renew_once: Callable[[], bool], interval: float) -> None:
        self._renew = renew_once
        self._interval = interval
        self._stop = threading.Event()
        self.lost = False
        self._thread = threading.Thread(target=self._run, daemon=True, name="kansli-heartbeat")

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                if not self._renew():
                    self.lost = True
                    return
            except Exception:  # a database hiccup: try again at the next beat
                continue

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


class Attempt:
    """One claimed attempt at a row, as the job holds it: lease kept alive, progress reported, end written.

    Used as a context manager it runs the heartbeat. :meth:`progress` and :meth:`check` raise
    :class:`LeaseLost` once the lease has gone to another attempt, so the work stops where it is instead
    of finishing for nothing — or, worse, writing files and rows beside the attempt that owns it now.
    """

    def __init__(self, url: str, model: Model, row_id: int, token: str, lease_seconds: float) -> None:
        self.url, self.model, self.row_id, self.token = url, model, row_id, token
        self.lease_seconds = lease_seconds
        self._written_at = 0.0
        self._written = -1
        self._heartbeat = Heartbeat(self._renew, lease_seconds / 3)

    @classmethod
    def claim(cls, url: str, model: Model, row_id: int, lease_seconds: float) -> Attempt | None:
        """Claim the row (see :func:`claim`); None if there is nothing for this attempt to do."""
        with session_scope(url) as session:
            token = claim(session, model, row_id, lease_seconds)
        return cls(url, model, row_id, token, lease_seconds) if token else None

    def __enter__(self) -> Self:
        self._heartbeat.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._heartbeat.stop()

    def _renew(self, progress: int | None = None) -> bool:
        with session_scope(self.url) as session:
            return renew(session, self.model, self.row_id, self.token, self.lease_seconds, progress)

    def progress(self, percent: int) -> None:
        """The work's progress callback: records progress now and then; LeaseLost once another attempt holds it."""
        if self._heartbeat.lost:
            raise LeaseLost(f"at {percent} %")
        now = time.monotonic()
        if percent != self._written and now - self._written_at >= PROGRESS_EVERY:
            self._written_at, self._written = now, percent
            if not self._renew(percent):
                raise LeaseLost(f"at {percent} %")

    def check(self) -> None:
        """Before writing anything: ask the database whether this attempt still holds the work (LeaseLost if not)."""
        if self._heartbeat.lost or not self._renew():
            raise LeaseLost("before writing")

    def finish(self, session: Session, **values: Any) -> None:
        """Mark the work done in the caller's transaction, beside its result rows; LeaseLost if not ours.

        The last guard: rows written since :meth:`check` roll back with the caller's transaction (a file
        stored in that moment stays in the store, unreferenced).
        """
        if not settle(session, self.model, self.row_id, self.token, self.model.DONE, progress=100, **values):
            raise LeaseLost("when finishing")

    def hand_off(self) -> bool:
        """See :func:`hand_off`."""
        with session_scope(self.url) as session:
            return hand_off(session, self.model, self.row_id, self.token)

    def fail(self, error: str, code: str) -> bool:
        """A final failure with its reason; False if another attempt holds the work."""
        with session_scope(self.url) as session:
            return settle(session, self.model, self.row_id, self.token, self.model.FAILED, error=error, error_code=code)

    def retry_or_fail(self, max_attempts: int, error: BaseException) -> Ended | None:
        """See :func:`retry_or_fail`."""
        with session_scope(self.url) as session:
            return retry_or_fail(session, self.model, self.row_id, self.token, max_attempts, error)
