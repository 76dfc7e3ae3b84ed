"""The audit trail is written with the change it records: both or neither, never a fork of the chain."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import func, select

from helpers.api import Auth, upload
from helpers.pdfs import text_pdf
from kansli import audit, db
from kansli.models import AuditEntry, Document


def count(settings: Any, model: Any, *where: Any) -> int:
    with db.session_scope(settings.database_url) as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def test_concurrent_changes_each_get_one_entry_in_one_unbroken_chain(app: Any, auth: Auth, settings: Any) -> None:
    def one(n: int) -> int:
        return upload(app.test_client(), auth("clerk"), text_pdf(f"Underlag nummer {n}"), f"u{n}.pdf").status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(one, range(24)))
    assert statuses == [202] * 24
    assert count(settings, Document) == 24
    assert count(settings, AuditEntry, AuditEntry.action == "upload") == 24
    assert audit.verify(settings.database_url) == []


def test_a_change_whose_entry_cannot_be_written_is_not_kept(client: Any, auth: Auth, settings: Any,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: Any) -> str:
        raise RuntimeError("the audit trail is unavailable")

    monkeypatch.setattr(audit, "entry_hash", broken)
    client.application.config["PROPAGATE_EXCEPTIONS"] = False
    assert upload(client, auth("clerk")).status_code == 500
    assert count(settings, Document) == 0
    monkeypatch.undo()
    assert upload(client, auth("clerk")).status_code == 202  # and the same upload goes through afterwards
    assert count(settings, AuditEntry) == count(settings, Document) == 1


def test_a_refused_change_leaves_no_entry(client: Any, auth: Auth, settings: Any) -> None:
    assert client.post("/api/registry", headers=auth("registrar"), json={"document_id": 999}).status_code == 404
    assert count(settings, AuditEntry) == 0


def test_concurrent_corrections_each_become_a_revision(app: Any, auth: Auth, settings: Any) -> None:
    from helpers.api import extracted

    doc_id = extracted(app.test_client(), auth, settings)

    def correct(n: int) -> int:
        return app.test_client().patch(f"/api/documents/{doc_id}/fields", headers=auth("drafter"),
                                       json={"reference": f"KS 2008/{n}"}).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        assert list(pool.map(correct, range(6))) == [200] * 6
    history = app.test_client().get(f"/api/documents/{doc_id}/history", headers=auth("clerk")).json["revisions"]
    assert [r["number"] for r in history] == list(range(1, 8))
    assert count(settings, AuditEntry, AuditEntry.action == "correct") == 6
