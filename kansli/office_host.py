"""``python -m kansli.office_host UNOSERVER-ARGV…``: a resident LibreOffice that never outlives its worker.

unoserver starts LibreOffice's launcher, which starts soffice; neither dies with unoserver, and soffice
takes many seconds to heed a SIGTERM. This small host runs unoserver in its own process group and, when
told to stop or when its parent dies, kills the whole group at once. soffice also grows with every
document it converts and never gives the memory back, so once the group uses more than
``KANSLI_OFFICE_MAX_MB`` the host ends it; the supervisor then starts a fresh one (a conversion caught
in between falls back to a cold LibreOffice).
"""
from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from types import FrameType

import psutil

from kansli import config
from kansli.lifeline import die_with_parent

log = logging.getLogger("kansli.office")
#: How often the group's memory is looked at.
CHECK_EVERY = 10.0


def _end_group(_signum: int = signal.SIGTERM, _frame: FrameType | None = None) -> None:
    os.killpg(os.getpgrp(), signal.SIGKILL)  # this host included: nothing of the group is left


def group_rss_mb(root: psutil.Process) -> float:
    """Resident memory of a process and everything below it, in MB."""
    total = 0
    for proc in [root, *root.children(recursive=True)]:
        try:
            total += proc.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return total / (1024 * 1024)


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    if os.getpgrp() != os.getpid():  # the supervisor starts it as a group of its own; alone, make one
        os.setpgid(0, 0)
    die_with_parent(signal.SIGTERM)
    signal.signal(signal.SIGTERM, _end_group)
    signal.signal(signal.SIGINT, _end_group)
    limit = config.load().office_max_mb
    server = subprocess.Popen(argv)
    me = psutil.Process()
    while True:
        try:
            return server.wait(timeout=CHECK_EVERY)
        except subprocess.TimeoutExpired:
            used = group_rss_mb(me)
            if limit and used > limit:
                log.info("resident LibreOffice uses %.0f MB (limit %d MB); starting a fresh one", used, limit)
                _end_group()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
