"""The whole path on each database, through a real server and worker over HTTP."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests

from helpers.office import libreoffice_text
from helpers.pdfs import plan_pdf
from helpers.processes import Processes, free_port
from helpers.servers import Api, serve

pytestmark = pytest.mark.slow


@pytest.mark.office
def test_upload_to_download_through_the_api_with_a_real_worker(
        settings: Any, tokens: dict[str, str], processes: Processes, tmp_path: Path) -> None:
    """The whole path on each database: upload → worker → extraction → correction → agreement → download."""
    port = free_port()
    serve(processes, port, KANSLI_WORKERS="1")
    clerk = Api(f"http://127.0.0.1:{port}", tokens["clerk"])
    drafter = Api(clerk.base, tokens["drafter"])
    doc_id = clerk.upload(plan_pdf())
    doc = clerk.wait(f"/api/documents/{doc_id}", ("extracted", "failed"))
    assert doc["status"] == "extracted", doc["error"]
    assert doc["progress"] == 100 and doc["extraction"]["fields"]["districts"] == ["Alby", "Fittja"]

    corrected = requests.patch(f"{clerk.base}/api/documents/{doc_id}/fields", headers=drafter.headers,
                               json={"districts": ["Alby", "Fittja", "Hallunda"]}, timeout=30)
    assert corrected.status_code == 200
    response = drafter.post("/api/outputs", json={"kind": "agreement", "document_id": doc_id,
                                                  "agency": "Arbetsförmedlingen"})
    assert response.status_code == 202
    output = drafter.wait(f"/api/outputs/{response.json()['id']}", ("ready", "failed"))
    assert output["status"] == "ready", output
    text = libreoffice_text(clerk.get(output["files"][0]["url"]), tmp_path)
    assert "mellan Arbetsförmedlingen och Botkyrka kommun" in text
    assert "stadsdelarna Alby, Fittja och Hallunda och gäller 2008–2010" in text


