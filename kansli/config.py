"""Settings, read once from the environment.

Each setting is declared once, below: its default, the environment variable that changes it, how that
is read, and why the default is what it is. The web process, the workers and the CLI all call
:func:`load`, so they agree; README's table lists the same variables (a test keeps it so).
"""
from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from kansli.areas import AREAS

REPO_ROOT = Path(__file__).resolve().parent.parent


def _int(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ValueError("ett heltal") from None


def _float(raw: str) -> float:
    try:
        return float(raw)
    except ValueError:
        raise ValueError("ett tal") from None


def _megabytes(raw: str) -> int:
    return _int(raw) * 1024 * 1024


def _bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "ja"):
        return True
    if value in ("0", "false", "no", "nej"):
        return False
    raise ValueError("true eller false")


def _text(raw: str) -> str | None:
    return raw.strip() or None


def _retention(raw: str) -> dict[str, int | None]:
    """The schedule over :data:`RETENTION`: a key names a document or output kind ("output:report"), or a kind
    alone ("report"), which sets it for uploads and drafts alike."""
    try:
        mapping = json.loads(raw)
    except json.JSONDecodeError:
        raise ValueError('JSON, t.ex. {"document:report": 10, "decision": null}') from None
    if not isinstance(mapping, dict) or not all(
        v is None or (isinstance(v, int) and not isinstance(v, bool) and v >= 0) for v in mapping.values()
    ):
        raise ValueError("ett antal år (eller null för att bevaras) för varje typ")
    schedule = dict(RETENTION)
    for name, years in sorted(mapping.items(), key=lambda item: ":" in item[0]):  # a kind alone, then the exact
        keys = [name] if name in RETENTION else [key for key in RETENTION if key.split(":")[1] == name]
        if not keys:
            raise ValueError(f"okänd typ {name!r}; kända typer är {', '.join(RETENTION)}")
        schedule.update(dict.fromkeys(keys, years))
    return schedule


def _agency_areas(raw: str) -> dict[str, tuple[str, ...]]:
    """``{"Polismyndigheten": ["trygghet", "utbildning"]}`` — which goals each agency's agreement cites."""
    try:
        mapping = json.loads(raw)
    except json.JSONDecodeError:
        raise ValueError('JSON, t.ex. {"Polismyndigheten": ["trygghet"]}') from None
    if not isinstance(mapping, dict) or not all(
        isinstance(v, list) and all(a in AREAS for a in v) for v in mapping.values()
    ):
        raise ValueError(f"en lista av {', '.join(AREAS)} för varje myndighet")
    return {agency: tuple(v) for agency, v in mapping.items()}


def env(name: str, parse: Callable[[str], Any] = str, internal: bool = False) -> dict[str, Any]:
    """Field metadata: the variable that sets this field, how its text is read, and whether only Kansli
    itself sets it (for the processes it starts) rather than an operator."""
    return {"env": name, "parse": parse, "internal": internal}


#: A starting point for a retention schedule (gallringsbeslut), years by what was registered: an upload of a
#: document kind ("document:report", an agency's report) or a draft of an output kind ("output:report", the
#: consolidated report); the agency's own decision goes in ``KANSLI_RETENTION``. Decisions are kept for good.
#: Every kind has its entry (a kind left out would be kept for good without anyone deciding so).
RETENTION: dict[str, int | None] = {
    "document:district_plan": 10, "document:report": 10, "document:decision": None, "document:follow_up": 10,
    "document:unknown": 2,
    "output:agreement": 10, "output:batch": 10, "output:decision": None, "output:report": 10,
    "output:followup_report": 10,
}


