"""The host of a resident LibreOffice: its whole process group ends with it, and it is replaced when it grows."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from helpers.processes import REPO, wait_for

#: Stands in for unoserver: a server that starts a child of its own (as unoserver starts soffice).
SERVER = [sys.executable, "-c", "import subprocess, time; subprocess.Popen(['sleep', '300']); time.sleep(300)"]


def host(env: dict[str, str] | None = None, parent: bool = False) -> subprocess.Popen:
    argv = [sys.executable, "-m", "kansli.office_host", *SERVER]
    if parent:  # started by a parent of its own, which the test can kill
        argv = [sys.executable, "-c", f"import subprocess, time; subprocess.Popen({argv!r}); time.sleep(300)"]
    return subprocess.Popen(argv, cwd=REPO, env={**os.environ, **(env or {})}, start_new_session=True)


def group_of(proc: subprocess.Popen) -> list[psutil.Process]:
    return wait_for(lambda: (kids := psutil.Process(proc.pid).children(recursive=True)) and
                    any("sleep" in k.cmdline() for k in kids) and kids, 20, what="the server and its child")


def gone(processes: list[psutil.Process]) -> bool:
    return all(not p.is_running() or p.status() == psutil.STATUS_ZOMBIE for p in processes)


def test_a_stop_ends_the_whole_group_at_once() -> None:
    proc = host()
    group = group_of(proc)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=10)
    assert wait_for(lambda: gone(group), 5, what="the group to end")


def test_the_group_ends_when_the_hosts_parent_is_killed() -> None:
    parent = host(parent=True)
    group = group_of(parent)
    parent.kill()
    parent.wait()
    assert wait_for(lambda: gone(group), 10, what="the group to end with the parent")


@pytest.mark.slow  # waits for the host's memory check
def test_a_host_grown_past_its_limit_ends_so_a_fresh_one_can_start(tmp_path: Path) -> None:
    proc = host({"KANSLI_OFFICE_MAX_MB": "1", "KANSLI_DATA_DIR": str(tmp_path)})
    group = group_of(proc)
    proc.wait(timeout=30)
    assert wait_for(lambda: gone(group), 5, what="the group to end")


def test_profiles_of_dead_owners_are_removed_and_their_libreoffice_ended(tmp_path: Path) -> None:
    """A killed supervisor cannot clean up; the next one on the host removes what it left, not what lives."""
    from kansli import office

    dead = subprocess.Popen(["true"])
    dead.wait()
    orphan_profile = tmp_path / office.profile_name(dead.pid, "office", 1)
    cold_profile = tmp_path / office.profile_name(dead.pid)
    live_profile = tmp_path / office.profile_name(os.getpid(), "office", 1)
    elsewhere = tmp_path / f"another-host-{dead.pid}-office-1"  # another host's worker shares the data folder
    for folder in (orphan_profile, cold_profile, live_profile, elsewhere):
        folder.mkdir()
    orphan = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)",
                               f"-env:UserInstallation=file://{orphan_profile}"])
    try:
        assert sorted(office.sweep_profiles(tmp_path)) == sorted([orphan_profile, cold_profile])
        assert orphan.wait(timeout=10) == -signal.SIGKILL  # the LibreOffice left using it is ended
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live_profile.name, elsewhere.name])
    finally:
        orphan.kill()
