"""A resource budget for work on one untrusted document: run it in a forked child with rlimits.

A PDF of one megabyte can unpack to gigabytes inside PDFium, or keep the layout algorithms busy for
minutes; in the worker itself that is a worker lost for everyone. In a child, the kernel enforces the
budget (``RLIMIT_AS`` for memory, ``RLIMIT_CPU`` for time) where the bytes are decoded, and whatever
the document does, only the child dies: the parent learns what ran out and goes on to the next job.

A fork, not a fresh interpreter: the child starts with everything imported, so a budgeted read costs a
few milliseconds more than one in-process. The child touches nothing of the parent's but the pipe it
reports on, and leaves with ``os._exit``, so the parent's database and Redis connections stay its own.

:func:`run` is the mechanism; :func:`read` is the policy for a document: the settings' limits, and what
running out of each means in the extraction contract's terms.
"""
from __future__ import annotations

import faulthandler
import os
import pickle
import resource
import select
import signal
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn, TypeVar

from kansli.config import Settings
from kansli.extraction.refusal import HeavyWork, Refusal
from kansli.lifeline import die_with_parent

T = TypeVar("T")

#: Past its deadline, a child stuck inside one page gets this long to notice before it is killed.
GRACE_SECONDS = 5.0
#: A child that died of a signal after growing by this share of its memory budget ran out of memory;
#: one that died smaller crashed on the file (PDFium aborts on a failed allocation, or on a bug).
MEMORY_SHARE = 0.25
_HEADER = struct.Struct(">I")
_PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class Budget:
    #: Address space the work may add to what the program already holds.
    memory_bytes: int
    #: CPU seconds of the child itself (programs it starts, like OCR, each get as many).
    cpu_seconds: int
    #: A ``time.monotonic()`` value; the child is killed ``GRACE_SECONDS`` after it.
    deadline: float | None = None


class OverBudget(Exception):
    """The work ran out of ``resource``: "memory", "cpu" or "time" (its deadline)."""

    def __init__(self, resource: str, budget: Budget) -> None:
        super().__init__(f"over its {resource} budget")
        self.resource, self.budget = resource, budget


class Crashed(RuntimeError):
    """The child died without an answer, and not for want of its budget."""


class _Overdue(Exception):
    """The child is past its deadline and its grace."""


def _statm(field: int) -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[field]) * _PAGE


def _send(fd: int, message: tuple[Any, ...]) -> None:
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_HEADER.pack(len(payload)) + payload)
    while view:
        view = view[os.write(fd, view):]


def _child(fd: int, budget: Budget, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any],
           progress: bool) -> NoReturn:
    """Set the limits, do the work, report on ``fd``; never returns into the parent's code."""
    try:
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGALRM):
            signal.signal(signum, signal.SIG_DFL)
        die_with_parent()  # an orphan has nobody to report to
        faulthandler.disable()  # an abort for want of memory is expected here; the parent says what happened
        ceiling = _statm(0) + budget.memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
        resource.setrlimit(resource.RLIMIT_CPU, (budget.cpu_seconds, budget.cpu_seconds + 2))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a gigabyte's core dump helps nobody
        if progress:
            kwargs = {**kwargs, "on_progress": lambda *report: _send(fd, ("progress", *report))}
        _send(fd, ("ok", fn(*args, **kwargs)))
    except MemoryError:
        _send(fd, ("memory",))
    except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent, which raises it
        try:
            _send(fd, ("raised", exc))
        except Exception:  # an exception that does not pickle: its name and text still help
            _send(fd, ("raised", Crashed(f"{type(exc).__name__}: {exc}")))
    finally:
        os._exit(0)


def _frames(fd: int, deadline: float | None) -> Any:
    """Messages from the child until it closes the pipe; _Overdue once past the deadline and the grace."""
    buffer = b""
    while True:
        timeout = None if deadline is None else deadline + GRACE_SECONDS - time.monotonic()
        if timeout is not None and (timeout <= 0 or not select.select([fd], [], [], timeout)[0]):
            raise _Overdue
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return
        buffer += chunk
        while len(buffer) >= _HEADER.size and len(buffer) >= _HEADER.size + (size := _HEADER.unpack_from(buffer)[0]):
            yield pickle.loads(buffer[_HEADER.size:_HEADER.size + size])
            buffer = buffer[_HEADER.size + size:]


