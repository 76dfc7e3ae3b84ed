"""A client that retries with the same Idempotency-Key gets the first answer again; nothing is made twice."""
from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import func, select

from helpers.api import Auth, extracted
from helpers.pdfs import text_pdf
from kansli import db
from kansli.models import AuditEntry, Document, Output


def count(settings: Any, model: Any) -> int:
    with db.session_scope(settings.database_url) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def draft(app: Any, auth: Auth, doc_id: int, key: str) -> Any:
    return app.test_client().post("/api/outputs", headers={**auth("drafter"), "Idempotency-Key": key},
                                  json={"kind": "agreement", "document_id": doc_id, "agency": "Polismyndigheten"})


def test_a_retried_draft_is_made_once_even_when_the_retries_race(app: Any, auth: Auth, settings: Any) -> None:
    doc_id = extracted(app.test_client(), auth, settings)
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(lambda _: draft(app, auth, doc_id, "utkast-1"), range(6)))
    assert sorted(a.status_code for a in answers) == [200] * 5 + [202]
    assert len({a.json["id"] for a in answers}) == 1
    assert [a.headers.get("Idempotent-Replayed") for a in answers if a.status_code == 200] == ["true"] * 5
    assert count(settings, Output) == 1
    with db.session_scope(settings.database_url) as session:
        assert session.scalar(select(func.count()).where(AuditEntry.action == "generate")) == 1
    assert draft(app, auth, doc_id, "utkast-2").status_code == 202  # another key: another draft
    assert count(settings, Output) == 2


def test_a_retried_upload_gets_the_first_document(client: Any, auth: Auth, settings: Any) -> None:
    def send(data: bytes, key: str) -> Any:
        return client.post("/api/documents", headers={**auth("clerk"), "Idempotency-Key": key},
                           data={"file": (io.BytesIO(data), "plan.pdf")})

    first = send(text_pdf("Första versionen"), "uppladdning-1")
    again = send(text_pdf("Första versionen, sparad om"), "uppladdning-1")  # the client's retry, re-encoded
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json["id"] == first.json["id"] and count(settings, Document) == 1
    assert again.headers.get("Idempotent-Replayed") == "true" and "Idempotent-Replayed" not in first.headers
    same_bytes = send(text_pdf("Första versionen"), "uppladdning-2")  # a new request: a duplicate, no replay
    assert same_bytes.status_code == 200 and same_bytes.json["duplicate"]
    assert "Idempotent-Replayed" not in same_bytes.headers


def test_a_key_is_checked_and_belongs_to_one_kind_of_request(client: Any, auth: Auth, settings: Any) -> None:
    upload = client.post("/api/documents", headers={**auth("admin"), "Idempotency-Key": "nyckel"},
                         data={"file": (io.BytesIO(text_pdf("Ett underlag")), "u.pdf")})
    assert upload.status_code == 202
    reused = client.post("/api/outputs", headers={**auth("admin"), "Idempotency-Key": "nyckel"},
                         json={"kind": "agreement", "document_id": upload.json["id"], "agency": "Polismyndigheten"})
    assert reused.status_code == 422 and reused.json["error"]["code"] == "idempotency_key"
    bad = client.post("/api/outputs", headers={**auth("admin"), "Idempotency-Key": "å" * 3}, json={})
    assert bad.status_code == 422 and "ASCII" in bad.json["error"]["message"]
    assert count(settings, Output) == 0
