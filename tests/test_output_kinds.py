"""A new kind of output is one entry in ``kansli.outputs.KINDS`` plus its template, and nothing else."""
from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import docx
import pytest

from helpers.api import extracted
from helpers.office import TEMPLATES, libreoffice_text
from kansli.generation.render import render_docx
from kansli.models import Output
from kansli.outputs import KINDS, OutputKind
from kansli.validation import OutputRequest
from workers.jobs import render_output

pytestmark = pytest.mark.office  # LibreOffice opens or converts what these tests make


def _receipt_template(folder: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Mottagningskvitto: {{ municipality }} har lämnat in sin plan.")
    document.save(str(folder / "kvitto.docx"))


def _request(_session: Any, body: OutputRequest, user_id: int | None) -> Output:
    return Output(kind="kvitto", document_id=body.document_id, fields={"municipality": "Botkyrka kommun"},
                  created_by=user_id)


RECEIPT = OutputKind(
    "kvitto", "Mottagningskvitto", "kvitto.docx", lambda: {"municipality": ""}, _request,
    lambda output, template, _areas, _progress: [("kvitto.docx", render_docx(template, output.fields))],
    lambda output: (output.fields["municipality"], "Mottagningskvitto"),
)


def test_a_new_kind_flows_through_api_job_registry_templates_and_description(
        make_settings: Any, database_url: str, tokens: dict[str, str], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    from service import create_app

    folder = tmp_path / "mallar"
    shutil.copytree(TEMPLATES, folder)
    _receipt_template(folder)
    monkeypatch.setitem(KINDS, "kvitto", RECEIPT)
    settings = make_settings(database_url, KANSLI_TEMPLATES_DIR=str(folder))
    client = create_app(settings, {"TESTING": True}).test_client()

    def auth(role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens[role]}"}

    doc_id = extracted(client, auth, settings)
    response = client.post("/api/outputs", headers=auth("drafter"), json={"kind": "kvitto", "document_id": doc_id})
    assert response.status_code == 202
    render_output(response.json["id"])
    output = client.get(f"/api/outputs/{response.json['id']}", headers=auth("clerk")).json
    assert (output["status"], output["kind_text"]) == ("ready", "Mottagningskvitto")
    assert [f["format"] for f in output["files"]] == ["docx", "pdf", "png"]
    word = client.get(output["files"][0]["url"], headers=auth("clerk")).data
    assert "Mottagningskvitto: Botkyrka kommun har lämnat in sin plan." in libreoffice_text(word, tmp_path)

    registration = client.post("/api/registry", headers=auth("registrar"), json={"output_id": output["id"]}).json
    assert (registration["party"], registration["description"]) == ("Botkyrka kommun", "Mottagningskvitto")
    schemas = client.get("/api/openapi.json").json["components"]["schemas"]
    assert "kvitto" in schemas["Output"]["properties"]["kind"]["enum"]
    assert "kvitto.docx" in schemas["Template"]["properties"]["name"]["enum"]
    upload = client.post("/api/templates", headers=auth("admin"), data={
        "name": "kvitto.docx", "file": (io.BytesIO((folder / "kvitto.docx").read_bytes()), "kvitto.docx")})
    assert upload.status_code == 201  # its variables are known to the template check
