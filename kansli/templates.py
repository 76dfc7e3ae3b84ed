"""Word templates: the built-in ones in ``templates/docx``, and versions admins upload.

An upload is checked before it is kept — a real .docx, no zip bomb, XML without a DTD (so no entity
can be expanded or fetched), Jinja that parses, no variable the template's fields do not provide —
and then test-rendered with example fields, in Jinja's sandbox, in a child process with a CPU, memory
and output budget: a template that cannot render (an include, an unknown filter, an endless loop)
is refused at the door instead of failing every later draft. Every version is kept; the newest of a
name is used, and each output records the SHA-256 of the version that made it.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import resource
import signal
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from kansli.generation import GenerationError
from kansli.generation.render import render_docx
from kansli.models import Template
from kansli.outputs import KINDS, template_variables
from kansli.storage import Store

MAX_BYTES = 10 * 1024 * 1024
MAX_UNPACKED = 100 * 1024 * 1024
MAX_ENTRIES = 2000
MAX_RATIO = 200  # deflate rarely beats 1:20 on Word XML; 1:200 is a bomb
#: The test render's budget: CPU seconds, memory, and the unpacked size of what it produces.
RENDER_SECONDS = 5
RENDER_MEMORY = 1024 * 1024 * 1024
MAX_RENDERED = 20 * 1024 * 1024
#: The child's exit status when it refuses the template (its message on stdout).
_REFUSED = 3


class TemplateRejected(ValueError):
    """An uploaded template that cannot be used; the message says what to fix."""


def _xml_parts(archive: zipfile.ZipFile) -> None:
    """Every XML part must parse without a DTD: Word never writes one, and entities are how XML
    bombs (billion laughs) and XXE work, whatever the libraries reading the file later default to."""
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False)
    for entry in archive.namelist():
        if not entry.endswith((".xml", ".rels")):
            continue
        try:
            tree = etree.fromstring(archive.read(entry), parser).getroottree()
        except etree.XMLSyntaxError:
            raise TemplateRejected(f"Mallen är skadad: {entry} är ingen giltig XML; spara om den i Word.") from None
        if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
            raise TemplateRejected(f"Mallen innehåller en DTD (<!DOCTYPE>) i {entry}, vilket Word-filer aldrig gör; "
                                   "den tas inte emot.")


def check(name: str, data: bytes) -> None:
    variables = template_variables()
    if name not in variables:
        raise TemplateRejected(f"Okänd mall {name!r}; välj en av {', '.join(variables)}.")
    if len(data) > MAX_BYTES:
        raise TemplateRejected(f"Mallen är större än {MAX_BYTES // (1024 * 1024)} MB.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except zipfile.BadZipFile:
        raise TemplateRejected("Filen är inget Word-dokument (.docx); spara mallen i Word-format.") from None
    unpacked = sum(e.file_size for e in entries)
    if len(entries) > MAX_ENTRIES or unpacked > MAX_UNPACKED or any(
        e.compress_size and e.file_size / e.compress_size > MAX_RATIO and e.file_size > 1024 * 1024 for e in entries
    ):
        raise TemplateRejected("Filen packas upp till orimligt mycket data och tas inte emot.")
    if "word/document.xml" not in archive.namelist():
        raise TemplateRejected("Filen är inget Word-dokument (.docx); word/document.xml saknas.")
    try:
        _xml_parts(archive)
    except (zipfile.BadZipFile, EOFError, OSError, RuntimeError):  # a damaged or encrypted member
        raise TemplateRejected("Filen är inget läsbart Word-dokument (.docx); spara om mallen i Word.") from None
    test_render(name, data)


def test_render(name: str, data: bytes) -> None:
    """Fill the template with example fields in a child process, which the budget stops; TemplateRejected if
    anything goes wrong, so that an upload never becomes a version every later draft fails on.

    The child is told the variables and example contexts (the output kinds rendered with ``name``), so it
    needs no registry of its own: it only parses and renders.
    """
    seconds = RENDER_SECONDS
    trial = {"allowed": sorted(template_variables()[name]),
             "contexts": [kind.sample_context() for kind in KINDS.values() if kind.template == name]}
    package_root = str(Path(__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))}
    too_slow = TemplateRejected(f"Mallen tar mer än {seconds} sekunder att fylla i med exempeldata; "
                                "kontrollera loopar och range() i mallen.")
    try:
        child = subprocess.run([sys.executable, "-m", "kansli.templates", str(seconds)],
                               input=json.dumps(trial).encode() + b"\n" + data,
                               capture_output=True, timeout=seconds * 3 + 10, env=env, check=False)
    except subprocess.TimeoutExpired:
        raise too_slow from None
    if child.returncode == 0:
        return
    if child.returncode == _REFUSED:
        raise TemplateRejected(child.stdout.decode("utf-8", "replace").strip())
    if child.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        raise too_slow
    raise TemplateRejected("Mallen gick inte att fylla i med exempeldata (provkörningen avbröts); "
                           "kontrollera mallens Jinja-kod.")


def _refusal(allowed: set[str], contexts: list[dict[str, Any]], data: bytes) -> str | None:
    """In the child: why the template cannot be used, or None. Its own process, so any failure is the
    template's and is answered, never raised."""
    try:
        used = DocxTemplate(io.BytesIO(data)).get_undeclared_template_variables(jinja_env=SandboxedEnvironment())
    except TemplateSyntaxError as exc:
        reason = (exc.message or "").rstrip(".")
        return f"Mallen har ett Jinja-fel på rad {exc.lineno} i dokumentets XML: {reason}."
    if unknown := sorted(used - allowed):
        return (f"Mallen använder variabler som fälten saknar: {', '.join(unknown)}. "
                f"Tillgängliga: {', '.join(sorted(allowed))}.")
    for context in contexts:
        try:
            rendered = render_docx(io.BytesIO(data), context)
        except GenerationError as exc:
            return f"Provifyllningen med exempeldata misslyckades: {exc}"
        except MemoryError:
            return "Mallen kräver för mycket minne när den fylls i med exempeldata; kontrollera loopar i mallen."
        except Exception as exc:  # anything the template makes the renderer do wrong is the template's
            return f"Mallen gick inte att fylla i med exempeldata ({type(exc).__name__}: {exc}); rätta mallen."
        if sum(e.file_size for e in zipfile.ZipFile(io.BytesIO(rendered)).infolist()) > MAX_RENDERED:
            return (f"Mallen blir större än {MAX_RENDERED // (1024 * 1024)} MB när den fylls i med exempeldata; "
                    "kontrollera loopar i mallen.")
    return None


