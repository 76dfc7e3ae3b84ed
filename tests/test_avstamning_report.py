"""The avstämning report: asked for through the API, rendered by the job with its charts as pictures,
opened by LibreOffice and converted to PDF/A-2b with a preview, like every other output."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from helpers.followups import uppsala
from helpers.office import libreoffice_text
from workers.jobs import render_output

pytestmark = pytest.mark.office  # LibreOffice opens and converts what these tests make


def test_the_report_renders_with_charts_and_converts_to_pdfa(client: Any, auth: Any, settings: Any,
                                                             tmp_path: Path) -> None:
    empty = client.post("/api/outputs", headers=auth("drafter"), json={"kind": "followup_report"})
    assert empty.status_code == 409 and "ingen extraherad stadsdelsplan" in empty.json["error"]["message"]
    uppsala(settings.database_url)
    response = client.post("/api/outputs", headers=auth("drafter"), json={"kind": "followup_report"})
    assert response.status_code == 202
    render_output(response.json["id"])
    output = client.get(f"/api/outputs/{response.json['id']}", headers=auth("clerk")).json
    assert (output["status"], output["kind_text"]) == ("ready", "Avstämningsrapport")
    assert [f["format"] for f in output["files"]] == ["docx", "pdf", "png"]
    word, pdf = (client.get(f["url"], headers=auth("clerk")).data for f in output["files"][:2])
    with zipfile.ZipFile(io.BytesIO(word)) as package:
        pictures = [n for n in package.namelist() if n.startswith("word/media/")]
        assert len(pictures) == 3  # one chart per indicator
        width, _height = Image.open(io.BytesIO(package.read(pictures[0]))).size
        assert width >= 1200  # print resolution, not screen
    text = libreoffice_text(word, tmp_path)
    assert "Avstämning av lokala utvecklingsavtal" in text and "Uppsala kommun" in text
    assert "Förvärvsfrekvens 20–64 år" in text and "57,3 (2009)" in text and "Efter" in text
    assert pdf.startswith(b"%PDF-") and b"pdfaid:part>2<" in pdf
    registration = client.post("/api/registry", headers=auth("registrar"), json={"output_id": output["id"]}).json
    assert registration["description"] == "Avstämning av lokala utvecklingsavtal"
