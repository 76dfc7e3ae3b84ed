"""Word → PDF/A-2b through headless LibreOffice, and PNG previews of an output's pages through pdftoppm.

LibreOffice instances sharing a user profile block each other, so each caller passes its own profile
folder. A conversion runs in its own process group and is killed whole when it overruns, because a
hung soffice otherwise keeps its children (and the profile lock) alive.
"""
from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import tempfile
import xmlrpc.client
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium

from kansli.lifeline import die_with_parent

#: PDF/A-2 ("SelectPdfVersion" 2): the archival format of RA-FS 2009:2, and a normal PDF to read.
log = logging.getLogger(__name__)
PDFA_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'


class ConversionError(RuntimeError):
    """LibreOffice or pdftoppm did not produce the file; the message is for the drafter."""


class ConversionTimeout(ConversionError):
    """The tool overran its time and was killed."""


def run_killable(argv: list[str], timeout: float, env: dict[str, str] | None = None) -> None:
    # a group of its own, to kill it whole on time-out; and dying with its caller (a budgeted child killed)
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
                            preexec_fn=die_with_parent, env=None if env is None else {**os.environ, **env})
    try:
        proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise ConversionTimeout(f"{Path(argv[0]).name} svarade inte inom {timeout:.0f} s.") from None


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if not path:
        raise ConversionError("LibreOffice saknas på servern; installera paketet libreoffice-writer-nogui.")
    return path


def warm_pdf(documents: dict[str, bytes], port: int) -> dict[str, bytes]:
    """Convert through a resident LibreOffice (unoserver on ``port``); ConversionError if it is not there."""
    from unoserver.client import UnoClient

    class Client(UnoClient):
        def _connect(self, proxy: Any, retries: int = 1, sleep: int = 0) -> Any:
            # Once, at once: unoserver's client would try five times ten seconds apart, but a resident
            # LibreOffice that does not answer now is being replaced, and a cold start is quicker.
            return super()._connect(proxy, retries=1, sleep=0)

    client = Client(server="127.0.0.1", port=str(port))
    result = {}
    for name, data in documents.items():
        try:
            pdf = client.convert(indata=data, convert_to="pdf", filtername="writer_pdf_Export",
                                 filter_options=["SelectPdfVersion=2"])
        except (OSError, xmlrpc.client.Error, RuntimeError) as exc:
            raise ConversionError(f"Den varma LibreOffice-tjänsten svarade inte ({type(exc).__name__}).") from exc
        if not pdf or not pdf.startswith(b"%PDF"):
            raise ConversionError(f"LibreOffice kunde inte göra PDF av {name}.")
        result[name] = pdf
    return result


def to_pdf(documents: dict[str, bytes], profile: Path, timeout: float = 180, port: int | None = None) -> dict[str, bytes]:
    """Convert every .docx in ``documents`` (name → bytes); returns name → PDF/A-2b.

    Through the worker's resident LibreOffice where ``port`` names one, else (or if it fails) in one
    cold LibreOffice start for all of them. Nothing to convert starts nothing: LibreOffice given no file
    waits for one until it is killed.
    """
    if not documents:
        return {}
    if port:
        try:
            return warm_pdf(documents, port)
        except ConversionError as exc:
            log.warning("warm conversion failed, converting cold: %s", exc)
    with tempfile.TemporaryDirectory(prefix="kansli-convert-") as tmp:
        folder = Path(tmp)
        sources = []
        for number, data in enumerate(documents.values()):
            source = folder / f"{number}.docx"  # our names, never the user's
            source.write_bytes(data)
            sources.append(source)
        profile.mkdir(parents=True, exist_ok=True)
        run_killable([soffice(), f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless", "--norestore",
              "--convert-to", PDFA_FILTER, "--outdir", str(folder), *map(str, sources)], timeout)
        result = {}
        for name, source in zip(documents, sources, strict=True):
            pdf = source.with_suffix(".pdf")
            if not pdf.exists():  # LibreOffice can exit 0 without writing anything
                raise ConversionError(f"LibreOffice kunde inte göra PDF av {name}.")
            result[name] = pdf.read_bytes()
        return result


def transform(tool: str, package: str, data: bytes, args: Callable[[str, str], list[str]], output: str,
              timeout: float, failure: str, env: dict[str, str] | None = None) -> bytes:
    """Run a command-line tool from one temporary file to another (``env``: variables added to its
    environment); ConversionError when it makes nothing."""
    path = shutil.which(tool)
    if not path:
        raise ConversionError(f"{tool} saknas på servern; installera paketet {package}.")
    with tempfile.TemporaryDirectory(prefix=f"kansli-{tool}-") as tmp:
        source, target = Path(tmp) / "in.pdf", Path(tmp) / output
        source.write_bytes(data)
        run_killable([path, *args(str(source), str(target))], timeout, env)
        if not target.exists() or not target.stat().st_size:
            raise ConversionError(failure)
        return target.read_bytes()


def preview_png(pdf: bytes, timeout: float = 60, dpi: int = 50) -> bytes:
    """An output's first page as a PNG, for its list; the PDF is our own, from LibreOffice."""
    return transform("pdftoppm", "poppler-utils", pdf,
                     lambda source, target: ["-png", "-f", "1", "-l", "1", "-r", str(dpi), "-singlefile",
                                             source, target.removesuffix(".png")],
                     "page.png", timeout, "Förhandsbilden kunde inte skapas.")


def page_pngs(pdf: bytes, dpi: int = 100, limit: int = 50, timeout: float = 120) -> list[bytes]:
    """Each of the first ``limit`` pages as a PNG, in page order: the large previews of a draft's page.

    The PDF is our own, from LibreOffice. ``limit`` bounds the work and the storage a long draft costs.
    """
    path = shutil.which("pdftoppm")
    if not path:
        raise ConversionError("pdftoppm saknas på servern; installera paketet poppler-utils.")
    with tempfile.TemporaryDirectory(prefix="kansli-pdftoppm-") as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(pdf)
        run_killable([path, "-png", "-r", str(dpi), "-f", "1", "-l", str(limit), str(source), str(Path(tmp) / "sida")],
                     timeout)
        # pdftoppm pads the page number to the width of the document's last one: sort by the number itself
        pages = sorted(Path(tmp).glob("sida-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        if not pages:
            raise ConversionError("Förhandsbilderna kunde inte skapas.")
        return [page.read_bytes() for page in pages]


def page_count(pdf: bytes) -> int:
    """How many pages a PDF of our own has: the previews say so when they stop short of it."""
    document = pdfium.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


def pdf_to_pdfa(pdf: bytes, timeout: float = 180) -> bytes:
    """An uploaded PDF re-written as PDF/A-2b by Ghostscript, for the archive package beside the original."""
    return transform("gs", "ghostscript", pdf,
                     lambda source, target: ["-dPDFA=2", "-dBATCH", "-dNOPAUSE", "-dSAFER", "-dQUIET",
                                             "-dPDFACompatibilityPolicy=1", "-sColorConversionStrategy=RGB",
                                             "-sDEVICE=pdfwrite", f"-sOutputFile={target}", source],
                     "out.pdf", timeout, "Ghostscript kunde inte göra en PDF/A av filen.")