#: What each template variable holds, in Swedish, for the admin who edits a template in Word
#: (``tests/test_templates.py`` checks that every variable of every template has one).
DESCRIPTIONS: dict[str, str] = {
    # agreement.docx: a cooperation agreement from a district plan
    "agency": "Myndigheten som är part i överenskommelsen, t.ex. Arbetsförmedlingen.",
    "municipality": "Kommunen, som i planen (t.ex. Botkyrka kommun).",
    "districts": "Stadsdelarna som en lista; skriv ut dem med en loop.",
    "districts_text": "Stadsdelarna som löpande text: ”Alby, Fittja och Hallunda”.",
    "period_text": "Planperioden: ”2008–2010”.",
    "reference": "Diarienumret: planens, rapportens eller beslutets.",
    "adopted": "Dagen då planen antogs (ÅÅÅÅ-MM-DD).",
    "goal_areas": "Områdena som myndigheten berörs av, vart och ett med rubrik (heading) och mål (goals).",
    "indicators": "Indikatorerna: namn (name), enhet (unit), område (area), utgångsläge (baseline) och mål (target).",
    "contact_text": "Kommunens kontaktperson på en rad: namn, titel, e-post och telefon.",
    "changes": "Vid en revidering: vad som ändrats i stadsdelsplanen sedan föregående överenskommelse, en mening "
               "per ändring (tom lista annars).",
    "changes_since": "Vid en revidering: den föregående överenskommelsen (diarienummer eller datum).",
    # decision.docx: the Government's decision letter
    "department": "Departementet som fattat beslutet.",
    "item": "Punktnumret i regeringsprotokollet, om det finns.",
    "date": "Beslutets datum (ÅÅÅÅ-MM-DD).",
    "recipient": "Mottagaren av just det här brevet (ett brev per mottagare).",
    "address_lines": "Mottagarens adress, en rad per post.",
    "title": "Beslutets rubrik.",
    "decision": "Regeringens beslut, ett stycke per post.",
    "background": "Bakgrunden till beslutet, ett stycke per post.",
    "signatories": "De som undertecknar, en per post.",
    "identical_to": "Övriga mottagare av likalydande brev.",
    "copies_to": "Mottagare av kopia.",
    # report.docx: a consolidated report from agency reports
    "years_text": "Redovisningsåren som text: ”2009” eller ”2009–2010”.",
    "reports": "De sammanställda rapporterna: myndighet (agency), år (year), diarienummer (reference), datum (date).",
    "by_municipality": "Per kommun vem som redovisat: kommun (municipality), myndighet, diarienummer och datum.",
    "proposals": "Varje förslag en gång: texten (text) och vilka rapporter som för fram det (sources).",
    # followup_report.docx: the avstämning of every municipality's indicators
    "date_text": "Dagen då rapporten skapades (ÅÅÅÅ-MM-DD).",
    "indicator_count": "Antalet indikatorer i hela avstämningen.",
    "overview": "Översikten per kommun och område: kommun (municipality), område (area_label) och antal i fas, "
                "efter och utan uppgift.",
    "municipalities": "Ett avsnitt per kommun: kommun (municipality), plan (plan), stadsdelar (districts), "
                      "rapporterade år (reports) och serierna (series) med namn, enhet, utgångsvärde, rapporterade "
                      "värden, målvärde, bedömning (standing) och diagram (chart).",
}


