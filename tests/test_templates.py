"""Admins' template versions: checked on upload, sandboxed when rendered, recorded on every output."""
from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from helpers.office import AGREEMENT, libreoffice_text, variant, with_doctype, with_part
from kansli import templates
from kansli.generation import GenerationError
from kansli.generation.render import render_docx
from kansli.outputs import KINDS
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


LAUGHS = b"<!DOCTYPE lolz [<!ENTITY lol0 \"lol\">" + b"".join(
    b"<!ENTITY lol%d \"%s\">" % (i, b"&lol%d;" % (i - 1) * 10) for i in range(1, 10)) + b"]>"


@pytest.mark.parametrize(("data", "message"), [
    (lambda: variant("{% if municipality %}ingen slutsats"), "Jinja-fel på rad"),
    (lambda: variant("{{ salary }} och {{ bonus }}"), "variabler som fälten saknar: bonus, salary"),
    (lambda: b"%PDF-1.4 not a template", "inget Word-dokument"),
    (bomb, "orimligt mycket data"),
    (lambda: b"", "inget Word-dokument"),
    (lambda: with_part("word/document.xml", bytes(range(256)) * 64), "word/document.xml är ingen giltig XML"),
    (lambda: with_part("word/document.xml", b""), "word/document.xml är ingen giltig XML"),
    (lambda: with_part("[Content_Types].xml", b"<Types"), "[Content_Types].xml är ingen giltig XML"),
    (lambda: with_doctype(LAUGHS, b"&lol9;"), "word/document.xml"),
    (lambda: with_doctype(b'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', b"&xxe;"), "DTD"),
    (lambda: variant("{% include '/etc/passwd' %}"), "exempeldata"),
    (lambda: variant("{% for d in districts %}{% include 'x.xml' %}{% endfor %}"), "exempeldata"),
    (lambda: variant("{{ municipality|no_such_filter }}"), "No filter named 'no_such_filter'"),
    (lambda: variant("{% for i in range(10000000) %}x{% endfor %}"), "Range too big"),
    (lambda: variant("{{ 'x' * 3000000000 }}"), "för mycket minne"),
    (lambda: variant("{%p for i in range(3000) %}", "{{ 'x' * 8000 }}", "{%p endfor %}"), "större än 20 MB"),
], ids=["syntax", "unknown-variables", "not-docx", "zip-bomb", "empty-file", "binary-xml", "empty-xml",
        "broken-content-types", "billion-laughs", "xxe", "include", "include-in-loop", "undefined-filter", "huge-range",
        "huge-string", "huge-output"])
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


def test_a_template_that_renders_too_long_is_refused(client: Any, auth: Auth, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(templates, "RENDER_SECONDS", 1)
    endless = variant("{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}")
    response = upload(client, auth("admin"), endless)
    assert response.status_code == 422 and "mer än 1 sekunder" in response.json["error"]["message"]
    assert client.get("/api/templates", headers=auth("admin")).json["templates"] == []


def test_the_renderer_never_resolves_external_entities(tmp_path: Path) -> None:
    """Past the upload check (which refuses any DTD), docxtpl and lxml must still not read a file an entity names."""
    secret = tmp_path / "secret.txt"
    secret.write_text("HEMLIGT-4711")
    doctype = b'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "' + secret.as_uri().encode() + b'">]>'
    rendered = render_docx(io.BytesIO(with_doctype(doctype, b"A&xxe;B {{ municipality }}")),
                           KINDS["agreement"].sample_context())
    body = zipfile.ZipFile(io.BytesIO(rendered)).read("word/document.xml").decode()
    assert "HEMLIGT" not in body and "AB Botkyrka kommun" in body
