"""The life of a queued piece of work (a document to extract, an output to render), kept in its row.

An attempt *claims* the row with a random token and a lease, renews the lease while it runs, and only
the holder of the current token may finish it. A worker killed mid-job stops renewing; once its lease
runs out, :mod:`kansli.recovery` hands the work to another attempt, and the dead attempt — should it
wake — can no longer write. That is what makes jobs safe to run twice.
"""
from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, or_, update
from sqlalchemy.orm import Session

from kansli.models import Document, Output, utcnow

Model = type[Document] | type[Output]


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim(session: Session, model: Model, row_id: int, lease_seconds: float) -> str | None:
    """Take the work if it is waiting, or if its last holder's lease ran out; None if not ours."""
    token = uuid.uuid4().hex
    now = utcnow()
    result = session.execute(
        update(model)
        .where(
            model.id == row_id,
            or_(model.status == "queued", and_(model.status == model.RUNNING, model.lease_until < now)),
        )
        .values(
            status=model.RUNNING, claim=token, attempts=model.attempts + 1, progress=0,
            lease_until=now + timedelta(seconds=lease_seconds), worker=worker_name(),
            error=None, error_code=None, updated_at=now,
        )
    )
    session.commit()
    return token if result.rowcount == 1 else None


def _held(model: Model, row_id: int, token: str):  # noqa: ANN202 - an SQL expression
    return and_(model.id == row_id, model.claim == token, model.status == model.RUNNING)


def renew(session: Session, model: Model, row_id: int, token: str, lease_seconds: float,
          progress: int | None = None) -> bool:
    """Extend the lease (and record progress); False means another attempt has taken over."""
    values: dict[str, Any] = {"lease_until": utcnow() + timedelta(seconds=lease_seconds)}
    if progress is not None:
        values["progress"] = progress
    result = session.execute(update(model).where(_held(model, row_id, token)).values(**values))
    session.commit()
    return result.rowcount == 1


def settle(session: Session, model: Model, row_id: int, token: str, status: str, **values: Any) -> bool:
    """End the attempt with ``status`` (done, failed, or back to queued for a retry).

    Runs inside the caller's transaction, so the result rows written beside it commit together.
    """
    result = session.execute(
        update(model)
        .where(_held(model, row_id, token))
        .values(status=status, claim=None, lease_until=None, updated_at=utcnow(), **values)
    )
    return result.rowcount == 1


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

    def __enter__(self) -> "Heartbeat":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