def described_variables(name: str) -> list[tuple[str, str]]:
    """The variables template ``name`` may use, each with what it holds, in alphabetical order."""
    return [(v, DESCRIPTIONS.get(v, "")) for v in sorted(template_variables().get(name, ()))]


def versions(session: Session, name: str | None = None) -> list[Template]:
    """Every uploaded version (of ``name``), newest first: the first of a name is the one in use."""
    query = select(Template).order_by(Template.id.desc())
    return list(session.scalars(query.where(Template.name == name) if name else query))


def number(session: Session, version: Template) -> int:
    """A version's number among those of its template, counted from 1 for the first upload."""
    return _position(versions(session, version.name), version)


def _position(history: list[Template], version: Template) -> int:
    """``version``'s number among ``history``, its template's versions."""
    return sum(1 for v in history if v.id <= version.id)


@dataclass(frozen=True)
class MadeWith:
    """The template version that made a draft's files; ``version`` None: the built-in template."""

    name: str
    sha256: str
    version: Template | None = None
    number: int | None = None


def made_with(session: Session, used: dict[str, Any], at: datetime,
              history: dict[str, list[Template]] | None = None) -> list[MadeWith]:
    """Which version of each template a draft was rendered with, from the SHA-256 it recorded (``used``) and
    when it was rendered (``at``). A reverted version has the bytes of an older one: of the versions with
    those bytes, the one that was newest at ``at`` is the one that made it. No version with those bytes:
    the built-in template (uploads are never deleted).

    ``history``: each template's versions as far as already read, filled in here: a list of drafts asks
    for each template's once, not once a draft."""
    history = {} if history is None else history
    result = []
    for name, sha256 in used.items():
        if name not in history:
            history[name] = versions(session, name)
        same = [v for v in history[name] if v.sha256 == sha256]  # newest first
        version = next((v for v in same if _aware(v.created_at) <= _aware(at)), same[0] if same else None)
        result.append(MadeWith(name, sha256, version, _position(history[name], version) if version else None))
    return result


def _aware(moment: datetime) -> datetime:
    """SQLite gives timestamps back without their zone; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def revert(session: Session, store: Store, version: Template, user_id: int | None) -> Template:
    """Make an earlier version current again: a new version with its bytes, so the history only grows
    and every output still names the bytes it was made from. The old bytes were checked when they
    came, but are checked again, since the variables may have changed since."""
    return add(session, store, version.name, store.get(version.sha256), version.filename, user_id)


def add(session: Session, store: Store, name: str, data: bytes, filename: str, user_id: int | None) -> Template:
    check(name, data)
    template = Template(name=name, sha256=store.put(data), size=len(data), filename=filename[:255],
                        uploaded_by=user_id)
    session.add(template)
    session.flush()
    return template


def current(session: Session, store: Store, templates_dir: Path, name: str) -> tuple[Path, str]:
    """The file to render ``name`` with, and its SHA-256: the newest upload, else the built-in one."""
    newest = session.scalar(select(Template).where(Template.name == name).order_by(Template.id.desc()).limit(1))
    if newest:
        return store.path(newest.sha256), newest.sha256
    path = templates_dir / name
    return path, hashlib.sha256(path.read_bytes()).hexdigest()


if __name__ == "__main__":  # the test render's child: python -m kansli.templates SECONDS < trial JSON, newline, .docx
    _seconds = int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_CPU, (_seconds, _seconds + 1))
    resource.setrlimit(resource.RLIMIT_AS, (RENDER_MEMORY, RENDER_MEMORY))
    _header, _, _data = sys.stdin.buffer.read().partition(b"\n")
    _trial = json.loads(_header)
    _message = _refusal(set(_trial["allowed"]), _trial["contexts"], _data)
    if _message:
        sys.stdout.buffer.write(_message.encode())
        sys.exit(_REFUSED)
