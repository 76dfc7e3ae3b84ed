"""Talking to a running ``kansli serve`` as an outside caller would: over HTTP with a token."""
from __future__ import annotations

from typing import Any

import requests

from helpers.processes import Processes, wait_for


class Api:
    """A small client for a running server, as an outside caller would use it."""

    def __init__(self, base: str, token: str) -> None:
        self.base, self.headers = base, {"Authorization": f"Bearer {token}"}

    def get(self, path: str) -> Any:
        response = requests.get(self.base + path, headers=self.headers, timeout=30)
        response.raise_for_status()
        return response.json() if "json" in response.headers.get("Content-Type", "") else response.content

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return requests.post(self.base + path, headers=self.headers, timeout=30, **kwargs)

    def upload(self, data: bytes, name: str = "plan.pdf") -> int:
        response = self.post("/api/documents", files={"file": (name, data, "application/pdf")})
        assert response.status_code == 202, response.text
        return response.json()["id"]

    def wait(self, path: str, done: tuple[str, ...], timeout: float = 60) -> dict[str, Any]:
        return wait_for(lambda: (body := self.get(path))["status"] in done and body, timeout, 0.3, f"{path} {done}")


def serve(processes: Processes, port: int, **env: str) -> Any:
    proc = processes.start("serve", "--port", str(port), env=env)
    base = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        assert proc.poll() is None, processes.log(proc)
        try:
            return requests.get(base + "/api/health", timeout=10).status_code == 200
        except requests.RequestException:  # not listening yet, or still importing the app under load
            return False

    wait_for(healthy, 60, 0.3, "kansli serve to answer")
    return proc, base


