"""Calling the API as a test client, and the job functions as a worker would."""
from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from helpers.pdfs import plan_pdf, report_pdf
from workers.jobs import extract_document

Auth = Callable[[str], dict[str, str]]


def upload(client: Any, headers: dict[str, str], data: bytes | None = None, name: str = "plan.pdf") -> Any:
    return client.post("/api/documents", headers=headers,
                       data={"file": (io.BytesIO(plan_pdf() if data is None else data), name)})


def extracted(client: Any, auth: Auth, settings: Any) -> int:
    """An uploaded plan, extracted by calling the job function as a worker would."""
    doc_id = upload(client, auth("clerk")).json["id"]
    extract_document(doc_id)
    assert client.get(f"/api/documents/{doc_id}", headers=auth("clerk")).json["status"] == "extracted"
    return doc_id


def extracted_reports(client: Any, auth: Auth) -> list[int]:
    """Two agencies' reports for Malmö for 2009, uploaded and read: what a consolidated report is made from."""
    ids = []
    for agency in ("Polismyndigheten", "Försäkringskassan"):
        doc_id = upload(client, auth("clerk"), report_pdf(agency, 2009, ["Malmö kommun"], "X-1", "2010-01-01",
                                                          ["Ett förslag"]), f"{agency}.pdf").json["id"]
        extract_document(doc_id)
        ids.append(doc_id)
    return ids
