"""Fixity: re-hash every archived package and every file in it against the digests the registry holds.

A mismatch means the archived copy is no longer the one that was registered; ``kansli fixity`` lists
each and exits 1, and the result of the last run shows on the registry page and in ``/api/health``.
"""
from __future__ import annotations

import hashlib
import io
import zipfile
import zlib

from sqlalchemy import select

from kansli.archive import package_id
from kansli.db import session_scope
from kansli.models import FixityRun, Registration
from kansli.registry.archiving import CASE_DESCRIPTION
from kansli.status import RegistrationStatus
from kansli.storage import Store


def check(database_url: str, store: Store) -> FixityRun:
    failures: list[str] = []
    checked = 0
    with session_scope(database_url) as session:
        for registration in session.scalars(select(Registration).where(Registration.status == RegistrationStatus.ARCHIVED)):
            if registration.package_sha256 is None:
                failures.append(f"{registration.dnr}: arkiverad men utan paket")
                continue
            path = store.path(registration.package_sha256)
            try:
                data = path.read_bytes()
            except OSError:
                failures.append(f"{registration.dnr}: paketet saknas ({path.name})")
                continue
            checked += 1
            if hashlib.sha256(data).hexdigest() != registration.package_sha256:
                failures.append(f"{registration.dnr}: paketet är ändrat")
            try:
                archive = zipfile.ZipFile(io.BytesIO(data))
            except zipfile.BadZipFile:
                failures.append(f"{registration.dnr}: paketet går inte att läsa")
                continue
            # a package is one folder, named for the registration or, in a case's package, for the case
            in_case = any(f.path == CASE_DESCRIPTION for f in registration.files)
            root = package_id(registration.case.dnr if in_case else registration.dnr)
            for file in registration.files:
                checked += 1
                try:
                    member = archive.read(f"{root}/{file.path}")
                except KeyError:
                    failures.append(f"{registration.dnr}: {file.path} saknas i paketet")
                    continue
                except (zipfile.BadZipFile, zlib.error, EOFError):  # a damaged member does not unpack at all
                    failures.append(f"{registration.dnr}: {file.path} går inte att läsa")
                    continue
                if hashlib.sha256(member).hexdigest() != file.sha256:
                    failures.append(f"{registration.dnr}: {file.path} är ändrad")
        run = FixityRun(checked=checked, failures=failures)
        session.add(run)
        session.flush()
        session.expunge(run)
    return run


def last_run(database_url: str) -> FixityRun | None:
    with session_scope(database_url) as session:
        run = session.scalar(select(FixityRun).order_by(FixityRun.id.desc()).limit(1))
        if run:
            session.expunge(run)
        return run