def run(fn: Callable[..., T], *args: Any, budget: Budget, on_progress: Callable[..., None] | None = None,
        **kwargs: Any) -> T:
    """``fn(*args, **kwargs)`` in a child held to ``budget``; its result, or its exception raised here.

    With ``on_progress``, ``fn`` gets an ``on_progress`` of its own whose reports are passed on here, in
    the parent, so that a callback may stop the work by raising (a lost lease): the child is then killed.
    Raises :class:`OverBudget` when the child ran out of memory, CPU time or its deadline, and
    :class:`Crashed` when it died otherwise.
    """
    read_fd, write_fd = os.pipe()
    baseline = _statm(1)
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        _child(write_fd, budget, fn, args, kwargs, on_progress is not None)
    os.close(write_fd)
    answer: tuple[Any, ...] = ()
    reaped = False
    try:
        try:
            for message in _frames(read_fd, budget.deadline):
                if message[0] == "progress" and on_progress is not None:
                    on_progress(*message[1:])
                else:
                    answer = message
        except _Overdue:
            raise OverBudget("time", budget) from None
        _, status, usage = os.wait4(pid, 0)
        reaped = True
    finally:
        os.close(read_fd)
        if not reaped:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    kind = answer[0] if answer else None
    if kind == "ok":
        return answer[1]
    if kind == "raised":
        raise answer[1]
    if kind == "memory":
        raise OverBudget("memory", budget)
    # Died without a word: of its CPU limit, of a failed allocation inside C code, or of a crash.
    if (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGXCPU) \
            or usage.ru_utime + usage.ru_stime >= budget.cpu_seconds:
        raise OverBudget("cpu", budget)
    if usage.ru_maxrss * 1024 - baseline >= budget.memory_bytes * MEMORY_SHARE:
        raise OverBudget("memory", budget)
    raise Crashed(f"the child ended with status {status:#x} and no answer")


def of(settings: Settings, *, heavy: bool, deadline: float | None = None) -> Budget:
    """A document's budget: the full CPU time on the heavy queue (and in ``kansli extract``), an ordinary
    worker's share elsewhere; the same memory everywhere, since more of it would not help."""
    return Budget(settings.extract_memory, settings.extract_cpu_seconds if heavy else settings.heavy_after_seconds,
                  deadline)


def read(fn: Callable[..., T], data: bytes, settings: Settings, *, heavy: bool = True,
         on_progress: Callable[[int, int], None] | None = None, deadline: float | None = None) -> T:
    """``fn(data, **limits)`` — :func:`kansli.extraction.extract` or a function with its arguments — held to
    the document's budget, where running out of it is the contract's refusal.

    On an ordinary worker (not ``heavy``), spending its share of CPU time, or needing OCR, is
    :class:`HeavyWork` for the caller to hand on rather than a refusal.
    """
    try:
        return run(fn, data, budget=of(settings, heavy=heavy, deadline=deadline), on_progress=on_progress,
                   max_pages=settings.max_pages, max_bytes=settings.max_upload_bytes,
                   max_ocr_pages=settings.max_ocr_pages, allow_ocr=heavy, deadline=deadline)
    except OverBudget as over:
        if over.resource == "memory":
            raise Refusal("too_large", f"PDF-filen kräver mer än {over.budget.memory_bytes // 2**20} MB minne för att "
                                       "läsas; spara om den som en ny PDF eller dela upp den och ladda upp den igen.") from None
        if over.resource == "time":
            raise Refusal("timeout") from None
        if not heavy:
            raise HeavyWork(f"more than {over.budget.cpu_seconds} s of CPU time") from None
        raise Refusal("too_large", f"PDF-filen kräver mer än {over.budget.cpu_seconds} sekunders beräkning för att "
                                   "läsas; spara om den som en ny PDF eller dela upp den och ladda upp den igen.") from None
    except Crashed:
        raise Refusal("corrupt") from None
