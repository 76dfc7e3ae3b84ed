"""Settings, read once from the environment.

Every setting has one default here, with the reason beside it, so that the web process, the workers
and the CLI agree on them (the contract's variables are in ``shared/contracts/api.md``).
"""
from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from kansli.areas import AREAS

REPO_ROOT = Path(__file__).resolve().parent.parent


def _number(name: str, default: int | float, cast: type) -> int | float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return cast(raw)
    except ValueError:
        kind = "ett heltal" if cast is int else "ett tal"
        raise SystemExit(f"{name} måste vara {kind}, inte {raw!r}.") from None


def _int(name: str, default: int) -> int:
    return int(_number(name, default, int))


def _float(name: str, default: float) -> float:
    return float(_number(name, default, float))


#: A starting point for a retention schedule (gallringsbeslut); the agency's own decision goes in
#: ``KANSLI_RETENTION``. Decisions are kept for good.
RETENTION: dict[str, int | None] = {"district_plan": 10, "report": 10, "decision": None, "unknown": 2,
                                    "agreement": 10, "batch": 10}


def _retention(raw: str) -> dict[str, int | None]:
    try:
        mapping = json.loads(raw)
    except json.JSONDecodeError:
        raise SystemExit("KANSLI_RETENTION måste vara JSON, t.ex. {\"report\": 10, \"decision\": null}.") from None
    if not isinstance(mapping, dict) or not all(v is None or (isinstance(v, int) and v >= 0) for v in mapping.values()):
        raise SystemExit("KANSLI_RETENTION: varje typ ska ha ett antal år (eller null för att bevaras).")
    return {**RETENTION, **mapping}


def _agency_areas(raw: str) -> dict[str, tuple[str, ...]]:
    """``{"Polismyndigheten": ["trygghet", "utbildning"]}`` — which goals each agency's agreement cites."""
    try:
        mapping = json.loads(raw)
    except json.JSONDecodeError:
        raise SystemExit("KANSLI_AGENCY_AREAS måste vara JSON, t.ex. {\"Polismyndigheten\": [\"trygghet\"]}.") from None
    if not isinstance(mapping, dict) or not all(
        isinstance(v, list) and all(a in AREAS for a in v) for v in mapping.values()
    ):
        raise SystemExit(f"KANSLI_AGENCY_AREAS: varje myndighet ska ha en lista av {', '.join(AREAS)}.")
    return {agency: tuple(v) for agency, v in mapping.items()}


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    #: None means "start an embedded Redis in data_dir" (only ``kansli serve`` does that).
    redis_url: str | None
    host: str = "127.0.0.1"
    port: int = 5000
    #: Worker processes ``kansli serve`` keeps running.
    workers: int = 2
    #: Uploads above this are refused with 413; plans are rarely above a few MB.
    max_upload_bytes: int = 50 * 1024 * 1024
    #: Longer documents are refused: a 2,000-page "plan" is a mistake, and it would hold a worker.
    max_pages: int = 2000
    #: RQ's job timeout; the job is hard-killed 60 s after it.
    job_timeout: int = 600
    #: Attempts before a job that keeps crashing is marked failed.
    max_attempts: int = 3
    #: A running job renews its lease every third of this; a lease that runs out means its worker died.
    lease_seconds: float = 30.0
    #: How often ``kansli serve`` looks for work whose worker died or whose Redis entry was lost.
    recovery_interval: float = 10.0
    #: A worker process exits after this many jobs and is restarted, which bounds its memory.
    worker_max_jobs: int = 50
    templates_dir: Path = field(default_factory=lambda: REPO_ROOT / "templates" / "docx")
    #: The XML-RPC port of this worker's resident LibreOffice (set by ``kansli serve``); None: convert cold.
    unoserver_port: int | None = None
    #: Seconds between scheduled fixity checks of the archive (0: none).
    fixity_interval: int = 24 * 3600
    #: Years each kind is kept after registration before it may be disposed of; None: kept for good.
    retention: dict[str, int | None] = field(default_factory=lambda: dict(RETENTION))
    #: Registration numbers read "PREFIX YEAR/NNNNN".
    dnr_prefix: str = "KAN"
    #: The organisation named as submitter in archive packages, and its organisationsnummer if any.
    organisation: str = "Kansli"
    organisation_id: str | None = None
    #: Agency → the plan's areas its agreement cites; None means the built-in mapping.
    agency_areas: dict[str, tuple[str, ...]] | None = None

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


def load(**overrides: object) -> Settings:
    """Settings from the environment, with explicit overrides (tests, CLI options) on top."""
    data_dir = Path(os.environ.get("KANSLI_DATA_DIR") or "instance").resolve()
    values: dict[str, object] = dict(
        data_dir=data_dir,
        database_url=os.environ.get("DATABASE_URL") or f"sqlite:///{data_dir / 'kansli.db'}",
        redis_url=os.environ.get("REDIS_URL") or None,
        host=os.environ.get("HOST") or "127.0.0.1",
        port=_int("PORT", 5000),
        workers=_int("KANSLI_WORKERS", 2),
        max_upload_bytes=_int("KANSLI_MAX_UPLOAD_MB", 50) * 1024 * 1024,
        max_pages=_int("KANSLI_MAX_PAGES", 2000),
        job_timeout=_int("KANSLI_JOB_TIMEOUT", 600),
        max_attempts=_int("KANSLI_MAX_ATTEMPTS", 3),
        lease_seconds=_float("KANSLI_LEASE_SECONDS", 30.0),
        recovery_interval=_float("KANSLI_RECOVERY_INTERVAL", 10.0),
        worker_max_jobs=_int("KANSLI_WORKER_MAX_JOBS", 50),
        fixity_interval=_int("KANSLI_FIXITY_INTERVAL", 24 * 3600),
        unoserver_port=_int("KANSLI_UNOSERVER_PORT", 0) or None,
    )
    if prefix := os.environ.get("KANSLI_DNR_PREFIX"):
        values["dnr_prefix"] = prefix.strip()
    if name := os.environ.get("KANSLI_ORGANISATION", "").strip():
        values["organisation"] = name
    values["organisation_id"] = os.environ.get("KANSLI_ORGANISATION_ID", "").strip() or None
    if raw := os.environ.get("KANSLI_RETENTION"):
        values["retention"] = _retention(raw)
    if raw := os.environ.get("KANSLI_AGENCY_AREAS"):
        values["agency_areas"] = _agency_areas(raw)
    if os.environ.get("KANSLI_TEMPLATES_DIR"):
        values["templates_dir"] = Path(os.environ["KANSLI_TEMPLATES_DIR"])
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]
