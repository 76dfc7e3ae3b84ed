"""Real ``kansli`` processes started by tests, and waiting for what they do."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent.parent
KANSLI = str(Path(sys.executable).with_name("kansli"))


def wait_for(check: Callable[[], Any], timeout: float = 30.0, interval: float = 0.2, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class Processes:
    """Real ``kansli`` processes started by a test, stopped (and reaped) when it ends."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.procs: list[tuple[subprocess.Popen, Path]] = []

    def start(self, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
        log = self.log_dir / f"{args[0]}-{len(self.procs)}.log"
        proc = subprocess.Popen([KANSLI, *args], stdout=log.open("wb"), stderr=subprocess.STDOUT,
                                env={**os.environ, **(env or {})}, cwd=REPO)
        self.procs.append((proc, log))
        return proc

    def log(self, proc: subprocess.Popen) -> str:
        return next(path for p, path in self.procs if p is proc).read_text(errors="replace")

    def stop_all(self) -> None:
        for proc, _ in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for proc, _ in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