@dataclass(frozen=True)
class Settings:
    #: Database file, stored files, embedded Redis, secret key.
    data_dir: Path = field(default=Path("instance"), metadata=env("KANSLI_DATA_DIR", Path))
    #: Empty means SQLite in the data folder.
    database_url: str = field(default="", metadata=env("DATABASE_URL"))
    #: None means "start an embedded Redis in data_dir" (only ``kansli serve`` does that).
    redis_url: str | None = field(default=None, metadata=env("REDIS_URL", _text))
    host: str = field(default="127.0.0.1", metadata=env("HOST"))
    port: int = field(default=5000, metadata=env("PORT", _int))
    #: Worker processes ``kansli serve`` keeps running for ordinary work: extraction and drafts.
    workers: int = field(default=2, metadata=env("KANSLI_WORKERS", _int))
    #: Worker processes for the heavy queue (long or suspicious documents), beside the ordinary ones; an
    #: idle one helps with ordinary extraction, an ordinary one never takes heavy work.
    heavy_workers: int = field(default=1, metadata=env("KANSLI_HEAVY_WORKERS", _int))
    #: Longer documents go to the heavy queue: at about 50 pages a second, 100 pages hold a worker 2 s.
    heavy_pages: int = field(default=100, metadata=env("KANSLI_HEAVY_PAGES", _int))
    #: Memory one document's reading may take beyond the program itself; a PDF that unpacks to more is
    #: refused (``too_large``). A gigabyte is far beyond any real plan, and well within one host.
    extract_memory: int = field(default=1024 * 1024 * 1024, metadata=env("KANSLI_EXTRACT_MEMORY_MB", _megabytes))
    #: CPU seconds one document's reading may take on the heavy queue (and in ``kansli extract``); more is
    #: refused (``too_large``). 2,000 pages of plain text take under a minute.
    extract_cpu_seconds: int = field(default=300, metadata=env("KANSLI_EXTRACT_CPU_SECONDS", _int))
    #: CPU seconds an ordinary worker gives one document before it hands it to the heavy queue, so that
    #: an upload waits at most this long behind a document nobody could tell was heavy.
    heavy_after_seconds: int = field(default=30, metadata=env("KANSLI_HEAVY_AFTER_SECONDS", _int))
    #: Scans with more pages are refused (``too_many_pages``) rather than recognised: OCR takes seconds a page.
    max_ocr_pages: int = field(default=50, metadata=env("KANSLI_MAX_OCR_PAGES", _int))
    #: Uploads above this are refused with 413; plans are rarely above a few MB.
    max_upload_bytes: int = field(default=50 * 1024 * 1024, metadata=env("KANSLI_MAX_UPLOAD_MB", _megabytes))
    #: Longer documents are refused: a 2,000-page "plan" is a mistake, and it would hold a worker.
    max_pages: int = field(default=2000, metadata=env("KANSLI_MAX_PAGES", _int))
    #: RQ's job timeout; the job is hard-killed 60 s after it.
    job_timeout: int = field(default=600, metadata=env("KANSLI_JOB_TIMEOUT", _int))
    #: Attempts before a job that keeps crashing is marked failed.
    max_attempts: int = field(default=3, metadata=env("KANSLI_MAX_ATTEMPTS", _int))
    #: A running job renews its lease every third of this; a lease that runs out means its worker died.
    lease_seconds: float = field(default=30.0, metadata=env("KANSLI_LEASE_SECONDS", _float))
    #: How often ``kansli serve`` looks for work whose worker died or whose Redis entry was lost.
    recovery_interval: float = field(default=10.0, metadata=env("KANSLI_RECOVERY_INTERVAL", _float))
    #: A worker process exits after this many jobs and is restarted, which bounds its memory.
    worker_max_jobs: int = field(default=50, metadata=env("KANSLI_WORKER_MAX_JOBS", _int))
    #: The built-in Word templates; admins upload newer versions on the Mallar page.
    templates_dir: Path = field(default=REPO_ROOT / "templates" / "docx", metadata=env("KANSLI_TEMPLATES_DIR", Path))
    #: The unoserver each worker runs as its resident LibreOffice (built by ``make`` under Debian's python3).
    unoserver: Path = field(default=REPO_ROOT / ".venv-office" / "bin" / "unoserver",
                            metadata=env("KANSLI_UNOSERVER", Path))
    #: A resident LibreOffice using more memory than this (MB, with its soffice) is replaced by a fresh one.
    office_max_mb: int = field(default=600, metadata=env("KANSLI_OFFICE_MAX_MB", _int))
    #: The XML-RPC port of this worker's resident LibreOffice (set by ``kansli serve``); None: convert cold.
    unoserver_port: int | None = field(default=None,
                                       metadata=env("KANSLI_UNOSERVER_PORT", lambda r: _int(r) or None, internal=True))
    #: Seconds between scheduled fixity checks of the archive (0: none).
    fixity_interval: int = field(default=24 * 3600, metadata=env("KANSLI_FIXITY_INTERVAL", _int))
    #: Years each kind is kept after registration before it may be disposed of; None: kept for good.
    retention: dict[str, int | None] = field(default_factory=lambda: dict(RETENTION),
                                             metadata=env("KANSLI_RETENTION", _retention))
    #: Registration numbers read "PREFIX YEAR/NNNNN".
    dnr_prefix: str = field(default="KAN", metadata=env("KANSLI_DNR_PREFIX", str.strip))
    #: The organisation named as submitter in archive packages, and its organisationsnummer if any.
    organisation: str = field(default="Kansli", metadata=env("KANSLI_ORGANISATION", str.strip))
    organisation_id: str | None = field(default=None, metadata=env("KANSLI_ORGANISATION_ID", _text))
    #: Agency → the plan's areas its agreement cites; None means the built-in mapping.
    agency_areas: dict[str, tuple[str, ...]] | None = field(default=None,
                                                            metadata=env("KANSLI_AGENCY_AREAS", _agency_areas))
    #: A login session unused this long ends: a browser left open in a shared office does not stay signed in.
    session_idle_minutes: int = field(default=30, metadata=env("KANSLI_SESSION_IDLE_MINUTES", _int))
    #: A login session ends this long after sign-in however busy it is: a working day, then sign in again.
    session_max_hours: int = field(default=10, metadata=env("KANSLI_SESSION_MAX_HOURS", _int))
    #: A temporary password (an admin's reset, a new user's first one) stops working this long after it was
    #: set: one that lies unused in a mailbox or on a note does not open the account for good. Three days
    #: cover a weekend between the admin handing it over and the user's first login.
    temporary_password_hours: int = field(default=72, metadata=env("KANSLI_TEMPORARY_PASSWORD_HOURS", _int))
    #: Served by one TLS-terminating proxy: cookies only over HTTPS, and the client's address and scheme read
    #: from the proxy's X-Forwarded-For and X-Forwarded-Proto (without a proxy, anyone could send those).
    behind_tls: bool = field(default=False, metadata=env("KANSLI_BEHIND_TLS", _bool))

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    def secret_key(self) -> str:
        """A per-installation key kept in the data folder, so sessions survive restarts."""
        path = self.data_dir / "secret_key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(secrets.token_hex(32))
            tmp.chmod(0o600)
            try:
                os.link(tmp, path)  # first writer wins; never replace an existing key
            except FileExistsError:
                pass
            tmp.unlink()
        return path.read_text().strip()


def variables() -> list[str]:
    """The environment variables an operator may set (README's table lists each)."""
    return [f.metadata["env"] for f in fields(Settings) if not f.metadata["internal"]]


def load(**overrides: Any) -> Settings:
    """Settings from the environment, with explicit overrides (tests, CLI options) on top.

    A variable that is set but empty counts as unset; one that cannot be read stops the program with
    a message that names it.
    """
    values: dict[str, Any] = {}
    for f in fields(Settings):
        raw = os.environ.get(f.metadata.get("env", ""), "")
        if raw.strip():
            try:
                values[f.name] = f.metadata["parse"](raw)
            except ValueError as exc:
                raise SystemExit(f"{f.metadata['env']} kunde inte läsas ({raw!r}): ange {exc}.") from None
    settings = replace(Settings(), **{**values, **overrides})
    data_dir = settings.data_dir.resolve()
    return replace(settings, data_dir=data_dir,
                   database_url=settings.database_url or f"sqlite:///{data_dir / 'kansli.db'}")
