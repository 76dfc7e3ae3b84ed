"""Many callers at once against a running ``kansli serve``: uploads and drafts posted from threads.

Each request is retried the way a patient client would retry it — when the server cannot be reached, or
answers 5xx — and every answer on the way is kept, so a test can say afterwards which were accepted,
which were refused and why, and how long the accepted ones took. Used by the fault suite
(``tests/faults/``) and by ``make bench``.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import requests

from helpers.pdfs import PLAN, plan_pdf

MUNICIPALITIES = ("Botkyrka kommun", "Malmö kommun", "Göteborgs kommun", "Uppsala kommun", "Örebro kommun",
                  "Borås kommun", "Växjö kommun", "Södertälje kommun", "Gävle kommun", "Luleå kommun")
AGENCIES = ("Arbetsförmedlingen", "Försäkringskassan", "Polismyndigheten")


def plan_fields(n: int, tag: str = "") -> dict[str, Any]:
    """The ``n``-th of a series of distinct plans: another municipality, reference and contact each."""
    municipality = MUNICIPALITIES[n % len(MUNICIPALITIES)]
    return {**PLAN, "municipality": municipality, "reference": f"KS {2008 + n % 3}/{100 + n}{tag}",
            "contact": {**PLAN["contact"], "phone": f"08-530 {600 + n % 400:03d} {n % 100:02d}"}}


def plans(count: int, tag: str = "") -> list[bytes]:
    """``count`` distinct plan PDFs (``tag`` makes a series differ from another run's)."""
    return [plan_pdf(plan_fields(n, tag)) for n in range(count)]


@dataclass
class Call:
    """One logical request (an upload or a draft) and every answer it got until it was settled."""

    kind: str
    #: Each try's outcome: an HTTP status, or where no (whole) answer came "connect" (could not connect, or
    #: the connection dropped), "broken" (the answer was cut off) or "timeout".
    tries: list[int | str] = field(default_factory=list)
    #: Each 5xx answer's error code and message, as the server gave it.
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    status: int | None = None
    id: int | None = None
    duplicate: bool = False
    #: Seconds the accepted try took, from sending to the answer.
    latency: float | None = None
    #: When the call was first sent, on the monotonic clock.
    sent_at: float = 0.0

    @property
    def accepted(self) -> bool:
        return self.status in (200, 202) and self.id is not None


class Clients:
    """Posts uploads and drafts to ``base`` from a pool of threads, retrying until ``patience`` runs out."""

    def __init__(self, base: str, clerk: str, drafter: str, *, patience: float = 120.0,
                 retry_after: float = 0.5) -> None:
        self.base = base
        self.headers = {"clerk": {"Authorization": f"Bearer {clerk}"}, "drafter": {"Authorization": f"Bearer {drafter}"}}
        self.patience, self.retry_after = patience, retry_after
        self.calls: list[Call] = []
        self._lock = threading.Lock()
        self._local = threading.local()

    def _session(self) -> requests.Session:
        if not hasattr(self._local, "session"):
            self._local.session = requests.Session()
        return self._local.session

    def _call(self, kind: str, send: Callable[[requests.Session], requests.Response]) -> Call:
        call = Call(kind, sent_at=time.monotonic())
        with self._lock:
            self.calls.append(call)
        deadline = call.sent_at + self.patience
        while True:
            started = time.monotonic()
            try:
                response = send(self._session())
            except requests.ConnectionError:
                call.tries.append("connect")
            except requests.exceptions.ChunkedEncodingError:  # the server went away mid-answer
                call.tries.append("broken")
            except requests.Timeout:
                call.tries.append("timeout")
            else:
                call.tries.append(response.status_code)
                if response.status_code < 500:
                    call.status, call.latency = response.status_code, time.monotonic() - started
                    if response.status_code in (200, 202):
                        body = response.json()
                        call.id, call.duplicate = body["id"], body.get("duplicate", False)
                    return call
                try:
                    error = response.json()["error"]
                    call.errors.append((response.status_code, error.get("code", ""), error.get("message", "")))
                except (ValueError, KeyError, TypeError):
                    call.errors.append((response.status_code, "", response.text[:200]))
            if time.monotonic() > deadline:
                return call
            time.sleep(self.retry_after)

    def upload(self, data: bytes, name: str = "plan.pdf") -> Call:
        return self._call("upload", lambda s: s.post(f"{self.base}/api/documents", headers=self.headers["clerk"],
                                                     files={"file": (name, data, "application/pdf")}, timeout=30))

    def draft(self, document_id: int, agency: str) -> Call:
        body = {"kind": "agreement", "document_id": document_id, "agency": agency}
        return self._call("draft", lambda s: s.post(f"{self.base}/api/outputs", headers=self.headers["drafter"],
                                                    json=body, timeout=30))

    def get(self, path: str) -> Any:
        response = self._session().get(self.base + path, headers=self.headers["clerk"], timeout=30)
        response.raise_for_status()
        return response.json()

    def run(self, uploads: list[bytes], drafts: list[tuple[int, str]], *, threads: int = 8,
            spread: float = 0.0) -> Running:
        """Post all of them in the background, interleaved, the n-th no sooner than ``spread * n / total`` s
        after the start (0: as fast as the threads go); returns at once."""
        work: list[Callable[[], Call]] = []
        pending_drafts = list(drafts)
        for n, data in enumerate(uploads):  # two drafts after each upload, then the rest of the drafts
            work.append(lambda d=data, n=n: self.upload(d, f"plan-{n}.pdf"))
            for _ in range(2):
                if pending_drafts:
                    doc, agency = pending_drafts.pop(0)
                    work.append(lambda doc=doc, agency=agency: self.draft(doc, agency))
        work += [lambda doc=doc, agency=agency: self.draft(doc, agency) for doc, agency in pending_drafts]
        return Running(work, threads, spread)

    def of(self, kind: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.kind == kind]


class Running:
    """Calls being posted from a thread pool; :meth:`wait` for all of them to be settled."""

    def __init__(self, work: list[Callable[[], Call]], threads: int, spread: float) -> None:
        self.started = time.monotonic()
        self.total = len(work)
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="client")
        self._futures = [self._pool.submit(self._paced, n, job, spread) for n, job in enumerate(work)]

    def _paced(self, n: int, job: Callable[[], Call], spread: float) -> Call:
        if spread:
            time.sleep(max(0.0, self.started + spread * n / self.total - time.monotonic()))
        return job()

    @property
    def done(self) -> int:
        return sum(f.done() for f in self._futures)

    def wait(self, timeout: float) -> list[Call]:
        calls = [f.result(timeout=max(0.0, self.started + timeout - time.monotonic())) for f in self._futures]
        self._pool.shutdown()
        return calls


def percentile(values: list[float], p: float) -> float:
    """The ``p``-th percentile (0–100) by nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
