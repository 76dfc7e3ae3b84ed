"""Admins' template versions: checked on upload, sandboxed when rendered, recorded on every output."""
from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from helpers.office import AGREEMENT, libreoffice_text, variant
from kansli.generation import GenerationError
from kansli.generation.render import render_docx
from workers.jobs import extract_document, render_output

pytestmark = pytest.mark.office  # LibreOffice opens or converts what these tests make

Auth = Callable[[str], dict[str, str]]


def rendered_agreement(client: Any, auth: Auth) -> dict[str, Any]:
    """A plan uploaded, extracted and made into an agreement by the job functions; the output's JSON."""
    from helpers.pdfs import plan_pdf

    doc_id = client.post("/api/documents", headers=auth("clerk"),
                         data={"file": (io.BytesIO(plan_pdf()), "p.pdf")}).json["id"]
    extract_document(doc_id)
    output_id = client.post("/api/outputs", headers=auth("drafter"), json={
        "kind": "agreement", "document_id": doc_id, "agency": "Polismyndigheten"}).json["id"]
    render_output(output_id)
    return client.get(f"/api/outputs/{output_id}", headers=auth("clerk")).json


def upload(client: Any, headers: dict[str, str], data: bytes, name: str = "agreement.docx") -> Any:
    return client.post("/api/templates", headers=headers,
                       data={"name": name, "file": (io.BytesIO(data), "min-mall.docx")})


def test_a_new_version_is_used_and_recorded(client: Any, auth: Auth, tmp_path: Path) -> None:
    data = variant("Version B för {{ municipality }}.")
    response = upload(client, auth("admin"), data)
    assert response.status_code == 201
    assert response.json["sha256"] == hashlib.sha256(data).hexdigest()

    output = rendered_agreement(client, auth)
    assert output["templates"] == {"agreement.docx": hashlib.sha256(data).hexdigest()}
    word = client.get(output["files"][0]["url"], headers=auth("clerk")).data
    assert "Version B för Botkyrka kommun." in libreoffice_text(word, tmp_path)
    versions = client.get("/api/templates", headers=auth("clerk")).json["templates"]
    assert [(v["name"], v["filename"], v["uploaded_by"]) for v in versions] == [("agreement.docx", "min-mall.docx", "admin")]


def test_outputs_record_the_built_in_version_too(client: Any, auth: Auth) -> None:
    output = rendered_agreement(client, auth)
    assert output["templates"] == {"agreement.docx": hashlib.sha256(AGREEMENT.read_bytes()).hexdigest()}


def bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w:document/>")
        archive.writestr("padding.bin", b"\0" * (120 * 1024 * 1024))
    return out.getvalue()


@pytest.mark.parametrize(("data", "message"), [
    (lambda: variant("{% if municipality %}ingen slutsats"), "Jinja-fel på rad"),
    (lambda: variant("{{ salary }} och {{ bonus }}"), "variabler som fälten saknar: bonus, salary"),
    (lambda: b"%PDF-1.4 not a template", "inget Word-dokument"),
    (bomb, "orimligt mycket data"),
], ids=["syntax", "unknown-variables", "not-docx", "zip-bomb"])
def test_bad_templates_are_refused_with_the_reason(client: Any, auth: Auth, data: Callable[[], bytes],
                                                   message: str) -> None:
    response = upload(client, auth("admin"), data())
    assert response.status_code == 422 and message in response.json["error"]["message"]
    assert client.get("/api/templates", headers=auth("admin")).json["templates"] == []


def test_unknown_template_name_is_refused(client: Any, auth: Auth) -> None:
    response = upload(client, auth("admin"), variant(), name="../../etc/passwd")
    assert response.status_code == 422 and "Okänd mall" in response.json["error"]["message"]


@pytest.mark.parametrize("role", ["clerk", "drafter", "registrar"])
def test_only_admins_upload_templates(client: Any, auth: Auth, role: str) -> None:
    assert upload(client, auth(role), variant()).status_code == 403


def test_the_sandbox_stops_a_template_reaching_outside_its_data(tmp_path: Path) -> None:
    evil = tmp_path / "evil.docx"
    evil.write_bytes(variant("{{ agency.__class__.__mro__[1].__subclasses__() }}"))
    with pytest.raises(GenerationError, match="Mallen kunde inte fyllas i"):
        render_docx(evil, {"agency": "Polismyndigheten"})
